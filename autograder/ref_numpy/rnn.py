"""The vanilla recurrent network, forward and backward through time (chapter 11_rnn).

Cell: ``h_t = tanh(x_t Wx + h_{t-1} Wh + b)``. Batch-first shapes, as
``torch.nn.RNN(batch_first=True)``: a sequence ``x`` is (N, T, D), its hidden
states ``h`` are (N, T, H); ``Wx`` is (D, H), ``Wh`` is (H, H), ``b`` is (H,).
Caches are plain tuples of arrays (they cross the grader's pipe).
"""

import numpy as np


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """One time step.

    x: (N, D), h_prev: (N, H), Wx: (D, H), Wh: (H, H), b: (H,)
    -> (h_next (N, H), cache = (x, h_prev, Wx, Wh, b, h_next)).
    """
    h_next = np.tanh(x @ Wx + h_prev @ Wh + b)
    return h_next, (x, h_prev, Wx, Wh, b, h_next)


def rnn_step_backward(dh_next, cache):
    """Backward pass of one step: dh_next (N, H) is the gradient on h_next.

    -> (dx (N, D), dh_prev (N, H), dWx (D, H), dWh (H, H), db (H,)).
    tanh' is written with the output: 1 - h_next**2.
    """
    x, h_prev, Wx, Wh, _, h_next = cache
    da = dh_next * (1.0 - h_next**2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    """The whole sequence, unrolled.

    x: (N, T, D), h0: (N, H) -> (h (N, T, H), cache = (x, h0, Wx, Wh, b, h)).
    """
    n, steps, _ = x.shape
    h = np.empty((n, steps, h0.shape[1]), dtype=np.result_type(x, h0, Wx))
    prev = h0
    for t in range(steps):
        prev, _ = rnn_step_forward(x[:, t], prev, Wx, Wh, b)
        h[:, t] = prev
    return h, (x, h0, Wx, Wh, b, h)


def rnn_backward(dh, cache):
    """Backpropagation through time (역전파, 시간 방향).

    dh: (N, T, H), the gradient of the loss on every hidden state (from the layer
    above); cache from ``rnn_forward``. Walking back from t = T-1, the gradient on
    h_t is dh[:, t] plus what flows back from step t+1.
    -> (dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,)).
    """
    x, h0, Wx, Wh, b, h = cache
    dx = np.zeros_like(x, dtype=np.result_type(x, dh))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    carry = np.zeros_like(h0, dtype=np.result_type(h0, dh))
    for t in reversed(range(x.shape[1])):
        prev = h[:, t - 1] if t > 0 else h0
        step = (x[:, t], prev, Wx, Wh, b, h[:, t])
        dx[:, t], carry, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + carry, step)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, carry, dWx, dWh, db


def clip_grad_norm(grads, max_norm, eps=1e-6):
    """Scale every gradient by one factor so that their joint L2 norm is at most ``max_norm``.

    grads: list of arrays -> (clipped list, the norm before clipping). As
    ``torch.nn.utils.clip_grad_norm_``: factor = min(1, max_norm / (norm + eps)).
    """
    norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))
    factor = min(1.0, max_norm / (norm + eps))
    return [g * factor for g in grads], norm


def init_rnn(d, h, seed=0, scale=None):
    """Random parameters (Wx (d, h), Wh (h, h), b (h,)) as torch.nn.RNN draws them: U(-k, k), k = 1/sqrt(h)."""
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(h) if scale is None else scale
    return rng.uniform(-k, k, (d, h)), rng.uniform(-k, k, (h, h)), rng.uniform(-k, k, h)
