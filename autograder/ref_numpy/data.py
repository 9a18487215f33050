"""Preparing data for a network: one-hot labels and flattened images (chapter 03_forward_mnist)."""

import numpy as np


def one_hot(labels, num_classes):
    """labels: (N,) integers in [0, num_classes) -> (N, num_classes) float array of 0/1."""
    labels = np.asarray(labels)
    out = np.zeros((labels.shape[0], num_classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


def flatten(images):
    """images: (N, H, W) or (N, H, W, C) -> (N, H*W*C), rows in row-major (C) order."""
    images = np.asarray(images)
    return images.reshape(images.shape[0], -1)
