"""ref_numpy.regularization against its PyTorch twin, autograd, numeric gradients and torch.optim."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import backprop
from autograder.ref_numpy import regularization as ref
from autograder.ref_numpy.mlp import init_params
from autograder.ref_torch import regularization as ref_torch
from autograder.ref_torch._util import numpy

#: Central differences (h = 1e-5) of a quadratic: rounding only.
NUMERIC = dict(rtol=1e-6, atol=1e-8)
#: A sampled fraction of n = 200,000 Bernoulli draws is within 5 standard errors (~0.005).
FRACTION = 0.006
SIZES = [[4, 3], [5, 4, 3], [2, 7, 1, 3]]


def params_of(sizes, seed):
    rng = np.random.default_rng(seed)
    return [(W, rng.normal(size=b.shape)) for W, b in init_params(sizes, seed)]


@pytest.mark.parametrize("penalty", ["l2_penalty", "l1_penalty"])
@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("lam", [0.0, 1e-3, 0.7])
def test_penalty_matches_autograd(penalty, sizes, lam, dev):
    params = params_of(sizes, len(sizes))
    value, grads = getattr(ref, penalty)(params, lam)
    t_value, t_grads = getattr(ref_torch, penalty)(params, lam, dev)
    assert isinstance(value, float)
    np.testing.assert_allclose(value, numpy(t_value), **DEVICE)
    for (W, b), (dW, db), (tW, tb) in zip(params, grads, t_grads):
        assert dW.shape == W.shape and db.shape == b.shape
        np.testing.assert_allclose(dW, numpy(tW), **DEVICE)
        np.testing.assert_array_equal(db, np.zeros_like(b))  # biases are not penalized
        np.testing.assert_array_equal(numpy(tb), np.zeros_like(b))


@pytest.mark.parametrize("penalty", ["l2_penalty", "l1_penalty"])
def test_penalty_gradient_is_numeric_gradient(penalty):
    params = params_of([3, 4, 2], 7)
    fn = getattr(ref, penalty)
    _, grads = fn(params, 0.3)
    for layer, (W, _) in enumerate(params):
        def of_W(v, layer=layer):
            return fn([(v, b_) if i == layer else (W_, b_) for i, (W_, b_) in enumerate(params)], 0.3)[0]
        np.testing.assert_allclose(grads[layer][0], backprop.numerical_gradient(of_W, W), **NUMERIC)


def test_l2_is_half_lambda_squared_norm():
    W = np.array([[3.0, 4.0]])
    value, grads = ref.l2_penalty([(W, np.array([100.0]))], 2.0)
    assert value == pytest.approx(0.5 * 2.0 * 25.0, rel=1e-15)
    np.testing.assert_allclose(grads[0][0], 2.0 * W, **F64)


def test_l1_subgradient_at_zero_is_zero():
    _, grads = ref.l1_penalty([(np.array([[0.0, -2.0, 3.0]]), np.zeros(3))], 0.5)
    np.testing.assert_array_equal(grads[0][0], [[0.0, -0.5, 0.5]])


@pytest.mark.parametrize("lr,lam", [(0.1, 0.01), (0.5, 0.3)])
def test_sgd_with_l2_gradient_is_torch_weight_decay(lr, lam):
    """For SGD, adding the L2 gradient lam * W is exactly PyTorch's weight_decay=lam."""
    rng = np.random.default_rng(3)
    W = rng.normal(size=(5, 4))
    data_grads = [rng.normal(size=W.shape) for _ in range(20)]
    w_torch = torch.tensor(W, requires_grad=True)
    opt = torch.optim.SGD([w_torch], lr=lr, weight_decay=lam)
    for g in data_grads:
        W = W - lr * (g + ref.l2_penalty([(W, np.zeros(4))], lam)[1][0][0])
        w_torch.grad = torch.tensor(g)
        opt.step()
    np.testing.assert_allclose(W, w_torch.detach().numpy(), **F64)


