"""Checks of exercise 11_rnn: one recurrent step forward and backward, the unrolled
forward pass, backpropagation through time and gradient clipping, against the NumPy
reference, ``torch.nn.RNN`` (weights copied in) and autograd."""

import numpy as np

from autograder.checks.compare import (DEVICE, F64, assert_close, call, describe, diagnose, explains, ok, sigmoid,
                                       torch_twin, unpack)
from autograder.checks.messages import say
from autograder.ref_numpy import rnn as ref

#: Clipping with or without PyTorch's eps = 1e-6 in max_norm / (norm + eps): both are right.
CLIP = dict(rtol=1e-5, atol=1e-12)
SHAPES_HINT = ("every gradient has the shape of its variable (dx like x, dh_prev like h_prev, dWx like Wx, "
               "dWh like Wh, db like b); let the shapes of the two factors of each product tell you which one "
               "is transposed.")
GRADS = ("dx", "dh_prev", "dWx", "dWh", "db")
SEQ_GRADS = ("dx", "dh0", "dWx", "dWh", "db")


def _step_of_sequence(rnn_step_forward, case):
    """The student's step, verified on the sizes of the failing sequence check (see compare.explains)."""
    check_rnn_step_forward(rnn_step_forward, seed=case["seed"], n=case["n"], d=case["d"], h=case["h"])


def _step_back_of_sequence(rnn_step_backward, case):
    """The student's backward step, verified on the sizes of the failing sequence check."""
    check_rnn_step_backward(rnn_step_backward, seed=case["seed"], n=case["n"], d=case["d"], h=case["h"])


def _case(seed, n, t, d, h, scale=0.6):
    rng = np.random.default_rng(seed)
    Wx, Wh, b = ref.init_rnn(d, h, seed, scale)
    return rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), Wx, Wh, b, rng.normal(size=(n, t, h))


# ---------------------------------------------------------------- one step

def _rnn_step_forward_mistakes(x, h_prev, Wx, Wh, b):
    """{hint: the h_next a known mistake gives}."""
    a = x @ Wx + h_prev @ Wh + b
    return {
        say("the cell adds the bias b inside the tanh."): np.tanh(x @ Wx + h_prev @ Wh),
        say("the recurrent cell squashes with tanh (values in (-1, 1), centred on 0), not the sigmoid."): sigmoid(a),
        say("the new state depends on the previous state h_prev through Wh: without it the network has no memory."):
            np.tanh(x @ Wx + b),
        say("h_next is the tanh of the sum, not the sum itself."): a,
        say("ReLU is not the cell of this chapter: use tanh."): np.maximum(a, 0),
        say("Wh has shape (H, H) and multiplies h_prev from the right, h_prev @ Wh, like Wx multiplies x "
            "(one example per row): do not transpose it."): np.tanh(x @ Wx + h_prev @ Wh.T + b),
    }


@explains()
def check_rnn_step_forward(rnn_step_forward, seed=0, n=3, d=4, h=5):
    """rnn_step_forward(x, h_prev, Wx, Wh, b) -> (tanh(x Wx + h_prev Wh + b), cache)."""
    x, h_prev, Wx, Wh, b, _ = _case(seed, n, 1, d, h)
    x = x[:, 0]
    twin, dev, numpy = torch_twin("rnn")
    call_text = "rnn_step_forward(x, h_prev, Wx, Wh, b)"  # not a message (the call, as code)
    label = describe(call_text, x=x, h_prev=h_prev, Wx=Wx, Wh=Wh)
    out = unpack(label, call(rnn_step_forward, label, say(SHAPES_HINT), x=x, h_prev=h_prev, Wx=Wx, Wh=Wh, b=b), 2)
    hint = diagnose(out[0], _rnn_step_forward_mistakes(x, h_prev, Wx, Wh, b))
    want = ref.rnn_step_forward(x, h_prev, Wx, Wh, b)[0]
    got = assert_close(describe(call_text, "h_next", 0), out[0], want, F64,
                       hint or say("h_next = tanh(x Wx + h_prev Wh + b), shape (N, H)."))
    assert_close(say("{label}, against torch.nn.RNN", label=label), got,
                 numpy(twin.rnn_step_forward(x, h_prev, Wx, Wh, b, dev)[0]), DEVICE, against="PyTorch")
    ok(say("rnn_step_forward matches the NumPy reference and torch.nn.RNN"))


