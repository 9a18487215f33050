"""ref_numpy.data (one_hot, flatten) against ref_torch.data and torch itself, and facts of the math."""

import numpy as np
import pytest
import torch

from autograder.ref_numpy import data as ref
from autograder.ref_torch import data as ref_torch
from autograder.ref_torch._util import numpy


@pytest.mark.parametrize("seed,n,c", [(0, 20, 10), (1, 1, 3), (2, 7, 1000), (3, 5, 1)])
def test_one_hot_matches_torch(seed, n, c, dev):
    labels = np.random.default_rng(seed).integers(0, c, size=n)
    np.testing.assert_array_equal(ref.one_hot(labels, c), numpy(ref_torch.one_hot(labels, c, dev)))
    np.testing.assert_array_equal(ref.one_hot(labels, c), torch.nn.functional.one_hot(torch.as_tensor(labels), c))


def test_one_hot_facts():
    labels = np.array([3, 0, 9, 3])
    Y = ref.one_hot(labels, 10)
    assert Y.shape == (4, 10) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)  # exactly one 1 per row
    np.testing.assert_array_equal(np.argmax(Y, axis=1), labels)  # argmax undoes one_hot
    np.testing.assert_array_equal(Y[0], [0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(Y.sum(axis=0), np.bincount(labels, minlength=10))  # column sums count classes


def test_one_hot_keeps_absent_classes_as_columns():
    assert ref.one_hot(np.array([0, 1]), 10).shape == (2, 10)


def test_one_hot_empty_batch(dev):
    assert ref.one_hot(np.array([], dtype=np.int64), 10).shape == (0, 10)
    assert tuple(ref_torch.one_hot(np.array([], dtype=np.int64), 10, dev).shape) == (0, 10)


@pytest.mark.parametrize("labels", [np.array([0, 10]), np.array([-1, 2]), np.array([0.5, 1.0]), np.array([[1, 2]])])
def test_one_hot_rejects_bad_labels(labels):
    # -1 would otherwise wrap around to the last class silently.
    with pytest.raises(ValueError):
        ref.one_hot(labels, 10)


def test_torch_one_hot_rejects_out_of_range_too():
    with pytest.raises(RuntimeError):
        ref_torch.one_hot(np.array([0, 10]), 10, "cpu")


@pytest.mark.parametrize("shape", [(4, 28, 28), (1, 5, 7), (3, 4, 5, 2), (2, 1, 1)])
def test_flatten_matches_torch(shape, dev):
    images = np.random.default_rng(0).random(shape)
    flat = ref.flatten(images)
    assert flat.shape == (shape[0], int(np.prod(shape[1:])))
    np.testing.assert_array_equal(flat, numpy(ref_torch.flatten(images, dev)))
    np.testing.assert_array_equal(flat, torch.flatten(torch.as_tensor(images), start_dim=1).numpy())


def test_flatten_is_row_major_and_invertible():
    images = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    flat = ref.flatten(images)
    for r in range(3):
        for c in range(4):
            assert flat[1, r * 4 + c] == images[1, r, c]  # pixel (r, c) at r * W + c
    np.testing.assert_array_equal(flat.reshape(images.shape), images)
    assert not np.array_equal(flat, images.reshape(2, -1, order="F"))  # column-major is different


def test_flatten_empty_batch(dev):
    assert ref.flatten(np.zeros((0, 28, 28))).shape == (0, 784)
    assert tuple(ref_torch.flatten(np.zeros((0, 28, 28)), dev).shape) == (0, 784)


def test_flatten_keeps_the_input():
    images = np.random.default_rng(1).random((3, 4, 4))
    before = images.copy()
    ref.flatten(images)
    np.testing.assert_array_equal(images, before)
