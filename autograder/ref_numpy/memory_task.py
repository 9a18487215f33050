"""A long-lag task and the gradient that reaches far back in time (chapter 12_lstm).

The task: the first step of a sequence carries a sign, ±1, and a marker; every later
step carries only noise. The label, asked for after the last step, is the first sign.
Nothing in between helps: a model must keep one bit for ``steps - 1`` steps while
noise keeps arriving. Training on it is in the PyTorch twin (``ref_torch.memory_task``).
"""

import numpy as np

from autograder.ref_numpy.lstm import lstm_forward, lstm_step_backward
from autograder.ref_numpy.rnn import rnn_forward, rnn_step_backward


def first_sign(n, steps, seed=0, noise=0.5):
    """n sequences of ``steps`` steps -> (x, y).

    x: (n, steps, 2) float32; y: (n,) labels 0 or 1.

    x[:, 0] = (2y - 1, 1): the sign to remember and a marker that says "this is
    the first step"; x[:, t > 0] = (noise · N(0, 1), 0).
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = np.zeros((n, steps, 2))
    x[:, :, 0] = noise * rng.normal(size=(n, steps))
    x[:, 0, 0] = 2.0 * y - 1.0
    x[:, 0, 1] = 1.0
    return x.astype(np.float32), y


def gradient_norm_by_lag(cell, x, params, seed=0):
    """Mean ‖∂L/∂h‖ (and, for the LSTM, ‖∂L/∂c‖) on the state k steps before the last one.

    cell: "rnn" or "lstm"; params: that cell's (Wx, Wh, b); x: (N, T, D); the states
    start from zeros. The loss sees only the last hidden state: its gradient there is a
    random unit vector per sequence, and the step backward functions carry it back one
    step at a time (for the LSTM with the gradient on the cell state beside it). Both are
    gradients on the states carried into the next step, the pair (h, c) taken as inputs.
    -> dict(h=(T,), c=(T,) or None): entry k-1 for the state k steps back (k = 1..T).
    """
    n, steps, _ = x.shape
    zeros = np.zeros((n, params[1].shape[0]))
    dh = np.random.default_rng(seed).normal(size=zeros.shape)
    dh /= np.linalg.norm(dh, axis=1, keepdims=True)
    dc = zeros
    if cell == "rnn":
        h, _ = rnn_forward(x, zeros, *params)
    else:
        h, (*_, gates, c, _) = lstm_forward(x, zeros, zeros, *params)
    norms = dict(h=[], c=[])
    for t in reversed(range(steps)):
        h_prev = h[:, t - 1] if t > 0 else zeros
        if cell == "rnn":
            dh = rnn_step_backward(dh, (x[:, t], h_prev, *params, h[:, t]))[1]
        else:
            c_prev = c[:, t - 1] if t > 0 else zeros
            _, dh, dc, *_ = lstm_step_backward(dh, dc, (x[:, t], h_prev, c_prev, *params, gates[:, t], c[:, t]))
            norms["c"].append(float(np.mean(np.linalg.norm(dc, axis=1))))
        norms["h"].append(float(np.mean(np.linalg.norm(dh, axis=1))))
    return dict(h=np.array(norms["h"]), c=np.array(norms["c"]) if cell == "lstm" else None)
