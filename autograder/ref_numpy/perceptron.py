"""The perceptron (chapter 01_perceptron): a weighted sum, a bias and a step.

Convention of the lectures: the output is 1 when the weighted sum plus bias is
strictly greater than 0, else 0.
"""

import numpy as np

#: Gate weights ``(w, b)`` used in the book; any w, b with the same truth table work.
GATES = {
    "and": (np.array([0.5, 0.5]), -0.7),
    "or": (np.array([0.5, 0.5]), -0.2),
    "nand": (np.array([-0.5, -0.5]), 0.7),
}

#: The four inputs of a two-input gate, one per row: (4, 2).
GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def step(z):
    """Heaviside step with step(0) = 0. z: any shape -> same shape of 0.0/1.0."""
    return (np.asarray(z) > 0).astype(float)


def perceptron(X, w, b):
    """Outputs of one perceptron for a batch.

    X: (N, D) inputs, w: (D,) weights, b: scalar bias -> (N,) array of 0.0/1.0.
    """
    return step(X @ w + b)


def perceptron_update(w, b, x, y, lr):
    """One step of the perceptron learning rule on one example.

    w: (D,), b: scalar, x: (D,), y: target 0 or 1, lr: learning rate.
    Returns (new_w, new_b): w + lr (y - y_hat) x and b + lr (y - y_hat).
    The inputs are not modified.
    """
    error = y - step(x @ w + b)
    return w + lr * error * x, b + lr * error


def train_perceptron(X, y, lr=0.1, epochs=10, w0=None, b0=0.0):
    """Online training with the perceptron rule, examples in the given order.

    X: (N, D), y: (N,) of 0/1. Starts from w0 (zeros if None) and b0 and runs
    exactly ``epochs`` passes. Returns (w, b, errors) where errors: (epochs,)
    counts the examples misclassified (before their update) in each pass.
    """
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=float)
    b = float(b0)
    errors = np.zeros(epochs)
    for epoch in range(epochs):
        for x_i, y_i in zip(X, y):
            errors[epoch] += step(x_i @ w + b) != y_i
            w, b = perceptron_update(w, b, x_i, y_i, lr)
    return w, b, errors
