"""PyTorch twin of ``autograder.ref_numpy.backprop`` (chapter 05_backprop).

Gradients come from ``torch.autograd``: an oracle independent of the four equations.
"""

import torch

from autograder.ref_torch._util import pick, tensor


def quadratic_cost(A, Y, device=None):
    """C = 1/(2N) sum_n ||A_n - Y_n||^2. A, Y: (N, n_L) -> 0-d tensor."""
    dev = pick(device)
    diff = tensor(A, dev) - tensor(Y, dev)
    return (diff * diff).sum() / (2 * diff.shape[0])


def mlp_backward(params, cache, Y, device=None):
    """[(dW1, db1), ...] of the quadratic cost of the sigmoid MLP, by autograd.

    params: [(W1, b1), ...] with W^l: (n_{l-1}, n_l); cache: (zs, activations) of
    the NumPy forward pass, of which only the input X = activations[0] is used:
    the forward pass is recomputed here with torch.
    """
    dev = pick(device)
    leaves = [(tensor(W, dev).requires_grad_(True), tensor(b, dev).requires_grad_(True)) for W, b in params]
    A = tensor(cache[1][0], dev)
    for W, b in leaves:
        A = torch.sigmoid(A @ W + b)
    cost = quadratic_cost(A, Y, dev)
    flat = torch.autograd.grad(cost, [t for pair in leaves for t in pair])
    return [(flat[2 * i], flat[2 * i + 1]) for i in range(len(leaves))]


def numerical_gradient(f, x, h=1e-5, device=None):
    """Central differences of f (a function of a tensor, returning a number) at x, on ``device``."""
    dev = pick(device)
    x = tensor(x, dev).clone()
    grad = torch.zeros_like(x)
    flat, gflat = x.view(-1), grad.view(-1)
    for i in range(flat.numel()):
        old = flat[i].item()
        flat[i] = old + h
        f_plus = float(f(x))
        flat[i] = old - h
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def autograd_gradient(f, x, device=None):
    """The exact gradient of f (a function of a tensor, returning a 0-d tensor) at x, by autograd."""
    dev = pick(device)
    x = tensor(x, dev).requires_grad_(True)
    return torch.autograd.grad(f(x), x)[0]


def softmax_cross_entropy(logits, Y, device=None):
    """(loss, dlogits) of the mean softmax cross-entropy against one-hot Y, dlogits by autograd."""
    dev = pick(device)
    z = tensor(logits, dev).requires_grad_(True)
    loss = -(tensor(Y, dev) * torch.log_softmax(z, dim=1)).sum() / z.shape[0]
    return loss.detach(), torch.autograd.grad(loss, z)[0]


def mlp_backward_ce(params, cache, Y, device=None):
    """[(dW1, db1), ...] of the softmax cross-entropy of a sigmoid-hidden MLP, by autograd."""
    dev = pick(device)
    leaves = [(tensor(W, dev).requires_grad_(True), tensor(b, dev).requires_grad_(True)) for W, b in params]
    A = tensor(cache[1][0], dev)
    for l, (W, b) in enumerate(leaves):
        A = A @ W + b
        if l < len(leaves) - 1:
            A = torch.sigmoid(A)
    cost = torch.nn.functional.cross_entropy(A, tensor(Y, dev))  # soft targets: Y as probabilities
    flat = torch.autograd.grad(cost, [t for pair in leaves for t in pair])
    return [(flat[2 * i], flat[2 * i + 1]) for i in range(len(leaves))]
