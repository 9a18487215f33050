"""Every check of exercise 03 passes the reference and fails plausible wrong answers."""


import numpy as np
import pytest
from helpers.checking import HANGUL, fails, messages_in_both, numbers, passes

from autograder.checks import ex03_forward_mnist as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import data, losses, mlp
from autograder.ref_numpy.activations import sigmoid


# --- one_hot ---

@pytest.mark.parametrize("kwargs", [{}, dict(seed=3, n=1, num_classes=1000), dict(seed=4, n=30, num_classes=2),
                                    dict(seed=5, n=4, num_classes=1)])
def test_one_hot_passes_reference(kwargs, capsys):
    assert passes(ex.check_one_hot, data.one_hot, **kwargs, capsys=capsys).startswith("\N{CHECK MARK} one_hot")


def test_one_hot_accepts_integer_and_eye_answers():
    ex.check_one_hot(lambda labels, c: (labels[:, None] == np.arange(c)).astype(int))
    ex.check_one_hot(lambda labels, c: np.eye(c)[labels])


@pytest.mark.parametrize("wrong,match", [
    (lambda labels, c: np.eye(c)[labels].T, r"shape \(10, 8\).*not its transpose"),
    (lambda labels, c: np.eye(c)[:, labels], "not its transpose"),
    (lambda labels, c: np.eye(labels.max() + 1)[labels], "not labels.max"),
    (lambda labels, c: np.eye(c)[labels - 1], "count from 0"),
    (lambda labels, c: np.eye(c)[labels].ravel(), r"shape \(80,\)"),
    (lambda labels, c: list(np.eye(c)[labels]), "should be a NumPy array"),
])
def test_one_hot_rejects_wrong_answers(wrong, match):
    fails(ex.check_one_hot, wrong, match=match)


def test_one_hot_transposed_is_caught_in_the_square_case():
    # With N = C the shape is right; the values are not.
    def square_only_transposed(labels, c):
        out = np.eye(c)[labels]
        return out.T if out.shape[0] == out.shape[1] else out
    fails(ex.check_one_hot, square_only_transposed, match="not its transpose")


def test_one_hot_in_place_mutation_is_refused():
    def mutating(labels, c):
        out = np.eye(c)[labels]
        labels[:] = 0
        return out
    fails(ex.check_one_hot, mutating, match="changed its argument labels in place")


def test_stub_is_reported_as_not_implemented():
    def stub(*args):
        raise NotImplementedError()
    for check in (ex.check_one_hot, ex.check_flatten, ex.check_mlp_forward, ex.check_mse):
        with pytest.raises(NotImplementedYet, match="not implemented yet"):
            check(stub)


# --- flatten ---

@pytest.mark.parametrize("kwargs", [{}, dict(seed=2, n=1, shape=(5, 7)), dict(seed=3, n=3, shape=(28, 28)),
                                    dict(seed=4, n=2, shape=(1, 9))])
def test_flatten_passes_reference(kwargs, capsys):
    assert passes(ex.check_flatten, data.flatten, **kwargs, capsys=capsys).startswith("\N{CHECK MARK} flatten")


@pytest.mark.parametrize("wrong,match", [
    (lambda images: np.stack([im.ravel(order="F") for im in images]), "column by column"),
    (lambda images: np.stack([im.T.ravel() for im in images]), "column by column"),
    (lambda images: images.reshape(len(images), -1, order="F"), "column by column"),
    (lambda images: images.ravel(order="F").reshape(len(images), -1), "mixed pixels of different images"),
    (lambda images: images.transpose(1, 2, 0).reshape(len(images), -1), "should be"),
    (lambda images: images.reshape(len(images), -1).T, r"shape \(36, 4\).*not its transpose"),
    (lambda images: images.ravel(), r"shape \(144,\).*one long vector"),
    (lambda images: images.reshape(-1, 36), r"raised ValueError.*do not hard-code 784"),
    (lambda images: images.reshape(len(images), 6, 6).reshape(len(images), 36), r"raised ValueError.*reshape to"),
])
def test_flatten_rejects_wrong_answers(wrong, match):
    fails(ex.check_flatten, wrong, match=match)


def test_flatten_hard_coded_784_is_rejected():
    fails(ex.check_flatten, lambda images: images.reshape(-1, 784), match="raised ValueError")
    fails(ex.check_flatten, lambda images: images.reshape(-1, 784), shape=(28, 28), match="raised ValueError")


# --- mlp_forward ---

def _good_forward(X, params):
    return mlp.mlp_forward(X, params)


def _loop(X, params, act=sigmoid, last=True, bias=True, transpose=False):
    a = X
    for i, (W, b) in enumerate(params):
        z = a @ (W.T if transpose else W) + (b if bias else 0)
        a = act(z) if (last or i < len(params) - 1) else z
    return a


@pytest.mark.parametrize("kwargs", [{}, dict(seed=5, n=1, sizes=(784, 30, 10)), dict(seed=6, n=3, sizes=(5, 8, 7, 2)),
                                    dict(seed=7, n=4, sizes=(3, 2), scale=50.0)])
def test_mlp_forward_passes_reference(kwargs, capsys):
    assert passes(ex.check_mlp_forward, _good_forward, **kwargs, capsys=capsys).startswith("\N{CHECK MARK} mlp_forward")


def test_mlp_forward_accepts_naive_sigmoid():
    naive = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    with np.errstate(over="ignore"):
        ex.check_mlp_forward(lambda X, p: _loop(X, p, act=naive), seed=8, scale=40.0)


