"""PyTorch twin of ``autograder.ref_numpy.optim`` (chapter 05_backprop)."""

from autograder.ref_torch._util import pick, tensor


def sgd_step(w, dw, state=None, lr=0.1, device=None):
    """w, dw: same shape -> (w - lr * dw as a new tensor on ``device``, state unchanged)."""
    dev = pick(device)
    return tensor(w, dev) - lr * tensor(dw, dev), state