def _rnn_step_backward_mistakes(dh, cache):
    """{hint: the five gradients a known mistake in tanh'(a) * dh_next gives (None where tanh saturates)}."""
    h_prev, h_next = cache[1], cache[-1]
    wrong_da = {say("tanh's derivative is 1 - h_next**2, written with the cell's OUTPUT h_next (the cache's last "
                    "entry), not with h_prev."): dh * (1 - h_prev**2),
                say("multiply the upstream gradient by tanh's derivative 1 - h_next**2 (chain rule) before the "
                    "products."): dh,
                say("tanh's derivative is 1 - h_next**2, not 1 - h_next."): dh * (1 - h_next),
                say("the cache holds h_next = tanh(a), the OUTPUT: tanh'(a) = 1 - h_next**2 as it is; do not apply "
                    "tanh to it again."): dh * (1 - np.tanh(h_next) ** 2)}
    return {hint: _step_grads_for(da, cache) for hint, da in wrong_da.items()}


@explains()
def check_rnn_step_backward(rnn_step_backward, seed=0, n=3, d=4, h=5):
    """rnn_step_backward(dh_next, cache) -> (dx, dh_prev, dWx, dWh, db), against NumPy and autograd."""
    x, h_prev, Wx, Wh, b, dh = _case(seed, n, 1, d, h)
    x, dh = x[:, 0], dh[:, 0]
    _, cache = ref.rnn_step_forward(x, h_prev, Wx, Wh, b)
    twin, dev, numpy = torch_twin("rnn")
    call_text = "rnn_step_backward(dh_next, cache)"  # not a message (the call, as code)
    label = describe(call_text, dh_next=dh)
    out = unpack(label, call(rnn_step_backward, label, say(SHAPES_HINT), dh_next=dh, cache=cache), 5)
    want = ref.rnn_step_backward(dh, cache)
    autograd = twin.rnn_step_backward(dh, cache, dev)
    wrong_grads = _rnn_step_backward_mistakes(dh, cache)
    for i, name in enumerate(GRADS):
        mistakes = {hint: grads[i] for hint, grads in wrong_grads.items() if grads is not None}
        if name == "db":
            mistakes[say("db sums over the batch (axis 0), it does not average.")] = want[4] / n
        hint = diagnose(out[i], mistakes) or say(SHAPES_HINT)
        got = assert_close(describe(call_text, name, i, dh_next=dh), out[i], want[i], F64, hint)
        assert_close(say("{label}, against autograd", label=describe(call_text, name, i)), got, numpy(autograd[i]),
                     DEVICE, against=say("PyTorch autograd"))
    ok(say("rnn_step_backward matches the NumPy reference and PyTorch autograd (dx, dh_prev, dWx, dWh, db)"))


def _step_grads_for(da, cache):
    """The five gradients a backward step gives when its tanh'(a) * dh_next is ``da`` (a wrong one):
    the reference's own step for dh_next = da / (1 - h_next**2), as the step is linear in dh_next
    (None where tanh saturates). Never the products written here in NumPy: with the right da they
    would be the answer, shipped to every student (tests/grading/authoring/test_kit_leaks.py)."""
    slope = 1 - cache[-1] ** 2
    if np.any(slope == 0):
        return None
    return ref.rnn_step_backward(da / slope, cache)


# ---------------------------------------------------------------- a whole sequence

def _rnn_forward_mistakes(x, h0, Wx, Wh, b, want):
    """{hint: the h a known mistake gives}; want: the right h."""
    return {
        say("carry the state: step t starts from the state of step t-1, not from h0 every time."):
            np.tanh(x @ Wx + (h0 @ Wh)[:, None, :] + b),
        say("h[:, t] is the state AFTER reading x[:, t]; the first entry is not h0."):
            np.concatenate([h0[:, None], want[:, :-1]], axis=1),
    }


