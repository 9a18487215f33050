"""PyTorch twin of ``autograder.ref_numpy.conv`` (chapter 10_cnn); backward by autograd.

Forward passes call ``torch.nn.functional`` (conv2d, max_pool2d, avg_pool2d, unfold);
caches keep the inputs as tensors, and the backward passes differentiate the same call
again with ``torch.autograd.grad``. float64 unless told (MPS: float32).

On CUDA, cuDNN may run float32 convolutions in TF32 (10-bit mantissa) on Ampere and newer
GPUs; float64, the default here, is unaffected.
"""

import torch
import torch.nn.functional as F

from autograder.ref_numpy import conv as np_conv
from autograder.ref_torch._util import pick, tensor


def conv_output_size(n, k, stride=1, pad=0):
    """Same formula as the NumPy reference (a plain integer, no tensor involved)."""
    return np_conv.conv_output_size(n, k, stride, pad)


def im2col(x, kh, kw, stride=1, pad=0, device=None):
    """(N, C, H, W) -> cols (C*kh*kw, N*H_out*W_out) in the NumPy reference's layout, by F.unfold.

    F.unfold gives (N, C*kh*kw, H_out*W_out) with the same (c, p, q) and (i, j) orders.
    """
    u = F.unfold(tensor(x, pick(device)), (kh, kw), padding=pad, stride=stride)
    return u.permute(1, 0, 2).reshape(u.shape[1], -1)


def conv2d_forward(x, w, b, stride=1, pad=0, device=None):
    """F.conv2d: x (N, C, H, W), w (F, C, kh, kw), b (F,) -> (out, cache = (x, w, b, stride, pad))."""
    dev = pick(device)
    x, w, b = tensor(x, dev), tensor(w, dev), tensor(b, dev)
    return F.conv2d(x, w, b, stride=stride, padding=pad), (x, w, b, stride, pad)


def conv2d_backward(dout, cache, device=None):
    """(dx, dw, db): autograd gradients of sum(dout * conv2d(x, w, b))."""
    dev = pick(device)
    x, w, b, stride, pad = cache
    x, w, b = (tensor(t, dev).detach().requires_grad_(True) for t in (x, w, b))
    out = F.conv2d(x, w, b, stride=stride, padding=pad)
    return torch.autograd.grad(out, (x, w, b), grad_outputs=tensor(dout, dev, out.dtype))


def maxpool_forward(x, size=2, stride=None, device=None):
    """F.max_pool2d: x (N, C, H, W) -> (out, cache = (x, size, stride))."""
    stride = size if stride is None else stride
    x = tensor(x, pick(device))
    return F.max_pool2d(x, size, stride), (x, size, stride)


def maxpool_backward(dout, cache, device=None):
    """dx by autograd: each window's gradient goes to the maximum max_pool2d picked."""
    dev = pick(device)
    x, size, stride = cache
    x = tensor(x, dev).detach().requires_grad_(True)
    out = F.max_pool2d(x, size, stride)
    return torch.autograd.grad(out, x, grad_outputs=tensor(dout, dev, out.dtype))[0]


def avgpool_forward(x, size=2, stride=None, device=None):
    """F.avg_pool2d: x (N, C, H, W) -> (out, cache = (x, size, stride))."""
    stride = size if stride is None else stride
    x = tensor(x, pick(device))
    return F.avg_pool2d(x, size, stride), (x, size, stride)


def avgpool_backward(dout, cache, device=None):
    """dx by autograd of F.avg_pool2d."""
    dev = pick(device)
    x, size, stride = cache
    x = tensor(x, dev).detach().requires_grad_(True)
    out = F.avg_pool2d(x, size, stride)
    return torch.autograd.grad(out, x, grad_outputs=tensor(dout, dev, out.dtype))[0]
