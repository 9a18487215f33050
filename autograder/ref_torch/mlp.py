"""PyTorch twin of ``autograder.ref_numpy.mlp`` (chapter 03_forward_mnist).

Same convention: one example per row, W^l of shape (n_{l-1}, n_l), z^l = a^{l-1} W^l + b^l.
(``torch.nn.Linear`` stores the transpose, (n_l, n_{l-1}), and computes x @ weight.T + bias.)
"""

import torch

from autograder.ref_numpy import mlp as np_mlp
from autograder.ref_torch._util import pick, tensor


def init_params(sizes, seed=0, scale=None, device=None):
    """The NumPy reference's initial [(W1, b1), ...] as float64 tensors on ``device``."""
    dev = pick(device)
    return [(tensor(W, dev), tensor(b, dev)) for W, b in np_mlp.init_params(sizes, seed, scale)]


def mlp_forward_cache(X, params, activation=torch.sigmoid, device=None):
    """X: (N, n_0) -> (a^L (N, n_L), cache = (zs, activations)) as tensors on ``device``."""
    dev = pick(device)
    activations, zs = [tensor(X, dev)], []
    for W, b in params:
        zs.append(activations[-1] @ tensor(W, dev) + tensor(b, dev))
        activations.append(activation(zs[-1]))
    return activations[-1], (zs, activations)


def mlp_forward(X, params, activation=torch.sigmoid, device=None):
    """X: (N, n_0), params: [(W1, b1), ...] -> output a^L: (N, n_L) tensor."""
    return mlp_forward_cache(X, params, activation, device)[0]


def predict(X, params, activation=torch.sigmoid, device=None):
    """X: (N, n_0) -> (N,) int64 tensor: the index of the largest output per row."""
    return torch.argmax(mlp_forward(X, params, activation, device), dim=1)
