"""Checks of exercise 12_lstm: one LSTM step forward and backward and the unrolled forward
pass, against the NumPy reference, ``torch.nn.LSTMCell`` / ``torch.nn.LSTM`` (weights
copied in, PyTorch's gate order i, f, g, o) and autograd."""

import numpy as np

from autograder.checks.compare import (DEVICE, EXACT, F64, assert_close, call, describe, diagnose, explains, fail,
                                       ok, sigmoid, torch_twin, unpack)
from autograder.checks.messages import say
from autograder.ref_numpy import lstm as ref

SHAPES_HINT = ("a = x Wx + h_prev Wh + b has shape (N, 4H): four blocks of H columns, one per gate; every "
               "gradient has the shape of its variable (dx like x, dWx like Wx, db like b).")
STEP_CACHE = ("x", "h_prev", "c_prev", "Wx", "Wh", "b", "gates", "c")
SEQ_CACHE = ("x", "h0", "c0", "Wx", "Wh", "b", "gates", "c", "h")
STEP_GRADS = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")
CELL_TWICE_HINT = ("the cell state c is used twice: by the next step (dc) AND by h = o * tanh(c). Its total gradient "
                   "adds the part that comes back through h; you used dc alone.")
ORDER_HINT = ("PyTorch's gate order: the four blocks of H columns of a are i, f, g, o (input, forget, candidate, "
              "output). {detail}")


def _step_of_sequence(lstm_step_forward, case):
    """The student's step, verified on the sizes of the failing sequence check (see compare.explains)."""
    check_lstm_step_forward(lstm_step_forward, seed=case["seed"], n=case["n"], d=case["d"], h=case["h"])


def _case(seed, n, t, d, h):
    """x (N, T, D), h0, c0 (N, H), weights as init_lstm draws them but twice as large (gates away from 0.5)."""
    rng = np.random.default_rng(seed)
    Wx, Wh, b = (2.0 * p for p in ref.init_lstm(d, h, seed))
    return (rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h)), Wx, Wh, b,
            rng.normal(size=(n, t, h)), rng.normal(size=(n, h)))


def _reordered(args, order):
    """The reference's step with the four blocks of a read in ``order`` (a permutation of "ifgo"):
    the same step on weights whose column blocks are permuted -> (h, c)."""
    x, h_prev, c_prev, Wx, Wh, b = args
    H = h_prev.shape[1]
    columns = np.concatenate([np.arange(H) + H * order.index(gate) for gate in "ifgo"])
    return ref.lstm_step_forward(x, h_prev, c_prev, Wx[:, columns], Wh[:, columns], b[columns])[:2]


def _lstm_step_forward_mistakes(x, h_prev, c_prev, Wx, Wh, b):
    """{hint: (h, c)} of the known mistakes of a forward step.

    Built from the reference's step (its gates and cell state, or its step on permuted
    weights), each formula with its mistake in it: no generator here computes a right step
    when a switch is left off (that would ship the answer; tests/grading/authoring/test_kit_leaks.py).
    """
    args = (x, h_prev, c_prev, Wx, Wh, b)
    h, c, cache = ref.lstm_step_forward(*args)
    i, f, g, o = np.split(cache[6], 4, axis=1)
    a_i, a_f, a_g, a_o = np.split(x @ Wx + h_prev @ Wh + b, 4, axis=1)
    c_sig = f * c_prev + i * sigmoid(a_g)
    c_tanh = np.tanh(a_f) * c_prev + np.tanh(a_i) * g
    variants = {
        say(ORDER_HINT, detail=say("The third block is the candidate g, the fourth the output gate o.")):
            _reordered(args, "ifog"),
        say(ORDER_HINT, detail=say("The first block is the input gate i (it scales the candidate), the second the "
                                   "forget gate f (it scales c_prev).")): _reordered(args, "figo"),
        say(ORDER_HINT, detail=say("The blocks are not in the order g, i, f, o either.")): _reordered(args, "gifo"),
        say("the candidate g uses tanh (values in (-1, 1), so that the cell can be pushed down as well as up), "
            "not the sigmoid."): (o * np.tanh(c_sig), c_sig),
        say("the gates i, f and o use the sigmoid (values in (0, 1): the fraction let through), not tanh."):
            (np.tanh(a_o) * np.tanh(c_tanh), c_tanh),
        say("h = o * tanh(c): squash the new cell state with tanh before the output gate, not with the sigmoid."):
            (o * sigmoid(c), c),
        say("h = o * tanh(c): the output gate multiplies tanh of the cell state, not the cell state itself."):
            (o * c, c),
        say("the new cell state keeps f * c_prev: without that term the cell forgets everything at every step."):
            (o * np.tanh(i * g), i * g),
    }
    H = h_prev.shape[1]
    interleaved = np.arange(4 * H).reshape(H, 4).T.ravel()  # block j, unit k <- column 4k + j
    variants[say("the four gates are four consecutive BLOCKS of H columns of a (columns 0..H-1 are i, H..2H-1 are "
                 "f, ...), not every fourth column: do not reshape a to (N, H, 4).")] = ref.lstm_step_forward(
        x, h_prev, c_prev, Wx[:, interleaved], Wh[:, interleaved], b[interleaved])[:2]
    variants[say("h is computed from the NEW cell state c, not from c_prev.")] = (o * np.tanh(c_prev), c)
    return variants


