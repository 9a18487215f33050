"""PyTorch twin of ``autograder.ref_numpy.toy2d`` (chapter 13_gan): the same draws as
tensors on ``device``, and the coverage measured with torch."""

import torch

from autograder.ref_numpy import toy2d as np_toy2d
from autograder.ref_torch._util import pick, tensor


def ring_centres(modes=8, radius=2.0, device=None, dtype=torch.float64):
    """The centres: (modes, 2) tensor."""
    return tensor(np_toy2d.ring_centres(modes, radius), pick(device), dtype)


def ring_of_gaussians(n, seed=0, modes=8, radius=2.0, std=0.05, device=None, dtype=torch.float64):
    """The NumPy reference's samples (the same numbers for the same seed) as an (n, 2) tensor."""
    return tensor(np_toy2d.ring_of_gaussians(n, seed, modes, radius, std), pick(device), dtype)


def mode_coverage(samples, modes=8, radius=2.0, std=0.05, within=3.0, device=None):
    """-> (counts (modes,) int64 tensor, quality): see the NumPy reference."""
    dev = pick(device)
    samples = tensor(samples, dev)
    dist = torch.cdist(samples, ring_centres(modes, radius, dev, samples.dtype))
    nearest, which = dist.min(dim=1)
    near = nearest <= within * std
    counts = torch.bincount(which[near], minlength=modes)
    return counts, near.sum().item() / len(samples) if len(samples) else 0.0  # a count: no float64 on MPS
