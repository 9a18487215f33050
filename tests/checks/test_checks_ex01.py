"""Every check of exercise 01 passes the reference and fails plausible wrong answers."""


import numpy as np
import pytest
from helpers.checking import HANGUL, fails, messages_in_both, numbers, passes

from autograder.checks import ex01_perceptron as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import perceptron as ref


def test_perceptron_passes_reference(capsys):
    passes(ex.check_perceptron, ref.perceptron, capsys=capsys)
    passes(ex.check_perceptron, ref.perceptron, seed=3, n=40, d=6, capsys=capsys)
    passes(ex.check_perceptron, ref.perceptron, seed=12, n=1, d=1, capsys=capsys)


@pytest.mark.parametrize("wrong,match", [
    (lambda X, w, b: (X @ w + b >= 0).astype(float), r"exactly 0 \(fire only when it is above 0\)\.$"),
    (lambda X, w, b: X @ w + b, "apply the step"),
    (lambda X, w, b: (X @ w > 0).astype(float), "Hint: the bias b belongs in the weighted sum before the step.$"),
    (lambda X, w, b: (X @ w + b > 0).astype(float)[:, None], r"shape \(7, 1\)"),
    (lambda X, w, b: list((X @ w + b > 0).astype(float)), "should be a NumPy array"),
    (lambda X, w, b: np.ones(len(X), dtype=object), "dtype object"),
])
def test_perceptron_rejects_wrong_answers(wrong, match):
    fails(ex.check_perceptron, wrong, match=match)


@pytest.mark.parametrize("seed", range(30))
def test_each_perceptron_hint_names_only_its_own_mistake(seed):
    """">= 0" and a missing bias never give the same output: one hint, never "Or:"."""
    for wrong in (lambda X, w, b: (X @ w + b >= 0).astype(float), lambda X, w, b: (X @ w > 0).astype(float)):
        with pytest.raises(AssertionError) as info:
            ex.check_perceptron(wrong, seed=seed, n=2 + seed % 5)
        assert str(info.value).count("Hint:") == 1 and "Or:" not in str(info.value)


def test_perceptron_rejects_in_place_mutation():
    def mutating(X, w, b):
        X += b
        return (X @ w > 0).astype(float)
    fails(ex.check_perceptron, mutating, match="changed its argument X in place")


def test_stub_is_reported_as_not_implemented():
    def stub(X, w, b):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_perceptron(stub)


def test_array_pretender_is_refused():
    class Always(np.ndarray):
        def __eq__(self, other):
            return True
    fails(ex.check_perceptron, lambda X, w, b: np.zeros(len(X)).view(Always), match="should be 1")


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_gates_pass_reference(gate, capsys):
    passes(ex.check_gate, *ref.GATES[gate], gate, capsys=capsys)


@pytest.mark.parametrize("w,b,gate,match", [
    (np.array([0.5, 0.5]), -0.2, "and", r"gives 1 for input \(0, 1\)"),
    (np.array([0.5, 0.5]), -0.7, "or", r"gives 0 for input \(0, 1\)"),
    (np.array([0.5, 0.5]), 0.7, "nand", r"gives 1 for input \(1, 1\)"),
    (np.array([[0.5, 0.5]]), -0.7, "and", r"shape \(2,\)"),
    (np.array([0.5, np.nan]), -0.7, "and", "finite"),
])
def test_gates_reject_wrong_weights(w, b, gate, match):
    fails(ex.check_gate, w, b, gate, match=match)


def test_update_passes_reference(capsys):
    passes(ex.check_perceptron_update, ref.perceptron_update, capsys=capsys)
    passes(ex.check_perceptron_update, ref.perceptron_update, seed=5, lr=1.0, capsys=capsys)


def _sign_flipped(w, b, x, y, lr):
    err = y - float(x @ w + b > 0)
    return w - lr * err * x, b - lr * err


def _no_bias(w, b, x, y, lr):
    err = y - float(x @ w + b > 0)
    return w + lr * err * x, b


def _in_place(w, b, x, y, lr):
    err = y - float(x @ w + b > 0)
    w += lr * err * x
    return w, b + lr * err


@pytest.mark.parametrize("wrong,match", [
    (_sign_flipped, "check the sign of the correction"),
    (_no_bias, "bias is corrected like a weight"),
    (lambda w, b, x, y, lr: (w + (y - float(x @ w + b > 0)) * x, b + lr * (y - float(x @ w + b > 0))),
     "scale the correction by the learning rate"),
    (lambda w, b, x, y, lr: None, "returned None.*forget to `return`"),
    (_in_place, "changed its argument w in place"),
    (lambda w, b, x, y, lr: w, "tuple of 2 values"),
])
def test_update_rejects_wrong_answers(wrong, match):
    fails(ex.check_perceptron_update, wrong, match=match)


def test_train_passes_reference(capsys):
    passes(ex.check_train_perceptron, lambda X, y, lr, epochs: ref.train_perceptron(X, y, lr, epochs), capsys=capsys)


