"""ref_numpy.losses against ref_torch.losses (torch.nn.functional), and facts of the math."""

import numpy as np
import pytest
import torch

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import activations, data
from autograder.ref_numpy import losses as ref
from autograder.ref_torch import losses as ref_torch
from autograder.ref_torch._util import numpy

#: central differences with h = 1e-6 in float64: error ~ h^2 * f''' + eps / h.
NUMERIC_GRAD = dict(rtol=1e-6, atol=1e-8)

#: logits that break every naive formula: overflow, underflow, huge gaps, all-equal rows.
EXTREME = np.array([
    [1e4, 0.0, -1e4],
    [1e4, 1e4, 1e4],
    [-1e4, -1e4 + 1.0, -1e4 + 2.0],
    [800.0, 799.0, -800.0],
    [0.0, 0.0, 0.0],
])


def _logits(seed, shape, scale=3.0):
    return np.random.default_rng(seed).normal(size=shape) * scale


def _numeric_grad(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


# --- softmax, logsumexp, log_softmax -------------------------------------------------

@pytest.mark.parametrize("shape", [(5, 4), (1, 3), (7, 1000), (2, 3, 6), (6,)])
def test_softmax_matches_torch(shape, dev):
    z = _logits(sum(shape), shape)
    np.testing.assert_allclose(ref.softmax(z), numpy(ref_torch.softmax(z, dev)), **DEVICE)
    np.testing.assert_allclose(ref.log_softmax(z), numpy(ref_torch.log_softmax(z, dev)), **DEVICE)
    np.testing.assert_allclose(ref.logsumexp(z), numpy(ref_torch.logsumexp(z, dev)), **DEVICE)


def test_extreme_logits_match_torch_and_stay_finite(dev):
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is harmless
        p, logp, lse = ref.softmax(EXTREME), ref.log_softmax(EXTREME), ref.logsumexp(EXTREME)
    for mine in (p, logp, lse):
        assert np.all(np.isfinite(mine))
    np.testing.assert_allclose(p, numpy(ref_torch.softmax(EXTREME, dev)), **DEVICE)
    np.testing.assert_allclose(logp, numpy(ref_torch.log_softmax(EXTREME, dev)), **DEVICE)
    np.testing.assert_allclose(lse, numpy(ref_torch.logsumexp(EXTREME, dev)), **DEVICE)
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0], **F64)
    np.testing.assert_allclose(logp[0], [0.0, -1e4, -2e4], **F64)  # finite where p underflows
    np.testing.assert_allclose(lse[1], 1e4 + np.log(3), **F64)


def test_naive_softmax_really_fails_on_these_logits():
    """The extreme cases are extreme: the textbook formula gives NaN on them."""
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(EXTREME) / np.exp(EXTREME).sum(axis=1, keepdims=True)
    assert np.isnan(naive[0]).any() and np.isnan(naive[1]).all() and np.isnan(naive[2]).all()


def test_softmax_is_a_distribution_per_row():
    p = ref.softmax(_logits(1, (50, 7), scale=20.0))
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, **F64)


def test_softmax_all_equal_rows_are_uniform():
    z = np.repeat(np.array([[-1e4], [0.0], [3.0], [1e4]]), 5, axis=1)
    np.testing.assert_allclose(ref.softmax(z), np.full((4, 5), 0.2), **F64)


def test_softmax_shift_invariant_per_row_not_scale_invariant():
    z = _logits(2, (4, 5))
    shift = np.array([[-100.0], [0.5], [30.0], [1e4]])
    np.testing.assert_allclose(ref.softmax(z + shift), ref.softmax(z), **F64)
    assert not np.allclose(ref.softmax(2 * z), ref.softmax(z))


def test_softmax_preserves_order_and_ratios():
    z = np.array([1.0, 1.5, -1.0])
    p = ref.softmax(z)
    assert list(np.argsort(p)) == list(np.argsort(z))
    np.testing.assert_allclose(p[1] / p[0], np.exp(z[1] - z[0]), **F64)


def test_dog_cat_example_of_the_book():
    """Logits (dog 1.0, cat 1.5, bird -1.0) give the lecture's 'Dog 0.36'."""
    p = ref.softmax(np.array([1.0, 1.5, -1.0]))
    assert round(float(p[0]), 2) == 0.36
    assert round(float(p[1]), 2) == 0.59


def test_two_class_softmax_is_sigmoid_of_difference():
    z = _logits(3, (20, 2), scale=10.0)
    np.testing.assert_allclose(ref.softmax(z)[:, 0], activations.sigmoid(z[:, 0] - z[:, 1]), **F64)


