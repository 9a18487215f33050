"""Penalties and dropout (chapter 09_regularization).

Parameters come as the book's list of layers ``[(W1, b1), (W2, b2), ...]``
(``ref_numpy.mlp.init_params``); gradients come back in the same layout.
Only the weights are penalized: a bias shifts a unit's output and does not make
the function it computes any steeper, so it is left free (chapter 09 says why).
"""

import numpy as np


def l2_penalty(params, lam):
    """L2 penalty (lam / 2) * sum of W**2 over every weight matrix, and its gradient.

    params: [(W (n_in, n_out), b (n_out,)), ...], lam: the strength >= 0
    -> (penalty: float, [(dW, db), ...]) with dW = lam * W and db = 0 (biases are not penalized).
    The factor 1/2 makes the gradient lam * W, so one SGD step multiplies W by (1 - lr * lam).
    """
    penalty = 0.5 * lam * sum(float(np.sum(W * W)) for W, _ in params)
    grads = [(lam * W, np.zeros_like(b)) for W, b in params]
    return penalty, grads


def l1_penalty(params, lam):
    """L1 penalty lam * sum of |W| over every weight matrix, and its (sub)gradient.

    params: [(W, b), ...] -> (penalty: float, [(lam * sign(W), zeros like b), ...]);
    at W = 0 the subgradient 0 is taken, as ``np.sign`` and PyTorch's ``abs`` backward do.
    """
    penalty = lam * sum(float(np.sum(np.abs(W))) for W, _ in params)
    grads = [(lam * np.sign(W), np.zeros_like(b)) for W, b in params]
    return penalty, grads


def dropout_mask(shape, p, seed):
    """The keep-mask of inverted dropout: True where a unit is kept, with probability 1 - p.

    Made by exactly ``np.random.default_rng(seed).random(shape) >= p``, so that the
    reference, the PyTorch twin and the exercise draw the same mask for the same seed.
    """
    return np.random.default_rng(seed).random(shape) >= p


def dropout_forward(x, p, train, seed=None, mask=None):
    """Inverted dropout: drop each unit with probability p, scale the kept ones by 1 / (1 - p).

    x: any shape, p: drop probability in [0, 1), train: True while training (evaluation
    returns x unchanged), seed: makes the mask with ``dropout_mask(x.shape, p, seed)``,
    mask: a keep-mask of x's shape to use instead of the seed.
    -> (out like x, cache = the factor each entry was multiplied by, an array like x).
    """
    if not train:
        return x.copy(), np.ones_like(x)
    keep = dropout_mask(x.shape, p, seed) if mask is None else np.asarray(mask, dtype=bool)
    scale = keep / (1.0 - p)
    return x * scale, scale


def dropout_backward(dout, cache):
    """Backward pass of ``dropout_forward``: dout (like x), cache -> dx = dout * cache."""
    return dout * cache