@explains(rnn_step_forward=_step_of_sequence)
def check_rnn_forward(rnn_forward, seed=0, n=2, t=6, d=3, h=4):
    """rnn_forward(x, h0, Wx, Wh, b) -> (h (N, T, H), cache), against NumPy and torch.nn.RNN."""
    x, h0, Wx, Wh, b, _ = _case(seed, n, t, d, h)
    twin, dev, numpy = torch_twin("rnn")
    call_text = "rnn_forward(x, h0, Wx, Wh, b)"  # not a message (the call, as code)
    label = describe(call_text, x=x, h0=h0)
    out = unpack(label, call(rnn_forward, label, say(SHAPES_HINT), x=x, h0=h0, Wx=Wx, Wh=Wh, b=b), 2)
    want = ref.rnn_forward(x, h0, Wx, Wh, b)[0]
    hint = diagnose(out[0], _rnn_forward_mistakes(x, h0, Wx, Wh, b, want))
    got = assert_close(describe(call_text, "h", 0, x=x, h0=h0), out[0], want, F64,
                       hint or say("h has shape (N, T, H): the state after each time step, batch first."))
    assert_close(say("{label}, against torch.nn.RNN", label=label), got,
                 numpy(twin.rnn_forward(x, h0, Wx, Wh, b, dev)[0]), DEVICE, against="PyTorch")
    ok(say("rnn_forward matches the NumPy reference and torch.nn.RNN"))


def _rnn_backward_mistakes(dh, cache, want):
    """{hint: the five gradients a known BPTT mistake gives}; want: the right ones."""
    return {
        say("at every step add the gradient flowing back from step t+1 (dh_prev of the later step) to dh[:, t]; "
            "the state feeds the next step as well as the output."): _bptt_without_carry(dh, cache),
        say("every time step contributes to dWx, dWh and db: add them up over the sequence."):
            _bptt_last_step_weights(dh, cache, want),
        say("walk BACKWARDS in time, from the last step to the first: the gradient carried into step t comes "
            "from step t+1, which must be done first."): _bptt_forwards(dh, cache),
        say("the state before the first step is h0 (h[:, t-1] for t = 0 wraps around to the LAST state)."):
            _bptt_wrapped(dh, cache),
    }


@explains(rnn_step_backward=_step_back_of_sequence)
def check_rnn_backward(rnn_backward, seed=0, n=2, t=6, d=3, h=4):
    """rnn_backward(dh, cache) -> (dx, dh0, dWx, dWh, db), backpropagation through time."""
    x, h0, Wx, Wh, b, dh = _case(seed, n, t, d, h)
    _, cache = ref.rnn_forward(x, h0, Wx, Wh, b)
    twin, dev, numpy = torch_twin("rnn")
    call_text = "rnn_backward(dh, cache)"  # not a message (the call, as code)
    label = describe(call_text, dh=dh)
    out = unpack(label, call(rnn_backward, label, say(SHAPES_HINT), dh=dh, cache=cache), 5)
    want = ref.rnn_backward(dh, cache)
    autograd = twin.rnn_backward(dh, cache, dev)
    wrong = _rnn_backward_mistakes(dh, cache, want)
    for i, name in enumerate(SEQ_GRADS):
        hint = diagnose(out[i], {k: v[i] for k, v in wrong.items()}) or say(SHAPES_HINT)
        got = assert_close(describe(call_text, name, i, dh=dh), out[i], want[i], F64, hint)
        assert_close(say("{label}, against autograd", label=describe(call_text, name, i)), got, numpy(autograd[i]),
                     DEVICE, against=say("PyTorch autograd through torch.nn.RNN"))
    ok(say("rnn_backward matches the NumPy reference and autograd through torch.nn.RNN"))


# The BPTT mistakes come from the reference's steps and sequences, each with its mistake
# built in: no generator here walks back through time right when a switch is left off
# (that loop is the answer to rnn_backward; tests/grading/authoring/test_kit_leaks.py).

def _bptt_without_carry(dh, cache):
    """Every step backpropagated alone, nothing carried from step t+1: the reference's step on all
    N * T (x_t, h_{t-1}) pairs as one batch."""
    x, h0, Wx, Wh, b, h = cache
    (n, t, d), k = x.shape, h0.shape[1]
    prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    dx, dprev, dWx, dWh, db = ref.rnn_step_backward(
        dh.reshape(n * t, k), (x.reshape(n * t, d), prev.reshape(n * t, k), Wx, Wh, b, h.reshape(n * t, k)))
    return [dx.reshape(n, t, d), dprev.reshape(n, t, k)[:, 0], dWx, dWh, db]


def _bptt_last_step_weights(dh, cache, want):
    """dx and dh0 right (``want``, the reference's), dWx, dWh and db of the last step alone."""
    x, h0, Wx, Wh, b, h = cache
    prev = h[:, -2] if x.shape[1] > 1 else h0
    last = ref.rnn_step_backward(dh[:, -1], (x[:, -1], prev, Wx, Wh, b, h[:, -1]))
    return [want[0], want[1], *last[2:]]