def _check_cache(label, cache, want, names):
    """The cache is a tuple of len(names) entries, each equal to the reference's."""
    if isinstance(cache, (tuple, list)) and len(cache) != len(names):
        fail(say("{label}: the cache should be a tuple of {count} values ({names}), but it has {got}: {difference}.",
                 label=label, count=len(names), names=", ".join(names), got=len(cache),
                 difference=_cache_difference(cache, want, names)))
    cache = unpack(say("{label}: the cache", label=label), cache, len(names))
    for k, (name, got, expected) in enumerate(zip(names, cache, want)):
        if name == "gates":
            hint = say("the gates are stored activated, side by side in PyTorch's order: [i, f, g, o], shape (N, 4H).")
        else:
            hint = say("cache[{k}] is {name}; the cache is ({names}).", k=k, name=name, names=", ".join(names))
        assert_close(say("cache[{k}] ({name}) of {label}", k=k, name=name, label=label), got, expected,
                     F64 if name in ("gates", "c", "h") else EXACT, hint)


def _cache_difference(cache, want, names):
    """Which entries a cache of the wrong length lacks or adds, matching its values in order with ``want``'s."""
    def same(got, expected):
        try:
            arr = np.asarray(got)
            return arr.dtype.kind in "biuf" and arr.shape == np.shape(expected) and np.allclose(arr, expected)
        except (TypeError, ValueError):
            return False
    matched, k = [], 0
    for got in cache:
        j = next((j for j in range(k, len(want)) if same(got, want[j])), None)
        if j is not None:
            matched.append(j)
            k = j + 1
    missing = [names[j] for j in range(len(names)) if j not in matched]
    extra = len(cache) - len(matched)
    parts = []
    if missing:
        names = ", ".join(missing)
        parts.append(say("{names} is missing", names=names) if len(missing) == 1 else
                     say("{names} are missing", names=names))
    if extra:
        parts.append(say("{count} value that is none of these", count=extra) if extra == 1 else
                     say("{count} values that are none of these", count=extra))
    if len(parts) == 2:
        return say("{missing} and {extra}", missing=parts[0], extra=parts[1])
    return parts[0] if parts else say("the values are not in this order")


# ---------------------------------------------------------------- one step forward

