"""ref_numpy.schedules (closed forms) against ref_torch.schedules (torch.optim.lr_scheduler)."""

import math

import numpy as np
import pytest

from autograder.ref_numpy import schedules as ref
from autograder.ref_torch import schedules as ref_torch

#: PyTorch updates most rates recursively, our closed forms do not: rounding only.
RECURSION = dict(rtol=1e-12, atol=1e-15)

CASES = [
    ("step_lr", dict(lr0=0.1, step_size=7, gamma=0.5)),
    ("step_lr", dict(lr0=1.0, step_size=1, gamma=0.1)),
    ("exponential_lr", dict(lr0=0.1, gamma=0.95)),
    ("cosine_lr", dict(lr0=0.1, T_max=30)),
    ("cosine_lr", dict(lr0=0.5, T_max=7, eta_min=0.01)),
    ("linear_warmup_lr", dict(lr0=0.1, warmup=5, start_factor=0.01)),
    ("warmup_cosine_lr", dict(lr0=0.1, warmup=5, T_max=40, eta_min=1e-4)),
]


@pytest.mark.parametrize("name,kw", CASES)
def test_closed_forms_match_torch_schedulers(name, kw, dev):
    steps = range(90)  # past T_max, to follow the cosine back up
    mine = [getattr(ref, name)(t, **kw) for t in steps]
    theirs = getattr(ref_torch, name)(steps, **kw, device=dev)
    np.testing.assert_allclose(mine, theirs, **RECURSION)
    assert all(isinstance(x, float) for x in mine)


def test_twin_gives_one_rate_for_one_step(dev):
    assert ref_torch.step_lr(8, 0.1, 7, 0.5, device=dev) == ref_torch.step_lr([8], 0.1, 7, 0.5, device=dev)[0]
    assert ref_torch.cosine_lr(0, 0.3, 10, device=dev) == 0.3


def test_step_lr_drops_at_multiples_of_step_size():
    rates = [ref.step_lr(t, 1.0, 3, 0.1) for t in range(7)]
    np.testing.assert_allclose(rates, [1, 1, 1, 0.1, 0.1, 0.1, 0.01], rtol=1e-15)


def test_cosine_endpoints_and_midpoint():
    assert ref.cosine_lr(0, 0.2, 50, 0.02) == pytest.approx(0.2, rel=1e-15)
    assert ref.cosine_lr(25, 0.2, 50, 0.02) == pytest.approx(0.11, rel=1e-14)
    assert ref.cosine_lr(50, 0.2, 50, 0.02) == pytest.approx(0.02, rel=1e-14)
    assert ref.cosine_lr(100, 0.2, 50, 0.02) == pytest.approx(0.2, rel=1e-14)


def test_warmup_rises_linearly_then_holds():
    rates = [ref.linear_warmup_lr(t, 1.0, 4, 0.2) for t in range(7)]
    np.testing.assert_allclose(rates, [0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0], rtol=1e-15)


def test_warmup_cosine_is_continuous_at_the_switch():
    kw = dict(lr0=0.1, warmup=5, T_max=40)
    assert ref.warmup_cosine_lr(5, **kw) == pytest.approx(0.1)
    assert ref.warmup_cosine_lr(40, **kw) == pytest.approx(0.0, abs=1e-15)
    assert ref.warmup_cosine_lr(4, **kw) < ref.warmup_cosine_lr(5, **kw)


def test_exponential_is_step_lr_with_step_one():
    for t in range(20):
        assert ref.exponential_lr(t, 0.3, 0.9) == pytest.approx(ref.step_lr(t, 0.3, 1, 0.9), rel=1e-15)
        assert math.isfinite(ref.exponential_lr(t, 0.3, 0.9))
