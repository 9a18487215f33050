"""PyTorch twin of ``autograder.ref_numpy.data`` (chapter 03_forward_mnist)."""

import torch
import torch.nn.functional as F

from autograder.ref_torch._util import pick, tensor


def one_hot(labels, num_classes, device=None):
    """labels: (N,) integers in [0, num_classes) -> (N, num_classes) float64 of 0/1 (F.one_hot)."""
    dev = pick(device)
    idx = torch.as_tensor(labels, dtype=torch.long, device=dev)
    return F.one_hot(idx, num_classes).to(tensor(0.0, dev).dtype)


def flatten(images, device=None):
    """images: (N, ...) -> (N, prod of the rest), row-major, as float64 (torch.flatten)."""
    return torch.flatten(tensor(images, pick(device)), start_dim=1)
