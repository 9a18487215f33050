"""PyTorch twin of ``autograder.ref_numpy.perceptron`` (chapter 01_perceptron)."""

import torch

from autograder.ref_torch._util import pick, tensor


def step(z):
    """Heaviside step with step(0) = 0. z: tensor -> same shape of 0.0/1.0."""
    return (z > 0).to(z.dtype)


def perceptron(X, w, b, device=None):
    """X: (N, D), w: (D,), b: scalar -> (N,) tensor of 0.0/1.0 on ``device``."""
    dev = pick(device)
    return step(tensor(X, dev) @ tensor(w, dev) + tensor(b, dev))


def perceptron_update(w, b, x, y, lr, device=None):
    """One step of the perceptron rule; returns (new_w, new_b) as tensors."""
    dev = pick(device)
    w, b, x = tensor(w, dev), tensor(b, dev), tensor(x, dev)
    error = tensor(y, dev) - step(x @ w + b)
    return w + lr * error * x, b + lr * error


def train_perceptron(X, y, lr=0.1, epochs=10, w0=None, b0=0.0, device=None):
    """Online perceptron training; returns (w, b, errors) as tensors on ``device``."""
    dev = pick(device)
    X, y = tensor(X, dev), tensor(y, dev)
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=dev) if w0 is None else tensor(w0, dev)
    b = tensor(b0, dev)
    errors = torch.zeros(epochs, dtype=X.dtype, device=dev)
    for epoch in range(epochs):
        for x_i, y_i in zip(X, y):
            errors[epoch] += (step(x_i @ w + b) != y_i).to(X.dtype)
            w, b = perceptron_update(w, b, x_i, y_i, lr, dev)
    return w, b, errors
