"""Every check of exercise 04 passes the reference and fails plausible wrong answers."""

import re

import numpy as np
import pytest

from autograder.checks import ex04_softmax_losses as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import losses as ref
from autograder.ref_numpy.activations import sigmoid
from autograder.checks.messages import say
from helpers.checking import HANGUL, fails, in_korean, messages_in_both


# --- softmax --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {}, dict(seed=11, n=1, c=3), dict(seed=12, n=8, c=1000), dict(seed=13, shift=1e4),
    dict(seed=14, shift=-1e4), dict(seed=15, scale=0.0), dict(seed=16, n=4, c=4),
])
def test_softmax_passes_reference(kwargs, capsys):
    ex.check_softmax(ref.softmax, **kwargs)
    assert capsys.readouterr().out.startswith("\N{CHECK MARK} softmax")


def _naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _stable(z, axis):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _in_place_softmax(z):
    z -= z.max(axis=1, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


@pytest.mark.parametrize("wrong,match,kwargs", [
    (lambda z: _stable(z, 0), r"not each column \(axis=0\)", {}),
    (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(), "sum over the whole array", {}),
    (lambda z: z / z.sum(axis=1, keepdims=True), "apply np.exp", {}),
    (lambda z: np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1),
     "keepdims=True", dict(n=4, c=4)),
    (lambda z: list(_stable(z, 1)), "should be a NumPy array", {}),
    (lambda z: _stable(z, 1)[:, :1], r"shape \(5, 1\)", {}),
    (_in_place_softmax, "changed its argument logits in place", {}),
])
def test_softmax_rejects_wrong_answers(wrong, match, kwargs):
    fails(ex.check_softmax, wrong, match=match, **kwargs)


@pytest.mark.parametrize("kwargs", [{}, dict(seed=13, shift=1e4), dict(seed=14, shift=-1e4)])
def test_softmax_without_max_subtraction_fails_with_nan_and_hint(kwargs):
    with np.errstate(all="ignore"):
        fails(ex.check_softmax, _naive_softmax,
              match=r"is NaN but should be .*largest exponent of each row is 0", **kwargs)


def test_stub_is_reported_as_not_implemented():
    def stub(logits):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_softmax(stub)


def test_student_exception_is_reported_in_words():
    fails(ex.check_softmax, lambda z: np.exp(z) / np.exp(z).sum(axis=1), match="raised ValueError")


# --- cross-entropy --------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {}, dict(seed=21, n=1, c=3), dict(seed=22, n=16, c=1000), dict(seed=23, shift=1e4),
    dict(seed=24, shift=-1e4), dict(seed=25, scale=0.0), dict(seed=26, n=3, c=2),
])
def test_cross_entropy_passes_reference(kwargs, capsys):
    ex.check_cross_entropy(ref.cross_entropy, **kwargs)
    assert capsys.readouterr().out.startswith("\N{CHECK MARK} cross_entropy")


def _picked(values, y):
    return values[np.arange(len(y)), y]


@pytest.mark.parametrize("wrong,match", [
    (lambda z, y: -_picked(ref.log_softmax(z), y).sum(), r"average over the batch \(np.mean\)"),
    (lambda z, y: -_picked(ref.log_softmax(z), y).sum() / z.size, r"not by N \* C"),
    (lambda z, y: _picked(ref.log_softmax(z), y).mean(), "check the sign"),
    (lambda z, y: -_picked(ref.softmax(z), y).mean(), "-log p, not -p"),
    (lambda z, y: -_picked(ref.log_softmax(z), y), r"shape \(6,\) but should have shape \(\)"),
])
def test_cross_entropy_rejects_wrong_answers(wrong, match):
    fails(ex.check_cross_entropy, wrong, match=match)


def test_cross_entropy_of_probabilities_instead_of_logits():
    def probabilities(z, y):
        return -np.mean(np.log(_picked(z, y)))
    with np.errstate(all="ignore"):
        fails(ex.check_cross_entropy, probabilities, match="NaN.*receives logits")
        # with all-positive logits the log is finite but the value is wrong: named as well
        fails(ex.check_cross_entropy, probabilities, match="receives logits", shift=50.0)


