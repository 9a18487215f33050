"""ref_numpy.activations against ref_torch.activations, numeric gradients and facts of the math."""

import numpy as np
import pytest

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import activations as ref
from autograder.ref_torch import activations as ref_torch
from autograder.ref_torch._util import numpy

NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "elu"]
#: Central differences with h = 1e-6 in float64: about 1e-10 absolute error here.
NUMERIC = dict(rtol=1e-6, atol=1e-8)
#: Huge, saturating, exact-zero and tiny inputs.
EXTREME = np.array([1e3, -1e3, 1e4, -1e4, 40.0, -40.0, 0.0, -0.0, 1e-300, -1e-300, 710.0, -710.0])


def fwd(module, name, x, alpha=None, **kw):
    f = getattr(module, name + "_forward")
    return f(x, **kw) if alpha is None else f(x, alpha, **kw)


def bwd(module, name):
    return getattr(module, name + "_backward")


def alphas(name):
    return [None, 0.3, 2.0] if name in ("leaky_relu", "elu") else [None]


def cases():
    return [(name, a) for name in NAMES for a in alphas(name)]


@pytest.mark.parametrize("name,alpha", cases())
@pytest.mark.parametrize("shape", [(7,), (4, 5), (2, 3, 4), (0, 3)])
def test_numpy_matches_torch_random(name, alpha, shape, dev):
    rng = np.random.default_rng(len(shape))
    x, dout = rng.normal(scale=3.0, size=shape), rng.normal(size=shape)
    out, cache = fwd(ref, name, x, alpha)
    t_out, t_cache = fwd(ref_torch, name, x, alpha, device=dev)
    np.testing.assert_allclose(out, numpy(t_out), **DEVICE)
    np.testing.assert_allclose(bwd(ref, name)(dout, cache), numpy(bwd(ref_torch, name)(dout, t_cache)), **DEVICE)
    assert out.shape == shape


@pytest.mark.parametrize("name,alpha", cases())
def test_extreme_inputs_no_overflow_and_match_torch(name, alpha, dev):
    dout = np.linspace(-1.0, 2.0, EXTREME.size)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, cache = fwd(ref, name, EXTREME, alpha)
        dx = bwd(ref, name)(dout, cache)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx))
    t_out, t_cache = fwd(ref_torch, name, EXTREME, alpha, device=dev)
    np.testing.assert_allclose(out, numpy(t_out), **DEVICE)
    np.testing.assert_allclose(dx, numpy(bwd(ref_torch, name)(dout, t_cache)), **DEVICE)


def numeric_grad(f, x, dout, h=1e-6):
    """sum(dout * f(x)) differentiated elementwise by central differences."""
    return dout * (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("name,alpha", cases())
def test_backward_matches_numeric_gradient(name, alpha):
    rng = np.random.default_rng(7)
    x = rng.normal(scale=2.0, size=(6, 5))
    x = np.where(np.abs(x) < 1e-3, 0.5, x)  # central differences straddle no kink
    dout = rng.normal(size=x.shape)
    _, cache = fwd(ref, name, x, alpha)
    np.testing.assert_allclose(bwd(ref, name)(dout, cache),
                               numeric_grad(lambda v: fwd(ref, name, v, alpha)[0], x, dout), **NUMERIC)


@pytest.mark.parametrize("name,alpha,slope", [
    ("relu", None, 0.0), ("leaky_relu", None, 0.01), ("leaky_relu", 0.3, 0.3),
    ("elu", None, 1.0), ("elu", 0.3, 0.3), ("sigmoid", None, 0.25), ("tanh", None, 1.0)])
def test_derivative_at_exactly_zero(name, alpha, slope, dev):
    x = np.array([0.0, -0.0])
    _, cache = fwd(ref, name, x, alpha)
    np.testing.assert_array_equal(bwd(ref, name)(np.ones(2), cache), [slope, slope])
    _, t_cache = fwd(ref_torch, name, x, alpha, device=dev)
    np.testing.assert_allclose(numpy(bwd(ref_torch, name)(np.ones(2), t_cache)), [slope, slope], **DEVICE)


@pytest.mark.parametrize("name,alpha", cases())
def test_forward_leaves_input_unchanged(name, alpha):
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    before = x.copy()
    out, cache = fwd(ref, name, x, alpha)
    out += 100.0  # the output is a new array, not a view of x
    np.testing.assert_array_equal(x, before)


def test_torch_backward_can_run_twice(dev):
    _, cache = ref_torch.tanh_forward(np.array([0.3, -1.0]), device=dev)
    first = numpy(ref_torch.tanh_backward(np.ones(2), cache))
    np.testing.assert_allclose(numpy(ref_torch.tanh_backward(np.ones(2), cache)), first, **F64)


def test_sigmoid_range_is_open_and_derivative_at_most_quarter():
    x = np.linspace(-30, 30, 6001)
    s = ref.sigmoid(x)
    assert np.all((s > 0) & (s < 1))  # never 0 or 1 where float64 can tell
    d = ref.sigmoid_backward(np.ones_like(x), s)
    assert d.max() == pytest.approx(0.25) and x[np.argmax(d)] == 0.0
    assert ref.sigmoid(40.0) == 1.0  # ...but float64 rounds sigmoid(40) to exactly 1


def test_tanh_is_a_scaled_shifted_sigmoid():
    x = np.linspace(-20, 20, 4001)
    np.testing.assert_allclose(ref.tanh_forward(x)[0], 2 * ref.sigmoid(2 * x) - 1, **F64)
    d = ref.tanh_backward(np.ones_like(x), ref.tanh_forward(x)[1])
    assert d.max() == 1.0 and np.all(d <= 1.0)
    assert np.all(np.abs(ref.tanh_forward(np.array([-18.0, 18.0]))[0]) < 1)


def test_relu_family_values():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(ref.relu_forward(x)[0], [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(ref.leaky_relu_forward(x)[0], [-0.02, 0.0, 3.0])
    np.testing.assert_allclose(ref.elu_forward(x)[0], [np.exp(-2.0) - 1, 0.0, 3.0], **F64)
    np.testing.assert_allclose(ref.elu_forward(np.array([-1e3]), 0.5)[0], [-0.5], **F64)  # saturates at -alpha


def test_elu_is_continuous_and_smooth_at_zero_for_alpha_one():
    eps = 1e-8
    left, right = ref.elu_forward(np.array([-eps, eps]))[0]
    assert abs(left + eps) < 1e-15 and right == eps
    _, cache = ref.elu_forward(np.array([-eps, eps]))
    np.testing.assert_allclose(ref.elu_backward(np.ones(2), cache), [1.0, 1.0], **NUMERIC)


def test_activations_table_is_complete():
    assert sorted(ref.ACTIVATIONS) == sorted(NAMES) == sorted(ref_torch.ACTIVATIONS) == sorted(ref_torch.FUNCTIONS)
