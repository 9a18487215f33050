"""Every check of exercise 08 passes the reference and fails plausible wrong answers.

The wrong answers are written here as a student would write them (their own state keys),
not copied from the checks' list of known mistakes, so that a check which only recognises
its own code would fail these tests.
"""

import math
import re

import numpy as np
import pytest

from autograder.checks import ex08_optimizers as ex
from autograder.checks.compare import CheckFailed, NotImplementedYet
from autograder.ref_numpy import optim, schedules
from helpers.checking import HANGUL, fails, messages_in_both, numbers, passes


# ---------------------------------------------------------------- momentum_step

def student_momentum(lr_in_velocity=False, nesterov_as_plain=False, dampening=False, keep=True,
                     in_place=False, state_type=dict, uphill=False):
    def momentum_step(w, dw, state, lr, momentum, nesterov=False):
        v = state["velocity"] if state and keep else np.zeros_like(w)
        if in_place and state:
            v *= momentum
            v += dw
        else:
            v = momentum * v + (lr * dw if lr_in_velocity else (1 - momentum) * dw if dampening else dw)
        if nesterov and not nesterov_as_plain:
            step = lr * dw + momentum * v if lr_in_velocity else lr * (dw + momentum * v)
        else:
            step = v if lr_in_velocity else lr * v
        return (w + step if uphill else w - step), state_type(velocity=v)
    return momentum_step


def test_momentum_passes_reference(capsys):
    passes(ex.check_momentum_step, optim.momentum_step, capsys=capsys)
    passes(ex.check_momentum_step, optim.momentum_step, capsys=capsys, seed=7, shape=(5,), steps=80, lr=0.3,
           settings=((0.0, False), (0.99, True)))
    passes(ex.check_momentum_step, student_momentum(), capsys=capsys)  # other state keys are fine


@pytest.mark.parametrize("wrong,match", [
    (student_momentum(lr_in_velocity=True), r"step 2 of 60.*PyTorch keeps the velocity in units of the gradient"),
    (student_momentum(dampening=True), "no dampening"),
    (student_momentum(uphill=True), "against the gradient, downhill.*you added it"),
    (student_momentum(keep=False), "the velocity must carry over"),
    (student_momentum(in_place=True), "changed its argument state in place"),
    (student_momentum(state_type=lambda **kw: list(kw.values())), r"state\) should be a dict"),
    (lambda w, dw, state, lr, momentum, nesterov: (w - lr * dw, state), r"state\) should be a dict"),
    (lambda w, dw, state, lr, momentum, nesterov: w - lr * dw, "tuple of 2 values"),
])
def test_momentum_rejects_wrong_answers(wrong, match):
    fails(ex.check_momentum_step, wrong, match=match)


def test_momentum_lr_placement_is_caught_only_because_lr_changes():
    """With a constant lr the lecture's v = beta v + lr g form gives PyTorch's steps; the check
    changes lr every step (as a scheduler does), which tells the two apart."""
    wrong, rng = student_momentum(lr_in_velocity=True), np.random.default_rng(0)
    w, state_a, state_b = rng.normal(size=4), None, None
    for _ in range(30):
        g = rng.normal(size=4)
        a, state_a = wrong(w, g, state_a, 0.1, 0.9, False)
        b, state_b = optim.momentum_step(w, g, state_b, 0.1, 0.9, False)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
        w = b


def test_nesterov_computed_like_plain_momentum_is_named():
    fails(ex.check_momentum_step, student_momentum(nesterov_as_plain=True),
          match=r"nesterov=True.*look-ahead direction dw \+ momentum \* v")


def test_plain_momentum_computed_like_nesterov_is_named():
    def always_nesterov(w, dw, state, lr, momentum, nesterov=False):
        return optim.momentum_step(w, dw, state, lr, momentum, True)
    fails(ex.check_momentum_step, always_nesterov, match=r"nesterov=False.*velocity v itself")


def test_stub_is_reported_as_not_implemented():
    def stub(w, dw, state, lr, momentum, nesterov=False):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_momentum_step(stub)


