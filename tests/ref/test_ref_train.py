"""ref_numpy.train against ref_torch.train (same init, same batches) and facts of mini-batch training."""

import numpy as np
import pytest

from autograder.checks.compare import DEVICE
from autograder.ref_numpy import train as ref
from autograder.ref_torch import train as ref_torch
from autograder.ref_torch._util import numpy


def toy(seed=0, n=90, d=8, k=3):
    """Three Gaussian blobs in d dimensions: (X, labels)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, size=n)
    centers = rng.normal(scale=2.0, size=(k, d))
    return centers[labels] + rng.normal(size=(n, d)), labels


def test_minibatches_partition_each_epoch():
    batches = ref.minibatches(103, 10, seed=1, epoch=0)
    assert [len(b) for b in batches] == [10] * 10 + [3]
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(103))
    again = ref.minibatches(103, 10, seed=1, epoch=0)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))
    other = ref.minibatches(103, 10, seed=1, epoch=1)
    assert not np.array_equal(batches[0], other[0])


def test_m2_note_iterations_per_epoch():
    """50,000 training examples in mini-batches of 1,000: 50 iterations per epoch."""
    assert len(ref.minibatches(50_000, 1_000, seed=0, epoch=0)) == 50


def test_accuracy():
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert ref.accuracy(scores, np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert ref_torch.accuracy(scores, np.array([1, 0, 0]), "cpu") == pytest.approx(2 / 3)


def test_numpy_and_torch_training_agree(dev):
    X, labels = toy()
    kw = dict(sizes=[8, 6, 3], epochs=3, batch_size=16, lr=2.0, seed=4, val=(X[:20], labels[:20]), progress=False)
    params, hist = ref.train_mlp(X, labels, **kw)
    model, t_hist = ref_torch.train_mlp(X, labels, device=dev, **kw)
    assert len(hist["batch_cost"]) == 3 * 6
    for key in hist:
        np.testing.assert_allclose(hist[key], t_hist[key], **DEVICE)
    for (W, b), (tW, tb) in zip(params, ref_torch.params_of(model)):
        np.testing.assert_allclose(W, numpy(tW), **DEVICE)
        np.testing.assert_allclose(b, numpy(tb), **DEVICE)


def test_torch_model_starts_from_the_numpy_init():
    from autograder.ref_numpy.mlp import init_params

    model = ref_torch.build_model([5, 4, 2], seed=3, device="cpu")
    for (W, b), (tW, tb) in zip(init_params([5, 4, 2], 3), ref_torch.params_of(model)):
        np.testing.assert_array_equal(W, numpy(tW))
        np.testing.assert_array_equal(b, numpy(tb))


def test_training_learns_separable_blobs():
    X, labels = toy(1)
    _, hist = ref.train_mlp(X, labels, [8, 6, 3], epochs=30, batch_size=10, lr=3.0, progress=False)
    assert hist["train_cost"][-1] < hist["train_cost"][0] / 3
    assert hist["train_acc"][-1] > 0.9


def test_full_batch_cross_entropy_training_matches_torch(dev):
    X, labels = toy(2, n=40)
    Y = np.eye(3)[labels]
    params, losses = ref.train_full_batch(X, Y, [8, 5, 3], lr=0.5, epochs=30, seed=3)
    t_params, t_losses = ref_torch.train_full_batch(X, Y, [8, 5, 3], lr=0.5, epochs=30, seed=3, device=dev)
    assert losses.shape == (30,)
    np.testing.assert_allclose(losses, numpy(t_losses), **DEVICE)
    for (W, b), (tW, tb) in zip(params, t_params):
        np.testing.assert_allclose(W, numpy(tW), **DEVICE)
        np.testing.assert_allclose(b, numpy(tb), **DEVICE)
    assert losses[0] == pytest.approx(np.log(3), abs=0.5) and losses[-1] < losses[0] / 2


def test_cross_entropy_minibatch_training_matches_torch(dev):
    X, labels = toy(5)
    kw = dict(sizes=[8, 6, 3], epochs=2, batch_size=16, lr=0.5, seed=1, progress=False, cost="cross_entropy")
    _, hist = ref.train_mlp(X, labels, **kw)
    _, t_hist = ref_torch.train_mlp(X, labels, device=dev, **kw)
    for key in ("batch_cost", "train_cost", "train_acc"):
        np.testing.assert_allclose(hist[key], t_hist[key], **DEVICE)