@pytest.mark.parametrize("wrong,match", [
    (lambda X, p: _loop(X, p, bias=False), "add the bias"),
    (lambda X, p: _loop(X, p, transpose=True), "do not transpose it"),
    (lambda X, p: _loop(X, p, last=False), "after the last layer too"),
    (lambda X, p: _loop(X, p, act=lambda z: 1 / (1 + np.exp(z))), "sign in the sigmoid.s exponent"),
    (lambda X, p: sigmoid(_loop(X, p[:-1], act=lambda z: z) @ p[-1][0] + p[-1][1]), "every layer, the hidden"),
    (lambda X, p: _loop(X, p[:1]), "use every layer in params"),
    (lambda X, p: _loop(X, p).T, r"shape \(4, 3\)"),
])
def test_mlp_forward_rejects_wrong_answers(wrong, match):
    fails(ex.check_mlp_forward, wrong, match=match)


def test_mlp_forward_transposed_weights_raise_with_a_hint_on_non_square_layers():
    fails(ex.check_mlp_forward, lambda X, p: _loop(X, p, transpose=True), sizes=(6, 4, 3), seed=1,
          match="do not transpose it|W of shape \\(n_in, n_out\\)")


def test_mlp_forward_in_place_mutation_is_refused():
    def mutating(X, params):
        X *= 1.5
        return _loop(X / 1.5, params)
    fails(ex.check_mlp_forward, mutating, match="changed its argument X in place")


# --- mse ---

@pytest.mark.parametrize("kwargs", [{}, dict(seed=1, n=1, num_classes=100), dict(seed=2, n=50, num_classes=3)])
def test_mse_passes_reference(kwargs, capsys):
    assert passes(ex.check_mse, losses.mse, **kwargs, capsys=capsys).startswith("\N{CHECK MARK} mse")


@pytest.mark.parametrize("wrong,match", [
    (lambda p, t: np.sum((p - t) ** 2), "not the sum"),
    (lambda p, t: 0.5 * np.mean((p - t) ** 2), "no factor 1/2"),
    (lambda p, t: np.sum((p - t) ** 2) / (2 * len(p)), "lectures' cost C = 1/\\(2n\\)"),
    (lambda p, t: np.sum((p - t) ** 2) / len(p), "not by N only"),
    (lambda p, t: np.sqrt(np.mean((p - t) ** 2)), "RMSE"),
    (lambda p, t: np.mean(np.abs(p - t)), "mean absolute error"),
    (lambda p, t: np.mean((p - t) ** 2, axis=1), r"shape \(6,\).*one number"),
    (lambda p, t: np.mean(p - t) ** 2, "should be"),
])
def test_mse_rejects_wrong_answers(wrong, match):
    fails(ex.check_mse, wrong, match=match)


def test_mse_returning_none_is_asked_about_return_not_told_numpy_array():
    with pytest.raises(AssertionError) as info:
        ex.check_mse(lambda pred, target: None)
    text = str(info.value)
    assert "forget to `return`" in text and "one number" in text and "NumPy array" not in text


def test_mse_hints_do_not_hand_over_code():
    with pytest.raises(AssertionError) as info:
        ex.check_mse(lambda pred, target: np.mean((pred - target.T) ** 2))
    assert "np.mean((pred - target) ** 2)" not in str(info.value)


def _ten_columns(labels, c):
    out = np.zeros((len(labels), 10))
    out[np.arange(len(labels)), labels] = 1
    return out


def test_one_hot_hard_coded_ten_classes_fails_the_visible_check():
    """MNIST's 10 written in instead of num_classes: the square case has another number of classes."""
    fails(ex.check_one_hot, _ten_columns, match=r"shape \(5, 10\) but should have shape \(5, 5\).*MNIST has 10")


def _whole_rows(labels, c):
    out = np.zeros((len(labels), c))
    out[labels] = 1
    return out


def _whole_columns(labels, c):
    out = np.zeros((len(labels), c))
    out[:, labels] = 1
    return out


@pytest.mark.parametrize("wrong,match", [(_whole_rows, "whole rows"), (_whole_columns, "whole columns")])
def test_one_hot_names_indexing_whole_rows_or_columns(wrong, match):
    fails(ex.check_one_hot, wrong, match=r"pairing row n .* with column labels\[n\]; you set " + match)


def test_mlp_forward_names_tanh():
    fails(ex.check_mlp_forward, lambda X, p: _loop(X, p, act=np.tanh), match="not tanh")


def test_mlp_forward_that_empties_params_says_the_list_changed():
    def popping(X, params):
        a = X
        while params:
            W, b = params.pop(0)
            a = sigmoid(a @ W + b)
        return a
    fails(ex.check_mlp_forward, popping, match=r"the list params had 2 items and now has 0")


def test_mlp_forward_error_hint_says_hint_once():
    def two_layers_only(X, params):
        (W1, b1), (W2, b2) = params[0], params[1]
        return sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
    with pytest.raises(AssertionError) as info:
        ex.check_mlp_forward(two_layers_only)
    assert "raised IndexError" in str(info.value) and str(info.value).count("Hint:") == 1


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """The factor 1/2 in mse: named in English in English, in Korean in Korean, with the same numbers."""
    def half(pred, target):
        return 0.5 * np.mean((pred - target) ** 2)
    english, korean = messages_in_both(lambda: ex.check_mse(half))
    assert "Hint: mse has no factor 1/2" in english and not HANGUL.search(english)
    assert "힌트: mse에는 1/2 배가 없습니다" in korean and "Hint" not in korean
    assert numbers(korean) == numbers(english) and len(numbers(english)) > 5