def test_state_that_cannot_cross_the_pipe_is_refused():
    class Velocity:
        def __init__(self, v):
            self.v = v

    def objects(w, dw, state, lr, momentum, nesterov=False):
        v = momentum * state["v"].v + dw if state else dw
        step = dw + momentum * v if nesterov else v
        return w - lr * step, {"v": Velocity(v)}
    fails(ex.check_momentum_step, objects, match=r"state\) holds .*Velocity, which is not plain data")


# ---------------------------------------------------------------- rmsprop_step

def student_rmsprop(eps_inside=False, no_weight=False, bias_correct=False, keep=True, swap=False):
    def rmsprop_step(w, dw, state, lr, alpha, eps):
        state = state or {"sq": np.zeros_like(w), "n": 0}
        n = state["n"] + 1
        old, new = (1 - alpha, alpha) if swap else (alpha, 1 if no_weight else 1 - alpha)
        sq = old * (state["sq"] if keep else 0) + new * dw ** 2
        s = sq / (1 - alpha ** n) if bias_correct else sq
        denom = np.sqrt(s + eps) if eps_inside else np.sqrt(s) + eps
        return w - lr * dw / denom, {"sq": sq, "n": n}
    return rmsprop_step


def test_rmsprop_passes_reference(capsys):
    passes(ex.check_rmsprop_step, optim.rmsprop_step, capsys=capsys)
    passes(ex.check_rmsprop_step, student_rmsprop(), capsys=capsys, seed=3, shape=(2, 2, 2), steps=55, lr=0.1,
           settings=((0.5, 1e-6),))


@pytest.mark.parametrize("wrong,match", [
    (student_rmsprop(eps_inside=True), "epsilon goes outside the square root"),
    (student_rmsprop(no_weight=True), r"weighs the new squared gradient by \(1 - alpha\)"),
    (student_rmsprop(bias_correct=True), "RMSprop has no bias correction"),
    (student_rmsprop(keep=False), "must carry over"),
    (student_rmsprop(swap=True), "you swapped alpha and 1 - alpha"),
])
def test_rmsprop_rejects_wrong_answers(wrong, match):
    fails(ex.check_rmsprop_step, wrong, match=match)


# ---------------------------------------------------------------- adam_step

def student_adam(correct=True, count_from=0, increment_after=False, eps_inside=False, l2_always=False,
                 decay_without_lr=False, decay_after=False, ignore_decay=False, correct_v=True, store_hat=False,
                 swap_bc=False):
    def adam_step(w, dw, state, lr, beta1, beta2, eps, weight_decay, decoupled):
        st = dict(state) if state else {"m": 0.0, "v": 0.0, "t": count_from}
        t = st["t"] if increment_after else st["t"] + 1
        g = dw
        if weight_decay and not ignore_decay:
            if decoupled and not l2_always and not decay_after:
                w = w * (1 - (1 if decay_without_lr else lr) * weight_decay)
            elif not decoupled or l2_always:
                g = dw + weight_decay * w
        m = beta1 * st["m"] + (1 - beta1) * g
        v = beta2 * st["v"] + (1 - beta2) * g * g
        m_hat, v_hat = (m / (1 - beta1 ** t), v / (1 - beta2 ** t)) if correct else (m, v)
        v_hat = v_hat if correct_v else v
        if swap_bc:
            m_hat, v_hat = m / (1 - beta2 ** t), v / (1 - beta1 ** t)
        m, v = (m_hat, v_hat) if store_hat else (m, v)
        denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
        new_w = w - lr * m_hat / denom
        if decay_after and decoupled and weight_decay:
            new_w = new_w * (1 - lr * weight_decay)
        return new_w, {"m": m, "v": v, "t": t + 1 if increment_after else t}
    return adam_step


def test_adam_passes_reference(capsys):
    passes(ex.check_adam_step, optim.adam_step, capsys=capsys)
    passes(ex.check_adam_step, student_adam(), capsys=capsys)
    passes(ex.check_adam_step, optim.adam_step, capsys=capsys, seed=5, shape=(7,), steps=50, lr=0.003,
           settings=((0.95, 0.9999, 1e-6, 0.01, True), (0.0, 0.5, 1e-8, 1.0, False)))


