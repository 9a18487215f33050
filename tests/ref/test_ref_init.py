"""ref_numpy.init: the variance rules, torch.nn.init as the oracle, and the signal they keep."""

import numpy as np
import pytest

from autograder.ref_numpy import init as ref
from autograder.ref_numpy import mlp, vanishing
from autograder.ref_torch import init as ref_torch
from autograder.ref_torch import vanishing as vanishing_torch
from autograder.ref_torch._util import numpy

#: Sample standard deviation of 200 x 300 normal draws is within ~0.2% of the true one; 1% is safe.
STD_RTOL = 0.01


@pytest.mark.parametrize("method,n_in,n_out,want", [
    ("lecun", 64, 32, np.sqrt(1 / 64)), ("xavier", 64, 32, np.sqrt(2 / 96)), ("he", 64, 32, np.sqrt(2 / 64)),
])
def test_weight_std_formulas(method, n_in, n_out, want):
    assert ref.weight_std(method, n_in, n_out) == pytest.approx(want, rel=1e-15)


@pytest.mark.parametrize("method", ["lecun", "xavier", "he"])
def test_numpy_and_torch_init_draw_the_same_distribution(method, dev):
    sizes = [200, 300, 100]
    for (W, b), (tW, tb), (n_in, n_out) in zip(ref.init_params(sizes, 0, method),
                                               ref_torch.init_params(sizes, 0, method, dev),
                                               zip(sizes[:-1], sizes[1:])):
        want = ref.weight_std(method, n_in, n_out)
        assert W.shape == tuple(numpy(tW).shape) == (n_in, n_out)
        assert np.std(W) == pytest.approx(want, rel=STD_RTOL)
        assert np.std(numpy(tW)) == pytest.approx(want, rel=STD_RTOL)
        assert not b.any() and not numpy(tb).any()


def test_lecun_is_the_course_default_bit_for_bit():
    for (W, b), (W0, b0) in zip(ref.init_params([7, 5, 3], 4, "lecun"), mlp.init_params([7, 5, 3], 4)):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)


def _deep(method, activation, depth=10, width=256, seed=0):
    X = np.random.default_rng(seed).normal(size=(512, width))
    params = ref.init_params([width] * (depth + 1), seed + 1, method)
    return vanishing.activation_rms_per_layer(X, params, activation)


def test_relu_halves_the_second_moment_with_lecun_and_keeps_it_with_he():
    lecun, he = _deep("lecun", "relu"), _deep("he", "relu")
    ratios = lecun[1:-1] / lecun[:-2]
    np.testing.assert_allclose(ratios, np.sqrt(0.5), rtol=0.1)  # RMS falls by 1/sqrt(2) per layer
    assert 0.7 < he[-2] / he[0] < 1.4


def test_activation_rms_matches_torch(dev):
    rng = np.random.default_rng(2)
    X, params = rng.normal(size=(9, 6)), ref.init_params([6, 5, 5, 2], 1, "he")
    for activation in ["sigmoid", "relu", "tanh"]:
        np.testing.assert_allclose(vanishing.activation_rms_per_layer(X, params, activation),
                                   numpy(vanishing_torch.activation_rms_per_layer(X, params, activation, dev)),
                                   rtol=1e-5, atol=1e-7)