def test_cross_entropy_with_log_of_softmax_fails_at_1e4():
    """log(stable softmax) is right for small logits, -log(0) = inf at 1e4."""
    def log_of_softmax(z, y):
        return -np.mean(np.log(_picked(ref.softmax(z), y)))
    with np.errstate(all="ignore"):
        assert np.isclose(log_of_softmax(np.array([[1.0, 2.0]]), np.array([0])),
                          ref.cross_entropy(np.array([[1.0, 2.0]]), np.array([0])))
        fails(ex.check_cross_entropy, log_of_softmax, match=r"got inf but should be .*log-sum-exp")
        naive = lambda z, y: -np.mean(np.log(_picked(_naive_softmax(z), y)))  # noqa: E731
        fails(ex.check_cross_entropy, naive, match=r"NaN but should be .*log-sum-exp")


# --- binary cross-entropy -------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, dict(seed=31, shape=(5, 3)), dict(seed=32, shape=(1,)),
                                    dict(seed=33, shape=(50,), scale=30.0)])
def test_binary_cross_entropy_passes_reference(kwargs, capsys):
    ex.check_binary_cross_entropy(ref.binary_cross_entropy, **kwargs)
    assert capsys.readouterr().out.startswith("\N{CHECK MARK} binary_cross_entropy")


def _bce_log_sigmoid(z, t):
    p = sigmoid(z)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


def _stable_bce_terms(z, t):
    return np.maximum(z, 0) - t * z + np.log1p(np.exp(-np.abs(z)))


@pytest.mark.parametrize("wrong,match", [
    (_bce_log_sigmoid, r"(NaN|inf).*softplus form"),
    (lambda z, t: np.mean(np.log(1 + np.exp(z)) - t * z), r"inf.*exp\(z\) overflows"),
    (lambda z, t: -np.mean(t * np.log(z) + (1 - t) * np.log(1 - z)), "NaN.*receives logits"),
    (lambda z, t: np.sum(_stable_bce_terms(z, t)), r"np.mean\), do not return the sum"),
    (lambda z, t: -np.mean(t * np.log(sigmoid(z))), r"include the \(1 - t\)"),
    (lambda z, t: _stable_bce_terms(z, t), r"shape \(8,\) but should have shape \(\)"),
])
def test_binary_cross_entropy_rejects_wrong_answers(wrong, match):
    with np.errstate(all="ignore"):
        fails(ex.check_binary_cross_entropy, wrong, match=match)


def test_log_sigmoid_bce_is_fine_on_small_logits():
    """The unstable version is rejected for its failure at 1e4, not for its small-logit values."""
    z, t = np.array([-2.0, 0.5, 3.0]), np.array([0.0, 1.0, 1.0])
    assert np.isclose(_bce_log_sigmoid(z, t), ref.binary_cross_entropy(z, t))


# --- regression losses ----------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, dict(seed=41, shape=(4, 3)), dict(seed=42, shape=(1,)),
                                    dict(seed=43, shape=(30,), scale=0.05)])
def test_regression_checks_pass_reference(kwargs, capsys):
    ex.check_mae(ref.mae, **kwargs)
    ex.check_rmse(ref.rmse, **kwargs)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("\N{CHECK MARK} mae") and out[1].startswith("\N{CHECK MARK} rmse")


@pytest.mark.parametrize("wrong,match,kwargs", [
    (lambda p, t: np.sum(np.abs(p - t)), r"do not return the sum", {}),
    (lambda p, t: np.mean((p - t) ** 2), "that is the MSE", {}),
    (lambda p, t: np.mean(p - t), "absolute value of each error before averaging", {}),
    (lambda p, t: np.abs(p - t).mean(axis=0), r"shape \(3,\) but should have shape \(\)", dict(shape=(4, 3))),
])
def test_mae_rejects_wrong_answers(wrong, match, kwargs):
    fails(ex.check_mae, wrong, match=match, **kwargs)


@pytest.mark.parametrize("wrong,match", [
    (lambda p, t: np.mean(np.abs(p - t)), "that is the MAE"),
    (lambda p, t: np.mean((p - t) ** 2), "take the square root"),
    (lambda p, t: np.sqrt(np.sum((p - t) ** 2)), "average the squared errors before the square root"),
    (lambda p, t: np.sqrt(np.sum((p - t) ** 2)) / (p - t).size, r"sqrt\(sum / N\), not sqrt\(sum\) / N"),
])
def test_rmse_rejects_wrong_answers(wrong, match):
    fails(ex.check_rmse, wrong, match=match)


def test_regression_check_refuses_in_place_mutation():
    def mutating(pred, target):
        pred -= target
        return float(np.mean(np.abs(pred)))
    fails(ex.check_mae, mutating, match="changed its argument pred in place")


# ---------------------------------------------------------------- messages of issue 8

def test_softmax_without_keepdims_on_rectangular_logits_gets_a_hint():
    def no_keepdims(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1)  # (N, C) / (N,): raises unless N == C
    fails(ex.check_softmax, no_keepdims, match=r"raised ValueError.*keep the reduced axis")