@pytest.mark.parametrize("wrong,match", [
    (student_adam(correct=False), r"step 1 of 60.*Adam corrects the bias of m and v"),
    (student_adam(count_from=1), "t = 1 at the first step"),
    (student_adam(eps_inside=True), "epsilon goes outside the square root"),
    (student_adam(l2_always=True), r"decoupled=True \(AdamW\).*L2 penalty"),
    (student_adam(decay_without_lr=True), "multiplies the decay by the learning rate"),
    (student_adam(decay_after=True), "before the step"),
    (student_adam(ignore_decay=True), "use weight_decay"),
    (student_adam(correct_v=False), r"step 1 of 60.*BOTH moments .* v_hat = v / \(1 - beta2\*\*t\)"),
    (student_adam(swap_bc=True), r"step 1 of 60.*you swapped beta1 and beta2 in the corrections"),
    (student_adam(store_hat=True), r"step 2 of 60.*keep the raw running averages m and v in the state"),
])
def test_adam_rejects_wrong_answers(wrong, match):
    fails(ex.check_adam_step, wrong, match=match)


def test_adam_bias_correction_with_t_zero_at_the_first_step_is_explained():
    """Incrementing the step count after using it divides by 1 - beta**0 = 0 at the first step."""
    with np.errstate(all="ignore"):
        fails(ex.check_adam_step, student_adam(increment_after=True), match=r"NaN.*count the step before using it")


def test_adam_with_l2_where_decoupled_is_asked_is_named_both_ways():
    def always_adamw(w, dw, state, lr, beta1, beta2, eps, weight_decay, decoupled):
        return optim.adam_step(w, dw, state, lr, beta1, beta2, eps, weight_decay, True)
    fails(ex.check_adam_step, always_adamw, match=r"decoupled=False \(Adam's L2 penalty\)")


def test_adam_epsilon_before_bias_correction_is_named():
    """The paper's 'efficient' ordering adds eps to sqrt(v) before correcting it."""
    def eps_on_raw(w, dw, state, lr, beta1, beta2, eps, weight_decay, decoupled):
        st = state or {"m": 0.0, "v": 0.0, "t": 0}
        t = st["t"] + 1
        if decoupled:
            w, g = w * (1 - lr * weight_decay), dw
        else:
            g = dw + weight_decay * w
        m, v = beta1 * st["m"] + (1 - beta1) * g, beta2 * st["v"] + (1 - beta2) * g * g
        step_size = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        return w - step_size * m / (np.sqrt(v) + eps), {"m": m, "v": v, "t": t}
    fails(ex.check_adam_step, eps_on_raw, match="after the bias correction")


def test_adam_mutants_pass_when_the_check_cannot_see_them(capsys):
    """Honesty about limits: with weight_decay = 0 AdamW and Adam are one algorithm, so a check
    that runs only that setting cannot catch L2-for-decoupled."""
    passes(ex.check_adam_step, student_adam(l2_always=True), capsys=capsys,
           settings=((0.9, 0.999, 1e-8, 0.0, True),))


# ---------------------------------------------------------------- step_lr

def test_step_lr_passes_reference(capsys):
    passes(ex.check_step_lr, schedules.step_lr, capsys=capsys)
    passes(ex.check_step_lr, schedules.step_lr, capsys=capsys, lr0=3.0, settings=((3, 0.7),), epochs=12)
    passes(ex.check_step_lr, lambda t, lr0, s, g: lr0 * g ** math.floor(t / s), capsys=capsys)


