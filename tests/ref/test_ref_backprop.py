"""ref_numpy.backprop against torch.autograd, numeric gradients, seed 001's numbers and facts of the math."""

import numpy as np
import pytest
import torch

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import backprop as ref
from autograder.ref_numpy import layers
from autograder.ref_numpy.activations import sigmoid, sigmoid_backward
from autograder.ref_numpy.mlp import init_params, mlp_forward, mlp_forward_cache
from autograder.ref_torch import backprop as ref_torch
from autograder.ref_torch._util import numpy

#: Central differences (h = 1e-5) of smooth functions of size ~1 in float64.
NUMERIC = dict(rtol=1e-6, atol=1e-9)
SIZES = [[3, 2], [5, 4, 3], [6, 5, 4, 3, 2], [4, 4, 4]]


def network(sizes, seed, n=5, x_scale=1.0):
    rng = np.random.default_rng(seed)
    params = [(W, rng.normal(scale=0.5, size=b.shape)) for W, b in init_params(sizes, seed)]
    X = x_scale * rng.normal(size=(n, sizes[0]))
    Y = rng.uniform(size=(n, sizes[-1]))
    return params, X, Y


def cost_of(params, X, Y):
    return ref.quadratic_cost(mlp_forward(X, params), Y)


# ---------------------------------------------------------------- the four equations

@pytest.mark.parametrize("sizes", SIZES)
def test_mlp_backward_matches_autograd(sizes, dev):
    params, X, Y = network(sizes, len(sizes))
    _, cache = mlp_forward_cache(X, params)
    mine = ref.mlp_backward(params, cache, Y)
    twin = ref_torch.mlp_backward(params, cache, Y, dev)
    assert len(mine) == len(params)
    for (dW, db), (tW, tb), (W, b) in zip(mine, twin, params):
        assert dW.shape == W.shape and db.shape == b.shape
        np.testing.assert_allclose(dW, numpy(tW), **DEVICE)
        np.testing.assert_allclose(db, numpy(tb), **DEVICE)


@pytest.mark.parametrize("sizes", SIZES[:3])
def test_mlp_backward_matches_numeric_gradients(sizes):
    params, X, Y = network(sizes, 7 + len(sizes))
    grads = ref.mlp_backward(params, mlp_forward_cache(X, params)[1], Y)
    for l, (W, b) in enumerate(params):
        def f_W(v, l=l):
            return cost_of([(v, p[1]) if i == l else p for i, p in enumerate(params)], X, Y)

        def f_b(v, l=l):
            return cost_of([(p[0], v) if i == l else p for i, p in enumerate(params)], X, Y)
        np.testing.assert_allclose(grads[l][0], ref.numerical_gradient(f_W, W), **NUMERIC)
        np.testing.assert_allclose(grads[l][1], ref.numerical_gradient(f_b, b), **NUMERIC)
        assert ref.relative_error(grads[l][0], ref.numerical_gradient(f_W, W)) < 1e-6


def test_saturated_units_give_tiny_finite_gradients(dev):
    params, X, Y = network([4, 3, 2], 1, x_scale=1e4)
    _, cache = mlp_forward_cache(X, params)
    mine = ref.mlp_backward(params, cache, Y)
    twin = ref_torch.mlp_backward(params, cache, Y, dev)
    for (dW, db), (tW, tb) in zip(mine, twin):
        assert np.all(np.isfinite(dW)) and np.all(np.isfinite(db))
        np.testing.assert_allclose(dW, numpy(tW), **DEVICE)
        np.testing.assert_allclose(db, numpy(tb), **DEVICE)
    assert np.abs(mine[0][0]).max() < 1e-3  # the first layer learns almost nothing: vanishing gradient


def test_perfect_outputs_give_zero_gradients():
    params, X, _ = network([3, 4, 2], 2)
    A, cache = mlp_forward_cache(X, params)
    for dW, db in ref.mlp_backward(params, cache, A):
        np.testing.assert_array_equal(dW, 0.0)
        np.testing.assert_array_equal(db, 0.0)


def test_empty_batch_gives_zero_gradients():
    params, _, _ = network([3, 4, 2], 3)
    X, Y = np.zeros((0, 3)), np.zeros((0, 2))
    for (dW, db), (W, b) in zip(ref.mlp_backward(params, mlp_forward_cache(X, params)[1], Y), params):
        np.testing.assert_array_equal(dW, np.zeros_like(W))
        np.testing.assert_array_equal(db, np.zeros_like(b))


def test_batch_gradient_is_the_mean_of_single_example_gradients():
    params, X, Y = network([5, 4, 3], 4, n=6)
    batch = ref.mlp_backward(params, mlp_forward_cache(X, params)[1], Y)
    singles = [ref.mlp_backward(params, mlp_forward_cache(X[i:i + 1], params)[1], Y[i:i + 1]) for i in range(6)]
    for l in range(2):
        np.testing.assert_allclose(batch[l][0], np.mean([s[l][0] for s in singles], axis=0), **F64)
        np.testing.assert_allclose(batch[l][1], np.mean([s[l][1] for s in singles], axis=0), **F64)


