"""PyTorch side of ``autograder.ref_numpy.memory_task`` (chapter 12_lstm): a plain RNN and an
LSTM trained on the same long-lag task, with the same optimizer, data and budget.

Training is here only: in NumPy the two models would take minutes, and the point of the
experiment is what each cell can learn, not how its gradient is computed (the chapter
checks that separately). Runs on ``autograder.device()`` unless told.
"""

import numpy as np
import torch

from autograder.ref_numpy.memory_task import first_sign
from autograder.ref_torch._util import pick


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
