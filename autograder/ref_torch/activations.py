"""PyTorch twin of ``autograder.ref_numpy.activations`` (chapter 06_activations).

``<name>_forward(x, device=None) -> (out, cache)`` where the cache holds the input as a
leaf tensor and the graph built from it; ``<name>_backward(dout, cache) -> dx`` asks
``torch.autograd`` for the gradient, so the derivatives here are PyTorch's own (for
instance ReLU'(0) = 0, LeakyReLU'(0) = alpha, ELU'(0) = alpha).
"""

import torch
import torch.nn.functional as F

from autograder.ref_torch._util import pick, tensor


def _forward(fn, x, device):
    """Apply ``fn`` to a fresh leaf copy of x; return (out detached, cache = (leaf, out))."""
    leaf = tensor(x, pick(device)).requires_grad_(True)
    out = fn(leaf)
    return out.detach(), (leaf, out)


def _backward(dout, cache):
    """dx = vector-Jacobian product of the cached graph with dout, by autograd."""
    leaf, out = cache
    (dx,) = torch.autograd.grad(out, leaf, tensor(dout, leaf.device), retain_graph=True)
    return dx


def sigmoid(x, device=None):
    """x: any shape -> sigmoid(x) as a tensor on ``device``."""
    return torch.sigmoid(tensor(x, pick(device)))


def sigmoid_forward(x, device=None):
    """x: any shape -> (sigmoid(x), cache)."""
    return _forward(torch.sigmoid, x, device)


def sigmoid_backward(dout, cache, device=None):
    """dout: like x -> dx by autograd (``device`` is the cache's; accepted for symmetry)."""
    return _backward(dout, cache)


def tanh_forward(x, device=None):
    """x: any shape -> (tanh(x), cache)."""
    return _forward(torch.tanh, x, device)


def tanh_backward(dout, cache, device=None):
    """dout: like x -> dx by autograd."""
    return _backward(dout, cache)


def relu_forward(x, device=None):
    """x: any shape -> (max(0, x), cache)."""
    return _forward(torch.relu, x, device)


def relu_backward(dout, cache, device=None):
    """dout: like x -> dx by autograd (0 at x == 0)."""
    return _backward(dout, cache)


def leaky_relu_forward(x, alpha=0.01, device=None):
    """x: any shape -> (x if x > 0 else alpha * x, cache)."""
    return _forward(lambda t: F.leaky_relu(t, negative_slope=alpha), x, device)


def leaky_relu_backward(dout, cache, device=None):
    """dout: like x -> dx by autograd (alpha at x == 0)."""
    return _backward(dout, cache)


def elu_forward(x, alpha=1.0, device=None):
    """x: any shape -> (x if x > 0 else alpha * (exp(x) - 1), cache)."""
    return _forward(lambda t: F.elu(t, alpha=alpha), x, device)


def elu_backward(dout, cache, device=None):
    """dout: like x -> dx by autograd (alpha at x == 0)."""
    return _backward(dout, cache)


#: name -> elementwise torch function with default parameters, as in ``ref_numpy``.
FUNCTIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": F.leaky_relu,
    "elu": F.elu,
}

#: name -> (forward, backward), the twin of ``ref_numpy.activations.ACTIVATIONS``.
ACTIVATIONS = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "relu": (relu_forward, relu_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "elu": (elu_forward, elu_backward),
}
