"""Every check of exercise 12 passes the reference and fails plausible wrong answers."""

import re

import numpy as np
import pytest

from autograder.checks import ex12_lstm as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import lstm as ref
from helpers.checking import HANGUL, fails, messages_in_both, passes


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- lstm_step_forward

@pytest.mark.parametrize("kwargs", [{}, dict(seed=3, n=1, d=1, h=1), dict(seed=4, n=5, d=2, h=7)])
def test_step_forward_passes_reference(kwargs, capsys):
    passes(ex.check_lstm_step_forward, ref.lstm_step_forward, capsys=capsys, **kwargs)


def test_step_forward_accepts_plain_sigmoid_and_slices(capsys):
    def step(x, h_prev, c_prev, Wx, Wh, b):
        a = x @ Wx + h_prev @ Wh + b
        H = h_prev.shape[1]
        i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        c = f * c_prev + i * g
        h = o * np.tanh(c)
        return h, c, (x, h_prev, c_prev, Wx, Wh, b, np.hstack([i, f, g, o]), c)
    passes(ex.check_lstm_step_forward, step, capsys=capsys)


def _lstm_step(x, h_prev, c_prev, Wx, Wh, b, order="ifgo", gate=sigmoid, cand=np.tanh, squash=np.tanh, keep=True):
    """A student's LSTM step with switches for the usual mistakes -> (h, c, gates [i, f, g, o]).

    (The checks compute these mistakes without such a generator: switched off, it is the answer.)
    """
    a = x @ Wx + h_prev @ Wh + b
    blocks = dict(zip(order, np.split(a, 4, axis=1)))
    i, f, g, o = gate(blocks["i"]), gate(blocks["f"]), cand(blocks["g"]), gate(blocks["o"])
    c = f * c_prev * keep + i * g
    return o * squash(c), c, np.concatenate([i, f, g, o], axis=1)


def _step(**mistake):
    """A forward step with one of the usual mistakes switched on, and the right cache layout."""
    def step(x, h_prev, c_prev, Wx, Wh, b):
        h, c, gates = _lstm_step(x, h_prev, c_prev, Wx, Wh, b, **mistake)
        return h, c, (x, h_prev, c_prev, Wx, Wh, b, gates, c)
    return step


def _h_from_c_prev(x, h_prev, c_prev, Wx, Wh, b):
    h, c, cache = ref.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    o = cache[6][:, 3 * h.shape[1]:]
    return o * np.tanh(c_prev), c, cache


def _step_interleaved(x, h_prev, c_prev, Wx, Wh, b):
    """The gates read as every fourth column (a reshaped to (N, H, 4)), written here, not in the check."""
    a = (x @ Wx + h_prev @ Wh + b).reshape(len(x), -1, 4)
    i, f, g, o = sigmoid(a[..., 0]), sigmoid(a[..., 1]), np.tanh(a[..., 2]), sigmoid(a[..., 3])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, (x, h_prev, c_prev, Wx, Wh, b, np.concatenate([i, f, g, o], axis=1), c)


def _step_in_place(x, h_prev, c_prev, Wx, Wh, b):
    c_prev *= 1.0 + 0.0 * c_prev  # harmless ...
    c_prev += 1.0                 # ... and then not
    return ref.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)


def _cache_gates_order(x, h_prev, c_prev, Wx, Wh, b):
    h, c, cache = ref.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    i, f, g, o = np.split(cache[6], 4, axis=1)
    return h, c, (*cache[:6], np.concatenate([i, f, o, g], axis=1), c)


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """Gate blocks read as i, f, o, g, in Korean: both halves of the Korean hint, the numbers of the English."""
    wrong = _step(order="ifog")
    english, korean = messages_in_both(lambda: ex.check_lstm_step_forward(wrong))
    got, want = re.search(r"is (\S+) but should be (\S+) ", english).groups()
    assert "PyTorch의 게이트 순서" in korean and "세 번째 블록이 후보 값 g" in korean
    assert "third block" not in korean and not HANGUL.search(english)
    assert got in korean and want in korean


def _cache_short(x, h_prev, c_prev, Wx, Wh, b):
    h, c, cache = ref.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    return h, c, (x, h_prev, c_prev, cache[6], c)


@pytest.mark.parametrize("wrong,match", [
    (_step(order="ifog"), "third block is the candidate"),
    (_step(order="figo"), "first block is the input gate"),
    (_step(order="gifo"), "not in the order g, i, f, o"),
    (_step(cand=sigmoid), "candidate g uses tanh"),
    (_step(gate=np.tanh), "gates i, f and o use the sigmoid"),
    (_step(squash=sigmoid), "squash the new cell state with tanh"),
    (_step(squash=lambda c: c), "not the cell state itself"),
    (_step(keep=False), "keeps f \\* c_prev"),
    (_h_from_c_prev, "NEW cell state"),
    (_step_interleaved, "consecutive BLOCKS of H columns"),
    (_step_in_place, "changed its argument c_prev"),
    (_cache_gates_order, r"cache\[6\] \(gates\).*\[i, f, g, o\]"),
    (_cache_short, "tuple of 8 values"),
    (lambda x, h_prev, c_prev, Wx, Wh, b: ref.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)[:2],
     "tuple of 3 values"),
])
def test_step_forward_rejects(wrong, match):
    fails(ex.check_lstm_step_forward, wrong, match=match)