def _count_after_update(X, y, lr, epochs):
    w, b, errors = np.zeros(X.shape[1]), 0.0, np.zeros(epochs)
    for e in range(epochs):
        for x_i, y_i in zip(X, y):
            w, b = ref.perceptron_update(w, b, x_i, y_i, lr)
            errors[e] += ref.step(x_i @ w + b) != y_i
    return w, b, errors


def _batch_update(X, y, lr, epochs):
    w, b, errors = np.zeros(X.shape[1]), 0.0, np.zeros(epochs)
    for e in range(epochs):
        err = y - ref.perceptron(X, w, b)
        errors[e] = np.sum(err != 0)
        w, b = w + lr * err @ X, b + lr * err.sum()
    return w, b, errors


@pytest.mark.parametrize("wrong,match", [
    (_count_after_update, "errors"),
    (_batch_update, "visit the examples in order"),
    (lambda X, y, lr, epochs: ref.train_perceptron(X, y, lr, epochs)[:2], "tuple of 3 values"),
])
def test_train_rejects_wrong_answers(wrong, match):
    fails(ex.check_train_perceptron, wrong, match=match)


def test_gate_left_as_none_names_the_variable():
    fails(ex.check_gate, None, -0.7, "and", match=r"AND_W \(the AND weights\) is None")


def test_gate_on_the_edge_names_step_of_zero():
    with pytest.raises(AssertionError) as info:
        ex.check_gate(np.array([-0.5, 0.5]), -0.5, "or")  # sum exactly 0 at (0, 1), a -0.0 in floats
    assert "weighted sum there is 0, and step(0) = 0" in str(info.value) and "-0" not in str(info.value)


@pytest.mark.parametrize("wrong", [lambda X, w, b: np.sign(X @ w + b),
                                   lambda X, w, b: np.where(X @ w + b > 0, 1.0, -1.0)])
def test_perceptron_names_minus_one_for_zero(wrong):
    fails(ex.check_perceptron, wrong, match="the step gives 0, not -1")


def _update_with_ge(w, b, x, y, lr):
    err = y - float(x @ w + b >= 0)
    return w + lr * err * x, b + lr * err


def test_update_names_step_of_zero_in_the_prediction():
    fails(ex.check_perceptron_update, _update_with_ge, match=r"exactly 0 here, so the prediction is 0")


def _running_total(X, y, lr, epochs):
    w, b, errors = ref.train_perceptron(X, y, lr, epochs)
    return w, b, np.cumsum(errors)


def test_train_names_a_running_total_of_errors():
    fails(ex.check_train_perceptron, _running_total, match="not a running total")


#: The exercise's gates (the chapter builds AND, OR and NAND): one right (w, b) for each.
EXERCISE_GATES = {"nor": (np.array([-0.5, -0.5]), 0.2), "andnot": (np.array([0.5, -0.5]), -0.2),
                  "implies": (np.array([-0.5, 0.5]), 0.2)}


@pytest.mark.parametrize("gate", sorted(EXERCISE_GATES))
def test_exercise_gates_pass_right_weights(gate, capsys):
    passes(ex.check_gate, *EXERCISE_GATES[gate], gate, capsys=capsys)


@pytest.mark.parametrize("w,b,gate,match", [
    (np.array([-0.5, -0.5]), 0.7, "nor", r"NOR_W and NOR_B .* gives 1 for input \(0, 1\)"),  # NAND's weights
    (np.array([-0.5, 0.5]), -0.2, "andnot", r"gives 1 for input \(0, 1\), but ANDNOT\(0, 1\) = 0"),  # inputs swapped
    (np.array([0.5, -0.5]), 0.2, "implies", r"gives 0 for input \(0, 1\)"),  # x2 -> x1
    (np.array([-0.5, 0.5]), 0.0, "implies", r"gives 0 for input \(0, 0\).*step\(0\) = 0"),  # bias on the edge
])
def test_exercise_gates_reject_wrong_weights(w, b, gate, match):
    fails(ex.check_gate, w, b, gate, match=match)


def test_chapter_gates_are_not_the_exercise_gates():
    """The chapter prints the AND, OR and NAND weights; none of them passes an exercise gate."""
    for w, b in ref.GATES.values():
        for gate in EXERCISE_GATES:
            fails(ex.check_gate, w, b, gate, match="gives")


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """The missing bias: the English message names it in English, the Korean one in Korean, same numbers."""
    def no_bias(X, w, b):
        return (X @ w > 0).astype(float)
    english, korean = messages_in_both(lambda: ex.check_perceptron(no_bias))
    assert "Hint: the bias b belongs in the weighted sum" in english and not HANGUL.search(english)
    assert "힌트: 편향 b는 계단 함수를 적용하기 전에 가중합에 더해야 합니다." in korean and "Hint" not in korean
    assert numbers(korean) == numbers(english) and len(numbers(english)) > 5
