"""PyTorch twin of ``autograder.ref_numpy.sequences`` (chapter 11_rnn): the same regressor
with ``torch.nn.RNN``, the same initial weights, autograd and ``clip_grad_norm_``."""

import torch

from autograder.ref_numpy.sequences import init_regressor, noisy_sine  # noqa: F401  (same data, same start)
from autograder.ref_torch._util import pick, tensor
from autograder.ref_torch.rnn import torch_rnn


def train_regressor(x, y, hidden=16, lr=0.3, steps=300, seed=0, max_norm=1.0, progress=None, device=None):
    """As the NumPy reference, on ``device`` -> (rnn, (V, c), losses per step as a list)."""
    dev = pick(device)
    Wx, Wh, b, V, c = init_regressor(x.shape[-1], hidden, seed)
    rnn = torch_rnn(Wx, Wh, b, dev)
    rnn.bias_hh_l0.requires_grad_(False)  # the book has one bias: PyTorch's second one stays 0
    V, c = tensor(V, dev).requires_grad_(True), tensor(c, dev).requires_grad_(True)
    x, y = tensor(x, dev), tensor(y, dev)
    params = [p for p in rnn.parameters() if p.requires_grad] + [V, c]
    opt = torch.optim.SGD(params, lr=lr)
    losses = []
    for _ in (progress or range)(steps):
        opt.zero_grad()
        h, _ = rnn(x)
        loss = torch.mean((h @ V + c - y) ** 2)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, max_norm)
        opt.step()
        losses.append(loss.item())
    return rnn, (V, c), losses
