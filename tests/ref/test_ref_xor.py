"""ref_numpy.xor against ref_torch.xor, and facts of the math of chapter 02."""

import numpy as np
import pytest

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import mlp
from autograder.ref_numpy import perceptron
from autograder.ref_numpy import xor as ref
from autograder.ref_numpy.activations import sigmoid
from autograder.ref_torch import xor as ref_torch
from autograder.ref_torch._util import numpy

X4 = perceptron.GATE_INPUTS


def _network(rng, n, n_in, n_hidden, n_out):
    shapes = [(n, n_in), (n_in, n_hidden), (n_hidden,), (n_hidden, n_out), (n_out,)]
    return [rng.normal(size=s) for s in shapes]


@pytest.mark.parametrize("n,n_in,n_out", [(7, 3, 4), (1, 1, 1), (50, 10, 2)])
def test_dense_numpy_matches_torch(n, n_in, n_out, dev):
    rng = np.random.default_rng(n)
    X, W, b = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    np.testing.assert_allclose(ref.dense_forward(X, W, b), numpy(ref_torch.dense_forward(X, W, b, dev)), **DEVICE)


def test_dense_extreme_and_empty(dev):
    X = np.array([[1e150, 1e150], [1e200, 0.0], [1e-300, -1e-300]])
    W, b = np.array([[1e150, 1.0], [1e150, -1.0]]), np.array([0.0, 1e300])
    want = np.array([[2e300, 1e300], [np.inf, 1e300 + 1e200], [0.0, 1e300]])  # overflow gives inf, not NaN
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(ref.dense_forward(X, W, b), want, **F64)
    np.testing.assert_allclose(numpy(ref_torch.dense_forward(X, W, b, dev)), want, **DEVICE)
    assert ref.dense_forward(np.zeros((0, 3)), np.ones((3, 2)), np.ones(2)).shape == (0, 2)
    assert numpy(ref_torch.dense_forward(np.zeros((0, 3)), np.ones((3, 2)), np.ones(2), dev)).shape == (0, 2)


def test_dense_is_the_lectures_column_form_transposed():
    """Row i of X @ W + b equals W_lec @ x_i + b, with the lectures' W_lec = W.T."""
    rng = np.random.default_rng(0)
    X, W, b = rng.normal(size=(6, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    columns = np.stack([W.T @ x + b for x in X])
    np.testing.assert_allclose(ref.dense_forward(X, W, b), columns, **F64)


def test_xor_weights_compute_xor(dev):
    out = ref.xor_network(X4, **ref.XOR_WEIGHTS)
    np.testing.assert_array_equal(out, ref.XOR_TARGETS[:, None])
    np.testing.assert_array_equal(numpy(ref_torch.xor_network(X4, **ref.XOR_WEIGHTS, device=dev)), out)


def test_xor_hidden_units_are_nand_and_or():
    hidden = perceptron.step(ref.dense_forward(X4, ref.XOR_WEIGHTS["W1"], ref.XOR_WEIGHTS["b1"]))
    np.testing.assert_array_equal(hidden[:, 0], perceptron.perceptron(X4, *perceptron.GATES["nand"]))
    np.testing.assert_array_equal(hidden[:, 1], perceptron.perceptron(X4, *perceptron.GATES["or"]))


@pytest.mark.parametrize("seed", range(4))
def test_xor_network_numpy_matches_torch(seed, dev):
    rng = np.random.default_rng(seed)
    X, W1, b1, W2, b2 = _network(rng, 30, 3, 5, 2)
    np.testing.assert_array_equal(ref.xor_network(X, W1, b1, W2, b2),
                                  numpy(ref_torch.xor_network(X, W1, b1, W2, b2, device=dev)))


def test_xor_network_is_an_mlp_with_step():
    rng = np.random.default_rng(1)
    X, W1, b1, W2, b2 = _network(rng, 20, 2, 4, 3)
    want = mlp.mlp_forward(X, [(W1, b1), (W2, b2)], activation=perceptron.step)
    np.testing.assert_array_equal(ref.xor_network(X, W1, b1, W2, b2), want)


def test_step_at_zero_is_zero():
    z = np.zeros((3, 2))
    out = ref.xor_network(z, np.ones((2, 2)), np.zeros(2), np.ones((2, 1)), np.zeros(1))
    np.testing.assert_array_equal(out, np.zeros((3, 1)))


def test_sigmoid_with_scaled_xor_weights_approaches_xor():
    w = ref.XOR_WEIGHTS
    errors = []
    for k in (1, 5, 20, 100):
        out = ref.xor_network(X4, k * w["W1"], k * w["b1"], k * w["W2"], k * w["b2"], activation=sigmoid)
        errors.append(np.max(np.abs(out[:, 0] - ref.XOR_TARGETS)))
    assert errors[0] > 0.4 and errors[-1] < 1e-6
    assert all(a > b for a, b in zip(errors, errors[1:]))


@pytest.mark.parametrize("depth", [1, 2, 5])
def test_collapse_linear_equals_the_stack(depth, dev):
    rng = np.random.default_rng(depth)
    sizes = rng.integers(1, 6, size=depth + 1)
    layers = [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:])]
    X = rng.normal(size=(9, sizes[0]))
    W, b = ref.collapse_linear(layers)
    assert W.shape == (sizes[0], sizes[-1]) and b.shape == (sizes[-1],)
    stacked = mlp.mlp_forward(X, layers, activation=lambda z: z)
    np.testing.assert_allclose(ref.dense_forward(X, W, b), stacked, **F64)
    tW, tb = ref_torch.collapse_linear(layers, device=dev)
    np.testing.assert_allclose(W, numpy(tW), **DEVICE)
    np.testing.assert_allclose(b, numpy(tb), **DEVICE)


def test_collapse_does_not_change_its_input():
    layers = [(np.eye(2), np.ones(2)), (2 * np.eye(2), np.zeros(2))]
    ref.collapse_linear(layers)
    np.testing.assert_array_equal(layers[0][0], np.eye(2))
    np.testing.assert_array_equal(layers[0][1], np.ones(2))


def test_xor_weights_without_hidden_step_fail():
    """Remove the hidden nonlinearity and the XOR network becomes one perceptron: not XOR."""
    W, b = ref.collapse_linear([(ref.XOR_WEIGHTS["W1"], ref.XOR_WEIGHTS["b1"]),
                                (ref.XOR_WEIGHTS["W2"], ref.XOR_WEIGHTS["b2"])])
    out = perceptron.step(ref.dense_forward(X4, W, b))[:, 0]
    assert not np.array_equal(out, ref.XOR_TARGETS)


def test_no_single_perceptron_on_a_grid_computes_xor():
    grid = np.linspace(-2, 2, 21)
    w1, w2, b = (g.ravel() for g in np.meshgrid(grid, grid, grid))
    out = (X4 @ np.stack([w1, w2]) + b > 0).astype(float)  # (4, 21**3): every candidate at once
    assert not np.any(np.all(out == ref.XOR_TARGETS[:, None], axis=0))


def test_perceptron_rule_never_converges_on_xor():
    _, _, errors = perceptron.train_perceptron(X4, ref.XOR_TARGETS, lr=0.1, epochs=100)
    assert errors.min() > 0
