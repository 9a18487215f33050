"""autograder.ref_torch.numpy_caches: the NumPy references' contract, computed by PyTorch.

Each function must give what the NumPy reference gives (values, cache entries, the
types the checks compare), in float64 on the device the references use here, including
the extreme inputs of the checks (exact zeros at the kinks, |x| = 1000) and the
evaluation branch of batch normalization.
"""

import numpy as np
import pytest

from autograder.ref_numpy import activations, batchnorm, lstm
from autograder.ref_torch import numpy_caches as nc

#: PyTorch and NumPy in float64: the same formulas, rounding apart (also on an accelerator).
CLOSE = dict(rtol=1e-12, atol=1e-14)
SPECIALS = np.array([0.0, -0.0, 1e3, -1e3, 30.0, -30.0, 1e-12, -1e-12])


def _close(got, want):
    assert isinstance(got, np.ndarray) and got.shape == np.shape(want) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, **CLOSE)


def _same_cache(got, want):
    """Caches equal entry by entry (tuples, dicts, arrays, numbers), arrays to CLOSE."""
    assert type(got) is type(want) or isinstance(want, np.ndarray)
    if isinstance(want, dict):
        assert got.keys() == want.keys()
        for k in want:
            _same_cache(got[k], want[k])
    elif isinstance(want, tuple):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _same_cache(g, w)
    elif isinstance(want, np.ndarray):
        _close(np.asarray(got), want)
    else:
        assert got == want


@pytest.mark.parametrize("name,alpha", [("sigmoid", None), ("tanh", None), ("relu", None),
                                        ("leaky_relu", None), ("leaky_relu", 0.2), ("elu", None), ("elu", 0.5)])
def test_activations_keep_the_numpy_contract(name, alpha, dev):
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(scale=3.0, size=24), SPECIALS]).reshape(4, 8)
    dout = rng.normal(size=x.shape)
    args = (x,) if alpha is None else (x, alpha)
    out, cache = getattr(nc, name + "_forward")(*args, device=dev)
    want_out, want_cache = getattr(activations, name + "_forward")(*args)
    _close(out, want_out)
    _same_cache(cache, want_cache)
    dx = getattr(nc, name + "_backward")(dout, cache, device=dev)
    _close(dx, getattr(activations, name + "_backward")(dout, want_cache))


@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_keeps_the_numpy_contract(train, dev):
    rng = np.random.default_rng(2)
    n, d = 7, 3
    a = dict(x=2.0 + 3.0 * rng.normal(size=(n, d)), gamma=rng.normal(size=d), beta=rng.normal(size=d),
             running_mean=rng.normal(size=d), running_var=rng.uniform(0.5, 2.0, size=d))
    got = nc.batchnorm_forward(**a, momentum=0.2, eps=1e-3, train=train, device=dev)
    want = batchnorm.batchnorm_forward(**a, momentum=0.2, eps=1e-3, train=train)
    for g, w in zip(got[:3], want[:3]):
        _close(g, w)
    _same_cache(got[3], want[3])
    dout = rng.normal(size=(n, d))
    for g, w in zip(nc.batchnorm_backward(dout, got[3], device=dev), batchnorm.batchnorm_backward(dout, want[3])):
        _close(g, w)


def test_batchnorm_backward_takes_any_numpy_cache(dev):
    """The backward reads only the cache (eps is not in it): one made by the NumPy reference."""
    rng = np.random.default_rng(3)
    x, dout = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    _, _, _, cache = batchnorm.batchnorm_forward(x, rng.normal(size=4), rng.normal(size=4), np.zeros(4),
                                                 np.ones(4), eps=0.5)
    for g, w in zip(nc.batchnorm_backward(dout, cache, device=dev), batchnorm.batchnorm_backward(dout, cache)):
        _close(g, w)


def _lstm_case(seed, n=3, t=4, d=2, h=5):
    rng = np.random.default_rng(seed)
    Wx, Wh, b = (2.0 * p for p in lstm.init_lstm(d, h, seed))
    return rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h)), Wx, Wh, b


def test_lstm_step_forward_keeps_the_numpy_contract(dev):
    x, h0, c0, Wx, Wh, b = _lstm_case(4)
    args = (x[:, 0], h0, c0, Wx, Wh, b)
    got = nc.lstm_step_forward(*args, device=dev)
    want = lstm.lstm_step_forward(*args)
    _close(got[0], want[0])
    _close(got[1], want[1])
    _same_cache(got[2], want[2])
    assert all(g is a for g, a in zip(got[2][:6], args))  # the inputs themselves (checks compare EXACTly)


@pytest.mark.parametrize("steps", [4, 1])
def test_lstm_forward_keeps_the_numpy_contract(steps, dev):
    x, h0, c0, Wx, Wh, b = _lstm_case(5, t=steps)
    h, cache = nc.lstm_forward(x, h0, c0, Wx, Wh, b, device=dev)
    want_h, want_cache = lstm.lstm_forward(x, h0, c0, Wx, Wh, b)
    _close(h, want_h)
    _same_cache(cache, want_cache)
    dh = np.random.default_rng(6).normal(size=h.shape)
    for g, w in zip(lstm.lstm_backward(dh, cache), lstm.lstm_backward(dh, want_cache)):
        _close(g, w)


def test_adapters_name_real_numpy_references():
    import importlib

    for (topic, name), fn in nc.ADAPTERS.items():
        assert fn.__name__ == name and callable(getattr(importlib.import_module(f"autograder.ref_numpy.{topic}"), name))
