"""ref_numpy.rnn against numeric gradients, torch.nn.RNN (weights copied in) and autograd."""

import numpy as np
import pytest
import torch

from autograder.checks.compare import DEVICE
from autograder.ref_numpy import rnn as ref
from autograder.ref_torch import rnn as ref_torch
from autograder.ref_torch._util import numpy
from helpers.numeric import numeric_grad

#: Central differences (h = 1e-6) of a smooth function of order-1 values: truncation ~h², rounding ~1e-10.
NUMERIC = dict(rtol=1e-5, atol=1e-8)
SHAPES = [(3, 5, 4, 6), (1, 1, 1, 1), (2, 7, 3, 3), (4, 2, 6, 2)]


def case(seed, n, t, d, h, scale=0.5):
    rng = np.random.default_rng(seed)
    Wx, Wh, b = ref.init_rnn(d, h, seed, scale)
    return rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), Wx, Wh, b, rng.normal(size=(n, t, h))


@pytest.mark.parametrize("n,t,d,h", SHAPES)
def test_forward_matches_torch_nn_rnn(n, t, d, h, dev):
    x, h0, Wx, Wh, b, _ = case(n + t, n, t, d, h)
    out, cache = ref.rnn_forward(x, h0, Wx, Wh, b)
    assert out.shape == (n, t, h) and cache[0] is x
    np.testing.assert_allclose(out, numpy(ref_torch.rnn_forward(x, h0, Wx, Wh, b, dev)[0]), **DEVICE)


@pytest.mark.parametrize("n,t,d,h", SHAPES)
def test_step_is_the_first_step_of_the_sequence(n, t, d, h):
    x, h0, Wx, Wh, b, _ = case(3, n, t, d, h)
    seq, _ = ref.rnn_forward(x, h0, Wx, Wh, b)
    step, cache = ref.rnn_step_forward(x[:, 0], h0, Wx, Wh, b)
    np.testing.assert_array_equal(step, seq[:, 0])
    assert cache[-1] is step


@pytest.mark.parametrize("n,t,d,h", SHAPES)
def test_bptt_matches_autograd(n, t, d, h, dev):
    x, h0, Wx, Wh, b, dh = case(7 + t, n, t, d, h)
    _, cache = ref.rnn_forward(x, h0, Wx, Wh, b)
    for mine, theirs, like in zip(ref.rnn_backward(dh, cache), ref_torch.rnn_backward(dh, cache, dev),
                                  (x, h0, Wx, Wh, b)):
        assert mine.shape == like.shape
        np.testing.assert_allclose(mine, numpy(theirs), **DEVICE)


@pytest.mark.parametrize("n,t,d,h", SHAPES[:3])
def test_bptt_matches_numeric_gradients(n, t, d, h):
    x, h0, Wx, Wh, b, dh = case(11, n, t, d, h)
    def loss():
        return float(np.sum(dh * ref.rnn_forward(x, h0, Wx, Wh, b)[0]))
    grads = ref.rnn_backward(dh, ref.rnn_forward(x, h0, Wx, Wh, b)[1])
    for mine, wrt in zip(grads, (x, h0, Wx, Wh, b)):
        np.testing.assert_allclose(mine, numeric_grad(loss, wrt), **NUMERIC)


def test_step_backward_matches_autograd_and_numeric(dev):
    x, h0, Wx, Wh, b, dh = case(5, 4, 1, 3, 5)
    h1, cache = ref.rnn_step_forward(x[:, 0], h0, Wx, Wh, b)
    mine = ref.rnn_step_backward(dh[:, 0], cache)
    for got, want in zip(mine, ref_torch.rnn_step_backward(dh[:, 0], cache, dev)):
        np.testing.assert_allclose(got, numpy(want), **DEVICE)
    def loss():
        return float(np.sum(dh[:, 0] * ref.rnn_step_forward(x[:, 0], h0, Wx, Wh, b)[0]))
    np.testing.assert_allclose(mine[3], numeric_grad(loss, Wh), **NUMERIC)


def test_saturated_cell_has_zero_local_gradient():
    x, h0, Wx, Wh, b, dh = case(2, 2, 3, 2, 4)
    h, cache = ref.rnn_forward(1e3 * x, h0, Wx, Wh, b)
    assert np.all(np.abs(h) == 1.0)  # tanh saturates to ±1 in float64
    dx, dh0, dWx, dWh, db = ref.rnn_backward(dh, cache)
    assert np.all(np.isfinite(dx)) and not np.any(dx) and not np.any(dh0)


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 100.0])
def test_clip_grad_norm_matches_torch(max_norm, dev):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5), rng.normal(size=(2, 2, 2))]
    clipped, norm = ref.clip_grad_norm(grads, max_norm)
    twin, twin_norm = ref_torch.clip_grad_norm(grads, max_norm, dev)
    assert norm == pytest.approx(twin_norm, rel=1e-12)
    for mine, theirs in zip(clipped, twin):
        np.testing.assert_allclose(mine, numpy(theirs), **DEVICE)
    total = np.sqrt(sum(np.sum(g**2) for g in clipped))
    assert total <= max_norm * (1 + 1e-12) or max_norm > norm
    if max_norm > norm:
        assert all(np.array_equal(a, b) for a, b in zip(clipped, grads))  # below the limit: unchanged


def test_clip_keeps_direction_and_zero_gradients():
    grads = [np.array([3.0, 4.0])]
    (clipped,), norm = ref.clip_grad_norm(grads, 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped, [0.6, 0.8], rtol=1e-5)
    (zero,), zero_norm = ref.clip_grad_norm([np.zeros(3)], 1.0)
    assert zero_norm == 0.0 and not np.any(zero)


def test_init_matches_torch_range():
    Wx, Wh, b = ref.init_rnn(4, 9, seed=3)
    k = 1 / 3
    assert Wx.shape == (4, 9) and Wh.shape == (9, 9) and b.shape == (9,)
    assert all(np.all(np.abs(p) <= k) for p in (Wx, Wh, b))
    torch_rnn = ref_torch.torch_rnn(Wx, Wh, b, "cpu")
    assert torch_rnn.weight_ih_l0.shape == torch.Size([9, 4])
