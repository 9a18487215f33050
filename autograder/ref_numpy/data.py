"""Preparing data for a network: one-hot labels and flattened images (chapter 03_forward_mnist).

Batch convention of the course: one example per ROW. A batch of N labels becomes an
(N, C) matrix with one 1 per row; a batch of N images becomes an (N, H*W) matrix
whose row n holds image n read row by row (NumPy's default C order).
"""

import numpy as np


def one_hot(labels, num_classes):
    """labels: (N,) integers in [0, num_classes) -> (N, num_classes) float64 of 0/1.

    Row n has its single 1 in column labels[n]. Raises ValueError for labels that
    are not integers or lie outside [0, num_classes) (fancy indexing would silently
    wrap a label of -1 around to the last class).
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels should have shape (N,), got {labels.shape}")
    if labels.size and labels.dtype.kind not in "iu":
        raise ValueError(f"labels should be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels should lie in [0, {num_classes}), got {labels.min()}..{labels.max()}")
    out = np.zeros((labels.shape[0], num_classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


def flatten(images):
    """images: (N, H, W) or (N, H, W, C) -> (N, H*W*C), each row in row-major (C) order.

    Pixel (r, c) of an (H, W) image lands at index r * W + c. The size of a row is
    computed rather than written as -1, so an empty batch (N = 0) works too.
    """
    images = np.asarray(images)
    return images.reshape(images.shape[0], int(np.prod(images.shape[1:])))
