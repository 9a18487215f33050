"""Activation functions and their derivatives (chapter 06_activations; sigmoid from chapter 03).

Layer contract: ``<name>_forward(x) -> (out, cache)``, ``<name>_backward(dout, cache) -> dx``.
"""

import numpy as np


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), stable for large |x|. x: any shape."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_forward(x):
    """x: any shape -> (sigmoid(x), cache = sigmoid(x))."""
    out = sigmoid(x)
    return out, out


def sigmoid_backward(dout, cache):
    """dout: upstream gradient, cache: sigmoid output -> dx = dout * s * (1 - s)."""
    return dout * cache * (1.0 - cache)
