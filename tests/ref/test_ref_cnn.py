"""ref_numpy.cnn against ref_torch.cnn: same forward, autograd gradients, same training curve."""

import numpy as np
import pytest
import torch

from autograder.checks.compare import DEVICE
from autograder.ref_numpy import cnn as ref
from autograder.ref_torch import cnn as ref_torch
from autograder.ref_torch._util import numpy, tensor

#: Central differences through ReLU and max pooling (piecewise linear): rounding, unless a kink is crossed.
NUMERIC = dict(rtol=1e-5, atol=1e-7)


def batch(seed, n=4):
    rng = np.random.default_rng(seed)
    return rng.uniform(size=(n, 1, 28, 28)), rng.integers(0, 10, size=n)


def test_init_shapes_count_and_he_scale():
    p = ref.init_cnn(seed=0)
    assert {k: v.shape for k, v in p.items()} == {
        "w1": (8, 1, 3, 3), "b1": (8,), "w2": (16, 8, 3, 3), "b2": (16,), "W3": (784, 10), "b3": (10,)}
    assert ref.count_params(p) == 8 * 9 + 8 + 16 * 72 + 16 + 784 * 10 + 10 == 9098
    big = ref.init_cnn(seed=1, c1=64, c2=64)
    assert np.std(big["w2"]) == pytest.approx(np.sqrt(2 / (64 * 9)), rel=0.05)
    np.testing.assert_array_equal(ref.init_cnn(seed=3)["w1"], ref.init_cnn(seed=3)["w1"])


def test_forward_matches_functional_twin_and_nn_sequential(dev):
    x, _ = batch(0)
    p = ref.init_cnn(seed=2)
    logits, cache = ref.cnn_forward(x, p)
    assert logits.shape == (4, 10) and cache["maps"]["pool2"].shape == (4, 16, 7, 7)
    np.testing.assert_allclose(logits, numpy(ref_torch.cnn_forward(x, p, dev)[0]), **DEVICE)
    model = ref_torch.build_model(seed=2, device=dev)
    with torch.no_grad():
        np.testing.assert_allclose(logits, numpy(model(tensor(x, dev))), **DEVICE)


def test_backward_matches_autograd(dev):
    x, labels = batch(1)
    p = ref.init_cnn(seed=4)
    logits, cache = ref.cnn_forward(x, p)
    cost, dlogits = ref.softmax_cross_entropy(logits, labels)
    tcost, tdlogits = ref_torch.softmax_cross_entropy(logits, labels, dev)
    assert cost == pytest.approx(float(tcost), rel=1e-12)
    np.testing.assert_allclose(dlogits, numpy(tdlogits), **DEVICE)
    grads = ref.cnn_backward(dlogits, cache)
    twin = ref_torch.cnn_backward(dlogits, ref_torch.cnn_forward(x, p, dev)[1], dev)
    for k in p:
        assert grads[k].shape == p[k].shape
        np.testing.assert_allclose(grads[k], numpy(twin[k]), **DEVICE, err_msg=k)


def test_backward_matches_numeric_gradients_on_sampled_weights():
    x, labels = batch(2, n=3)
    p = ref.init_cnn(seed=5)
    scores, cache = ref.cnn_forward(x, p)
    grads = ref.cnn_backward(ref.softmax_cross_entropy(scores, labels)[1], cache)
    rng, h = np.random.default_rng(6), 1e-5
    for k in p:
        for flat in rng.choice(p[k].size, size=min(4, p[k].size), replace=False):
            up = {kk: v.copy() for kk, v in p.items()}
            down = {kk: v.copy() for kk, v in p.items()}
            up[k].flat[flat] += h
            down[k].flat[flat] -= h
            num = (ref.softmax_cross_entropy(ref.cnn_forward(x, up)[0], labels)[0]
                   - ref.softmax_cross_entropy(ref.cnn_forward(x, down)[0], labels)[0]) / (2 * h)
            np.testing.assert_allclose(grads[k].flat[flat], num, **NUMERIC, err_msg=f"{k}[{flat}]")


def test_training_numpy_and_torch_give_the_same_curve(dev):
    """Same initial weights, same mini-batches: the two runs' costs agree to rounding (float64)."""
    rng = np.random.default_rng(7)
    x = rng.uniform(size=(96, 1, 28, 28))
    labels = (x[:, 0, :14].mean(axis=(1, 2)) > x[:, 0, 14:].mean(axis=(1, 2))).astype(np.int64)
    val = (x[:32], labels[:32])
    params, hist = ref.train_cnn(x, labels, 2, 16, 0.1, seed=3, val=val, progress=False)
    model, thist = ref_torch.train_cnn(x, labels, 2, 16, 0.1, seed=3, val=val, progress=False, device=dev)
    assert len(hist["batch_cost"]) == 12 and len(hist["val_acc"]) == 2
    tol = DEVICE if dev.type != "mps" else dict(rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(hist["batch_cost"], thist["batch_cost"], **tol)
    np.testing.assert_allclose(hist["val_cost"], thist["val_cost"], **tol)
    for k, v in ref_torch.params_of(model).items():
        np.testing.assert_allclose(params[k], numpy(v), **tol, err_msg=k)
    assert hist["batch_cost"][-1] < hist["batch_cost"][0]


def test_float32_training_stays_float32():
    x, labels = batch(8, n=8)
    params, hist = ref.train_cnn(x.astype(np.float32), labels, 1, 4, 0.1, progress=False)
    assert all(v.dtype == np.float32 for v in params.values())
    assert np.isfinite(hist["batch_cost"]).all()
