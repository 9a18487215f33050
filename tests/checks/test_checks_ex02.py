"""Every check of exercise 02 passes the reference and fails plausible wrong answers."""


import numpy as np
import pytest
from helpers.checking import HANGUL, fails, messages_in_both, numbers, passes

from autograder.checks import ex02_xor_mlp as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import xor as ref
from autograder.ref_numpy.activations import sigmoid
from autograder.ref_numpy.perceptron import GATE_INPUTS as X4, step


@pytest.mark.parametrize("kwargs", [{}, dict(seed=3, n=40, n_in=6, n_out=2), dict(n=1, n_in=1, n_out=1),
                                    dict(n=0)])
def test_dense_passes_reference(kwargs, capsys):
    line = passes(ex.check_dense_forward, ref.dense_forward, **kwargs, capsys=capsys)
    assert line.startswith("\N{CHECK MARK} dense_forward")


def _in_place(X, W, b):
    out = X @ W + b
    X[...] = 0.0  # right answer, but the caller's X is destroyed
    return out


@pytest.mark.parametrize("wrong,match", [
    (lambda X, W, b: X @ W.T + b, "do not transpose it"),
    (lambda X, W, b: X @ W, "add the bias"),
    (lambda X, W, b: W @ X + b, "one example per ROW"),
    (lambda X, W, b: (X @ W + b).T, "not its transpose"),
    (lambda X, W, b: (X @ W + b).tolist(), "should be a NumPy array"),
    (lambda X, W, b: X @ np.ones((7, 7)) + b, r"raised ValueError.*Hint: X has shape \(N, n_in\)"),
    (_in_place, "changed its argument X in place"),
])
def test_dense_rejects_wrong_answers(wrong, match):
    fails(ex.check_dense_forward, wrong, match=match)


def test_dense_rejects_square_only_answers():
    """Right on the square batch only: the second, non-square batch catches it."""
    def square_only(X, W, b):
        return X @ W + b if X.shape == (3, 3) else X @ W.T + b
    fails(ex.check_dense_forward, square_only,
          match=r"X of shape \(5, 3\).*raised ValueError.*in line \d+: `return X @ W \+ b if")


def test_stub_is_reported_as_not_implemented():
    def stub(X, W, b):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_dense_forward(stub)
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_xor_network(lambda X, W1, b1, W2, b2: stub(X, W1, b1))


def test_xor_weights_pass_reference(capsys):
    passes(ex.check_xor_weights, **ref.XOR_WEIGHTS, capsys=capsys)
    w = ref.XOR_WEIGHTS
    passes(ex.check_xor_weights, w["W1"], w["b1"], w["W2"][:, 0], float(w["b2"][0]), capsys=capsys)  # (2,), a number


def test_other_valid_xor_weights_pass():
    """Hidden units OR and AND, output 'OR and not AND': another XOR network."""
    ex.check_xor_weights(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5]),
                         np.array([[1.0], [-1.0]]), np.array([-0.5]))


@pytest.mark.parametrize("W1,b1,W2,b2,match", [
    (np.ones((2, 2)), np.zeros(2), np.ones((2, 1)), np.zeros(1), r"gives 1 for input \(1, 1\)"),
    (np.ones((2, 2)), np.zeros(2), np.ones((2, 1)), np.array([-5.0]), r"gives 0 for input \(0, 1\)"),
    (np.ones((1, 2)), np.zeros(2), np.ones((2, 1)), np.zeros(1),
     r"W1 should be a NumPy array of shape \(2, n_hidden\)"),
    (np.ones((2, 2)), np.zeros(3), np.ones((2, 1)), np.zeros(1), r"b1 should have shape \(2,\)"),
    (np.ones((2, 2)), np.zeros(2), np.ones((1, 2)), np.zeros(1), r"W2 should have shape \(2, 1\)"),
    (np.ones((2, 2)), np.zeros(2), np.ones((2, 1)), np.zeros(2), r"b2 should have shape \(1,\)"),
    (np.ones((2, 2)), np.array([0.0, np.nan]), np.ones((2, 1)), np.zeros(1), "finite"),
    ([[1, 1], [1, 1]], np.zeros(2), np.ones((2, 1)), np.zeros(1), "W1 should be a NumPy array"),
])
def test_xor_weights_reject_wrong_weights(W1, b1, W2, b2, match):
    fails(ex.check_xor_weights, W1, b1, W2, b2, match=match)


