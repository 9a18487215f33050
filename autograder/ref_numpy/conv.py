"""Convolution and pooling layers, NCHW, fast through im2col (chapter 10_cnn).

Layout: a batch of images is ``x: (N, C, H, W)`` (batch, channels, height, width, as in
PyTorch); a bank of filters is ``w: (F, C, kh, kw)`` and its bias ``b: (F,)``.
"Convolution" here is what deep learning means by it, the **cross-correlation**

    out[n, f, i, j] = b[f] + sum_{c, p, q} w[f, c, p, q] * xp[n, c, i*stride + p, j*stride + q]

with ``xp`` the input padded by ``pad`` zeros on every side (``torch.nn.functional.conv2d``
computes the same); the kernel is not flipped.

The im2col layout (exercise 10 asks for exactly this one): ``cols`` has one row per filter
weight, ordered (c, p, q) with q fastest, and one column per output position, ordered
(n, i, j) with j fastest:

    cols[(c * kh + p) * kw + q, (n * H_out + i) * W_out + j] = xp[n, c, i*stride + p, j*stride + q]

so ``w.reshape(F, -1) @ cols`` holds every output of the layer, one row per filter. (This
is the transpose of the layout some textbooks use; it is the faster one to build here,
because its copy moves runs of neighbouring pixels instead of runs of kw numbers.) Layer contract as in
``ref_numpy.layers``: ``<layer>_forward -> (out, cache)``, ``<layer>_backward(dout, cache)``.
Caches are plain tuples of arrays and numbers. float32 inputs stay float32.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograder.ref_numpy.activations import floating


def conv_output_size(n, k, stride=1, pad=0):
    """Output length along one axis: floor((n + 2 pad - k) / stride) + 1 (PyTorch's rule).

    n: input length, k: kernel length. Positions where the window would run past the
    padded input are dropped, as PyTorch does.
    """
    return (n + 2 * pad - k) // stride + 1


def _pad(x, pad):
    """Zero-pad the two spatial axes of x: (N, C, H, W) by ``pad`` on every side."""
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x


def _windows(x, kh, kw, stride):
    """Read-only strided view (N, C, H_out, W_out, kh, kw) of every window; no copy."""
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def im2col(x, kh, kw, stride=1, pad=0):
    """Every receptive field of x as a column: (N, C, H, W) -> cols (C*kh*kw, N*H_out*W_out).

    Layout in the module docstring. One copy: a strided view of the windows, reordered.
    """
    x = floating(np.asarray(x))
    n, c = x.shape[:2]
    win = _windows(_pad(x, pad), kh, kw, stride)
    h_out, w_out = win.shape[2:4]
    return win.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * h_out * w_out)


def col2im(dcols, x_shape, kh, kw, stride=1, pad=0):
    """Adjoint of ``im2col``: add each row's entries back where they were read from.

    dcols: (C*kh*kw, N*H_out*W_out), x_shape: (N, C, H, W) -> dx (N, C, H, W).
    Overlapping windows add up. One loop over the kh*kw kernel offsets, each a strided add.
    """
    n, c, h, w = x_shape
    h_out, w_out = conv_output_size(h, kh, stride, pad), conv_output_size(w, kw, stride, pad)
    d = dcols.reshape(c, kh, kw, n, h_out, w_out)
    # Accumulate channel-first, (C, N, H, W), the order of dcols' rows: every add then reads
    # contiguous rows of W_out numbers; one transpose to NCHW at the end.
    dxp = np.zeros((c, n, h + 2 * pad, w + 2 * pad), dtype=dcols.dtype)
    for p in range(kh):
        for q in range(kw):
            dxp[:, :, p:p + stride * h_out:stride, q:q + stride * w_out:stride] += d[:, p, q]
    return dxp[:, :, pad:pad + h, pad:pad + w].transpose(1, 0, 2, 3)


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Convolution layer (cross-correlation): x (N, C, H, W), w (F, C, kh, kw), b (F,).

    Returns (out (N, F, H_out, W_out), cache = (x.shape, w, stride, pad, cols)).
    """
    f, _, kh, kw = w.shape
    cols = im2col(x, kh, kw, stride, pad)
    n, _, h, wd = np.shape(x)
    h_out, w_out = conv_output_size(h, kh, stride, pad), conv_output_size(wd, kw, stride, pad)
    out = w.reshape(f, -1) @ cols + np.reshape(b, (f, 1))  # (F, N*H_out*W_out)
    # A view in NCHW order, no copy: later layers read it through its strides.
    return out.reshape(f, n, h_out, w_out).transpose(1, 0, 2, 3), (np.shape(x), w, stride, pad, cols)


def conv2d_backward(dout, cache):
    """Backward pass of ``conv2d_forward``: dout (N, F, H_out, W_out) -> (dx, dw, db).

    With drows = dout as (F, N*H_out*W_out): dw = drows @ cols.T (each input value times the
    upstream gradient of every output it took part in, summed), db = dout summed over batch
    and positions, dx = col2im(w_rows.T @ drows).
    """
    x_shape, w, stride, pad, cols = cache
    f, _, kh, kw = w.shape
    drows = dout.transpose(1, 0, 2, 3).reshape(f, -1)  # im2col's column order (n, i, j)
    dw = (drows @ cols.T).reshape(w.shape)
    db = dout.sum(axis=(0, 2, 3))
    dx = col2im(w.reshape(f, -1).T @ drows, x_shape, kh, kw, stride, pad)
    return dx, dw, db


def maxpool_forward(x, size=2, stride=None):
    """Max pooling over size x size windows: x (N, C, H, W) -> (out (N, C, H_out, W_out), cache).

    stride defaults to size (windows side by side). cache = (x.shape, size, stride, arg),
    where arg (N, C, H_out, W_out) is the position of each window's maximum, counted in
    scan order p * size + q. When several entries tie, arg is the FIRST in scan order (a
    later entry replaces the maximum only if strictly larger): the entry PyTorch's
    max_pool2d routes the gradient to as well.
    """
    stride = size if stride is None else stride
    x = floating(np.asarray(x))
    h_out, w_out = conv_output_size(x.shape[2], size, stride), conv_output_size(x.shape[3], size, stride)
    out, arg = None, np.zeros((*x.shape[:2], h_out, w_out), dtype=np.int64)
    for p in range(size):  # one strided slice per window offset: no copy of the windows
        for q in range(size):
            v = x[:, :, p:p + stride * h_out:stride, q:q + stride * w_out:stride]
            if out is None:
                out = v.copy()
                continue
            better = v > out
            out = np.where(better, v, out)
            arg[better] = p * size + q
    return out, (np.shape(x), size, stride, arg)


def maxpool_backward(dout, cache):
    """Backward pass of ``maxpool_forward``: each window's gradient goes to its (first) maximum.

    dout: (N, C, H_out, W_out) -> dx (N, C, H, W); overlapping windows add up.
    """
    x_shape, size, stride, arg = cache
    h_out, w_out = arg.shape[2:]
    dx = np.zeros(x_shape, dtype=np.result_type(dout, np.float32))
    for p in range(size):
        for q in range(size):
            mask = arg == p * size + q
            dx[:, :, p:p + stride * h_out:stride, q:q + stride * w_out:stride] += np.where(mask, dout, 0)
    return dx


def avgpool_forward(x, size=2, stride=None):
    """Average pooling: x (N, C, H, W) -> (out (N, C, H_out, W_out), cache = (x.shape, size, stride))."""
    stride = size if stride is None else stride
    win = _windows(floating(np.asarray(x)), size, size, stride)
    return win.mean(axis=(4, 5)), (np.shape(x), size, stride)


def avgpool_backward(dout, cache):
    """Backward pass of ``avgpool_forward``: each window spreads dout / size^2 over its entries."""
    x_shape, size, stride = cache
    h_out, w_out = dout.shape[2:]
    dx = np.zeros(x_shape, dtype=np.result_type(dout, np.float32))
    for p in range(size):
        for q in range(size):
            dx[:, :, p:p + stride * h_out:stride, q:q + stride * w_out:stride] += dout / (size * size)
    return dx
