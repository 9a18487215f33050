"""Optimizer steps (chapter 05_backprop: gradient descent; chapter 08_optimizers: the rest).

Contract: ``<name>_step(w, dw, state, **hyperparameters) -> (next_w, state)``.

- ``w``, ``dw``: arrays of one shape (a parameter and its gradient); ``w`` is never changed.
- ``state``: what the optimizer remembers between steps for this one parameter. It is
  ``None`` (or ``{}``) on the first call; afterwards pass back the state the previous
  call returned. It is plain data, a dict with str keys holding NumPy arrays and
  numbers, so it can be saved or sent between processes. A step returns a NEW dict and
  leaves the given one unchanged. Keys follow PyTorch's ``optimizer.state[p]``
  (``momentum_buffer``, ``square_avg``, ``sum``, ``exp_avg``, ``exp_avg_sq``, ``step``).
- Hyperparameters are those of ``torch.optim`` with its conventions, which the twin in
  ``autograder.ref_torch.optim`` runs: the learning rate multiplies the whole update
  (not the velocity), epsilon is added outside the square root, and dampening is 0.
"""

import numpy as np


def sgd_step(w, dw, state=None, lr=0.1):
    """One step of gradient descent, w - lr * dw.

    w: any shape, dw: same shape, state: passed through unchanged (SGD keeps none),
    lr: learning rate -> (next_w of w's shape, state).
    """
    return w - lr * dw, state


def _get(state, key, like):
    """state[key], or zeros like ``like`` when the state is empty (the first step)."""
    return np.zeros_like(like, dtype=float) if not state or key not in state else state[key]


def momentum_step(w, dw, state=None, lr=0.01, momentum=0.9, nesterov=False):
    """SGD with (Nesterov) momentum, as torch.optim.SGD(momentum=..., dampening=0).

    v <- momentum * v + dw  (v = dw on the first step);
    plain:    w <- w - lr * v;
    Nesterov: w <- w - lr * (dw + momentum * v), the gradient plus the look-ahead of v
    (torch.optim.SGD refuses nesterov=True with momentum 0; here it is plain SGD).
    state: {"momentum_buffer": v (w's shape)} -> (next_w, new state).
    """
    v = momentum * _get(state, "momentum_buffer", w) + dw
    direction = dw + momentum * v if nesterov else v
    return w - lr * direction, {"momentum_buffer": v}


def adagrad_step(w, dw, state=None, lr=0.01, eps=1e-10):
    """AdaGrad, as torch.optim.Adagrad (no lr_decay, initial accumulator 0).

    G <- G + dw^2 (elementwise); w <- w - lr * dw / (sqrt(G) + eps).
    state: {"sum": G, "step": t} -> (next_w, new state).
    """
    total = _get(state, "sum", w) + dw * dw
    step = (state or {}).get("step", 0) + 1
    return w - lr * dw / (np.sqrt(total) + eps), {"sum": total, "step": step}


def rmsprop_step(w, dw, state=None, lr=0.01, alpha=0.99, eps=1e-8):
    """RMSprop, as torch.optim.RMSprop (not centered, no momentum).

    s <- alpha * s + (1 - alpha) * dw^2 (s starts at 0, no bias correction);
    w <- w - lr * dw / (sqrt(s) + eps).
    state: {"square_avg": s, "step": t} -> (next_w, new state).
    """
    s = alpha * _get(state, "square_avg", w) + (1 - alpha) * dw * dw
    step = (state or {}).get("step", 0) + 1
    return w - lr * dw / (np.sqrt(s) + eps), {"square_avg": s, "step": step}


def adam_step(w, dw, state=None, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8,
              weight_decay=0.0, decoupled=False):
    """Adam (torch.optim.Adam), or AdamW (torch.optim.AdamW) when ``decoupled``.

    t <- t + 1 (the first step has t = 1);
    L2 (Adam):      g = dw + weight_decay * w, then the moments below use g;
    decoupled (W):  w is first shrunk to w * (1 - lr * weight_decay), and g = dw;
    m <- beta1 * m + (1 - beta1) * g,   v <- beta2 * v + (1 - beta2) * g^2;
    m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t);
    w <- w - lr * m_hat / (sqrt(v_hat) + eps).
    state: {"step": t, "exp_avg": m, "exp_avg_sq": v} -> (next_w, new state).
    """
    step = (state or {}).get("step", 0) + 1
    if decoupled:
        w, g = w * (1 - lr * weight_decay), dw
    else:
        g = dw + weight_decay * w
    m = beta1 * _get(state, "exp_avg", w) + (1 - beta1) * g
    v = beta2 * _get(state, "exp_avg_sq", w) + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1 ** step), v / (1 - beta2 ** step)
    next_w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return next_w, {"step": step, "exp_avg": m, "exp_avg_sq": v}
