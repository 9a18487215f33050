"""PyTorch twin of ``autograder.ref_numpy.layers`` (chapter 05_backprop); backward by autograd."""

import torch

from autograder.ref_torch._util import pick, tensor


def affine_forward(x, W, b, device=None):
    """x: (N, D), W: (D, M), b: (M,) -> (out (N, M), cache = (x, W)) as tensors on ``device``."""
    dev = pick(device)
    x, W = tensor(x, dev), tensor(W, dev)
    return x @ W + tensor(b, dev), (x, W)


def affine_backward(dout, cache, device=None):
    """dout: (N, M), cache = (x, W) -> (dx, dW, db), each the autograd gradient of sum(dout * out)."""
    dev = pick(device)
    x, W = (tensor(t, dev).detach().requires_grad_(True) for t in cache)
    b = torch.zeros(W.shape[1], dtype=W.dtype, device=dev, requires_grad=True)
    out = x @ W + b
    return torch.autograd.grad(out, (x, W, b), grad_outputs=tensor(dout, dev))