@explains()
def check_lstm_step_forward(lstm_step_forward, seed=0, n=3, d=4, h=5):
    """lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b) -> (h, c, cache), against NumPy and LSTMCell."""
    x, h_prev, c_prev, Wx, Wh, b, _, _ = _case(seed, n, 1, d, h)
    x = x[:, 0]
    args = dict(x=x, h_prev=h_prev, c_prev=c_prev, Wx=Wx, Wh=Wh, b=b)
    twin, dev, numpy = torch_twin("lstm")
    call_text = "lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)"  # not a message (the call, as code)
    label = describe(call_text, x=x, h_prev=h_prev, Wx=Wx)
    out = unpack(label, call(lstm_step_forward, label, say(SHAPES_HINT), **args), 3)
    want_h, want_c, want_cache = ref.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    mistakes = _lstm_step_forward_mistakes(x, h_prev, c_prev, Wx, Wh, b)
    hint_c = diagnose(out[1], {k: v[1] for k, v in mistakes.items()})
    got_c = assert_close(describe(call_text, "c", 1, x=x, Wx=Wx), out[1], want_c, F64,
                         hint_c or say("c = f * c_prev + i * g, shape (N, H)."))
    hint_h = diagnose(out[0], {k: v[0] for k, v in mistakes.items()})
    got_h = assert_close(describe(call_text, "h", 0, x=x, Wx=Wx), out[0], want_h, F64,
                         hint_h or say("h = o * tanh(c), shape (N, H)."))
    their_h, their_c = (numpy(v) for v in twin.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b, dev))
    assert_close(say("{label}: c, against torch.nn.LSTMCell", label=label), got_c, their_c, DEVICE, against="PyTorch")
    assert_close(say("{label}: h, against torch.nn.LSTMCell", label=label), got_h, their_h, DEVICE, against="PyTorch")
    _check_cache(label, out[2], want_cache, STEP_CACHE)
    ok(say("lstm_step_forward matches the NumPy reference and torch.nn.LSTMCell (h, c and the cache)"))


# ---------------------------------------------------------------- one step backward

def _slope(value, z, d):
    """``value`` as it is, with ``d`` as its derivative with respect to ``z`` (autograd's view)."""
    return value.detach() + (z - z.detach()) * d.detach()


def _mistaken_grads(dh, dc, cache, dsig_of_tanh=False, dtanh_from_h=False, dtanh_of_c=False, keep_f=True,
                    swap_go=False, h_path=True):
    """The six gradients of one step with one known mistake in the derivative, by autograd (float64,
    CPU) through the step the cache's inputs define, with that one derivative replaced:

    dsig_of_tanh: the gates' sigmoid differentiated as 1 - s**2; dtanh_from_h: tanh(c) as
    1 - h**2; dtanh_of_c: tanh(c) as 1 - c**2; keep_f=False: c_prev's gradient not multiplied by
    f; swap_go: the gradients of the g and o blocks of a put back in each other's place;
    h_path=False: no gradient reaches c through h = o * tanh(c) (only dc does). PyTorch does the calculus, so that no
    check writes out the backward pass it grades.
    """
    import torch

    x, h_prev, c_prev, Wx, Wh, b = (torch.tensor(np.asarray(v, dtype=float), requires_grad=True) for v in cache[:6])
    a = x @ Wx + h_prev @ Wh + b
    if swap_go:
        H = h_prev.shape[1]
        swap = torch.cat([torch.arange(2 * H), torch.arange(3 * H, 4 * H), torch.arange(2 * H, 3 * H)])
        a = _slope(a, a[:, swap], torch.ones_like(a))

    def gate(z):
        s = torch.sigmoid(z)
        return _slope(s, z, 1 - s**2) if dsig_of_tanh else s

    a_i, a_f, a_g, a_o = a.chunk(4, dim=1)
    i, f, g, o = gate(a_i), gate(a_f), torch.tanh(a_g), gate(a_o)
    c = f * c_prev + i * g if keep_f else f * c_prev.detach() + (c_prev - c_prev.detach()) + i * g
    tc = torch.tanh(c) if h_path else torch.tanh(c.detach())
    if dtanh_from_h:
        tc = _slope(tc, c, 1 - (o * tc) ** 2)
    elif dtanh_of_c:
        tc = _slope(tc, c, 1 - c**2)
    grads = torch.autograd.grad((o * tc, c), (x, h_prev, c_prev, Wx, Wh, b),
                                (torch.as_tensor(dh, dtype=torch.float64), torch.as_tensor(dc, dtype=torch.float64)))
    return tuple(t.numpy() for t in grads)


