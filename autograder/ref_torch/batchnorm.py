"""PyTorch twin of ``autograder.ref_numpy.batchnorm`` (chapter 09_regularization).

The forward pass is ``torch.nn.functional.batch_norm``, which updates the running
statistics it is given in place (here copies); the backward pass is autograd through it.
"""

import torch
import torch.nn.functional as F

from autograder.ref_torch._util import pick, tensor


def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True,
                      device=None):
    """x: (N, D), the rest (D,) -> (out, new running_mean, new running_var) as tensors on ``device``."""
    dev = pick(device)
    rm, rv = tensor(running_mean, dev).clone(), tensor(running_var, dev).clone()
    out = F.batch_norm(tensor(x, dev), rm, rv, tensor(gamma, dev), tensor(beta, dev),
                       training=train, momentum=momentum, eps=eps)
    return out, rm, rv


def batchnorm_backward(dout, x, gamma, beta, running_mean, running_var, eps=1e-5, train=True, device=None):
    """(dx, dgamma, dbeta): autograd gradients of sum(dout * batch_norm(x)) for the same inputs.

    Takes the forward pass's inputs rather than a cache: autograd redoes the forward.
    """
    dev = pick(device)
    leaves = [tensor(t, dev).requires_grad_(True) for t in (x, gamma, beta)]
    out = F.batch_norm(leaves[0], tensor(running_mean, dev).clone(), tensor(running_var, dev).clone(),
                       leaves[1], leaves[2], training=train, eps=eps)
    return torch.autograd.grad(out, leaves, grad_outputs=tensor(dout, dev))
