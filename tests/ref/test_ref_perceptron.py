"""ref_numpy.perceptron against ref_torch.perceptron, and against facts of the math."""

import numpy as np
import pytest

from autograder.checks.compare import DEVICE
from autograder.ref_numpy import perceptron as ref
from autograder.ref_torch import perceptron as ref_torch
from autograder.ref_torch._util import numpy


@pytest.mark.parametrize("seed", range(5))
def test_perceptron_numpy_matches_torch(seed, dev):
    rng = np.random.default_rng(seed)
    X, w, b = rng.normal(size=(30, 4)), rng.normal(size=4), rng.normal()
    np.testing.assert_array_equal(ref.perceptron(X, w, b), numpy(ref_torch.perceptron(X, w, b, dev)))


def test_perceptron_extreme_inputs(dev):
    X = np.array([[1e300, -1e300], [0.0, 0.0], [-1e-300, 0.0]])
    w, b = np.array([1.0, 1e-10]), 0.0
    want = np.array([1.0, 0.0, 0.0])  # huge sums, exactly 0 (step(0) = 0), tiny negative
    np.testing.assert_array_equal(ref.perceptron(X, w, b), want)
    np.testing.assert_array_equal(numpy(ref_torch.perceptron(X, w, b, dev)), want)


def test_empty_batch():
    assert ref.perceptron(np.zeros((0, 3)), np.ones(3), 1.0).shape == (0,)


@pytest.mark.parametrize("gate,truth", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0])])
def test_gates_truth_tables(gate, truth):
    w, b = ref.GATES[gate]
    np.testing.assert_array_equal(ref.perceptron(ref.GATE_INPUTS, w, b), truth)


def test_update_leaves_inputs_and_moves_toward_target():
    w, x = np.array([0.0, 0.0]), np.array([1.0, 2.0])
    new_w, new_b = ref.perceptron_update(w, 0.0, x, 1.0, 0.5)
    np.testing.assert_array_equal(w, [0.0, 0.0])
    np.testing.assert_allclose(new_w, [0.5, 1.0], **DEVICE)
    assert new_b == 0.5
    assert new_w @ x + new_b > w @ x  # the sum moved toward firing


@pytest.mark.parametrize("seed", range(3))
def test_train_numpy_matches_torch(seed, dev):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(25, 3))
    y = (X @ rng.normal(size=3) > 0).astype(float)
    a = ref.train_perceptron(X, y, 0.3, 6)
    t = ref_torch.train_perceptron(X, y, 0.3, 6, device=dev)
    for mine, theirs in zip(a, t):
        np.testing.assert_allclose(mine, numpy(theirs), **DEVICE)


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_training_converges_on_separable_gates(gate):
    y = ref.perceptron(ref.GATE_INPUTS, *ref.GATES[gate])
    _, _, errors = ref.train_perceptron(ref.GATE_INPUTS, y, 0.1, 30)
    assert errors[-1] == 0


def test_training_never_converges_on_xor():
    _, _, errors = ref.train_perceptron(ref.GATE_INPUTS, np.array([0, 1, 1, 0.0]), 0.1, 50)
    assert errors.min() > 0