def test_xor_weights_use_step_of_zero_is_zero():
    """Weights that compute XOR only if step(0) = 1 (sums exactly 0): rejected, with the sum's units."""
    W1, b1 = np.array([[-1.0, 1.0], [-1.0, 1.0]]), np.array([1.0, -1.0])
    W2, b2 = np.array([[1.0], [1.0]]), np.array([-2.0])
    ge = (((X4 @ W1 + b1 >= 0) * 1.0) @ W2 + b2 >= 0) * 1.0  # the >= convention
    np.testing.assert_array_equal(ge[:, 0], ref.XOR_TARGETS)
    fails(ex.check_xor_weights, W1, b1, W2, b2, match=r"gives 0 for input \(0, 1\).*hidden units give \[0, 0\]")


def test_xor_network_passes_reference(capsys):
    assert passes(ex.check_xor_network, lambda *a: ref.xor_network(*a),
                  capsys=capsys).startswith("\N{CHECK MARK} xor_network")
    passes(ex.check_xor_network, lambda *a: ref.xor_network(*a), seed=5, n=30, n_in=4, n_hidden=6, n_out=3,
           capsys=capsys)
    passes(ex.check_xor_network, lambda *a: ref.xor_network(*a), n=1, capsys=capsys)


def _d(X, W, b):
    return X @ W + b


@pytest.mark.parametrize("wrong,match", [
    (lambda X, W1, b1, W2, b2: _d(step(_d(X, W1, b1)), W2, b2), "step to the output layer"),
    (lambda X, W1, b1, W2, b2: step(_d(_d(X, W1, b1), W2, b2)), "step to the hidden layer"),
    (lambda X, W1, b1, W2, b2: (_d((_d(X, W1, b1) >= 0) * 1.0, W2, b2) >= 0) * 1.0, "exactly 0 .fire only above 0"),
    (lambda X, W1, b1, W2, b2: step(step(X @ W1) @ W2 + b2), "bias b1"),
    (lambda X, W1, b1, W2, b2: step(step(_d(X, W1, b1)) @ W2), "bias b2"),
    (lambda X, W1, b1, W2, b2: ref.xor_network(X, W1, b1, W2, b2, activation=sigmoid), "not the sigmoid"),
    (lambda X, W1, b1, W2, b2: ref.xor_network(X, W1, b1, W2, b2).ravel(),
     r"shape \(4,\) but should have shape \(4, 1\)"),
    (lambda X, W1, b1, W2, b2: step(_d(step(_d(X, W1, b1)), W1, b2)), "dense_forward twice|shape"),
])
def test_xor_network_rejects_wrong_answers(wrong, match):
    fails(ex.check_xor_network, wrong, match=match)


def test_xor_network_rejects_wrong_answers_on_wider_networks():
    """A net that only works for two hidden units and one output fails the hidden tests' shapes."""
    def fixed_sizes(X, W1, b1, W2, b2):
        h = step(X @ W1[:, :2] + b1[:2])
        return step(h @ W2[:2, :1] + b2[:1])
    ex.check_xor_network(fixed_sizes)  # passes the visible sizes...
    fails(ex.check_xor_network, fixed_sizes, n_in=3, n_hidden=5, n_out=2, match="shape")  # ...not others


def test_dense_returning_none_is_asked_about_return():
    fails(ex.check_dense_forward, lambda X, W, b: None, match=r"is None.*forget to `return`")


def test_xor_weights_that_are_none_name_the_variable():
    fails(ex.check_xor_weights, None, np.zeros(2), np.zeros((2, 1)), np.zeros(1), match="the variable W1 is None")


def test_dense_names_a_bias_added_per_example():
    fails(ex.check_dense_forward, lambda X, W, b: X @ W + b[:, None], match="b\\[j\\] belongs to column j")


