"""ref_numpy.mlp against ref_torch.mlp and torch.nn, and facts of the forward pass."""

import warnings

import numpy as np
import pytest
import torch

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import mlp as ref
from autograder.ref_numpy.activations import sigmoid
from autograder.ref_torch import mlp as ref_torch
from autograder.ref_torch._util import numpy


def _net(seed, sizes, scale=1.0):
    rng = np.random.default_rng(seed)
    params = [(scale * rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:])]
    return rng.normal(size=(6, sizes[0])), params


@pytest.mark.parametrize("seed,sizes", [(0, (4, 3)), (1, (784, 30, 10)), (2, (5, 8, 8, 2)), (3, (1, 1, 1))])
def test_forward_matches_torch(seed, sizes, dev):
    X, params = _net(seed, sizes)
    want = numpy(ref_torch.mlp_forward(X, params, device=dev))
    np.testing.assert_allclose(ref.mlp_forward(X, params), want, **DEVICE)


def test_forward_matches_torch_nn_linear():
    # nn.Linear stores the transpose of our W (shape (n_out, n_in)) and computes x @ weight.T + bias.
    X, params = _net(4, (7, 5, 3))
    layers = []
    for W, b in params:
        linear = torch.nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.as_tensor(W.T))
            linear.bias.copy_(torch.as_tensor(b))
        layers += [linear, torch.nn.Sigmoid()]
    with torch.no_grad():
        want = torch.nn.Sequential(*layers)(torch.as_tensor(X)).numpy()
    np.testing.assert_allclose(ref.mlp_forward(X, params), want, **F64)


def test_cache_matches_torch(dev):
    X, params = _net(5, (6, 4, 3))
    _, (zs, acts) = ref.mlp_forward_cache(X, params)
    _, (tzs, tacts) = ref_torch.mlp_forward_cache(X, params, device=dev)
    assert len(zs) == len(tzs) == 2 and len(acts) == len(tacts) == 3
    for mine, theirs in zip(zs + acts, tzs + tacts):
        np.testing.assert_allclose(mine, numpy(theirs), **DEVICE)


def test_cache_layout():
    X, params = _net(6, (6, 4, 3))
    out, (zs, acts) = ref.mlp_forward_cache(X, params)
    np.testing.assert_array_equal(acts[0], X)
    np.testing.assert_array_equal(acts[-1], out)
    np.testing.assert_allclose(zs[0], X @ params[0][0] + params[0][1], **F64)
    np.testing.assert_allclose(acts[1], sigmoid(zs[0]), **F64)


def test_batch_rows_equal_the_lectures_column_form():
    # Lecture: a^l = sigma(W_lec^l a^{l-1} + b^l) for one column vector, W_lec = W.T.
    X, params = _net(7, (5, 4, 3))
    batch = ref.mlp_forward(X, params)
    for n in range(len(X)):
        a = X[n][:, None]
        for W, b in params:
            a = sigmoid(W.T @ a + b[:, None])
        np.testing.assert_allclose(batch[n], a[:, 0], **F64)


def test_rows_are_independent():
    X, params = _net(8, (5, 4, 3))
    np.testing.assert_allclose(ref.mlp_forward(X[2:3], params), ref.mlp_forward(X, params)[2:3], **F64)


def test_saturated_network_is_finite_and_quiet(dev):
    X, params = _net(9, (5, 4, 3), scale=1e4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ref.mlp_forward(X, params)
    assert np.all(np.isfinite(out)) and np.all((out >= 0) & (out <= 1))
    np.testing.assert_allclose(out, numpy(ref_torch.mlp_forward(X, params, device=dev)), **DEVICE)


def test_empty_batch(dev):
    _, params = _net(10, (5, 4, 3))
    assert ref.mlp_forward(np.zeros((0, 5)), params).shape == (0, 3)
    assert tuple(ref_torch.mlp_forward(np.zeros((0, 5)), params, device=dev).shape) == (0, 3)


def test_zero_weights_give_one_half():
    params = [(np.zeros((4, 3)), np.zeros(3))]
    np.testing.assert_array_equal(ref.mlp_forward(np.ones((2, 4)), params), 0.5)


def test_init_params_shapes_scale_and_seed():
    params = ref.init_params([784, 30, 10], seed=3)
    assert [(W.shape, b.shape) for W, b in params] == [((784, 30), (30,)), ((30, 10), (10,))]
    assert all(np.all(b == 0) for _, b in params)
    assert abs(params[0][0].std() - 1 / np.sqrt(784)) < 0.05 / np.sqrt(784)
    np.testing.assert_array_equal(params[0][0], ref.init_params([784, 30, 10], seed=3)[0][0])
    assert not np.array_equal(params[0][0], ref.init_params([784, 30, 10], seed=4)[0][0])
    assert abs(ref.init_params([100, 100], seed=0, scale=2.0)[0][0].std() - 2.0) < 0.1


def test_torch_init_params_equal_numpy(dev):
    for (W, b), (tW, tb) in zip(ref.init_params([6, 4, 2], 1), ref_torch.init_params([6, 4, 2], 1, device=dev)):
        np.testing.assert_allclose(W, numpy(tW), **DEVICE)
        np.testing.assert_array_equal(b, numpy(tb))


def test_predict_is_argmax(dev):
    X, params = _net(11, (5, 4, 3))
    want = np.argmax(ref.mlp_forward(X, params), axis=1)
    np.testing.assert_array_equal(ref.predict(X, params), want)
    np.testing.assert_array_equal(numpy(ref_torch.predict(X, params, device=dev)), want)


def test_untrained_mnist_sized_network_barely_depends_on_its_input():
    # W ~ N(0, 1/n_in), zero biases, inputs in [0, 1]: hidden units sit near sigma(0) = 0.5, so the
    # output is dominated by 0.5 * (column sums of W^2), the same for every input (chapter 03).
    rng = np.random.default_rng(0)
    X = (rng.random((200, 784)) < 0.2) * rng.random((200, 784))
    params = ref.init_params([784, 30, 10], seed=0)
    out = ref.mlp_forward(X, params)
    assert out.shape == (200, 10)
    assert 0.2 < out.min() and out.max() < 0.8
    assert out.std(axis=0).max() < 0.2 * out.mean(axis=0).std()  # across inputs << across classes
    np.testing.assert_allclose(out.mean(axis=0), sigmoid(0.5 * params[1][0].sum(axis=0)), atol=0.05)


def test_forward_keeps_float32_and_promotes_integers():
    """float32 stays float32 (the fast path of bench/mlp_epoch.py); integer pixels become float64."""
    import numpy as np

    from autograder.ref_numpy.mlp import init_params, mlp_forward

    params32 = [(W.astype(np.float32), b.astype(np.float32)) for W, b in init_params([6, 4, 3], seed=1)]
    assert mlp_forward(np.ones((2, 6), np.float32), params32).dtype == np.float32
    assert mlp_forward(np.ones((2, 6), np.int64), init_params([6, 4, 3], seed=1)).dtype == np.float64
