"""PyTorch twin of ``autograder.ref_numpy.vanishing`` (chapter 06_activations).

Same network and cost (see the NumPy module's docstring); the gradients come from
``torch.autograd`` instead of a hand-written backward pass.
"""

import torch

from autograder.ref_torch._util import pick, tensor
from autograder.ref_torch.activations import FUNCTIONS


def mlp_grads(X, Y, params, activation="sigmoid", device=None):
    """[(dW1, db1), ..., (dWL, dbL)] of C = mean((a^L - Y)^2), as tensors on ``device``.

    X: (N, n_0), Y: (N, n_L), params: [(W1, b1), ...] (NumPy arrays or tensors);
    activation: a name of ``activations.FUNCTIONS`` or an elementwise torch function.
    """
    dev = pick(device)
    f = FUNCTIONS[activation] if isinstance(activation, str) else activation
    leaves = [(tensor(W, dev).requires_grad_(True), tensor(b, dev).requires_grad_(True)) for W, b in params]
    a = tensor(X, dev)
    for l, (W, b) in enumerate(leaves):
        a = a @ W + b
        if l < len(leaves) - 1:  # the output layer stays linear
            a = f(a)
    cost = torch.mean((a - tensor(Y, dev)) ** 2)
    flat = torch.autograd.grad(cost, [p for pair in leaves for p in pair])
    return [(flat[2 * i], flat[2 * i + 1]) for i in range(len(leaves))]


def grad_norms_per_layer(X, Y, params, activation="sigmoid", device=None):
    """Frobenius norm of dC/dW^l for l = 1..L: (L,) tensor on ``device``."""
    grads = mlp_grads(X, Y, params, activation, device)
    return torch.stack([torch.linalg.norm(dW) for dW, _ in grads])


def activation_rms_per_layer(X, params, activation="sigmoid", device=None):
    """Root mean square of every layer's output (the last one linear): (L,) tensor on ``device``."""
    dev = pick(device)
    f = FUNCTIONS[activation] if isinstance(activation, str) else activation
    a, rms = tensor(X, dev), []
    for l, (W, b) in enumerate(params):
        a = a @ tensor(W, dev) + tensor(b, dev)
        if l < len(params) - 1:
            a = f(a)
        rms.append(torch.sqrt(torch.mean(a * a)))
    return torch.stack(rms)