def test_adam_l2_is_not_adamw_decay():
    """With Adam the L2 gradient is rescaled per weight; AdamW's decoupled decay is not."""
    rng = np.random.default_rng(4)
    W0 = rng.normal(size=(6, 3))
    grads = [rng.normal(size=W0.shape) * np.array([100.0, 1.0, 0.01]) for _ in range(30)]
    finals = {}
    for name, cls in [("adam", torch.optim.Adam), ("adamw", torch.optim.AdamW)]:
        w = torch.tensor(W0, requires_grad=True)
        opt = cls([w], lr=1e-2, weight_decay=0.1)
        for g in grads:
            w.grad = torch.tensor(g)
            opt.step()
        finals[name] = w.detach().numpy()
    assert np.abs(finals["adam"] - finals["adamw"]).max() > 1e-3


# ---------------------------------------------------------------- dropout

def test_mask_is_the_documented_numpy_call():
    keep = ref.dropout_mask((4, 5), 0.3, seed=12)
    np.testing.assert_array_equal(keep, np.random.default_rng(12).random((4, 5)) >= 0.3)
    assert not np.array_equal(keep, ref.dropout_mask((4, 5), 0.3, seed=13))


@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.9])
def test_dropout_forward_matches_twin(p, dev):
    x = np.random.default_rng(1).normal(size=(6, 7))
    for train in (True, False):
        out, cache = ref.dropout_forward(x, p, train, seed=5)
        t_out, t_cache = ref_torch.dropout_forward(x, p, train, seed=5, device=dev)
        np.testing.assert_allclose(out, numpy(t_out), **DEVICE)
        np.testing.assert_allclose(cache, numpy(t_cache), **DEVICE)


def test_dropout_evaluation_is_identity():
    x = np.random.default_rng(2).normal(size=(3, 4))
    out, cache = ref.dropout_forward(x, 0.5, False, seed=0)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(ref.dropout_backward(np.ones_like(x), cache), np.ones_like(x))


def test_dropout_scaling_is_torch_functional_dropout():
    """PyTorch's F.dropout keeps an entry as x / (1 - p) or zeroes it; so does the reference."""
    p = 0.3
    x = torch.linspace(1.0, 2.0, 1000, dtype=torch.float64)
    torch.manual_seed(0)
    out = F.dropout(x, p, training=True)
    kept = out != 0
    np.testing.assert_allclose(out[kept].numpy(), (x[kept] / (1 - p)).numpy(), **F64)
    ours, _ = ref.dropout_forward(x.numpy(), p, True, mask=kept.numpy())
    np.testing.assert_allclose(ours, out.numpy(), **F64)
    np.testing.assert_array_equal(F.dropout(x, p, training=False).numpy(), x.numpy())


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_keeps_the_expected_value(p):
    x = np.full(200_000, 3.0)
    out, _ = ref.dropout_forward(x, p, True, seed=9)
    assert abs(np.mean(out == 0.0) - p) < FRACTION
    assert abs(out.mean() / 3.0 - 1.0) < FRACTION / (1 - p)


def test_dropout_given_mask_wins_over_seed():
    x = np.arange(6.0).reshape(2, 3)
    mask = np.array([[1, 0, 1], [0, 1, 1]], dtype=bool)
    out, _ = ref.dropout_forward(x, 0.5, True, seed=0, mask=mask)
    np.testing.assert_array_equal(out, 2.0 * x * mask)


@pytest.mark.parametrize("shape", [(5, 4), (3,), (2, 3, 4)])
def test_dropout_backward_matches_autograd_and_numeric(shape, dev):
    rng = np.random.default_rng(len(shape))
    x, dout = rng.normal(size=shape), rng.normal(size=shape)
    _, cache = ref.dropout_forward(x, 0.4, True, seed=3)
    dx = ref.dropout_backward(dout, cache)
    np.testing.assert_allclose(dx, numpy(ref_torch.dropout_backward(dout, cache, dev)), **DEVICE)
    numeric = backprop.numerical_gradient(
        lambda v: np.sum(dout * ref.dropout_forward(v, 0.4, True, seed=3)[0]), x)
    np.testing.assert_allclose(dx, numeric, **NUMERIC)


def test_dropout_does_not_change_its_input():
    x = np.ones((3, 3))
    ref.dropout_forward(x, 0.5, True, seed=0)
    np.testing.assert_array_equal(x, np.ones((3, 3)))
