"""The LSTM cell, forward and backward, one step and a whole sequence (chapter 12_lstm).

Gates in PyTorch's order: input i, forget f, candidate g, output o. With
``a = x Wx + h_prev Wh + b`` split into four blocks of H columns,

    i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
    c = f ⊙ c_prev + i ⊙ g,   h = o ⊙ tanh(c).

Shapes: x (N, D), h and c (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,); sequences are
batch first, (N, T, D). ``torch.nn.LSTM`` stores ``weight_ih_l0 = Wx.T`` and
``weight_hh_l0 = Wh.T`` and two biases whose sum is ``b``. Caches are plain tuples.
"""

import numpy as np


def sigmoid(z):
    """Logistic function without overflow for large |z|."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One step -> (h (N, H), c (N, H), cache = (x, h_prev, c_prev, Wx, Wh, b, gates, c)).

    gates: (N, 4H), the activated [i, f, g, o] side by side.
    """
    a = x @ Wx + h_prev @ Wh + b
    H = h_prev.shape[1]
    gates = np.concatenate([sigmoid(a[:, :2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])], axis=1)
    i, f, g, o = np.split(gates, 4, axis=1)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c, (x, h_prev, c_prev, Wx, Wh, b, gates, c)


def lstm_step_backward(dh, dc, cache):
    """Backward pass of one step; dh, dc: (N, H), the gradients on h and on c.

    -> (dx (N, D), dh_prev (N, H), dc_prev (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,)).
    The cell state gets the gradient from h (through o ⊙ tanh(c)) plus ``dc`` from later.
    """
    x, h_prev, c_prev, Wx, Wh, _, gates, c = cache
    i, f, g, o = np.split(gates, 4, axis=1)
    tc = np.tanh(c)
    dc_total = dc + dh * o * (1.0 - tc**2)
    da = np.concatenate([dc_total * g * i * (1 - i), dc_total * c_prev * f * (1 - f),
                         dc_total * i * (1 - g**2), dh * tc * o * (1 - o)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc_total * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def lstm_forward(x, h0, c0, Wx, Wh, b):
    """The whole sequence, unrolled.

    x: (N, T, D), h0, c0: (N, H) -> (h (N, T, H), cache = (x, h0, c0, Wx, Wh, b, gates (N, T, 4H), c (N, T, H), h)).
    """
    n, steps, _ = x.shape
    H = h0.shape[1]
    h = np.empty((n, steps, H), dtype=np.result_type(x, h0, Wx))
    c, gates = np.empty_like(h), np.empty((n, steps, 4 * H), dtype=h.dtype)
    h_t, c_t = h0, c0
    for t in range(steps):
        h_t, c_t, step = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        h[:, t], c[:, t], gates[:, t] = h_t, c_t, step[6]
    return h, (x, h0, c0, Wx, Wh, b, gates, c, h)


def lstm_backward(dh, cache):
    """Backpropagation through time; dh: (N, T, H), the gradient on every hidden state.

    -> (dx (N, T, D), dh0 (N, H), dc0 (N, H), dWx, dWh, db).
    """
    x, h0, c0, Wx, Wh, b, gates, c, h = cache
    dx = np.zeros(x.shape, dtype=np.result_type(x, dh))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
    for t in reversed(range(x.shape[1])):
        h_prev, c_prev = (h[:, t - 1], c[:, t - 1]) if t > 0 else (h0, c0)
        step = (x[:, t], h_prev, c_prev, Wx, Wh, b, gates[:, t], c[:, t])
        dx[:, t], dh_next, dc_next, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dh_next, dc_next, step)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_next, dc_next, dWx, dWh, db


def init_lstm(d, h, seed=0, forget_bias=0.0):
    """(Wx (d, 4h), Wh (h, 4h), b (4h,)) drawn as torch.nn.LSTM does, U(-k, k) with k = 1/sqrt(h).

    forget_bias is added to the forget gate's block of b (1.0 is a common choice).
    """
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(h)
    b = rng.uniform(-k, k, 4 * h)
    b[h:2 * h] += forget_bias
    return rng.uniform(-k, k, (d, 4 * h)), rng.uniform(-k, k, (h, 4 * h)), b
