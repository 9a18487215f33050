"""A task where memory matters, and a recurrent regressor trained on it (chapter 11_rnn).

The task: read a noisy sine wave one sample at a time and predict the next clean
sample. The same value of the input belongs to a rising and a falling part of the
wave, so a model that sees only the current sample cannot know which way it goes;
a recurrent network can, from the samples before.
"""

import numpy as np

from autograder.ref_numpy.rnn import clip_grad_norm, init_rnn, rnn_backward, rnn_forward


def noisy_sine(n, steps, seed=0, noise=0.1):
    """n waves of ``steps`` samples with random phase and frequency.

    -> (x (n, steps, 1) noisy samples, y (n, steps, 1) the next clean sample).
    """
    rng = np.random.default_rng(seed)
    freq = rng.uniform(0.15, 0.35, (n, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    t = np.arange(steps + 1)
    clean = np.sin(freq * t + phase)
    x = clean[:, :-1] + noise * rng.normal(size=(n, steps))
    return x[..., None], clean[:, 1:, None]


def init_regressor(d, h, seed=0):
    """Parameters [Wx, Wh, b, V, c] of an RNN with a linear readout (V: (h, 1), c: (1,))."""
    Wx, Wh, b = init_rnn(d, h, seed)
    rng = np.random.default_rng(seed + 1)
    k = 1.0 / np.sqrt(h)
    return [Wx, Wh, b, rng.uniform(-k, k, (h, 1)), rng.uniform(-k, k, 1)]


def regressor_loss(params, x, y):
    """Mean squared error of the readout h_t V + c against y, and gradients.

    x: (N, T, D), y: (N, T, 1) -> (loss, [dWx, dWh, db, dV, dc]).
    """
    Wx, Wh, b, V, c = params
    h0 = np.zeros((x.shape[0], Wh.shape[0]))
    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    err = h @ V + c - y
    loss = float(np.mean(err**2))
    dpred = 2 * err / err.size
    dh = dpred @ V.T
    dWx, dWh, db = rnn_backward(dh, cache)[2:]
    dV = h.reshape(-1, h.shape[-1]).T @ dpred.reshape(-1, 1)
    return loss, [dWx, dWh, db, dV, dpred.sum(axis=(0, 1))]


def train_regressor(
    x, y, hidden=16, lr=0.3, steps=300, seed=0, max_norm=1.0, progress=None
):
    """Full-batch gradient descent, gradients clipped -> (params, losses)."""
    params = init_regressor(x.shape[-1], hidden, seed)
    losses = []
    for _ in (progress or range)(steps):
        loss, grads = regressor_loss(params, x, y)
        grads, _ = clip_grad_norm(grads, max_norm)
        params = [p - lr * g for p, g in zip(params, grads)]
        losses.append(loss)
    return params, np.array(losses)


def gradient_norm_by_lag(x, h0, Wx, Wh, b, seed=0):
    """Mean ‖∂L/∂h_{T-1-k}‖ for the lags k = 1..T, when the loss sees only the last state.

    x: (N, T, D); states are h_0 (= h0) .. h_T. The gradient on the last state is a
    random unit vector per sequence; backpropagation through time carries it back
    k steps. -> (T,) norms, entry k-1 for lag k.
    """
    n, steps, _ = x.shape
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    g = np.random.default_rng(seed).normal(size=h0.shape)
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    norms = []
    for k in range(steps):
        start = steps - 1 - k  # the loss sees h[:, -1]; h[:, start - 1] is the state k steps back
        prev = h[:, start - 1] if start > 0 else h0
        dh = np.zeros((n, k + 1, h.shape[-1]))
        dh[:, -1] = g
        _, cache = rnn_forward(x[:, start:], prev, Wx, Wh, b)
        dprev = rnn_backward(dh, cache)[1]
        norms.append(float(np.mean(np.linalg.norm(dprev, axis=1))))
    return np.array(norms)
