"""ref_numpy.batchnorm against torch.nn.functional.batch_norm, torch.nn.BatchNorm1d,
autograd and numeric gradients, in float64."""

import numpy as np
import pytest
import torch

from autograder.checks.compare import DEVICE
from autograder.ref_numpy import backprop
from autograder.ref_numpy import batchnorm as ref
from autograder.ref_torch import batchnorm as ref_torch
from autograder.ref_torch._util import numpy

#: Central differences (h = 1e-5) of a smooth function of moderate curvature.
NUMERIC = dict(rtol=1e-5, atol=1e-7)
CASES = [(6, 4, 0.1, 1e-5), (2, 3, 0.5, 1e-3), (32, 7, 0.01, 1e-5), (5, 5, 1.0, 0.1)]


def case(n, d, seed, offset=0.0, scale=1.0):
    rng = np.random.default_rng(seed)
    return (offset + scale * rng.normal(size=(n, d)), rng.normal(size=d), rng.normal(size=d),
            rng.normal(size=d), rng.uniform(0.5, 2.0, size=d), rng.normal(size=(n, d)))


@pytest.mark.parametrize("n,d,momentum,eps", CASES)
@pytest.mark.parametrize("train", [True, False])
def test_forward_matches_functional_batch_norm(n, d, momentum, eps, train, dev):
    x, g, b, rm, rv, _ = case(n, d, n * d)
    out, new_rm, new_rv, _ = ref.batchnorm_forward(x, g, b, rm, rv, momentum, eps, train)
    t_out, t_rm, t_rv = ref_torch.batchnorm_forward(x, g, b, rm, rv, momentum, eps, train, dev)
    for mine, theirs in [(out, t_out), (new_rm, t_rm), (new_rv, t_rv)]:
        np.testing.assert_allclose(mine, numpy(theirs), **DEVICE)
    if not train:
        np.testing.assert_array_equal(new_rm, rm)
        np.testing.assert_array_equal(new_rv, rv)


def test_running_statistics_match_batchnorm1d_over_many_steps():
    """Ten training steps then evaluation: BatchNorm1d's running_mean, running_var and outputs."""
    rng = np.random.default_rng(0)
    d, momentum, eps = 5, 0.2, 1e-4
    module = torch.nn.BatchNorm1d(d, eps=eps, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(rng.normal(size=d)))
        module.bias.copy_(torch.tensor(rng.normal(size=d)))
    g, b = module.weight.detach().numpy().copy(), module.bias.detach().numpy().copy()
    rm, rv = np.zeros(d), np.ones(d)  # BatchNorm1d starts from mean 0, variance 1
    for step in range(10):
        x = 3.0 + 2.0 * rng.normal(size=(8 + step, d))
        out, rm, rv, _ = ref.batchnorm_forward(x, g, b, rm, rv, momentum, eps, True)
        np.testing.assert_allclose(out, module.train()(torch.tensor(x)).detach().numpy(), **DEVICE)
        np.testing.assert_allclose(rm, module.running_mean.numpy(), **DEVICE)
        np.testing.assert_allclose(rv, module.running_var.numpy(), **DEVICE)
    x = rng.normal(size=(4, d))
    out, _, _, _ = ref.batchnorm_forward(x, g, b, rm, rv, momentum, eps, False)
    np.testing.assert_allclose(out, module.eval()(torch.tensor(x)).detach().numpy(), **DEVICE)


def test_running_var_is_unbiased_and_normalization_biased():
    x = np.array([[0.0], [2.0]])  # biased variance 1, unbiased 2
    out, rm, rv, _ = ref.batchnorm_forward(x, np.ones(1), np.zeros(1), np.zeros(1), np.zeros(1),
                                           momentum=1.0, eps=0.0, train=True)
    np.testing.assert_allclose(out, [[-1.0], [1.0]], rtol=1e-15)
    np.testing.assert_allclose(rm, [1.0], rtol=1e-15)
    np.testing.assert_allclose(rv, [2.0], rtol=1e-15)


