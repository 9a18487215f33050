"""PyTorch twin of ``autograder.ref_numpy.optim``: each step runs ``torch.optim`` itself.

A step builds a one-parameter optimizer (``foreach=False``: the plain per-tensor code)
with the given hyperparameters, loads ``state`` into ``optimizer.state[p]``, sets
``p.grad = dw`` and calls ``optimizer.step()``. The state uses torch's own keys, the same
as the NumPy reference's, so the two can be compared entry by entry. Changing ``lr``
between calls is what a learning-rate scheduler does to ``param_groups[0]["lr"]``.
"""

import torch

from autograder.ref_torch._util import pick, tensor


def sgd_step(w, dw, state=None, lr=0.1, device=None):
    """w, dw: same shape -> (w - lr * dw as a new tensor on ``device``, state unchanged)."""
    dev = pick(device)
    return tensor(w, dev) - lr * tensor(dw, dev), state


def _run(make, w, dw, state, device):
    """One ``optimizer.step()`` of ``make([p])`` on p = w with p.grad = dw and ``state`` loaded.

    -> (next_w tensor, new state: dict of tensors, ``step`` as a Python int).
    """
    dev = pick(device)
    p = torch.nn.Parameter(tensor(w, dev).clone())
    p.grad = tensor(dw, dev).to(p.dtype)
    opt = make([p])
    if state:
        opt.state[p] = {k: _state_value(k, v, p) for k, v in state.items()}
    opt.step()
    new = {k: (int(v.item()) if k == "step" else v.detach().clone()) for k, v in opt.state[p].items()}
    return p.detach(), new


def _state_value(key, value, p):
    """A state entry as torch keeps it: ``step`` a float32 CPU scalar, buffers like p."""
    if key == "step":
        return torch.tensor(float(value), dtype=torch.float32)
    return tensor(value, p.device).to(p.dtype).clone()


def momentum_step(w, dw, state=None, lr=0.01, momentum=0.9, nesterov=False, device=None):
    """torch.optim.SGD(lr, momentum, dampening=0, nesterov) -> (next_w, {"momentum_buffer"})."""
    def make(ps):
        return torch.optim.SGD(ps, lr=lr, momentum=momentum, dampening=0, nesterov=nesterov, foreach=False)
    return _run(make, w, dw, state, device)


def adagrad_step(w, dw, state=None, lr=0.01, eps=1e-10, device=None):
    """torch.optim.Adagrad(lr, eps) -> (next_w, {"sum", "step"})."""
    def make(ps):
        return torch.optim.Adagrad(ps, lr=lr, eps=eps, foreach=False)
    if not state:  # Adagrad creates its accumulator in the constructor, not in step()
        state = {"sum": torch.zeros_like(tensor(w, pick(device))), "step": 0}
    return _run(make, w, dw, state, device)


def rmsprop_step(w, dw, state=None, lr=0.01, alpha=0.99, eps=1e-8, device=None):
    """torch.optim.RMSprop(lr, alpha, eps) -> (next_w, {"square_avg", "step"})."""
    def make(ps):
        return torch.optim.RMSprop(ps, lr=lr, alpha=alpha, eps=eps, foreach=False)
    return _run(make, w, dw, state, device)


def adam_step(w, dw, state=None, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8,
              weight_decay=0.0, decoupled=False, device=None):
    """torch.optim.Adam, or torch.optim.AdamW when ``decoupled`` -> (next_w, {"step", "exp_avg", "exp_avg_sq"})."""
    kind = torch.optim.AdamW if decoupled else torch.optim.Adam

    def make(ps):
        return kind(ps, lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay, foreach=False)
    return _run(make, w, dw, state, device)