def test_xor_weights_in_the_lectures_row_form_are_named():
    """NAND and OR weights written as rows of W1 (one row per unit) instead of columns."""
    W1 = np.array([[-1.0, -1.0], [1.0, 1.0]])
    fails(ex.check_xor_weights, W1, np.array([1.5, -0.5]), np.array([[1.0], [1.0]]), np.array([-1.5]),
          match="one row per hidden unit.*column j of W1")
    ex.check_xor_weights(W1.T, np.array([1.5, -0.5]), np.array([[1.0], [1.0]]), np.array([-1.5]))


def _notebook_weights(X, W1, b1, W2, b2):
    """Ignores its weight arguments and uses the XOR weights of section 2 (a global in the notebook)."""
    w = ref.XOR_WEIGHTS
    return ref.xor_network(X, w["W1"], w["b1"], w["W2"], w["b2"])


@pytest.mark.parametrize("wrong", [_notebook_weights,
                                   lambda X, W1, b1, W2, b2: (X[:, :1] != X[:, 1:2]).astype(float)])
def test_xor_network_right_only_on_xor_is_told_to_use_its_arguments(wrong):
    fails(ex.check_xor_network, wrong, match="right on XOR.*arguments X, W1, b1, W2, b2")


#: The exercise's network, XOR = OR(x1 and not x2, x2 and not x1).
ANDNOT_NET = dict(W1=np.array([[0.5, -0.5], [-0.5, 0.5]]), b1=np.array([-0.2, -0.2]),
                  W2=np.array([[0.5], [0.5]]), b2=np.array([-0.2]))


def test_xor_by_andnot_passes_right_weights_in_either_order(capsys):
    passes(ex.check_xor_by_andnot, **ANDNOT_NET, capsys=capsys)
    n = ANDNOT_NET
    passes(ex.check_xor_by_andnot, n["W1"][:, ::-1], n["b1"][::-1], n["W2"][:, 0], float(n["b2"][0]), capsys=capsys)


def test_xor_by_andnot_refuses_the_chapters_network():
    """The chapter prints AND(NAND, OR) weights: they compute XOR but not this decomposition."""
    assert np.array_equal(ref.xor_network(X4, **ref.XOR_WEIGHTS)[:, 0], ref.XOR_TARGETS)
    fails(ex.check_xor_by_andnot, **ref.XOR_WEIGHTS, match=r"hidden units give \[1, 1, 1, 0\] and \[0, 1, 1, 1\]")


@pytest.mark.parametrize("change,match", [
    (dict(W2=np.array([[0.5], [0.5]]), b2=np.array([-0.7])), r"hidden units are right.*gives 0 for input \(0, 1\)"),
    (dict(b1=np.array([0.2, -0.2])), r"one should give \[0, 0, 1, 0\]"),
    (dict(W1=np.ones((2, 3)), b1=np.zeros(3), W2=np.ones((3, 1))), r"shape \(2, 2\)"),
])
def test_xor_by_andnot_rejects_wrong_weights(change, match):
    fails(ex.check_xor_by_andnot, **dict(ANDNOT_NET, **change), match=match)


def test_xor_by_andnot_names_the_row_form():
    """Units written as rows of W1 (the lectures' W x form) instead of columns."""
    net = dict(ANDNOT_NET, W1=np.array([[1.0, -0.6], [-1.0, 1.0]]), b1=np.array([-0.3, -0.5]))
    ex.check_xor_by_andnot(**net)  # columns: x1 and not x2, x2 and not x1
    fails(ex.check_xor_by_andnot, **dict(net, W1=net["W1"].T.copy()), match="one row per hidden unit")


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """A bias added per example: named in English in English, in Korean in Korean, with the same numbers."""
    def per_example(X, W, b):
        return X @ W + b[:, None]
    english, korean = messages_in_both(lambda: ex.check_dense_forward(per_example))
    assert "Hint: b has one bias per output unit" in english and not HANGUL.search(english)
    assert "힌트: b에는 출력 단위마다 편향이 하나 있습니다" in korean and "Hint" not in korean
    assert numbers(korean) == numbers(english) and len(numbers(english)) > 5