def _lstm_step_backward_mistakes(dh, dc, cache):
    """{hint: six gradients} of the known mistakes of a backward step."""
    return {
        say("c also receives dc, the gradient flowing back from the next step: add it to the gradient that reaches "
            "c through h = o * tanh(c)."): ref.lstm_step_backward(dh, np.zeros_like(dc), cache),
        say("the derivative of tanh(c) is 1 - tanh(c)**2, with tanh of the cell state c (the cache's last entry), "
            "not 1 - h**2: h = o * tanh(c) is not tanh(c)."): _mistaken_grads(dh, dc, cache, dtanh_from_h=True),
        say(CELL_TWICE_HINT): _mistaken_grads(dh, dc, cache, h_path=False),
        say("the derivative of tanh(c) is 1 - tanh(c)**2, written with tanh of c, not 1 - c**2 from c itself."):
            _mistaken_grads(dh, dc, cache, dtanh_of_c=True),
        say("c = f * c_prev + i * g, so the gradient handed back to c_prev is the cell's gradient times f."):
            _mistaken_grads(dh, dc, cache, keep_f=False),
        say("the sigmoid's derivative is s * (1 - s), written with the gate's value s; 1 - s**2 is tanh's."):
            _mistaken_grads(dh, dc, cache, dsig_of_tanh=True),
        say("put the gradients on the four blocks of a back in the order of the gates, [i, f, g, o]."):
            _mistaken_grads(dh, dc, cache, swap_go=True),
    }


@explains()
def check_lstm_step_backward(lstm_step_backward, seed=0, n=3, d=4, h=5):
    """lstm_step_backward(dh, dc, cache) -> (dx, dh_prev, dc_prev, dWx, dWh, db), against NumPy and autograd."""
    x, h_prev, c_prev, Wx, Wh, b, dh, dc = _case(seed, n, 1, d, h)
    x, dh = x[:, 0], dh[:, 0]
    _, _, cache = ref.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    twin, dev, numpy = torch_twin("lstm")
    call_text = "lstm_step_backward(dh, dc, cache)"  # not a message (the call, as code)
    label = describe(call_text, dh=dh, dc=dc)
    out = unpack(label, call(lstm_step_backward, label, say(SHAPES_HINT), dh=dh, dc=dc, cache=cache), 6)
    want = ref.lstm_step_backward(dh, dc, cache)
    autograd = twin.lstm_step_backward(dh, dc, cache, dev)
    wrong = _lstm_step_backward_mistakes(dh, dc, cache)
    for k, name in enumerate(STEP_GRADS):
        mistakes = {hint: grads[k] for hint, grads in wrong.items()}
        if name == "db":
            mistakes[say("db sums over the batch (axis 0), it does not average.")] = want[5] / n
        if name == "dc_prev":  # dc_prev is linear in (dh, dc): with dh = 0 only dc's share is left
            # (an answer that forgot the path through h everywhere already failed at dx)
            del mistakes[say(CELL_TWICE_HINT)]
            mistakes[say("dc_prev is the TOTAL gradient of the cell state c (dc plus the part that comes back "
                         "through h) times f, not dc times f.")] = ref.lstm_step_backward(np.zeros_like(dh), dc,
                                                                                           cache)[2]
        hint = diagnose(out[k], mistakes) or say(SHAPES_HINT)
        got = assert_close(describe(call_text, name, k, dh=dh), out[k], want[k], F64, hint)
        assert_close(say("{label}, against autograd", label=describe(call_text, name, k)), got, numpy(autograd[k]),
                     DEVICE, against=say("PyTorch autograd through torch.nn.LSTMCell"))
    ok(say("lstm_step_backward matches the NumPy reference and autograd (dx, dh_prev, dc_prev, dWx, dWh, db)"))


# ---------------------------------------------------------------- a whole sequence

