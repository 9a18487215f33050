"""ref_numpy.optim against ref_torch.optim and torch.optim.SGD, and facts of gradient descent."""

import numpy as np
import pytest
import torch

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import optim as ref
from autograder.ref_torch import optim as ref_torch
from autograder.ref_torch._util import numpy


@pytest.mark.parametrize("shape", [(3, 4), (5,), (), (0, 2)])
def test_sgd_numpy_matches_torch(shape, dev):
    rng = np.random.default_rng(len(shape))
    w, dw = rng.normal(size=shape), rng.normal(size=shape)
    next_w, state = ref.sgd_step(w, dw, None, lr=0.3)
    np.testing.assert_allclose(next_w, numpy(ref_torch.sgd_step(w, dw, None, 0.3, dev)[0]), **DEVICE)
    assert state is None and np.shape(next_w) == shape


def test_sgd_matches_torch_optim_sgd():
    rng = np.random.default_rng(0)
    w, dw = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    param = torch.nn.Parameter(torch.tensor(w))
    param.grad = torch.tensor(dw)
    torch.optim.SGD([param], lr=0.05).step()
    np.testing.assert_allclose(ref.sgd_step(w, dw, None, 0.05)[0], param.detach().numpy(), **F64)


def test_sgd_leaves_inputs_and_passes_state_through():
    w, dw, state = np.ones(3), np.full(3, 2.0), {"anything": 1}
    next_w, same = ref.sgd_step(w, dw, state, lr=0.5)
    np.testing.assert_array_equal(w, np.ones(3))
    np.testing.assert_array_equal(next_w, np.zeros(3))
    assert same is state


def test_extreme_values(dev):
    w, dw = np.array([1e300, -1e300, 0.0]), np.array([1e-300, 1e300, -1e4])
    next_w, _ = ref.sgd_step(w, dw, None, 1e-3)
    np.testing.assert_allclose(next_w, [1e300, -1e300 - 1e297, 10.0], **F64)
    np.testing.assert_allclose(next_w, numpy(ref_torch.sgd_step(w, dw, None, 1e-3, dev)[0]), **DEVICE)


@pytest.mark.parametrize("lr,converges", [(0.1, True), (0.9, True), (1.1, False)])
def test_learning_rate_threshold_on_a_parabola(lr, converges):
    """On C(w) = w^2 (curvature 2) a step multiplies w by 1 - 2 lr: it converges iff lr < 1."""
    w = np.array(1.0)
    for _ in range(200):
        w, _ = ref.sgd_step(w, 2 * w, None, lr)
    assert (abs(w) < 1e-6) == converges
