"""Every check of exercise 06 passes the reference and fails plausible wrong answers."""

import re

import numpy as np
import pytest

from autograder.checks import ex06_activations as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import activations as ref
from autograder.ref_numpy import vanishing as ref_vanishing
from helpers.checking import HANGUL, fails, in_korean, messages_in_both

NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "elu"]


def checks(name):
    return getattr(ex, f"check_{name}_forward"), getattr(ex, f"check_{name}_backward")


def pair(name):
    return getattr(ref, f"{name}_forward"), getattr(ref, f"{name}_backward")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed,shape", [(0, (4, 5)), (7, (2, 3, 4)), (8, (9,)), (9, (3,))])
def test_activation_checks_pass_reference(name, seed, shape, capsys):
    check_forward, check_backward = checks(name)
    forward, backward = pair(name)
    check_forward(forward, seed=seed, shape=shape)
    check_backward(backward, forward, seed=seed, shape=shape)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.startswith("\N{CHECK MARK}") for line in lines)
    with in_korean():
        check_forward(forward, seed=seed, shape=shape)
        check_backward(backward, forward, seed=seed, shape=shape)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.startswith("\N{CHECK MARK}") and HANGUL.search(line) for line in lines)


# --- forward passes -------------------------------------------------------------------

def _naive_tanh(x):
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    return out, out


def _naive_sigmoid(x):
    out = np.exp(x) / (1 + np.exp(x))
    return out, out


def _relu_in_place(x):
    x[x < 0] = 0
    return x, x


@pytest.mark.parametrize("check,wrong,match", [
    (ex.check_sigmoid_forward, lambda x: (1 / (1 + np.exp(x)),) * 2, "sign in the exponent"),
    (ex.check_sigmoid_forward, _naive_sigmoid, "overflows"),
    (ex.check_sigmoid_forward, lambda x: ref.sigmoid(x), "tuple of 2 values"),
    (ex.check_tanh_forward, _naive_tanh, r"is NaN but should be .*overflows"),
    (ex.check_tanh_forward, lambda x: (2 * ref.sigmoid(x) - 1, None), "argument of the sigmoid is 2x"),
    (ex.check_relu_forward, _relu_in_place, "changed its argument x in place"),
    (ex.check_relu_forward, lambda x: ((x > 0).astype(float), x), "not the 0/1 mask"),
    (ex.check_relu_forward, lambda x: (np.maximum(x, 0).tolist(), x), "should be a NumPy array"),
    (ex.check_leaky_relu_forward, lambda x, alpha=0.01: (np.maximum(x, 0), x), "not 0 \\(that is ReLU\\)"),
    (ex.check_leaky_relu_forward, lambda x, alpha=0.01: (np.where(x > 0, x, 0.01 * x), x), "not a fixed slope"),
    (ex.check_leaky_relu_forward, lambda x, alpha: (np.where(x > 0, x, alpha * x), x), "raised TypeError"),
    (ex.check_elu_forward, lambda x, alpha=1.0: (np.where(x > 0, x, alpha * np.exp(x)), x), "subtract the 1"),
    (ex.check_elu_forward, lambda x, alpha=1.0: (np.where(x > 0, x, np.expm1(x)), x),
     "multiply exp\\(x\\) - 1 by alpha"),
])
def test_forward_checks_reject_wrong_answers(check, wrong, match):
    with np.errstate(all="ignore"):
        fails(check, wrong, match=match)


# --- backward passes ------------------------------------------------------------------

def _sigmoid_caching_x(x):
    return ref.sigmoid(x), np.asarray(x, dtype=float)


def _tanh_caching_x(x):
    return np.tanh(x), np.asarray(x, dtype=float)


def _leaky_fwd(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x), (x, alpha)


def _elu_fwd(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), (x, alpha)


def _relu_caching_out(x):
    out = np.maximum(x, 0.0)
    return out, out


def _relu_backward_mutating(dout, cache):
    dout[cache <= 0] = 0
    return dout


