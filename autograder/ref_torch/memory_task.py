"""PyTorch side of ``autograder.ref_numpy.memory_task`` (chapter 12_lstm): a plain RNN and an
LSTM trained on the same long-lag task, with the same optimizer, data and budget.

Training is here only: in NumPy the two models would take minutes, and the point of the
experiment is what each cell can learn, not how its gradient is computed (the chapter
checks that separately). Runs on ``autograder.device()`` unless told.
"""

import numpy as np
import torch

from autograder.ref_numpy.memory_task import first_sign
from autograder.ref_torch._util import pick, tensor
from autograder.ref_torch.lstm import torch_lstm_cell


class Reader(torch.nn.Module):
    """A recurrent layer (``torch.nn.RNN`` or ``torch.nn.LSTM``) read out after the last step."""

    def __init__(self, cell, inputs, hidden, classes, forget_bias=0.0):
        super().__init__()
        self.recurrent = getattr(torch.nn, cell)(inputs, hidden, batch_first=True)
        self.readout = torch.nn.Linear(hidden, classes)
        if cell == "LSTM" and forget_bias:
            with torch.no_grad():  # the forget gate is the second block of H in PyTorch's i, f, g, o
                self.recurrent.bias_hh_l0[hidden:2 * hidden] += forget_bias

    def forward(self, x):
        """x: (N, T, D) -> logits (N, classes) from the last hidden state."""
        out, _ = self.recurrent(x)
        return self.readout(out[:, -1])


def gradient_norm_by_lag(cell, x, params, seed=0, device=None):
    """As the NumPy reference, by autograd through ``torch.nn.LSTMCell`` (or the RNN cell).

    For each lag k the state k steps before the end is made a leaf and the remaining k
    steps are run again from it, so that ``.grad`` is the whole gradient on that state
    (for the LSTM: on c through the next step, as the reference measures it, since h is
    a separate leaf). -> dict(h=(T,), c=(T,) or None), entry k-1 for k steps back.
    """
    dev = pick(device)
    x = tensor(x, dev)
    n, steps, _ = x.shape
    H = params[1].shape[0]
    if cell == "rnn":
        Wx, Wh, b = (tensor(p, dev) for p in params)

        def step(x_t, h, c):
            return torch.tanh(x_t @ Wx + h @ Wh + b), c
    else:
        lstm_cell = torch_lstm_cell(*params, dev)

        def step(x_t, h, c):
            return lstm_cell(x_t, (h, c))
    g = torch.as_tensor(np.random.default_rng(seed).normal(size=(n, H)), dtype=x.dtype, device=dev)
    g = g / g.norm(dim=1, keepdim=True)
    with torch.no_grad():
        states = [(torch.zeros(n, H, dtype=x.dtype, device=dev),) * 2]
        for t in range(steps):
            states.append(step(x[:, t], *states[-1]))
    norms = dict(h=[], c=[])
    for k in range(1, steps + 1):
        h0, c0 = (s.clone().requires_grad_(True) for s in states[steps - k])
        h, c = h0, c0
        for t in range(steps - k, steps):
            h, c = step(x[:, t], h, c)
        (h * g).sum().backward()
        norms["h"].append(float(h0.grad.norm(dim=1).mean()))
        if cell == "lstm":
            norms["c"].append(float(c0.grad.norm(dim=1).mean()))
    return dict(h=np.array(norms["h"]), c=np.array(norms["c"]) if cell == "lstm" else None)


def accuracy(model, x, y):
    """Fraction of sequences whose first sign the model names."""
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def train(cell, steps, iterations=150, hidden=16, batch=64, lr=0.02, forget_bias=0.0, seed=0, noise=0.5,
          every=10, progress=None, device=None):
    """Adam on fresh batches of ``first_sign``, gradients clipped at norm 1.

    cell: "RNN" or "LSTM". Every ``every`` iterations the accuracy on 512 held-out
    sequences (seed 10**6) is recorded. -> (model, dict(iteration=[...], accuracy=[...], loss=[...])).
    """
    dev = pick(device)
    # Vanishing gradients are tiny numbers: as subnormal floats they make a CPU up to 5x slower.
    torch.set_flush_denormal(True)
    try:
        return _train(cell, steps, iterations, hidden, batch, lr, forget_bias, seed, noise, every, progress, dev)
    finally:
        torch.set_flush_denormal(False)  # PyTorch's default


def _train(cell, steps, iterations, hidden, batch, lr, forget_bias, seed, noise, every, progress, dev):
    torch.manual_seed(seed)
    model = Reader(cell, 2, hidden, 2, forget_bias).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    x_val, y_val = (torch.as_tensor(a, device=dev) for a in first_sign(512, steps, seed=10**6, noise=noise))
    history = dict(iteration=[], accuracy=[], loss=[])
    for it in (progress or range)(iterations):
        x, y = (torch.as_tensor(a, device=dev) for a in first_sign(batch, steps, seed=seed * 10**5 + it, noise=noise))
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        history["loss"].append(loss.item())
        if (it + 1) % every == 0:
            history["iteration"].append(it + 1)
            history["accuracy"].append(accuracy(model, x_val, y_val))
    return model, {k: np.array(v) for k, v in history.items()}
