"""PyTorch twin of ``autograder.ref_numpy.regularization`` (chapter 09_regularization).

Penalties are written with torch and differentiated by autograd; dropout draws its mask
with the same NumPy call as the reference (PyTorch's own generator cannot reproduce a
NumPy seed) and multiplies on ``device``; its backward comes from autograd.
"""

import torch

from autograder.ref_numpy.regularization import dropout_mask
from autograder.ref_torch._util import pick, tensor


def _penalty_and_grads(params, lam, term, device):
    dev = pick(device)
    leaves = [(tensor(W, dev).requires_grad_(True), tensor(b, dev).requires_grad_(True)) for W, b in params]
    penalty = sum(term(W) for W, _ in leaves) * lam
    flat = [t for pair in leaves for t in pair]
    grads = torch.autograd.grad(penalty, flat, allow_unused=True, materialize_grads=True)
    return penalty.detach(), [(grads[2 * i], grads[2 * i + 1]) for i in range(len(leaves))]


def l2_penalty(params, lam, device=None):
    """params: [(W, b), ...] -> (lam / 2 * sum W**2 as a tensor, [(dW, db), ...] by autograd)."""
    return _penalty_and_grads(params, lam, lambda W: 0.5 * (W * W).sum(), device)


def l1_penalty(params, lam, device=None):
    """params: [(W, b), ...] -> (lam * sum |W| as a tensor, [(dW, db), ...] by autograd)."""
    return _penalty_and_grads(params, lam, lambda W: W.abs().sum(), device)


def dropout_forward(x, p, train, seed=None, mask=None, device=None):
    """Inverted dropout on ``device``; the mask as in ``ref_numpy.regularization.dropout_forward``.

    -> (out, cache = the multiplier like x), as tensors.
    """
    dev = pick(device)
    x = tensor(x, dev)
    if not train:
        return x.clone(), torch.ones_like(x)
    keep = dropout_mask(tuple(x.shape), p, seed) if mask is None else mask
    scale = tensor(keep, dev) / (1.0 - p)
    return x * scale, scale


def dropout_backward(dout, cache, device=None):
    """dout like x, cache: the multiplier -> dx, the autograd gradient of sum(dout * x * cache)."""
    dev = pick(device)
    x = torch.zeros_like(tensor(cache, dev)).requires_grad_(True)
    out = x * tensor(cache, dev)
    return torch.autograd.grad(out, x, grad_outputs=tensor(dout, dev))[0]
