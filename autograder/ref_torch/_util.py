"""Small helpers shared by the PyTorch references."""

import numpy as np
import torch

import autograder


def pick(device=None):
    """``device`` as a ``torch.device``; ``None`` means ``autograder.device()``."""
    return autograder.device() if device is None else torch.device(device)


def tensor(x, device=None, dtype=torch.float64):
    """NumPy array, number or tensor -> tensor on ``device`` (float64 unless told).

    On a device without float64 (MPS) float64 becomes float32: ``autograder.float_dtype``.
    """
    dev = pick(device)
    dtype = autograder.float_dtype(dev, dtype)
    if isinstance(x, torch.Tensor):
        return x.to(device=dev, dtype=dtype)
    arr = np.asarray(x)
    if any(step < 0 for step in arr.strides):  # torch refuses them: a flipped kernel, even one whose
        arr = arr.copy()  # flipped axis has length 1 (np.ascontiguousarray keeps that view as it is)
    return torch.as_tensor(arr, dtype=dtype, device=dev)


def numpy(t):
    """Tensor -> NumPy array on the host."""
    return t.detach().cpu().numpy()