def test_four_equations_equal_the_chain_of_layer_backwards():
    """Backprop by the equations = affine_backward and sigmoid_backward applied layer by layer."""
    params, X, Y = network([6, 5, 4, 3], 5)
    A, cache = mlp_forward_cache(X, params)
    dout, grads = ref.quadratic_cost_grad(A, Y), []
    for l in range(len(params), 0, -1):
        dz = sigmoid_backward(dout, cache[1][l])
        dout, dW, db = layers.affine_backward(dz, (cache[1][l - 1], params[l - 1][0]))
        grads.append((dW, db))
    for (dW, db), (eW, eb) in zip(grads[::-1], ref.mlp_backward(params, cache, Y)):
        np.testing.assert_allclose(dW, eW, **F64)
        np.testing.assert_allclose(db, eb, **F64)
    for (dW, db), (eW, eb) in zip(grads[::-1], ref.mlp_backward_by_layers(params, cache, Y)):
        np.testing.assert_array_equal(dW, eW)
        np.testing.assert_array_equal(db, eb)


def test_cost_and_its_gradient():
    A, Y = np.array([[0.2, 0.8], [1.0, 0.0]]), np.array([[0.0, 1.0], [1.0, 1.0]])
    assert ref.quadratic_cost(A, Y) == pytest.approx((0.04 + 0.04 + 0.0 + 1.0) / 4)
    np.testing.assert_allclose(ref.quadratic_cost_grad(A, Y), (A - Y) / 2, **F64)
    assert ref.quadratic_cost(A, Y) == pytest.approx(float(ref_torch.quadratic_cost(A, Y, "cpu")))


# ---------------------------------------------------------------- numeric gradients

def test_central_differences_are_exact_on_quadratics():
    rng = np.random.default_rng(0)
    A, c, x = rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=4)
    exact = (A + A.T) @ x / 2 + c
    got = ref.numerical_gradient(lambda v: v @ A @ v / 2 + c @ v, x)
    np.testing.assert_allclose(got, exact, rtol=1e-8, atol=1e-9)


def test_central_error_is_second_order_and_forward_first_order():
    x, exact = np.array([0.7]), np.cos(0.7)
    central = [abs(ref.numerical_gradient(lambda v: np.sin(v).sum(), x, h)[0] - exact) for h in (1e-2, 1e-3)]
    forward = [abs((np.sin(0.7 + h) - np.sin(0.7)) / h - exact) for h in (1e-2, 1e-3)]
    assert central[0] / central[1] == pytest.approx(100, rel=0.01)   # h / 10 -> error / 100
    assert forward[0] / forward[1] == pytest.approx(10, rel=0.05)    # h / 10 -> error / 10


def test_numerical_gradient_matches_torch(dev):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3))
    mine = ref.numerical_gradient(lambda v: float(np.sum(np.sin(3 * v) * v)), x)
    exact = numpy(ref_torch.autograd_gradient(lambda v: (torch.sin(3 * v) * v).sum(), x, dev))
    np.testing.assert_allclose(mine, exact, **NUMERIC)
    twin = numpy(ref_torch.numerical_gradient(lambda v: (torch.sin(3 * v) * v).sum(), x, device="cpu"))
    np.testing.assert_allclose(mine, twin, **NUMERIC)


def test_numerical_gradient_leaves_x_and_keeps_shape():
    x = np.arange(6.0).reshape(2, 3)
    grad = ref.numerical_gradient(lambda v: float(np.sum(v * v)), x)
    np.testing.assert_array_equal(x, np.arange(6.0).reshape(2, 3))
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-8, atol=1e-8)


def test_relative_error():
    assert ref.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert ref.relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
    assert ref.relative_error([0.0], [0.0]) == 0.0


# ---------------------------------------------------------------- seed 001's worked example

def intro_note_forward():
    params = ref.intro_note_params()
    A, cache = mlp_forward_cache(ref.INTRO_NOTE_X, params)
    (st11, st12), (st21, st22), (yhat,) = (a[0] for a in cache[1][1:])
    return params, cache, st11, st12, st21, st22, yhat


def test_intro_note_forward_pass_reproduces_printed_values():
    _, _, st11, st12, st21, st22, yhat = intro_note_forward()
    for got, printed in [(st11, 0.997762), (st12, 0.989013), (st21, 0.729929), (st22, 0.621579)]:
        assert round(got, 6) == printed
    assert abs(yhat - 0.612248) < 1.5e-6  # 0.6122489...: the seed truncated the last digit
    assert (0.9 - yhat) ** 2 == pytest.approx(0.0828006, abs=2e-7)