def test_empty_batch_softmax():
    assert ref.softmax(np.zeros((0, 4))).shape == (0, 4)
    assert ref.log_softmax(np.zeros((0, 4))).shape == (0, 4)


def test_softmax_does_not_touch_its_input():
    z = _logits(4, (3, 4))
    before = z.copy()
    ref.softmax(z), ref.log_softmax(z), ref.cross_entropy(z, np.array([0, 1, 2]))
    np.testing.assert_array_equal(z, before)


# --- cross-entropy --------------------------------------------------------------------

@pytest.mark.parametrize("seed,n,c,scale", [(0, 6, 4, 3.0), (1, 1, 3, 1.0), (2, 40, 1000, 5.0), (3, 8, 5, 1e4)])
def test_cross_entropy_matches_torch(seed, n, c, scale, dev):
    z = _logits(seed, (n, c), scale)
    y = np.random.default_rng(seed).integers(0, c, size=n)
    mine = ref.cross_entropy(z, y)
    assert isinstance(mine, float) and np.isfinite(mine)
    np.testing.assert_allclose(mine, numpy(ref_torch.cross_entropy(z, y, dev)), **DEVICE)


def test_cross_entropy_extreme_values(dev):
    y = np.array([1, 0, 2, 2, 1])
    mine = ref.cross_entropy(EXTREME, y)
    np.testing.assert_allclose(mine, numpy(ref_torch.cross_entropy(EXTREME, y, dev)), **DEVICE)
    # row 0 with label 1: 1e4 - 0; row 1: log 3; row 2: log(1 + e^-1 + e^-2); row 3: 1600 + log(1 + e^-1); row 4: log 3
    rows = [1e4, np.log(3), np.log1p(np.exp(-1) + np.exp(-2)), 1600 + np.log1p(np.exp(-1)), np.log(3)]
    np.testing.assert_allclose(mine, np.mean(rows), **F64)


def test_cross_entropy_is_one_hot_formula_and_mean_over_batch():
    z = _logits(5, (9, 4))
    y = np.random.default_rng(5).integers(0, 4, size=9)
    by_formula = -np.sum(data.one_hot(y, 4) * np.log(ref.softmax(z))) / 9
    np.testing.assert_allclose(ref.cross_entropy(z, y), by_formula, **F64)
    np.testing.assert_allclose(ref.cross_entropy(z, y), ref.logsumexp(z).mean() - z[np.arange(9), y].mean(), **F64)


def test_cross_entropy_facts():
    assert ref.cross_entropy(np.zeros((3, 10)), np.array([0, 4, 9])) == pytest.approx(np.log(10), rel=1e-12)
    assert ref.cross_entropy(np.array([[50.0, 0.0]]), np.array([0])) < 1e-20  # confident and right
    assert ref.cross_entropy(np.array([[50.0, 0.0]]), np.array([1])) == pytest.approx(50.0)  # confident and wrong


def test_cross_entropy_gradient_is_softmax_minus_one_hot(dev):
    z = _logits(6, (4, 5))
    y = np.array([0, 3, 3, 1])
    want = (ref.softmax(z) - data.one_hot(y, 5)) / 4
    numeric = _numeric_grad(lambda v: ref.cross_entropy(v, y), z)
    np.testing.assert_allclose(numeric, want, **NUMERIC_GRAD)
    zt = torch.tensor(z, dtype=torch.float64, device=dev, requires_grad=True)
    ref_torch.cross_entropy(zt, y, dev).backward()
    np.testing.assert_allclose(numpy(zt.grad), want, **DEVICE)


def test_cross_entropy_empty_batch_is_nan_like_torch(dev):
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
        mine = ref.cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=int))
    assert np.isnan(mine) and np.isnan(float(ref_torch.cross_entropy(np.zeros((0, 3)), np.zeros(0), dev)))


# --- binary cross-entropy -------------------------------------------------------------

@pytest.mark.parametrize("seed,shape,scale", [(0, (10,), 3.0), (1, (1,), 1.0), (2, (6, 3), 5.0), (3, (12,), 1e4)])
def test_binary_cross_entropy_matches_torch(seed, shape, scale, dev):
    z = _logits(seed, shape, scale)
    t = np.random.default_rng(seed + 100).integers(0, 2, size=shape).astype(float)
    mine = ref.binary_cross_entropy(z, t)
    assert isinstance(mine, float) and np.isfinite(mine)
    np.testing.assert_allclose(mine, numpy(ref_torch.binary_cross_entropy(z, t, dev)), **DEVICE)


