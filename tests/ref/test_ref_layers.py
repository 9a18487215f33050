"""ref_numpy.layers against ref_torch.layers (autograd), numeric gradients and facts of the math."""

import numpy as np
import pytest

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import backprop
from autograder.ref_numpy import layers as ref
from autograder.ref_torch import layers as ref_torch
from autograder.ref_torch._util import numpy

#: Central differences (h = 1e-5) of a function linear in each entry: rounding only.
NUMERIC = dict(rtol=1e-6, atol=1e-8)
SHAPES = [(4, 5, 3), (1, 1, 1), (7, 2, 9), (3, 3, 3)]


def case(seed, n, d, m, scale=1.0):
    rng = np.random.default_rng(seed)
    return (scale * rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m),
            rng.normal(size=(n, m)))


@pytest.mark.parametrize("n,d,m", SHAPES)
def test_forward_numpy_matches_torch(n, d, m, dev):
    x, W, b, _ = case(n + d + m, n, d, m)
    out, cache = ref.affine_forward(x, W, b)
    assert out.shape == (n, m)
    np.testing.assert_allclose(out, numpy(ref_torch.affine_forward(x, W, b, dev)[0]), **DEVICE)
    assert cache[0] is x and cache[1] is W  # the cache keeps the inputs, no copies


@pytest.mark.parametrize("n,d,m", SHAPES)
def test_backward_numpy_matches_autograd(n, d, m, dev):
    x, W, b, dout = case(10 + n, n, d, m)
    grads = ref.affine_backward(dout, (x, W))
    twin = ref_torch.affine_backward(dout, (x, W), dev)
    for mine, theirs, like in zip(grads, twin, (x, W, b)):
        assert mine.shape == like.shape
        np.testing.assert_allclose(mine, numpy(theirs), **DEVICE)


@pytest.mark.parametrize("n,d,m", SHAPES[:3])
def test_backward_matches_numeric_gradients(n, d, m):
    x, W, b, dout = case(20 + n, n, d, m)
    dx, dW, db = ref.affine_backward(dout, (x, W))
    # dout is the gradient of L = sum(dout * out) with respect to out.
    np.testing.assert_allclose(dx, backprop.numerical_gradient(lambda v: np.sum(dout * (v @ W + b)), x), **NUMERIC)
    np.testing.assert_allclose(dW, backprop.numerical_gradient(lambda v: np.sum(dout * (x @ v + b)), W), **NUMERIC)
    np.testing.assert_allclose(db, backprop.numerical_gradient(lambda v: np.sum(dout * (x @ W + v)), b), **NUMERIC)


def test_extreme_inputs_match_torch(dev):
    x, W, b, dout = case(3, 5, 4, 3, scale=1e4)
    x[0] = 0.0
    dout[1] = 1e4
    out, cache = ref.affine_forward(x, W, b)
    np.testing.assert_allclose(out, numpy(ref_torch.affine_forward(x, W, b, dev)[0]), **DEVICE)
    for mine, theirs in zip(ref.affine_backward(dout, cache), ref_torch.affine_backward(dout, cache, dev)):
        assert np.all(np.isfinite(mine))
        np.testing.assert_allclose(mine, numpy(theirs), rtol=DEVICE["rtol"], atol=1e-6 * np.abs(mine).max())


def test_empty_batch(dev):
    x, W, b = np.zeros((0, 4)), np.ones((4, 3)), np.ones(3)
    out, cache = ref.affine_forward(x, W, b)
    assert out.shape == (0, 3)
    dx, dW, db = ref.affine_backward(np.zeros((0, 3)), cache)
    assert dx.shape == (0, 4)
    np.testing.assert_array_equal(dW, np.zeros((4, 3)))
    np.testing.assert_array_equal(db, np.zeros(3))
    _, t_dW, t_db = ref_torch.affine_backward(np.zeros((0, 3)), cache, dev)
    np.testing.assert_array_equal(numpy(t_dW), dW)
    np.testing.assert_array_equal(numpy(t_db), db)


def test_backward_sums_per_example_gradients():
    """dW and db of a batch are the sums of the single-example gradients; dx is per row."""
    x, W, b, dout = case(5, 6, 3, 2)
    dx, dW, db = ref.affine_backward(dout, (x, W))
    singles = [ref.affine_backward(dout[i:i + 1], (x[i:i + 1], W)) for i in range(6)]
    np.testing.assert_allclose(dW, sum(s[1] for s in singles), **F64)
    np.testing.assert_allclose(db, sum(s[2] for s in singles), **F64)
    np.testing.assert_allclose(dx, np.concatenate([s[0] for s in singles]), **F64)


def test_bias_gradient_is_weight_gradient_of_a_constant_input():
    """b acts like a row of W whose input is always 1, so db equals that row's dW."""
    x, W, b, dout = case(6, 5, 3, 4)
    x1 = np.hstack([x, np.ones((5, 1))])
    _, dW1, _ = ref.affine_backward(dout, (x1, np.vstack([W, b])))
    _, _, db = ref.affine_backward(dout, (x, W))
    np.testing.assert_allclose(dW1[-1], db, **F64)
