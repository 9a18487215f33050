"""Every check of exercise 11 passes the reference and fails plausible wrong answers."""

import re

import numpy as np
import pytest

from autograder.checks import ex11_rnn as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import rnn as ref
from helpers.checking import HANGUL, fails, messages_in_both, passes


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- rnn_step_forward

@pytest.mark.parametrize("kwargs", [{}, dict(seed=3, n=1, d=1, h=1), dict(seed=4, n=5, d=2, h=7)])
def test_step_forward_passes_reference(kwargs, capsys):
    passes(ex.check_rnn_step_forward, ref.rnn_step_forward, capsys=capsys, **kwargs)


def _step(fn):
    """A step forward whose new state is fn(x, h_prev, Wx, Wh, b)."""
    def step(x, h_prev, Wx, Wh, b):
        h = fn(x, h_prev, Wx, Wh, b)
        return h, (x, h_prev, Wx, Wh, b, h)
    return step


def _step_in_place(x, h_prev, Wx, Wh, b):
    h_prev += 0.0 * h_prev + 1.0  # "reuse" the buffer
    return ref.rnn_step_forward(x, h_prev, Wx, Wh, b)


@pytest.mark.parametrize("wrong,match", [
    (_step(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh)), "adds the bias b"),
    (_step(lambda x, h, Wx, Wh, b: sigmoid(x @ Wx + h @ Wh + b)), "tanh .*not the sigmoid"),
    (_step(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + b)), "through Wh"),
    (_step(lambda x, h, Wx, Wh, b: x @ Wx + h @ Wh + b), "tanh of the sum"),
    (_step(lambda x, h, Wx, Wh, b: np.maximum(x @ Wx + h @ Wh + b, 0)), "use tanh"),
    (_step(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b)), "h_next"),
    (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh + b), "tuple of 2 values"),
    (_step_in_place, "changed its argument h_prev"),
])
def test_step_forward_rejects(wrong, match):
    fails(ex.check_rnn_step_forward, wrong, match=match)


def test_step_forward_not_implemented():
    def stub(*args):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet):
        ex.check_rnn_step_forward(stub)


# ---------------------------------------------------------------- rnn_step_backward

@pytest.mark.parametrize("kwargs", [{}, dict(seed=5, n=1, d=1, h=1), dict(seed=6, n=4, d=6, h=2)])
def test_step_backward_passes_reference(kwargs, capsys):
    passes(ex.check_rnn_step_backward, ref.rnn_step_backward, capsys=capsys, **kwargs)


def _step_back(da_of):
    def backward(dh, cache):
        x, h_prev, Wx, Wh, b, h_next = cache
        da = da_of(dh, h_prev, h_next)
        return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)
    return backward


def _db_mean(dh, cache):
    grads = ref.rnn_step_backward(dh, cache)
    return (*grads[:4], grads[4] / dh.shape[0])


def _dwh_from_h_next(dh, cache):
    grads = ref.rnn_step_backward(dh, cache)
    da = dh * (1 - cache[-1] ** 2)
    return (*grads[:3], cache[-1].T @ da, grads[4])


@pytest.mark.parametrize("wrong,match", [
    (_step_back(lambda dh, hp, hn: dh * (1 - hp**2)), "OUTPUT h_next"),
    (_step_back(lambda dh, hp, hn: dh), "derivative 1 - h_next\\*\\*2 \\(chain rule\\)"),
    (_step_back(lambda dh, hp, hn: dh * (1 - hn)), "not 1 - h_next"),
    (_db_mean, "does not average"),
    (_dwh_from_h_next, "dWh"),
])
def test_step_backward_rejects(wrong, match):
    fails(ex.check_rnn_step_backward, wrong, match=match)


# ---------------------------------------------------------------- rnn_forward

@pytest.mark.parametrize("kwargs", [{}, dict(seed=7, n=1, t=1, d=1, h=1), dict(seed=8, n=3, t=12, d=2, h=5)])
def test_forward_passes_reference(kwargs, capsys):
    passes(ex.check_rnn_forward, ref.rnn_forward, capsys=capsys, **kwargs)


def _forward_from_h0(x, h0, Wx, Wh, b):
    h = np.stack([ref.rnn_step_forward(x[:, t], h0, Wx, Wh, b)[0] for t in range(x.shape[1])], axis=1)
    return h, (x, h0, Wx, Wh, b, h)


def _forward_shifted(x, h0, Wx, Wh, b):
    h, cache = ref.rnn_forward(x, h0, Wx, Wh, b)
    return np.concatenate([h0[:, None], h[:, :-1]], axis=1), cache