# Each sequence mistake has its mistake built in: no generator here carries both states
# when a switch is left off (that loop is the answer to lstm_forward; tests/grading/authoring/test_kit_leaks.py).

def _unrolled_without_c(x, h0, c0, Wx, Wh, b):
    """Hidden states (N, T, H) when every step starts from c0 (h is carried)."""
    h_t, out = h0, []
    for t in range(x.shape[1]):
        h_t = ref.lstm_step_forward(x[:, t], h_t, c0, Wx, Wh, b)[0]
        out.append(h_t)
    return np.stack(out, axis=1)


def _unrolled_without_h(x, h0, c0, Wx, Wh, b):
    """Hidden states (N, T, H) when every step starts from h0 (c is carried)."""
    c_t, out = c0, []
    for t in range(x.shape[1]):
        h_t, c_t, _ = ref.lstm_step_forward(x[:, t], h0, c_t, Wx, Wh, b)
        out.append(h_t)
    return np.stack(out, axis=1)


def _unrolled_from_start(x, h0, c0, Wx, Wh, b):
    """Hidden states (N, T, H) when every step starts from h0 and c0: the reference's step on all
    N * T inputs as one batch."""
    (n, t, d), k = x.shape, h0.shape[1]

    def repeat(s):
        return np.repeat(s[:, None], t, axis=1).reshape(n * t, k)
    return ref.lstm_step_forward(x.reshape(n * t, d), repeat(h0), repeat(c0), Wx, Wh, b)[0].reshape(n, t, k)


def _lstm_forward_mistakes(x, h0, c0, Wx, Wh, b, want, want_cache):
    """{hint: the h a known mistake gives}; want, want_cache: the reference's h and cache."""
    return {
        say("carry the cell state: step t starts from the c that step t-1 produced, not from c0 every time "
            "(the cell state is the LSTM's long-term memory)."): _unrolled_without_c(x, h0, c0, Wx, Wh, b),
        say("carry the hidden state: step t starts from the h that step t-1 produced, not from h0 every time."):
            _unrolled_without_h(x, h0, c0, Wx, Wh, b),
        say("carry both states: step t starts from the h and c of step t-1, not from h0 and c0."):
            _unrolled_from_start(x, h0, c0, Wx, Wh, b),
        say("h[:, t] is the hidden state AFTER reading x[:, t]; the first entry is not h0."):
            np.concatenate([h0[:, None], want[:, :-1]], axis=1),
        say("h holds the hidden states o * tanh(c), not the cell states c."): want_cache[7],
    }


@explains(lstm_step_forward=_step_of_sequence)
def check_lstm_forward(lstm_forward, seed=0, n=2, t=6, d=3, h=4):
    """lstm_forward(x, h0, c0, Wx, Wh, b) -> (h (N, T, H), cache), against NumPy and torch.nn.LSTM."""
    x, h0, c0, Wx, Wh, b, _, _ = _case(seed, n, t, d, h)
    twin, dev, numpy = torch_twin("lstm")
    call_text = "lstm_forward(x, h0, c0, Wx, Wh, b)"  # not a message (the call, as code)
    label = describe(call_text, x=x, h0=h0)
    out = unpack(label, call(lstm_forward, label, say(SHAPES_HINT), x=x, h0=h0, c0=c0, Wx=Wx, Wh=Wh, b=b), 2)
    want, want_cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    hint = diagnose(out[0], _lstm_forward_mistakes(x, h0, c0, Wx, Wh, b, want, want_cache))
    got = assert_close(describe(call_text, "h", 0, x=x, h0=h0), out[0], want, F64,
                       hint or say("h has shape (N, T, H): the hidden state after each time step, batch first."))
    assert_close(say("{label}, against torch.nn.LSTM", label=label), got,
                 numpy(twin.lstm_forward(x, h0, c0, Wx, Wh, b, dev)), DEVICE, against="PyTorch")
    _check_cache(label, out[1], want_cache, SEQ_CACHE)
    ok(say("lstm_forward matches the NumPy reference and torch.nn.LSTM (every hidden state and the cache)"))