def test_softmax_max_without_keepdims_on_square_logits_is_named():
    def max_no_keepdims(z):
        e = np.exp(z - z.max(axis=1))
        return e / e.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        fails(ex.check_softmax, max_no_keepdims, match=r"row i's maximum is subtracted from column i", n=4, c=4)


def test_a_correct_float32_softmax_is_told_float64_is_expected():
    def float32_softmax(z):
        z = z.astype(np.float32)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    fails(ex.check_softmax, float32_softmax, match=r"right to float32 precision.*must be float64")


def _ce_one_hot_labels(z, y):
    logp = ref.log_softmax(z)
    return float(-np.mean(np.sum(y * logp, axis=1)))  # y used as if it were one-hot rows


def test_cross_entropy_with_labels_used_as_one_hot_is_named():
    fails(ex.check_cross_entropy, _ce_one_hot_labels, match=r"raised ValueError.*not one-hot rows")
    fails(ex.check_cross_entropy, _ce_one_hot_labels, match=r"Hint: labels holds one integer class index", n=4, c=4)
    fails(ex.check_cross_entropy, _ce_one_hot_labels, match=r"Hint: labels holds one integer class index", n=1, c=3)


def test_hints_do_not_hand_over_code():
    hints = (ex.SOFTMAX_OVERFLOW_HINT, ex.LOG_OF_ZERO_HINT, ex.BCE_UNSTABLE_HINT, ex.SOFTMAX_RAISED_HINT,
             ex.LABELS_NOT_ONE_HOT_HINT)
    for hint in hints:
        assert "np." not in hint and "keepdims=True" not in hint
    with in_korean():
        for hint in hints:
            assert HANGUL.search(say(hint)) and "np." not in say(hint) and "keepdims=True" not in say(hint)


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """Normalising each column: the Korean message names the same mistake, entry and numbers."""
    def columns(z):
        return _stable(z, 0)
    english, korean = messages_in_both(lambda: ex.check_softmax(columns))
    assert "not each column (axis=0)" in english and not HANGUL.search(english)
    assert "각 열(axis=0)이 아니라 각 행을 정규화하세요" in korean and "not each column" not in korean
    numbers = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?|\[\d+, \d+\]|\(\d+, \d+\)")
    assert numbers.findall(english) and set(numbers.findall(english)) == set(numbers.findall(korean))


def _lse(z):
    m = z.max(axis=1)
    return m + np.log(np.exp(z - m[:, None]).sum(axis=1))


@pytest.mark.parametrize("wrong,match", [
    (lambda z, y: np.mean(_lse(z)[:, None] - z[:, y]), r"one entry per row: row n with column labels\[n\]"),
    (lambda z, y: np.mean(_lse(z) - z.max(axis=1) - z[np.arange(len(y)), y]), "add the row's maximum m back"),
])
def test_cross_entropy_names_column_indexing_and_a_forgotten_maximum(wrong, match):
    fails(ex.check_cross_entropy, wrong, match=match)


@pytest.mark.parametrize("wrong,match", [
    (lambda z, t: np.mean(_stable_bce_terms(z, t), axis=0), r"shape \(4,\) but should have shape \(\)"),
    (lambda z, t: np.mean(np.maximum(z, 0) - t * z + np.log1p(np.exp(-z))), "absolute value of z"),
    (lambda z, t: np.mean(np.maximum(z, 0) + t * z + np.log1p(np.exp(-np.abs(z)))), "minus t \\* z"),
])
def test_binary_cross_entropy_names_one_axis_mean_and_wrong_terms(wrong, match):
    """A mean over axis 0 passes 1-D logits: the visible check has a 2-D batch as well."""
    with np.errstate(all="ignore"):
        fails(ex.check_binary_cross_entropy, wrong, match=match)


@pytest.mark.parametrize("check,wrong,match", [
    (ex.check_mae, lambda p, t: np.mean(np.abs(p - t), axis=0), r"shape \(3, 4\) has shape \(4,\) but should"),
    (ex.check_rmse, lambda p, t: np.sqrt(np.mean((p - t) ** 2, axis=0)), r"shape \(4,\) but should have shape \(\)"),
    (ex.check_rmse, lambda p, t: np.sqrt(np.sum((p - t) ** 2) / len(p)), "not by the number of rows only"),
])
def test_regression_losses_over_one_axis_fail_the_visible_check(check, wrong, match):
    fails(check, wrong, match=match)