@pytest.mark.parametrize("wrong,match", [
    (lambda t, lr0, s, g: lr0 * g ** ((t + 1) // s), "after step_size whole epochs"),
    (lambda t, lr0, s, g: lr0 * g ** (t / s), "drops in stairs"),
    (lambda t, lr0, s, g: lr0 * g * (t // s), "MULTIPLIES the rate"),
    (lambda t, lr0, s, g: None, "should return one number.*forget to return"),
    (lambda t, lr0, s, g: [lr0 * g ** (t // s)], "should return one number.*got list"),
    (lambda t, lr0, s, g: np.full(2, lr0 * g ** (t // s)), r"one number.*array of shape \(2,\)"),
])
def test_step_lr_rejects_wrong_answers(wrong, match):
    fails(ex.check_step_lr, wrong, match=match)


# ---------------------------------------------------------------- cosine_lr

def _cos(t, lr0, T, eta_min):
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * t / T)) / 2


def test_cosine_lr_passes_reference(capsys):
    passes(ex.check_cosine_lr, schedules.cosine_lr, capsys=capsys)
    passes(ex.check_cosine_lr, _cos, capsys=capsys, lr0=0.7, settings=((3, 0.5), (100, 0.0)))
    passes(ex.check_cosine_lr, lambda t, lr0, T, e: np.float64(_cos(t, lr0, T, e)), capsys=capsys)


@pytest.mark.parametrize("wrong,match", [
    (lambda t, lr0, T, e: _cos(t + 1, lr0, T, e), r"cosine_lr\(0, .*off by one"),
    (lambda t, lr0, T, e: _cos(t - 1, lr0, T, e), "cosine_lr"),
    (lambda t, lr0, T, e: _cos(t, lr0, T - 1, e), "off by one: the rate reaches eta_min at t = T_max, not"),
    (lambda t, lr0, T, e: _cos(t, lr0, T + 1, e), "off by one: the angle at step t"),
    (lambda t, lr0, T, e: lr0 * (1 + math.cos(math.pi * t / T)) / 2, "ends at eta_min, not at 0"),
    (lambda t, lr0, T, e: e + (lr0 - e) * math.cos(math.pi * t / T), r"\(1 \+ cos\(angle\)\) / 2"),
    (lambda t, lr0, T, e: e + (lr0 - e) * (1 + math.cos(math.pi * t / T)), r"without the / 2"),
])
def test_cosine_lr_rejects_wrong_answers(wrong, match):
    fails(ex.check_cosine_lr, wrong, match=match)


@pytest.mark.parametrize("check,wrong,match", [
    (ex.check_step_lr, lambda t, lr0, step_size, gamma: np.array([lr0]), "one number"),
    (ex.check_step_lr, lambda t, lr0, step_size, gamma: None, "forget to return it"),
    (ex.check_momentum_step, lambda w, dw, state, lr, momentum, nesterov: (w - lr * dw, None), "should be a dict"),
    (ex.check_momentum_step, lambda w, dw, state, lr, momentum, nesterov: (w - lr * dw, {"f": print}), "plain data"),
])
def test_shape_of_answer_verdicts_are_shown_without_a_traceback(check, wrong, match):
    """A notebook shows a CheckFailed as its message alone; a bare AssertionError came with a traceback
    through the checks' code (seen in a student trial)."""
    with pytest.raises(CheckFailed, match=match):
        check(wrong)


def _rmsprop_starting_at_g2(w, dw, state, lr, alpha, eps):
    s = alpha * state["s"] + (1 - alpha) * dw ** 2 if state else dw ** 2
    return w - lr * dw / (np.sqrt(s) + eps), {"s": s}


@pytest.mark.parametrize("wrong,named,not_named", [
    (student_rmsprop(no_weight=True), r"weighs the new squared gradient", r"bias correction|starts at 0"),
    (student_rmsprop(bias_correct=True), r"no bias correction", r"weighs the new|starts at 0"),
    (_rmsprop_starting_at_g2, r"s starts at 0", r"weighs the new|bias correction"),
])
def test_rmsprop_mistakes_alike_at_the_first_step_get_one_name(wrong, named, not_named):
    """The three give the same first step (s = dw**2); the check looks at the student's next steps and
    names the one that fits them all (the student trial saw two hints joined by 'Or:')."""
    with pytest.raises(AssertionError, match=named) as info:
        ex.check_rmsprop_step(wrong)
    message = str(info.value)
    assert "step 1 of 60" in message and "Or:" not in message
    assert not re.search(not_named, message)


# ---------------------------------------------------------------- Korean feedback (issue 22, item 5)

def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """Epsilon inside the root is named in Korean, with the step, shape and values of the English message."""
    wrong = student_rmsprop(eps_inside=True)
    en, ko = messages_in_both(lambda: ex.check_rmsprop_step(wrong))
    assert "epsilon goes outside the square root" in en and not HANGUL.search(en)
    assert "엡실론은 제곱근 바깥에 더합니다" in ko and "epsilon" not in ko
    assert numbers(ko) == numbers(en)