def test_step_forward_not_implemented():
    def stub(*args):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet):
        ex.check_lstm_step_forward(stub)


# ---------------------------------------------------------------- lstm_step_backward

@pytest.mark.parametrize("kwargs", [{}, dict(seed=5, n=1, d=1, h=1), dict(seed=6, n=4, d=6, h=2)])
def test_step_backward_passes_reference(kwargs, capsys):
    passes(ex.check_lstm_step_backward, ref.lstm_step_backward, capsys=capsys, **kwargs)


def _step_back(dh, dc, cache, carry=True, tanh_of="c", keep_f=True, dsig=lambda s: s * (1 - s), order="ifgo",
               h_path=True, dc_prev_of="total"):
    """Backward of one step with one known mistake switched on -> the six gradients (written here,
    not in the check, which derives its mutants with autograd)."""
    x, h_prev, c_prev, Wx, Wh, _, gates, c = cache
    i, f, g, o = np.split(gates, 4, axis=1)
    tc = np.tanh(c)
    t_for_grad = {"h": o * tc, "raw c": c}.get(tanh_of, tc)
    dct = dc * carry + h_path * dh * o * (1 - t_for_grad**2)
    blocks = dict(i=dct * g * dsig(i), f=dct * c_prev * dsig(f), g=dct * i * (1 - g**2), o=dh * tc * dsig(o))
    da = np.concatenate([blocks[k] for k in order], axis=1)
    to_prev = dct if dc_prev_of == "total" else dc
    return da @ Wx.T, da @ Wh.T, to_prev * (f if keep_f else 1), x.T @ da, h_prev.T @ da, da.sum(axis=0)


def _back(**mistake):
    return lambda dh, dc, cache: _step_back(dh, dc, cache, **mistake)


def _back_db_mean(dh, dc, cache):
    grads = ref.lstm_step_backward(dh, dc, cache)
    return (*grads[:5], grads[5] / dh.shape[0])


def _back_in_place(dh, dc, cache):
    """The classic: the total cell gradient accumulated into the caller's dc."""
    x, h_prev, c_prev, Wx, Wh, _, gates, c = cache
    i, f, g, o = np.split(gates, 4, axis=1)
    tc = np.tanh(c)
    dct = dc
    dct += dh * o * (1 - tc**2)
    da = np.concatenate([dct * g * i * (1 - i), dct * c_prev * f * (1 - f), dct * i * (1 - g**2),
                         dh * tc * o * (1 - o)], axis=1)
    return da @ Wx.T, da @ Wh.T, dct * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def _back_dwh_transposed(dh, dc, cache):
    grads = ref.lstm_step_backward(dh, dc, cache)
    return (*grads[:4], grads[4] * 0 + grads[4][::-1], grads[5])


@pytest.mark.parametrize("wrong,match", [
    (_back(carry=False), "c also receives dc"),
    (_back(tanh_of="h"), "not 1 - h\\*\\*2"),
    (_back(keep_f=False), "times f"),
    (_back(dsig=lambda s: 1 - s**2), "s \\* \\(1 - s\\)"),
    (_back(order="ifog"), "order of the gates"),
    (_back(h_path=False), "used twice.*you used dc alone"),
    (_back(tanh_of="raw c"), "not 1 - c\\*\\*2"),
    (_back(dc_prev_of="dc"), r"^dc_prev .*TOTAL gradient of the cell state c .* not dc times f\.$"),
    (_back_db_mean, "does not average"),
    (_back_in_place, "changed its argument dc"),
    (_back_dwh_transposed, "dWh"),
])
def test_step_backward_rejects(wrong, match):
    fails(ex.check_lstm_step_backward, wrong, match=match)


def test_step_backward_names_the_gradient_that_is_wrong():
    """Missing dc from the next step leaves dx, dWx ... wrong too: the first one reported is dx."""
    with pytest.raises(AssertionError, match=r"^dx \(the first value"):
        ex.check_lstm_step_backward(_back(carry=False))


# ---------------------------------------------------------------- lstm_forward

@pytest.mark.parametrize("kwargs", [{}, dict(seed=7, n=1, t=1, d=1, h=1), dict(seed=8, n=3, t=12, d=2, h=5)])
def test_forward_passes_reference(kwargs, capsys):
    passes(ex.check_lstm_forward, ref.lstm_forward, capsys=capsys, **kwargs)