def _bptt_forwards(dh, cache):
    """Time walked forwards: step t receives the dh_prev of step t-1 (the mistake is built in)."""
    x, h0, Wx, Wh, b, h = cache
    grads, flow = [np.zeros_like(x), None, 0.0, 0.0, 0.0], np.zeros_like(h0)
    for t in range(x.shape[1]):
        prev = h[:, t - 1] if t > 0 else h0
        step = ref.rnn_step_backward(dh[:, t] + flow, (x[:, t], prev, Wx, Wh, b, h[:, t]))
        grads[0][:, t], flow = step[0], step[1]
        grads[2:] = [g + s for g, s in zip(grads[2:], step[2:])]
    grads[1] = flow
    return grads


def _bptt_wrapped(dh, cache):
    """The first step's state taken as h[:, -1] instead of h0: only dWh changes, by
    (h[:, -1] - h0).T @ da_0. The reference gives both products h[:, -1].T @ da_0 and h0.T @ da_0
    when x carries them as extra inputs at t = 0 with zero weights (the forward pass is unchanged,
    and dWx of an input u is u.T @ da)."""
    x, h0, Wx, Wh, b, h = cache
    (n, t, d), k = x.shape, h0.shape[1]
    extra = np.zeros((n, t, 2 * k))
    extra[:, 0] = np.concatenate([h[:, -1], h0], axis=1)
    grads = ref.rnn_backward(dh, (np.concatenate([x, extra], axis=2), h0,
                                  np.vstack([Wx, np.zeros((2 * k, k))]), Wh, b, h))
    last_da0, h0_da0 = grads[2][d:d + k], grads[2][d + k:]
    return [grads[0][:, :, :d], grads[1], grads[2][:d], grads[3] - h0_da0 + last_da0, grads[4]]


# ---------------------------------------------------------------- clipping

def _clip_grad_norm_mistakes(grads, i, max_norm, norm, eps):
    """{hint: array i a known clipping mistake gives}, with PyTorch's eps or without (eps = 0)."""
    return {
        say("clip all gradients together by ONE factor computed from their joint norm, not each array "
            "by its own norm (that changes the direction of the update)."):
            grads[i] * min(1.0, max_norm / (np.linalg.norm(grads[i]) + eps)),
        say("only shrink: when the norm is already below max_norm, leave the gradients unchanged."):
            grads[i] * max_norm / (norm + eps),
    }


@explains()
def check_clip_grad_norm(clip_grad_norm, seed=0, max_norm=1.0):
    """clip_grad_norm(grads, max_norm) -> (clipped list, norm before), as torch.nn.utils.clip_grad_norm_."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("rnn")
    for scale in (3.0, 0.01):  # one list above the limit, one below
        grads = [scale * rng.normal(size=(3, 4)), scale * rng.normal(size=5), scale * rng.normal(size=(2, 2))]
        call_text = "clip_grad_norm(grads, max_norm)"  # not a message (the call, as code)
        label = say("{label} on {count} arrays", label=describe(call_text, max_norm=max_norm), count=len(grads))
        out = unpack(label, call(clip_grad_norm, label, "", grads=grads, max_norm=max_norm), 2)
        want, norm = ref.clip_grad_norm(grads, max_norm)
        twin_grads, _ = twin.clip_grad_norm(grads, max_norm, dev)
        assert_close(say("{label}: the norm (second value)", label=label), out[1], norm, F64,
                     say("return the joint L2 norm of ALL the gradients, measured BEFORE clipping: "
                         "the square root of the sum of every squared entry."))
        clipped = unpack(say("{label}: the clipped gradients (first value)", label=label), out[0], len(grads))
        for i, (got_i, want_i) in enumerate(zip(clipped, want)):
            hint = next(filter(None, (diagnose(got_i, _clip_grad_norm_mistakes(grads, i, max_norm, norm, eps))
                                      for eps in (0.0, 1e-6))), "")
            got = assert_close(say("{label}: gradient {i}", label=label, i=i), got_i, want_i, CLIP, hint)
            assert_close(say("{label}: gradient {i}, against torch.nn.utils.clip_grad_norm_", label=label, i=i), got,
                         numpy(twin_grads[i]), DEVICE, against="PyTorch")
    ok(say("clip_grad_norm matches torch.nn.utils.clip_grad_norm_ above and below the limit"))