@pytest.mark.parametrize("n,d,momentum,eps", CASES)
@pytest.mark.parametrize("train", [True, False])
def test_backward_matches_autograd(n, d, momentum, eps, train, dev):
    x, g, b, rm, rv, dout = case(n, d, 100 + n)
    _, _, _, cache = ref.batchnorm_forward(x, g, b, rm, rv, momentum, eps, train)
    grads = ref.batchnorm_backward(dout, cache)
    twin = ref_torch.batchnorm_backward(dout, x, g, b, rm, rv, eps, train, dev)
    for mine, theirs, like in zip(grads, twin, (x, g, b)):
        assert mine.shape == like.shape
        np.testing.assert_allclose(mine, numpy(theirs), **DEVICE)


@pytest.mark.parametrize("train", [True, False])
def test_backward_matches_numeric_gradients(train):
    x, g, b, rm, rv, dout = case(5, 3, 8)

    def cost(x_, g_, b_):
        return np.sum(dout * ref.batchnorm_forward(x_, g_, b_, rm, rv, 0.1, 1e-5, train)[0])
    _, _, _, cache = ref.batchnorm_forward(x, g, b, rm, rv, 0.1, 1e-5, train)
    dx, dg, db = ref.batchnorm_backward(dout, cache)
    np.testing.assert_allclose(dx, backprop.numerical_gradient(lambda v: cost(v, g, b), x), **NUMERIC)
    np.testing.assert_allclose(dg, backprop.numerical_gradient(lambda v: cost(x, v, b), g), **NUMERIC)
    np.testing.assert_allclose(db, backprop.numerical_gradient(lambda v: cost(x, g, v), b), **NUMERIC)


def test_training_output_is_standardized_per_feature():
    x, _, _, rm, rv, _ = case(50, 6, 3, offset=7.0, scale=5.0)
    out, _, _, _ = ref.batchnorm_forward(x, np.ones(6), np.zeros(6), rm, rv, eps=0.0)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1.0, rtol=1e-12)


def test_training_gradient_sums_to_zero_per_feature():
    """Shifting a column changes nothing in training, so dx sums to 0 over the batch; with
    eps = 0 scaling a column changes nothing either, so dx is orthogonal to xhat."""
    x, g, b, rm, rv, dout = case(9, 4, 5)
    _, _, _, cache = ref.batchnorm_forward(x, g, b, rm, rv, eps=0.0)
    dx, _, _ = ref.batchnorm_backward(dout, cache)
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose((dx * cache["xhat"]).sum(axis=0), 0.0, atol=1e-12)


def test_extreme_and_constant_inputs_match_torch(dev):
    x, g, b, rm, rv, dout = case(6, 3, 4, offset=1e4, scale=1e-2)
    x[:, 1] = 5.0  # a constant feature: variance 0, normalized to 0, no NaN
    out, new_rm, new_rv, cache = ref.batchnorm_forward(x, g, b, rm, rv, 0.1, 1e-5, True)
    t_out, t_rm, t_rv = ref_torch.batchnorm_forward(x, g, b, rm, rv, 0.1, 1e-5, True, dev)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out[:, 1], b[1], rtol=1e-12)
    np.testing.assert_allclose(out, numpy(t_out), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(new_rm, numpy(t_rm), rtol=1e-12)
    np.testing.assert_allclose(new_rv, numpy(t_rv), **DEVICE)
    twin = ref_torch.batchnorm_backward(dout, x, g, b, rm, rv, 1e-5, True, dev)
    for mine, theirs in zip(ref.batchnorm_backward(dout, cache), twin):
        assert np.all(np.isfinite(mine))
        np.testing.assert_allclose(mine, numpy(theirs), rtol=1e-5, atol=1e-6 * max(1.0, np.abs(mine).max()))


def test_cache_is_plain_data_and_inputs_unchanged():
    x, g, b, rm, rv, _ = case(4, 3, 1)
    copies = [a.copy() for a in (x, g, b, rm, rv)]
    _, new_rm, new_rv, cache = ref.batchnorm_forward(x, g, b, rm, rv)
    for before, after in zip(copies, (x, g, b, rm, rv)):
        np.testing.assert_array_equal(before, after)
    assert new_rm is not rm and new_rv is not rv
    assert all(isinstance(v, (np.ndarray, bool, float, int)) for v in cache.values())
