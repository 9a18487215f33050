"""Activation functions and their derivatives (chapter 06_activations; sigmoid from chapter 03).

Layer contract: ``<name>_forward(x) -> (out, cache)``, ``<name>_backward(dout, cache) -> dx``.
Every function takes an array of any shape and works elementwise; ``dout`` and ``dx``
have the shape of ``x``.

Where a function has a kink (ReLU and Leaky ReLU at 0, ELU at 0 when alpha != 1) the
backward pass uses the slope of the left side, x <= 0, as PyTorch does: ReLU'(0) = 0,
LeakyReLU'(0) = alpha, ELU'(0) = alpha.
"""

import numpy as np


def floating(x):
    """x as a floating array: float32 and float64 stay as they are, anything else becomes float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(float)


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), stable for large |x|. x: any shape."""
    x = floating(x)
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_forward(x):
    """x: any shape -> (sigmoid(x), cache = sigmoid(x))."""
    out = sigmoid(x)
    return out, out


def sigmoid_backward(dout, cache):
    """dout: upstream gradient, cache: sigmoid output -> dx = dout * s * (1 - s)."""
    return dout * cache * (1.0 - cache)


def tanh_forward(x):
    """x: any shape -> (tanh(x), cache = tanh(x)). tanh(x) = 2 sigmoid(2x) - 1."""
    out = np.tanh(np.asarray(x, dtype=float))
    return out, out


def tanh_backward(dout, cache):
    """dout: upstream gradient, cache: tanh output t -> dx = dout * (1 - t^2)."""
    return dout * (1.0 - cache * cache)


def relu_forward(x):
    """x: any shape -> (max(0, x), cache = x)."""
    x = np.asarray(x, dtype=float)
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    """dout: upstream gradient, cache: x -> dx = dout where x > 0, else 0 (also at x == 0)."""
    return np.where(cache > 0, dout, 0.0)


def leaky_relu_forward(x, alpha=0.01):
    """x: any shape -> (x if x > 0 else alpha * x, cache = (x, alpha))."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * x), (x, alpha)


def leaky_relu_backward(dout, cache):
    """dout: upstream gradient, cache: (x, alpha) -> dx = dout * (1 if x > 0 else alpha)."""
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha)


def elu_forward(x, alpha=1.0):
    """x: any shape -> (x if x > 0 else alpha * (exp(x) - 1), cache = (x, alpha))."""
    x = np.asarray(x, dtype=float)
    neg = np.minimum(x, 0.0)  # exp sees only x <= 0: no overflow for large positive x
    return np.where(x > 0, x, alpha * np.expm1(neg)), (x, alpha)


def elu_backward(dout, cache):
    """dout: upstream gradient, cache: (x, alpha) -> dx = dout * (1 if x > 0 else alpha * exp(x))."""
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


#: name -> (forward, backward) with default parameters (alpha = 0.01 for Leaky ReLU, 1 for ELU).
ACTIVATIONS = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "relu": (relu_forward, relu_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "elu": (elu_forward, elu_backward),
}
