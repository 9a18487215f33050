"""Small helpers shared by the PyTorch references."""

import numpy as np
import torch

import autograder


def pick(device=None):
    """``device`` as a ``torch.device``; ``None`` means ``autograder.device()``."""
    return autograder.device() if device is None else torch.device(device)


def tensor(x, device=None, dtype=torch.float64):
    """NumPy array or number -> tensor on ``device`` (float64 unless told).

    MPS has no float64, so there float64 becomes float32.
    """
    dev = pick(device)
    if isinstance(x, torch.Tensor):
        return x.to(device=dev, dtype=dtype if dev.type != "mps" else torch.float32)
    if dev.type == "mps" and dtype == torch.float64:
        dtype = torch.float32
    return torch.as_tensor(np.asarray(x), dtype=dtype, device=dev)


def numpy(t):
    """Tensor -> NumPy array on the host."""
    return t.detach().cpu().numpy()