@pytest.mark.parametrize("check,backward,forward,match", [
    (ex.check_sigmoid_backward, lambda d, x: d * x * (1 - x), _sigmoid_caching_x, "you computed\nx|x \\* \\(1 - x\\)"),
    (ex.check_sigmoid_backward, lambda d, s: s * (1 - s), ref.sigmoid_forward, "upstream gradient dout"),
    (ex.check_sigmoid_backward, lambda d, s: d * ref.sigmoid(s) * (1 - ref.sigmoid(s)), ref.sigmoid_forward,
     "do not apply sigmoid to it again"),
    (ex.check_tanh_backward, lambda d, x: d * (1 - x ** 2), _tanh_caching_x, "not 1 - x\\*\\*2|you computed 1 - x"),
    (ex.check_tanh_backward, lambda d, t: d * (1 - t), ref.tanh_forward, "squared"),
    (ex.check_relu_backward, lambda d, x: d * (x >= 0), ref.relu_forward, "not x >= 0"),
    (ex.check_relu_backward, lambda d, x: (x > 0).astype(float), ref.relu_forward, "upstream gradient dout"),
    (ex.check_relu_backward, lambda d, x: d * np.maximum(x, 0), ref.relu_forward, "not ReLU\\(x\\) itself"),
    (ex.check_relu_backward, _relu_backward_mutating, ref.relu_forward, "changed its argument dout in place"),
    (ex.check_relu_backward, lambda d, out: d * (out >= 0), _relu_caching_out, "let dout through everywhere"),
    (ex.check_relu_backward, ref.relu_backward, lambda x: (np.minimum(x, 0), x), "make relu_forward pass"),
    (ex.check_leaky_relu_backward, lambda d, c: d * (c[0] > 0), _leaky_fwd, "slope is alpha, not 0"),
    (ex.check_leaky_relu_backward, lambda d, c: d * np.where(c[0] >= 0, 1.0, c[1]), _leaky_fwd, "left side, alpha"),
    (ex.check_elu_backward, lambda d, c: d * np.where(c[0] > 0, 1.0, c[1] * np.exp(c[0]) - c[1]), _elu_fwd,
     "you used the\nfunction itself|function itself"),
    (ex.check_elu_backward, lambda d, c: d * np.where(c[0] >= 0, 1.0, c[1] * np.exp(c[0])), _elu_fwd,
     "test x > 0, not x >= 0"),
    (ex.check_elu_backward, lambda d, c: d * np.where(c[0] > 0, 1.0, np.exp(c[0])), _elu_fwd, "keep alpha"),
    (ex.check_leaky_relu_backward, lambda d, c: d * np.where(c[0] > 0, 1.0, np.where(c[0] < 0, c[1], 0.0)),
     _leaky_fwd, "you gave slope 0 there"),
    (ex.check_elu_backward, lambda d, c: d * np.where(c[0] > 0, 1.0, np.where(c[0] < 0, c[1] * np.exp(c[0]), 0.0)),
     _elu_fwd, "you gave slope 0 there"),
])
def test_backward_checks_reject_wrong_answers(check, backward, forward, match):
    with np.errstate(all="ignore"):
        fails(check, backward, forward, match=match)


@pytest.mark.parametrize("check,wrong,match", [
    (ex.check_tanh_forward, lambda x: (ref.sigmoid(x), None), "that is the sigmoid"),
    (ex.check_relu_forward, lambda x: (np.minimum(x, 0), x), "not the other way round"),
    (ex.check_elu_forward, lambda x, alpha=1.0: (np.maximum(x, 0), x), "not 0 \\(that is ReLU\\)"),
])
def test_more_forward_mistakes_are_named(check, wrong, match):
    """Mistakes whose expected output the check derives from the reference's (not a formula of its own)."""
    with np.errstate(all="ignore"):
        fails(check, wrong, match=match)


@pytest.mark.parametrize("check,backward,forward,match", [
    (ex.check_sigmoid_backward, lambda d, s: d * s, ref.sigmoid_forward, "not s itself"),
    (ex.check_tanh_backward, lambda d, t: 1 - t * t, ref.tanh_forward, "upstream gradient dout"),
    (ex.check_tanh_backward, lambda d, t: d * t * (1 - t), ref.tanh_forward, "sigmoid's derivative"),
    (ex.check_tanh_backward, lambda d, t: d * (1 - np.tanh(t) ** 2), ref.tanh_forward, "apply tanh to it again"),
    (ex.check_leaky_relu_backward, lambda d, c: np.where(c[0] > 0, 1.0, c[1]), _leaky_fwd, "upstream gradient"),
    (ex.check_leaky_relu_backward, lambda d, c: d * np.where(c[0] > 0, 1.0, 0.01), _leaky_fwd, "fixed 0.01"),
    (ex.check_elu_backward, lambda d, c: np.where(c[0] > 0, 1.0, c[1] * np.exp(c[0])), _elu_fwd,
     "upstream gradient"),
])
def test_more_backward_mistakes_are_named(check, backward, forward, match):
    with np.errstate(all="ignore"):
        fails(check, backward, forward, match=match)


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """Leaky ReLU's backward with x >= 0: the Korean message names the same kink, entry and numbers."""
    def right_kink(d, c):
        return d * np.where(c[0] >= 0, 1.0, c[1])
    english, korean = messages_in_both(lambda: ex.check_leaky_relu_backward(right_kink, _leaky_fwd))
    assert "use the slope of the left side, alpha" in english and not HANGUL.search(english)
    assert "PyTorch처럼 왼쪽 기울기 alpha를 쓰세요" in korean and "left side" not in korean
    numbers = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?|\[\d+, \d+\]|\(\d+, \d+\)")
    assert numbers.findall(english) and set(numbers.findall(english)) == set(numbers.findall(korean))


def test_relu_backward_from_the_output_is_accepted():
    """Caching the output and testing out > 0 is as right as testing x > 0."""
    ex.check_relu_backward(lambda d, out: d * (out > 0), lambda x: (np.maximum(x, 0), np.maximum(x, 0)))