def _forward_last_only(x, h0, Wx, Wh, b):
    h, cache = ref.rnn_forward(x, h0, Wx, Wh, b)
    return h[:, -1], cache


def _forward_time_major(x, h0, Wx, Wh, b):
    h, cache = ref.rnn_forward(x, h0, Wx, Wh, b)
    return h.transpose(1, 0, 2), cache


@pytest.mark.parametrize("wrong,match", [
    (_forward_from_h0, "carry the state"),
    (_forward_shifted, "AFTER reading"),
    (_forward_last_only, r"shape \(2, 4\) but should have shape \(2, 6, 4\)"),
    (_forward_time_major, r"shape \(6, 2, 4\) but should have shape \(2, 6, 4\)"),
])
def test_forward_rejects(wrong, match):
    fails(ex.check_rnn_forward, wrong, match=match)


# ---------------------------------------------------------------- rnn_backward

@pytest.mark.parametrize("kwargs", [{}, dict(seed=9, n=1, t=1, d=1, h=1), dict(seed=10, n=3, t=15, d=2, h=3)])
def test_backward_passes_reference(kwargs, capsys):
    passes(ex.check_rnn_backward, ref.rnn_backward, capsys=capsys, **kwargs)


def _bptt(dh, cache, carry=True, last=False, backwards=True, wrap=False):
    """A student's backpropagation through time with switches for the usual mistakes.

    (The checks compute these mistakes without such a generator: switched off, it is the answer.)
    """
    x, h0, Wx, Wh, b, h = cache
    grads = [np.zeros_like(x), None, np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
    flow = np.zeros_like(h0)
    steps = range(x.shape[1])
    for t in (reversed(steps) if backwards else steps):
        prev = h[:, t - 1] if t > 0 or wrap else h0
        step = ref.rnn_step_backward(dh[:, t] + (flow if carry else 0), (x[:, t], prev, Wx, Wh, b, h[:, t]))
        grads[0][:, t], flow = step[0], step[1]
        if not last or t == x.shape[1] - 1:
            for k in (2, 3, 4):
                grads[k] = grads[k] + step[k]
    grads[1] = flow
    return grads


def _bptt_without_carry(dh, cache):
    return tuple(_bptt(dh, cache, carry=False))


def _bptt_last_step_weights(dh, cache):
    return tuple(_bptt(dh, cache, last=True))


def _bptt_no_dh0(dh, cache):
    grads = ref.rnn_backward(dh, cache)
    return grads[0], np.zeros_like(grads[1]), *grads[2:]


def _bptt_only_last_dh(dh, cache):
    only = np.zeros_like(dh)
    only[:, -1] = dh[:, -1]
    return ref.rnn_backward(only, cache)


@pytest.mark.parametrize("wrong,match", [
    (_bptt_without_carry, "flowing back from step t\\+1"),
    (_bptt_last_step_weights, "every time step contributes"),
    (_bptt_no_dh0, "dh0"),
    (_bptt_only_last_dh, "dx"),
])
def test_backward_rejects(wrong, match):
    fails(ex.check_rnn_backward, wrong, match=match)


# ---------------------------------------------------------------- clip_grad_norm

@pytest.mark.parametrize("kwargs", [{}, dict(seed=11, max_norm=0.5), dict(seed=12, max_norm=20.0)])
def test_clip_passes_reference(kwargs, capsys):
    passes(ex.check_clip_grad_norm, ref.clip_grad_norm, capsys=capsys, **kwargs)


def test_clip_without_eps_is_accepted(capsys):
    def clip(grads, max_norm):
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        return [g * min(1.0, max_norm / norm) for g in grads], norm
    passes(ex.check_clip_grad_norm, clip, capsys=capsys)


def _clip_each(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads], norm


def _clip_always(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * max_norm / norm for g in grads], norm


def _clip_norm_after(grads, max_norm):
    clipped, _ = ref.clip_grad_norm(grads, max_norm)
    return clipped, np.sqrt(sum(np.sum(g**2) for g in clipped))


def _clip_in_place(grads, max_norm):
    clipped, norm = ref.clip_grad_norm(grads, max_norm)
    for g, c in zip(grads, clipped):
        g[...] = c
    return grads, norm


@pytest.mark.parametrize("wrong,match", [
    (_clip_each, "ONE factor"),
    (_clip_always, "only shrink"),
    (_clip_norm_after, "BEFORE clipping"),
    (_clip_in_place, "changed its argument grads"),
])
def test_clip_rejects(wrong, match):
    fails(ex.check_clip_grad_norm, wrong, match=match)


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """Clipping each array alone, read in Korean: the Korean hint, the same got/want numbers as in English."""
    english, korean = messages_in_both(lambda: ex.check_clip_grad_norm(_clip_each))
    got, want = re.search(r"is (\S+) but should be (\S+) ", english).groups()
    assert "인수 하나(ONE)로 함께 클리핑하세요" in korean and "ONE factor" in english
    assert "by its own norm" not in korean and not HANGUL.search(english)
    assert got in korean and want in korean


# ---------------------------------------------------------------- mistakes found by trying the notebook

def test_step_forward_names_a_transposed_wh():
    fails(ex.check_rnn_step_forward, lambda x, h, Wx, Wh, b: (np.tanh(x @ Wx + h @ Wh.T + b), None),
          match="do not transpose it")


def _step_back_tanh_twice(dh, cache):
    x, h_prev, Wx, Wh, b, h_next = cache
    da = dh * (1 - np.tanh(h_next) ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def test_step_backward_names_tanh_applied_to_the_cached_output():
    fails(ex.check_rnn_step_backward, _step_back_tanh_twice, match="do not apply tanh to it again")


@pytest.mark.parametrize("switch,match", [(dict(backwards=False), "walk BACKWARDS in time"),
                                          (dict(wrap=True), "the state before the first step is h0")])
def test_backward_names_walking_forwards_and_a_wrapped_first_state(switch, match):
    fails(ex.check_rnn_backward, lambda dh, cache: tuple(_bptt(dh, cache, **switch)), match=match)


@pytest.mark.parametrize("wrong,match", [
    (lambda grads, m: ([g * min(1.0, m / (np.linalg.norm(g) + 1e-6)) for g in grads],
                       np.sqrt(sum(np.sum(g ** 2) for g in grads))), "ONE factor"),
    (lambda grads, m: ([g * m / (np.sqrt(sum(np.sum(h ** 2) for h in grads)) + 1e-6) for g in grads],
                       np.sqrt(sum(np.sum(g ** 2) for g in grads))), "only shrink"),
])
def test_clip_mistakes_are_named_also_with_pytorchs_eps(wrong, match):
    fails(ex.check_clip_grad_norm, wrong, match="Hint: .*" + match)


def test_generic_hints_start_with_hint():
    with pytest.raises(AssertionError) as info:
        ex.check_rnn_backward(lambda dh, cache: tuple(g * 2 for g in ref.rnn_backward(dh, cache)))
    assert "Hint: every gradient has the shape" in str(info.value)


# ---------------------------------------------------------------- cascades (issue 20, items 9, 11)

STEP32 = '''def rnn_step_forward(x, h_prev, Wx, Wh, b):
    f32 = np.float32
    h_next = np.tanh(x.astype(f32) @ Wx.astype(f32) + h_prev.astype(f32) @ Wh.astype(f32) + b.astype(f32))
    return h_next, (x, h_prev, Wx, Wh, b, h_next)
'''


def test_a_float32_step_is_named_by_the_sequence_with_numbers_that_differ():
    """A float32 step made rnn_forward fail with two equal-looking numbers and no cause."""
    from helpers.checking import solution_namespace
    ns = solution_namespace("11_rnn", rnn_step_forward=STEP32)
    with pytest.raises(AssertionError) as info:
        ex.check_rnn_forward(ns["rnn_forward"])
    text = str(info.value)
    assert text.startswith("First fix rnn_step_forward, which rnn_forward calls: h_next")
    assert "float32" in text and "Then rnn_forward's own test" in text
    shown = text.split("entry ")[1].split(" (")[0]  # 'entry [i, j] is A but should be B'
    got, want = shown.split(" is ")[1].split(" but should be ")
    assert got != want


def test_the_sequence_passes_with_the_right_step(capsys):
    from helpers.checking import solution_namespace
    passes(ex.check_rnn_forward, solution_namespace("11_rnn")["rnn_forward"], capsys=capsys)
    passes(ex.check_rnn_backward, solution_namespace("11_rnn")["rnn_backward"], capsys=capsys)


def test_a_wrong_backward_step_is_named_by_bptt():
    from helpers.checking import solution_namespace
    mean_db = ("def rnn_step_backward(dh_next, cache):\n    x, h_prev, Wx, Wh, b, h_next = cache\n"
               "    da = dh_next * (1.0 - h_next**2)\n"
               "    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.mean(axis=0)\n")
    ns = solution_namespace("11_rnn", rnn_step_backward=mean_db)
    fails(ex.check_rnn_backward, ns["rnn_backward"], match=r"^First fix rnn_step_backward, which rnn_backward calls: .*"
          r"db sums over the batch")