def test_forward_accepts_a_loop_of_steps(capsys):
    def forward(x, h0, c0, Wx, Wh, b):
        hs, cs, gs, h, c = [], [], [], h0, c0
        for t in range(x.shape[1]):
            h, c, cache = ref.lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
            hs.append(h), cs.append(c), gs.append(cache[6])
        H = np.stack(hs, axis=1)
        return H, (x, h0, c0, Wx, Wh, b, np.stack(gs, axis=1), np.stack(cs, axis=1), H)
    passes(ex.check_lstm_forward, forward, capsys=capsys)


def _unrolled(x, h0, c0, Wx, Wh, b, carry_h=True, carry_c=True):
    """A student's sequence pass that may forget to carry h or c -> hidden states (N, T, H)."""
    h_t, c_t, out = h0, c0, []
    for t in range(x.shape[1]):
        h_new, c_new, _ = ref.lstm_step_forward(x[:, t], h_t if carry_h else h0, c_t if carry_c else c0, Wx, Wh, b)
        h_t, c_t = h_new, c_new
        out.append(h_new)
    return np.stack(out, axis=1)


def _forward(**mistake):
    def forward(x, h0, c0, Wx, Wh, b):
        _, cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
        h = _unrolled(x, h0, c0, Wx, Wh, b, **mistake)
        return h, (*cache[:8], h)
    return forward


def _forward_shifted(x, h0, c0, Wx, Wh, b):
    h, cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    return np.concatenate([h0[:, None], h[:, :-1]], axis=1), cache


def _forward_cells(x, h0, c0, Wx, Wh, b):
    h, cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    return cache[7], cache


def _forward_time_major(x, h0, c0, Wx, Wh, b):
    h, cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    return h.transpose(1, 0, 2), cache


def _forward_wrong_order(x, h0, c0, Wx, Wh, b):
    h, c, gates = x[:, 0, :1] * 0, c0, []
    hs, cs, h = [], [], h0
    for t in range(x.shape[1]):
        h, c, g = _lstm_step(x[:, t], h, c, Wx, Wh, b, order="figo")
        hs.append(h), cs.append(c), gates.append(g)
    H = np.stack(hs, axis=1)
    return H, (x, h0, c0, Wx, Wh, b, np.stack(gates, axis=1), np.stack(cs, axis=1), H)


def _forward_cache_without_h(x, h0, c0, Wx, Wh, b):
    h, cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    return h, cache[:8]


def _forward_in_place(x, h0, c0, Wx, Wh, b):
    h, cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    c0[...] = cache[7][:, -1]  # "keep the last state for the next batch"
    return h, cache


@pytest.mark.parametrize("wrong,match", [
    (_forward(carry_c=False), "carry the cell state"),
    (_forward(carry_h=False), "carry the hidden state"),
    (_forward(carry_h=False, carry_c=False), "carry both states"),
    (_forward_shifted, "AFTER reading"),
    (_forward_cells, "not the cell states"),
    (_forward_time_major, r"shape \(6, 2, 4\) but should have shape \(2, 6, 4\)"),
    (_forward_wrong_order, "h \\(the first value"),
    (_forward_cache_without_h, "tuple of 9 values"),
    (_forward_in_place, "changed its argument c0"),
])
def test_forward_rejects(wrong, match):
    fails(ex.check_lstm_forward, wrong, match=match)


# ---------------------------------------------------------------- cascades and the cache (issue 20, items 11, 12)

GATES_IFOG = """def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    a = x @ Wx + h_prev @ Wh + b
    H = h_prev.shape[1]
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, o, g = sig(a[:, :H]), sig(a[:, H:2 * H]), sig(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, (x, h_prev, c_prev, Wx, Wh, b, np.concatenate([i, f, g, o], axis=1), c)
"""


def test_a_gate_order_mistake_in_the_step_is_named_by_the_sequence(capsys):
    """lstm_forward gave a shape hint for a gate-order mistake of lstm_step_forward."""
    from helpers.checking import solution_namespace
    ns = solution_namespace("12_lstm", lstm_step_forward=GATES_IFOG)
    fails(ex.check_lstm_forward, ns["lstm_forward"],
          match=r"^First fix lstm_step_forward, which lstm_forward calls: .*gate order.*Then lstm_forward's own test")
    passes(ex.check_lstm_forward, solution_namespace("12_lstm")["lstm_forward"], capsys=capsys)


def _cache_without(k):
    def step(x, h_prev, c_prev, Wx, Wh, b):
        h, c, cache = ref.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
        return h, c, cache[:k] + cache[k + 1:]
    return step


@pytest.mark.parametrize("k,name", [(2, "c_prev"), (7, "c"), (0, "x")])
def test_a_cache_of_the_wrong_length_names_the_missing_entry(k, name):
    fails(ex.check_lstm_step_forward, _cache_without(k), match=rf"tuple of 8 values .* but it has 7: {name} is missing")


def test_a_cache_with_an_extra_value_says_so():
    def step(x, h_prev, c_prev, Wx, Wh, b):
        h, c, cache = ref.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
        return h, c, cache + (h,)
    fails(ex.check_lstm_step_forward, step, match="but it has 9: 1 value that is none of these")
