"""A 2-D toy distribution for generative models: a ring of Gaussians (chapter 13_gan).

``modes`` Gaussians of standard deviation ``std`` whose centres lie evenly on a circle of
``radius``, each drawn with the same probability: the data set of the GAN experiments of
Metz et al. (2017, "Unrolled generative adversarial networks"), which used 8 modes,
radius 2 and std 0.02. A generator that has learnt it puts samples near every centre; one
that has collapsed puts them near a few.
"""

import numpy as np


def ring_centres(modes=8, radius=2.0):
    """The centres: (modes, 2), the first at angle 0, counter-clockwise."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_of_gaussians(n, seed=0, modes=8, radius=2.0, std=0.05):
    """n samples -> (n, 2).

    ``seed``: an int or a ``np.random.Generator`` (which then advances).
    """
    rng = np.random.default_rng(seed)
    which = rng.integers(modes, size=n)
    return ring_centres(modes, radius)[which] + std * rng.normal(size=(n, 2))


def mode_coverage(samples, modes=8, radius=2.0, std=0.05, within=3.0):
    """How a sample set covers the ring -> (counts (modes,), quality).

    counts[k]: the samples within ``within`` standard deviations of centre k
    (the nearest centre); quality: the fraction of all samples that are within
    that distance of some centre (the "high-quality samples" of Metz et al.).
    """
    dist = np.linalg.norm(
        samples[:, None, :] - ring_centres(modes, radius)[None], axis=2
    )
    near = dist.min(axis=1) <= within * std
    counts = np.bincount(dist.argmin(axis=1)[near], minlength=modes)
    return counts, float(near.mean()) if len(samples) else 0.0