def test_tanh_backward_from_x_with_tanh_is_accepted():
    ex.check_tanh_backward(lambda d, x: d * (1 - np.tanh(x) ** 2), _tanh_caching_x, shape=(2, 3, 4))


def test_backward_hidden_zeros_are_reached_in_small_shapes():
    """Even a 3-entry input holds 0 and +-1e3: x >= 0 is caught there too."""
    fails(ex.check_relu_backward, lambda d, x: d * (x >= 0), ref.relu_forward, shape=(3,), match="not x >= 0")


def test_stub_is_reported_as_not_implemented():
    def stub(*args):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_relu_forward(stub)
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_elu_backward(stub, ref.elu_forward)
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_grad_norms_per_layer(stub)


def test_array_pretender_is_refused():
    class Always(np.ndarray):
        def __eq__(self, other):
            return True
    fails(ex.check_relu_forward, lambda x: (np.zeros_like(x).view(Always), x), match="should be")


# --- gradient norms per layer -----------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {}, dict(activation="relu"), dict(seed=3, activation="sigmoid", sizes=(4, 8, 8, 8, 8, 8, 8, 8, 8, 8, 1), n=30),
    dict(seed=4, activation="relu", sizes=(3, 2), n=1)])
def test_grad_norms_check_passes_reference(kwargs, capsys):
    ex.check_grad_norms_per_layer(ref_vanishing.grad_norms_per_layer, **kwargs)
    assert capsys.readouterr().out.startswith("\N{CHECK MARK}")
    with in_korean():
        ex.check_grad_norms_per_layer(ref_vanishing.grad_norms_per_layer, **kwargs)
    line = capsys.readouterr().out
    assert line.startswith("\N{CHECK MARK}") and HANGUL.search(line), line


def _norms(fn):
    """A wrong grad_norms_per_layer built from a wrong transformation of the gradients."""
    return lambda X, Y, params, activation: fn(X, Y, params, activation)


def _half_mse(X, Y, params, activation):
    return ref_vanishing.grad_norms_per_layer(X, Y, params, activation) / 2


def _output_activated(X, Y, params, activation):
    n = params[-1][0].shape[1]
    return ref_vanishing.grad_norms_per_layer(X, Y, params + [(np.eye(n), np.zeros(n))], activation)[:-1]


def _no_derivative(X, Y, params, activation):
    forward = ref.ACTIVATIONS[activation][0]
    grads = ref_vanishing.mlp_grads(X, Y, params, (forward, lambda dout, cache: dout))
    return np.array([np.linalg.norm(dW) for dW, _ in grads])


def _wrong_before_last(X, Y, params, activation):
    """Right for the last layer, 1 % off before it: a slip in passing delta back (a cache or W one layer off)."""
    norms = ref_vanishing.grad_norms_per_layer(X, Y, params, activation)
    return norms * np.r_[np.full(len(norms) - 1, 1.01), 1.0]


@pytest.mark.parametrize("wrong,match", [
    (lambda X, Y, p, a: ref_vanishing.grad_norms_per_layer(X, Y, p, a)[::-1], "first layer first"),
    (lambda X, Y, p, a: ref_vanishing.grad_norms_per_layer(X, Y, p, a) * Y.size, "MEAN of"),
    (_half_mse, "keep the factor 2"),
    (lambda X, Y, p, a: ref_vanishing.grad_norms_per_layer(X, Y, p, a) ** 2, "square root"),
    (_output_activated, "output layer is linear"),
    (_no_derivative, "backpropagate through the activation"),
    (lambda X, Y, p, a: list(ref_vanishing.grad_norms_per_layer(X, Y, p, a)), "should be a NumPy array"),
    (lambda X, Y, p, a: ref_vanishing.grad_norms_per_layer(X, Y, p, a)[:-1], "shape"),
    (_wrong_before_last, "last layer's norm is right, so the cost's gradient is"),
])
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_grad_norms_check_rejects_wrong_answers(wrong, match, activation):
    fails(ex.check_grad_norms_per_layer, wrong, activation=activation, match=match)


def test_grad_norms_tiny_errors_in_tiny_norms_are_caught():
    """A 1e-3 relative error in the first layer's norm (about 1e-6 in size) must fail: no absolute slack."""
    def off(X, Y, params, activation):
        norms = ref_vanishing.grad_norms_per_layer(X, Y, params, activation)
        norms[0] *= 1.001
        return norms
    fails(ex.check_grad_norms_per_layer, off, sizes=(4,) + (8,) * 9 + (1,), match=r"entry \[0\]")


def test_the_pass_line_names_a_vector_by_its_length(capsys):
    """'on a 5-element array', not 'on a 5 array' (a 1-D shape printed as its one number)."""
    ex.check_sigmoid_forward(ref.sigmoid_forward, shape=(5,))
    line = capsys.readouterr().out
    assert "on a 5-element array" in line and "on a 5 array" not in line