def test_binary_cross_entropy_soft_targets_and_extremes(dev):
    z = np.array([1e4, -1e4, 1e4, -1e4, 40.0, -40.0, 0.0])
    t = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.3])
    mine = ref.binary_cross_entropy(z, t)
    np.testing.assert_allclose(mine, numpy(ref_torch.binary_cross_entropy(z, t, dev)), **DEVICE)
    np.testing.assert_allclose(mine, (0 + 0 + 1e4 + 1e4 + 40 + 40 + np.log(2)) / 7, rtol=1e-12)


def test_binary_cross_entropy_equals_textbook_formula_where_that_is_finite():
    z = _logits(7, (30,), 2.0)
    t = np.random.default_rng(7).uniform(size=30)
    p = activations.sigmoid(z)
    textbook = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    np.testing.assert_allclose(ref.binary_cross_entropy(z, t), textbook, **F64)


def test_binary_cross_entropy_is_two_class_cross_entropy():
    z = _logits(8, (15,), 4.0)
    t = np.random.default_rng(8).integers(0, 2, size=15)
    two_class = np.stack([np.zeros(15), z], axis=1)  # class 1 has logit z, class 0 has 0
    np.testing.assert_allclose(ref.binary_cross_entropy(z, t), ref.cross_entropy(two_class, t), **F64)


def test_binary_cross_entropy_gradient_is_sigmoid_minus_target():
    z = _logits(9, (6,))
    t = np.array([0, 1, 1, 0, 1, 0.0])
    numeric = _numeric_grad(lambda v: ref.binary_cross_entropy(v, t), z)
    np.testing.assert_allclose(numeric, (activations.sigmoid(z) - t) / 6, **NUMERIC_GRAD)


# --- regression losses ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["mae", "mse", "rmse"])
@pytest.mark.parametrize("shape", [(10,), (4, 3), (1,)])
def test_regression_losses_match_torch(name, shape, dev):
    rng = np.random.default_rng(len(shape))
    pred, target = rng.normal(size=shape) * 4, rng.normal(size=shape)
    mine = getattr(ref, name)(pred, target)
    assert isinstance(mine, float)
    np.testing.assert_allclose(mine, numpy(getattr(ref_torch, name)(pred, target, dev)), **DEVICE)


def test_regression_losses_by_hand():
    pred, target = np.array([3.0, -1.0, 2.0, 0.0]), np.array([1.0, -1.0, 3.0, 4.0])  # errors 2, 0, -1, -4
    assert ref.mae(pred, target) == pytest.approx(7 / 4)
    assert ref.mse(pred, target) == pytest.approx(21 / 4)
    assert ref.rmse(pred, target) == pytest.approx(np.sqrt(21 / 4))


def test_mse_is_not_always_larger_than_mae():
    """Seed 003 says MSE > MAE because of the square; false when the errors are below 1."""
    pred, target = np.array([0.5, -0.5, 0.2]), np.zeros(3)
    assert ref.mse(pred, target) < ref.mae(pred, target)
    big = pred * 10
    assert ref.mse(big, target) > ref.mae(big, target)


@pytest.mark.parametrize("seed", range(5))
def test_rmse_is_never_below_mae(seed):
    rng = np.random.default_rng(seed)
    pred, target = rng.normal(size=20) * rng.uniform(0.01, 100), rng.normal(size=20)
    assert ref.rmse(pred, target) >= ref.mae(pred, target) - 1e-12


def test_rmse_has_the_units_of_the_data():
    rng = np.random.default_rng(11)
    pred, target = rng.normal(size=8), rng.normal(size=8)
    assert ref.rmse(1000 * pred, 1000 * target) == pytest.approx(1000 * ref.rmse(pred, target))
    assert ref.mse(1000 * pred, 1000 * target) == pytest.approx(1e6 * ref.mse(pred, target))


def test_mean_and_median_minimise_mse_and_mae():
    y = np.array([1.0, 2.0, 3.0, 4.0, 100.0])  # one outlier
    grid = np.linspace(0, 100, 10001)
    best_mse = grid[np.argmin([ref.mse(np.full(5, c), y) for c in grid])]
    best_mae = grid[np.argmin([ref.mae(np.full(5, c), y) for c in grid])]
    assert best_mse == pytest.approx(y.mean(), abs=1e-3)
    assert best_mae == pytest.approx(np.median(y), abs=1e-3)
