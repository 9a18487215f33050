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

    x: (N, T, D), h0, c0: (N, H)
    -> (h (N, T, H), cache = (x, h0, c0, Wx, Wh, b, gates (N, T, 4H), c (N, T, H), h)).
    gates[:, t] and c[:, t] are what ``lstm_step_forward`` computes at step t.
    """
    n, steps, d = x.shape
    H = h0.shape[1]
    dtype = np.result_type(x, h0, c0, Wx, Wh, b)
    # Why not call lstm_step_forward T times: the input part x_t Wx of every step is one
    # matrix product over all steps at once, and the buffers are time-major and allocated
    # once, so each step does one product (h_{t-1} Wh) and writes into memory it owns.
    # The sigmoid is computed as σ(z) = (1 + tanh(z/2)) / 2 (exact, and it cannot
    # overflow): with the sigmoid columns of Wx, Wh and b halved beforehand, one tanh
    # activates all four blocks of a step.
    half = np.where(np.arange(4 * H) // H == 2, 1.0, 0.5).astype(dtype)
    gates = (x.transpose(1, 0, 2).reshape(steps * n, d) @ (Wx * half) + b * half).astype(dtype, copy=False)
    gates = gates.reshape(steps, n, 4 * H)
    Wh_half = (Wh * half).astype(dtype, copy=False)
    c, h = np.empty((steps, n, H), dtype), np.empty((steps, n, H), dtype)
    h_t, c_t = h0, c0
    for t in range(steps):
        a = gates[t]
        a += h_t @ Wh_half
        np.tanh(a, out=a)
        a[:, :2 * H] = 0.5 * a[:, :2 * H] + 0.5
        a[:, 3 * H:] = 0.5 * a[:, 3 * H:] + 0.5
        np.multiply(a[:, H:2 * H], c_t, out=c[t])
        c[t] += a[:, :H] * a[:, 2 * H:3 * H]
        np.multiply(a[:, 3 * H:], np.tanh(c[t]), out=h[t])
        h_t, c_t = h[t], c[t]
    gates, c, h = (v.transpose(1, 0, 2) for v in (gates, c, h))  # batch-first views, no copy
    return h, (x, h0, c0, Wx, Wh, b, gates, c, h)


def lstm_backward(dh, cache):
    """Backpropagation through time; dh: (N, T, H), the gradient on every hidden state.

    -> (dx (N, T, D), dh0 (N, H), dc0 (N, H), dWx, dWh, db).
    Walking back from the last step, the gradient on h_t is dh[:, t] plus dh_prev of
    step t+1, and the gradient on c_t is dc_prev of step t+1 (zero after the last step).
    """
    x, h0, c0, Wx, Wh, b, gates, c, h = cache
    n, steps, d = x.shape
    H = h0.shape[1]
    dtype = np.result_type(dh, gates)
    # The gradients on the pre-activations of every step, time-major; the products with
    # x and with h_{t-1} that do not feed the recursion are done once, after the loop.
    da = np.empty((steps, n, 4 * H), dtype)
    dh_next, dc_next = np.zeros((n, H), dtype), np.zeros((n, H), dtype)
    WhT = np.ascontiguousarray(Wh.T)
    for t in reversed(range(steps)):
        i, f, g, o = (gates[:, t, k * H:(k + 1) * H] for k in range(4))
        tc = np.tanh(c[:, t])
        g_h = dh[:, t] + dh_next
        dc_total = dc_next + g_h * o * (1.0 - tc * tc)
        c_prev = c[:, t - 1] if t > 0 else c0
        da[t, :, :H] = dc_total * g * i * (1.0 - i)
        da[t, :, H:2 * H] = dc_total * c_prev * f * (1.0 - f)
        da[t, :, 2 * H:3 * H] = dc_total * i * (1.0 - g * g)
        da[t, :, 3 * H:] = g_h * tc * o * (1.0 - o)
        dh_next, dc_next = da[t] @ WhT, dc_total * f
    flat = da.reshape(steps * n, 4 * H)
    h_prev = np.concatenate([h0[None], h.transpose(1, 0, 2)[:-1]]).reshape(steps * n, H)
    dx = (flat @ Wx.T).reshape(steps, n, d).transpose(1, 0, 2)
    x_flat = x.transpose(1, 0, 2).reshape(steps * n, d)
    return dx, dh_next, dc_next, x_flat.T @ flat, h_prev.T @ flat, flat.sum(axis=0)


def init_lstm(d, h, seed=0, forget_bias=0.0):
    """(Wx (d, 4h), Wh (h, 4h), b (4h,)), every entry drawn from U(-k, k) with k = 1/sqrt(h).

    The weights follow torch.nn.LSTM's scheme; its bias is the sum of two such draws
    (bias_ih + bias_hh, spread over (-2k, 2k)), this one a single draw.
    forget_bias is added to the forget gate's block of b (1.0 is a common choice).
    """
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(h)
    b = rng.uniform(-k, k, 4 * h)
    b[h:2 * h] += forget_bias
    return rng.uniform(-k, k, (d, 4 * h)), rng.uniform(-k, k, (h, 4 * h)), b