def test_intro_note_printed_values_are_sigmoids_not_sums():
    x1, x2 = ref.INTRO_NOTE_X[0]
    w1, w2, w3 = ref.INTRO_NOTE_WEIGHTS[:3]
    assert round(x1 * w1 + x2 * w3, 6) != 0.997762           # the seed's equation without sigma
    assert round(float(sigmoid(x1 * w1 + x2 * w3)), 6) == 0.997762


def test_intro_note_inputs_are_determined_by_the_printed_activations():
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    w1, w2, w3, w4 = ref.INTRO_NOTE_WEIGHTS[:4]
    x = np.linalg.solve([[w1, w3], [w2, w4]], [logit(0.997762), logit(0.989013)])
    np.testing.assert_allclose(x, ref.INTRO_NOTE_X[0], atol=5e-4)


def test_intro_note_gradient_of_w9_and_the_corrected_update():
    params, cache, st11, st12, st21, st22, yhat = intro_note_forward()
    y, lr = ref.INTRO_NOTE_Y[0, 0], ref.INTRO_NOTE_LR
    dE_dyhat, dyhat_dz, dz_dw9 = -2 * (y - yhat), yhat * (1 - yhat), st21
    assert round(dE_dyhat, 6) == -0.575502 and round(dyhat_dz, 6) == 0.2374 and round(dz_dw9, 6) == 0.729929
    grad_w9 = dE_dyhat * dyhat_dz * dz_dw9
    # E = (y - yhat)^2 is twice the quadratic cost 1/2 (y - yhat)^2 of one example.
    dW3 = ref.mlp_backward(params, cache, ref.INTRO_NOTE_Y)[2][0]
    assert 2 * dW3[0, 0] == pytest.approx(grad_w9, rel=1e-12)
    w9_new = 0.2 - lr * grad_w9
    assert round(w9_new, 6) == 0.229918 and round(0.2 - lr * (-0.575504 * 0.237400 * 0.729929), 6) == 0.229918
    assert abs(w9_new - 0.237479) > 7e-3  # the seed's value is not this update
    yhat_new = float(sigmoid(st21 * w9_new + st22 * 0.5))
    assert round(yhat_new, 6) == 0.61742 and round((y - yhat_new) ** 2, 6) == 0.079851
    # The seed's later numbers follow from its wrong w9.
    assert round(float(sigmoid(st21 * 0.237479 + st22 * 0.5)), 6) == 0.618723


# ---------------------------------------------------------------- softmax cross-entropy (chapters 04-05)

def _ce_case(seed=0, n=6, c=4, scale=3.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, c)) * scale, np.eye(c)[rng.integers(0, c, size=n)]


def test_softmax_cross_entropy_gradient_is_p_minus_y_over_n(dev):
    z, Y = _ce_case()
    loss, dz = ref.softmax_cross_entropy(z, Y)
    numeric = ref.numerical_gradient(lambda v: ref.softmax_cross_entropy(v, Y)[0], z)
    np.testing.assert_allclose(dz, numeric, rtol=1e-6, atol=1e-9)
    t_loss, t_dz = ref_torch.softmax_cross_entropy(z, Y, dev)
    np.testing.assert_allclose(loss, numpy(t_loss), **DEVICE)
    np.testing.assert_allclose(dz, numpy(t_dz), **DEVICE)
    assert loss == pytest.approx(float(torch.nn.functional.cross_entropy(
        torch.tensor(z), torch.tensor(Y.argmax(axis=1)))), rel=1e-12)


def test_softmax_cross_entropy_is_finite_for_huge_logits():
    z = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]])
    Y = np.eye(3)[[0, 0]]
    loss, dz = ref.softmax_cross_entropy(z, Y)
    assert loss == pytest.approx((1e4 + np.log(2)) / 2)
    np.testing.assert_allclose(dz, np.array([[0, 0, 0], [-1, 0.5, 0.5]]) / 2, atol=1e-15)


@pytest.mark.parametrize("sizes", [[5, 4, 3], [3, 4, 4, 2], [2, 1]])
def test_mlp_backward_ce_matches_autograd_and_numeric(sizes, dev):
    rng = np.random.default_rng(len(sizes))
    params = [(W, rng.normal(scale=0.5, size=b.shape)) for W, b in init_params(sizes, seed=3)]
    X, Y = rng.normal(size=(7, sizes[0])), np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=7)]
    _, cache = mlp_forward_cache(X, params)
    grads = ref.mlp_backward_ce(params, cache, Y)
    twin = ref_torch.mlp_backward_ce(params, cache, Y, dev)

    def loss_with(l, i, v):
        new = [list(p) for p in params]
        new[l][i] = v
        return ref.softmax_cross_entropy(mlp_forward_cache(X, new)[1][0][-1], Y)[0]
    for l, (dW, db) in enumerate(grads):
        for i, g in enumerate((dW, db)):
            np.testing.assert_allclose(g, numpy(twin[l][i]), **DEVICE)
            numeric = ref.numerical_gradient(lambda v: loss_with(l, i, v), params[l][i])
            assert ref.relative_error(g, numeric) < 1e-6
