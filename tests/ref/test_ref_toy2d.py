"""ref_numpy.toy2d (the ring of Gaussians of chapter 13) and its PyTorch twin."""

import numpy as np
import pytest

from autograder.ref_numpy import toy2d
from autograder.ref_torch import toy2d as toy2d_torch
from autograder.ref_torch._util import numpy

#: Sampling error of means and stds from 20,000 draws (about 5 standard errors).
SAMPLING = 0.05


def test_centres_lie_evenly_on_the_circle():
    centres = toy2d.ring_centres(8, 2.0)
    assert centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0)
    np.testing.assert_allclose(centres[0], [2.0, 0.0], atol=1e-15)
    angles = np.mod(np.arctan2(centres[:, 1], centres[:, 0]), 2 * np.pi)
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 8)


def test_samples_are_modes_of_the_given_std_with_equal_weights():
    x = toy2d.ring_of_gaussians(20_000, seed=3, modes=8, radius=2.0, std=0.05)
    assert x.shape == (20_000, 2)
    nearest = np.linalg.norm(x[:, None] - toy2d.ring_centres()[None], axis=2).argmin(axis=1)
    share = np.bincount(nearest, minlength=8) / len(x)
    np.testing.assert_allclose(share, 1 / 8, atol=SAMPLING / 5)
    offsets = x - toy2d.ring_centres()[nearest]
    np.testing.assert_allclose(offsets.std(axis=0), 0.05, rtol=SAMPLING)
    np.testing.assert_allclose(offsets.mean(axis=0), 0.0, atol=SAMPLING * 0.05)


def test_seed_and_generator():
    np.testing.assert_array_equal(toy2d.ring_of_gaussians(10, seed=1), toy2d.ring_of_gaussians(10, seed=1))
    assert not np.array_equal(toy2d.ring_of_gaussians(10, seed=1), toy2d.ring_of_gaussians(10, seed=2))
    rng = np.random.default_rng(1)
    first, second = toy2d.ring_of_gaussians(10, rng), toy2d.ring_of_gaussians(10, rng)
    np.testing.assert_array_equal(first, toy2d.ring_of_gaussians(10, seed=1))
    assert not np.array_equal(first, second)  # a Generator advances


def test_coverage_of_the_data_a_collapsed_and_a_far_sample_set():
    counts, quality = toy2d.mode_coverage(toy2d.ring_of_gaussians(4000, seed=0))
    assert 0.98 < quality < 0.995 and counts.min() > 400  # 3 std holds 1 - e^-4.5 = 98.9% in 2-D
    collapsed = np.tile(toy2d.ring_centres()[5], (100, 1)) + 0.01
    counts, quality = toy2d.mode_coverage(collapsed)
    assert quality == 1.0 and counts[5] == 100 and counts.sum() == 100
    counts, quality = toy2d.mode_coverage(np.zeros((50, 2)))
    assert quality == 0.0 and counts.sum() == 0
    counts, quality = toy2d.mode_coverage(np.array([[2.0 + 0.149, 0.0], [2.0 + 0.151, 0.0]]))
    assert counts.tolist() == [1, 0, 0, 0, 0, 0, 0, 0] and quality == 0.5  # the 3-std boundary


def test_twin_draws_the_same_numbers_and_counts_alike(dev):
    x = toy2d.ring_of_gaussians(300, seed=4, std=0.3)
    np.testing.assert_array_equal(numpy(toy2d_torch.ring_of_gaussians(300, seed=4, std=0.3, device=dev)), x)
    counts, quality = toy2d.mode_coverage(x, std=0.1)
    counts_t, quality_t = toy2d_torch.mode_coverage(x, std=0.1, device=dev)
    np.testing.assert_array_equal(numpy(counts_t), counts)
    assert quality_t == pytest.approx(quality)
