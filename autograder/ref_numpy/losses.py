"""Softmax and loss functions (chapter 04_softmax_losses; MSE from chapter 03).

Conventions: one example per row, classes along the last axis. Every loss
returns the mean over the batch (a float), like ``torch.nn.functional``'s
default ``reduction="mean"``. Classification losses take **logits** (raw
scores, any real numbers) and are computed stably for logits of any size.
"""

import numpy as np


def softmax(logits):
    """Row-wise softmax, stable for huge logits. logits: (..., C) -> same shape, rows sum to 1.

    Subtracting each row's max changes nothing mathematically (softmax is
    shift-invariant) but keeps every exponent <= 0, so exp cannot overflow.
    """
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def logsumexp(logits):
    """log(sum(exp(z))) over the last axis, stable. logits: (..., C) -> (...)."""
    z = np.asarray(logits, dtype=float)
    m = np.max(z, axis=-1, keepdims=True)
    return np.squeeze(m, axis=-1) + np.log(np.sum(np.exp(z - m), axis=-1))


def log_softmax(logits):
    """log(softmax(z)) without taking the log of a probability. (..., C) -> same shape.

    log softmax(z)_k = z_k - logsumexp(z); finite wherever z is, even where
    softmax(z)_k underflows to 0.
    """
    z = np.asarray(logits, dtype=float)
    return z - logsumexp(z)[..., None]


def cross_entropy(logits, labels):
    """Mean cross-entropy from logits, as torch.nn.functional.cross_entropy.

    logits: (N, C) raw scores, labels: (N,) integer classes in [0, C).
    Returns -mean_n log softmax(logits[n])[labels[n]] (a float).
    """
    logp = log_softmax(logits)
    labels = np.asarray(labels, dtype=int)
    return float(-np.mean(logp[np.arange(logp.shape[0]), labels]))


def binary_cross_entropy(logits, targets):
    """Mean binary cross-entropy from logits, as F.binary_cross_entropy_with_logits.

    logits, targets: same shape, targets in [0, 1]. With p = sigmoid(z),
    -[t log p + (1 - t) log(1 - p)] = softplus(z) - t z, and
    softplus(z) = max(z, 0) + log(1 + exp(-|z|)) never overflows.
    """
    z = np.asarray(logits, dtype=float)
    t = np.asarray(targets, dtype=float)
    return float(np.mean(np.maximum(z, 0.0) - t * z + np.log1p(np.exp(-np.abs(z)))))


def mae(pred, target):
    """Mean absolute error: mean over all entries of |pred - target|, as F.l1_loss."""
    diff = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float(np.mean(np.abs(diff)))


def mse(pred, target):
    """Mean squared error: mean over all entries of (pred - target)^2. pred, target: same shape."""
    diff = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float(np.mean(diff * diff))


def rmse(pred, target):
    """Root mean squared error: sqrt(mse), in the units of the data."""
    return float(np.sqrt(mse(pred, target)))
