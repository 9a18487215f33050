"""Checks of exercise 10_cnn: output size, im2col, convolution forward and backward, max
pooling forward and backward, and the speed of the convolution (the exercise asks for the
fast, im2col version).

Conventions checked (chapter 10): NCHW arrays; deep-learning convolution is
cross-correlation (no kernel flip), as torch.nn.functional.conv2d; im2col's layout is
``cols[(c*kh + p)*kw + q, (n*H_out + i)*W_out + j] = xpad[n, c, i*stride + p, j*stride + q]``;
in max pooling, ties send the gradient to the first maximum in scan order (row by row),
as torch.nn.functional.max_pool2d does. Caches are the student's own, passed back unchanged.
"""

import time

import numpy as np

from autograder.checks.compare import (DEVICE, EXACT, F64, CheckFailed, assert_close, assert_plain_data, call, diagnose,
                                       explains, fail, ok, plain, torch_twin, unpack)
from autograder.checks.messages import say
from autograder.ref_numpy import conv as ref

#: Seconds one call of conv2d_forward or conv2d_backward may take in the speed test. There
#: the reference needs about 0.7 s on one free core and 4 s on a 2-core machine loaded 6x
#: (most of it sending the 40 MB output between processes); four nested loops, one Python
#: iteration per output value at about 5 us each, need about 25 s free and minutes loaded
#: (the limit is the one number the notebook states, 15 s per call).
SPEED_LIMIT_S = 15.0
#: The speed test's layer: 200 images 1x28x28, 32 filters 3x3, pad 1: 5 million outputs,
#: 40 MB in float64 (the grader accepts replies up to 64 MB, the cache included).
SPEED_CASE = dict(n=200, c=1, h=28, w=28, f=32, k=3, stride=1, pad=1)

FORWARD_HINT = ("out[n, f, i, j] = b[f] + sum over c, p, q of w[f, c, p, q] * xpad[n, c, i*stride + p, "
                "j*stride + q]: NCHW arrays, and out has shape (N, F, H_out, W_out).")


# The student's helpers, verified on the inputs of a failing check (see compare.explains): each
# receives the helper and the failing check's arguments by name.

def _sizes_of_im2col(conv_output_size, case):
    """conv_output_size on the two sizes im2col computes for this case."""
    _, _, h, w = case["shape"]
    check_conv_output_size(conv_output_size, cases=((h, case["kh"], case["stride"], case["pad"]),
                                                    (w, case["kw"], case["stride"], case["pad"])))


def _sizes_of_conv(conv_output_size, case):
    """conv_output_size on the two sizes a convolution of this case computes."""
    check_conv_output_size(conv_output_size, cases=((case["h"], case["kh"], case["stride"], case["pad"]),
                                                    (case["w"], case["kw"], case["stride"], case["pad"])))


def _im2col_of_conv(im2col, case):
    """im2col on an input of this convolution's shape, kernel, stride and padding."""
    check_im2col(im2col, seed=case["seed"], shape=(case["n"], case["c"], case["h"], case["w"]), kh=case["kh"],
                 kw=case["kw"], stride=case["stride"], pad=case["pad"])


def _sizes_of_pool(conv_output_size, case):
    """conv_output_size on the sizes max pooling of this case computes (pad 0; and size 3, stride 2)."""
    _, _, h, w = case["shape"]
    check_conv_output_size(conv_output_size, cases=((h, case["size"], case["stride"], 0),
                                                    (w, case["size"], case["stride"], 0), (h, 3, 2, 0), (w, 3, 2, 0)))


def _speed_case(case):
    s = dict(SPEED_CASE, **case["case"])
    return dict(seed=case["seed"], n=2, c=s["c"], h=s["h"], w=s["w"], kh=s["k"], kw=s["k"], stride=s["stride"],
                pad=s["pad"])


def _sizes_of_speed(conv_output_size, case):
    _sizes_of_conv(conv_output_size, _speed_case(case))


def _im2col_of_speed(im2col, case):
    _im2col_of_conv(im2col, _speed_case(case))


def _case(rng, n, c, h, w, f, kh, kw):
    return rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw)), rng.normal(size=f)


def _shape_text(n, c, h, w, f, kh, kw, stride, pad):
    return f"x {(n, c, h, w)}, w {(f, c, kh, kw)}, stride={stride}, pad={pad}"


# ---------------------------------------------------------------- output size

@explains()
def check_conv_output_size(conv_output_size, cases=((28, 3, 1, 1), (28, 5, 1, 0), (7, 3, 2, 1), (8, 3, 3, 0),
                                                     (14, 2, 2, 0), (5, 4, 3, 2))):
    """conv_output_size(n, k, stride, pad) -> floor((n + 2 pad - k) / stride) + 1, an integer."""
    for n, k, stride, pad in cases:
        label = f"conv_output_size(n={n}, k={k}, stride={stride}, pad={pad})"
        got = call(conv_output_size, label, n=n, k=k, stride=stride, pad=pad)
        if isinstance(got, (float, np.floating)):
            fail(say("{label} returned the float {got}; a size is an integer: use // "
                     "(floor division), which also drops the positions that do not fit.", label=label, got=repr(got)))
        want = ref.conv_output_size(n, k, stride, pad)
        hint = diagnose(got, _conv_output_size_mistakes(n, k, stride, pad, want))
        assert_close(label, got, want, EXACT, hint or say("H_out = floor((H + 2 pad - kh) / stride) + 1."))
    ok(say("conv_output_size matches floor((n + 2 pad - k) / stride) + 1"))


def _conv_output_size_mistakes(n, k, stride, pad, want):
    """{hint: the size a known mistake gives}, without the mistakes that give the right size ``want`` here
    (with pad = 0 forgetting the padding changes nothing: that is no mistake, and no answer to hand out)."""
    mistakes = {
        say("pad adds zeros on BOTH sides: n + 2 pad."): (n + pad - k) // stride + 1,
        say("count the padding: the padded input has n + 2 pad entries."): (n - k) // stride + 1,
        say("the first window starts at 0, so there is one more position: ... + 1."): (n + 2 * pad - k) // stride,
        say("divide by the stride, and round DOWN (floor): a window that would run past the padded "
            "input is dropped, as PyTorch does."): -(-(n + 2 * pad - k) // stride) + 1,
    }
    return {hint: size for hint, size in mistakes.items() if size != want}


# ---------------------------------------------------------------- im2col

def _im2col_mistakes(x, kh, kw, stride, pad, want):
    """{hint: array} of plausible wrong layouts and paddings, of want's shape."""
    n, c = x.shape[:2]
    ho, wo = ref.conv_output_size(x.shape[2], kh, stride, pad), ref.conv_output_size(x.shape[3], kw, stride, pad)
    six = want.reshape(c, kh, kw, n, ho, wo)
    mistakes = {
        say("the rows are ordered (c, p, q): channel first, then the kernel row p, then the kernel column q; "
            "you put the channel last (an NHWC habit)."): six.transpose(1, 2, 0, 3, 4, 5).reshape(want.shape),
        say("the kernel is scanned row by row: q (the column) changes fastest, then p."):
            six.transpose(0, 2, 1, 3, 4, 5).reshape(want.shape),
        say("the columns are ordered (n, i, j): image first, then the output row i, then the column j; "
            "you put the image last."): six.transpose(0, 1, 2, 4, 5, 3).reshape(want.shape),
        say("the output positions go row by row: j changes fastest, then i."):
            six.transpose(0, 1, 2, 3, 5, 4).reshape(want.shape),
    }
    return mistakes


@explains(conv_output_size=_sizes_of_im2col)
def check_im2col(im2col, seed=0, shape=(2, 3, 5, 6), kh=3, kw=2, stride=2, pad=1):
    """im2col(x, kh, kw, stride, pad) -> cols (C*kh*kw, N*H_out*W_out) in the chapter's layout."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("conv")
    x = rng.normal(size=shape)
    label = say("im2col(x, kh={kh}, kw={kw}, stride={stride}, pad={pad}) with x {shape}",
                kh=kh, kw=kw, stride=stride, pad=pad, shape=shape)
    got = call(im2col, label, say("index the zero-padded input xpad (np.pad) with the window's offsets."),
               x=x, kh=kh, kw=kw, stride=stride, pad=pad)
    want = ref.im2col(x, kh, kw, stride, pad)
    g = plain(label, got)
    if g.shape == want.T.shape and g.shape != want.shape and np.allclose(g, want.T):
        fail(say("{label} has shape {got}: that is the transpose of this book's layout. "
                 "cols has one ROW per filter weight (c, p, q) and one COLUMN per output position "
                 "(n, i, j): shape (C*kh*kw, N*H_out*W_out) = {want}.", label=label, got=g.shape, want=want.shape))
    hint = diagnose(g, _im2col_mistakes(x, kh, kw, stride, pad, want))
    got = assert_close(label, g, want, F64, hint or say(
        "cols[(c*kh + p)*kw + q, (n*H_out + i)*W_out + j] = xpad[n, c, i*stride + p, j*stride + q], "
        "with xpad the input padded by pad zeros on each side of H and W."))
    assert_close(say("{label} (against PyTorch's F.unfold)", label=label), got,
                 numpy(twin.im2col(x, kh, kw, stride, pad, dev)), DEVICE)
    ok(say("im2col matches the layout (C*kh*kw, N*H_out*W_out) and F.unfold for x {shape}", shape=shape))


# ---------------------------------------------------------------- convolution forward

def _conv2d_forward_mistakes(x, w, b, stride, pad):
    """{hint: output} of known wrong forward passes (same shape as the right one)."""
    mistakes = {
        say("deep-learning 'convolution' is cross-correlation: do not flip the kernel (you computed a true "
            "convolution, which rotates w by 180 degrees)."):
            ref.conv2d_forward(x, w[:, :, ::-1, ::-1], b, stride, pad)[0],
        say("add the bias b[f] to every output of filter f."): ref.conv2d_forward(x, w, 0 * b, stride, pad)[0],
        say("the bias is added, not subtracted."): ref.conv2d_forward(x, w, -b, stride, pad)[0],
        say("kh = w.shape[2] is the kernel's height (rows p), kw = w.shape[3] its width (columns q); you swapped "
            "them."): ref.conv2d_forward(x, w.transpose(0, 1, 3, 2), b, stride, pad)[0],
    }
    if x.shape[1] > 1:
        mistakes[say("each filter spans ALL input channels: sum over c as well as over p and q.")] = \
            ref.conv2d_forward(x[:, :1], w[:, :1], b, stride, pad)[0]
    if x.shape[1] == x.shape[2] == x.shape[3]:  # only then does an NHWC reading keep the shapes
        mistakes[say("x is NCHW, x[n, c, i, j]: you read it as NHWC (batch, height, width, channels).")] = \
            ref.conv2d_forward(x.transpose(0, 3, 1, 2), w, b, stride, pad)[0]
    return mistakes


@explains(conv_output_size=_sizes_of_conv, im2col=_im2col_of_conv)
def check_conv2d_forward(conv2d_forward, seed=0, n=2, c=3, h=5, w=7, f=4, kh=3, kw=2, stride=2, pad=1):
    """conv2d_forward(x, w, b, stride, pad) -> (out (N, F, H_out, W_out), cache), against F.conv2d."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("conv")
    x, wt, b = _case(rng, n, c, h, w, f, kh, kw)
    shapes = _shape_text(n, c, h, w, f, kh, kw, stride, pad)
    label = say("conv2d_forward(x, w, b, stride, pad) with {shapes}", shapes=shapes)
    out = unpack(label, call(conv2d_forward, label, say(FORWARD_HINT), x=x, w=wt, b=b, stride=stride, pad=pad), 2)
    want = ref.conv2d_forward(x, wt, b, stride, pad)[0]
    got = plain(say("out (the first value returned by {label})", label=label), out[0])
    nhwc = want.transpose(0, 2, 3, 1)
    if got.shape != want.shape and got.shape == nhwc.shape and np.allclose(got, nhwc):
        fail(say("{label}: out has shape {got}, the NHWC order (batch, height, width, "
                 "channels). This book and PyTorch use NCHW: out[n, f, i, j], shape {want}.",
                 label=label, got=got.shape, want=want.shape))
    if got.shape != want.shape:
        fail(say("{label}: out has shape {got} but should have shape {want} = (N, F, H_out, W_out), with "
                 "H_out = floor((H + 2 pad - kh) / stride) + 1 and kh = w.shape[2] (rows), kw = w.shape[3] "
                 "(columns).", label=label, got=got.shape, want=want.shape))
    hint = diagnose(got, _conv2d_forward_mistakes(x, wt, b, stride, pad))
    got = assert_close(say("out (the first value returned by {label})", label=label), got, want, F64,
                       hint or say(FORWARD_HINT))
    assert_plain_cache(say("the cache (the second value returned by {label})", label=label), out[1])
    assert_close(say("{label} (against PyTorch's F.conv2d)", label=label), got,
                 numpy(twin.conv2d_forward(x, wt, b, stride, pad, dev)[0]), DEVICE)
    ok(say("conv2d_forward matches F.conv2d on {shapes}", shapes=shapes))


def assert_plain_cache(label, cache):
    """Fail, as the grader would, if ``cache`` cannot cross the pipe between the grader and the worker."""
    assert_plain_data(label, cache, say("The grader sends the cache between processes: keep only NumPy arrays, "
                                        "numbers, strings and tuples, lists or dicts (string keys) of those; "
                                        "recompute anything else in the backward pass."))


# ---------------------------------------------------------------- convolution backward

def _conv2d_backward_mistakes(x, w, b, stride, pad, dout):
    """{name: {hint: array}} of known wrong gradients."""
    n = x.shape[0]
    want = ref.conv2d_backward(dout, ref.conv2d_forward(x, w, b, stride, pad)[1])
    flipped = ref.conv2d_backward(dout, ref.conv2d_forward(x, w[:, :, ::-1, ::-1], b, stride, pad)[1])
    return {
        "dx": {say("dx sends dout back through the SAME weights the forward pass used (col2im of w_rows.T @ dout); "
                   "you used the kernel flipped."): flipped[0],
               say("where windows overlap, an input pixel gets gradient from every window that read it: ADD "
                   "(+=) into dx, do not overwrite."): _overwriting_dx(x, w, stride, pad, dout)},
        "dw": {say("dw sums over the batch (the 1/N of the cost is already inside dout); do not divide by N."):
               want[1] / n,
               say("dw[f, c, p, q] pairs the upstream gradient with the input it multiplied in the forward "
                   "pass; you paired it with the kernel flipped."): want[1][:, :, ::-1, ::-1]},
        "db": {say("db sums dout over the batch AND the output positions (axes 0, 2, 3), not the mean."):
               dout.mean(axis=(0, 2, 3))},
    }


def _overwriting_dx(x, w, stride, pad, dout):
    """dx of a col2im that assigns (=) instead of adding, in the reference's offset order."""
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    ho, wo = dout.shape[2:]
    dcols = w.reshape(f, -1).T @ dout.transpose(1, 0, 2, 3).reshape(f, -1)
    d = dcols.reshape(c, kh, kw, n, ho, wo).transpose(1, 2, 3, 0, 4, 5)
    dxp = np.zeros((n, c, h + 2 * pad, wd + 2 * pad))
    for p in range(kh):
        for q in range(kw):
            dxp[:, :, p:p + stride * ho:stride, q:q + stride * wo:stride] = d[p, q]
    return dxp[:, :, pad:pad + h, pad:pad + wd]


@explains(conv_output_size=_sizes_of_conv, im2col=_im2col_of_conv)
def check_conv2d_backward(conv2d_forward, conv2d_backward, seed=0, n=2, c=3, h=5, w=7, f=4, kh=3, kw=2,
                          stride=2, pad=1):
    """conv2d_backward(dout, cache) -> (dx, dw, db) for the cache of YOUR conv2d_forward, against autograd."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("conv")
    x, wt, b = _case(rng, n, c, h, w, f, kh, kw)
    shapes = _shape_text(n, c, h, w, f, kh, kw, stride, pad)
    fwd = say("conv2d_forward(x, w, b, stride, pad) with {shapes}", shapes=shapes)
    out = unpack(fwd, call(conv2d_forward, fwd, say(FORWARD_HINT), x=x, w=wt, b=b, stride=stride, pad=pad), 2)
    want_out, _ = ref.conv2d_forward(x, wt, b, stride, pad)
    assert_close(say("out (the first value returned by {label}, which the backward test needs first)", label=fwd),
                 out[0], want_out, F64, say("make {name} pass its own test first.", name="conv2d_forward"))
    dout = rng.normal(size=want_out.shape)
    label = say("conv2d_backward(dout, cache) after {forward}", forward=fwd)
    grads = unpack(label, call(conv2d_backward, label, say("every gradient has the shape of its variable: dx like x, "
                                                           "dw like w, db like b."), dout=dout, cache=out[1]), 3)
    want = ref.conv2d_backward(dout, ref.conv2d_forward(x, wt, b, stride, pad)[1])
    theirs = twin.conv2d_backward(dout, twin.conv2d_forward(x, wt, b, stride, pad, dev)[1], dev)
    mistakes = _conv2d_backward_mistakes(x, wt, b, stride, pad, dout)
    like = {"dx": "x (N, C, H, W)", "dw": "w (F, C, kh, kw)", "db": "b (F,)"}  # not a message (code: names, shapes)
    for i, name in enumerate(("dx", "dw", "db")):
        hint = diagnose(grads[i], mistakes[name]) or say("{name} has the shape of {like}.", name=name, like=like[name])
        got = assert_close(f"{label}: {name}", grads[i], want[i], F64, hint)
        assert_close(say("{label} (against PyTorch autograd)", label=f"{label}: {name}"), got, numpy(theirs[i]),
                     DEVICE)
    ok(say("conv2d_backward matches autograd (dx, dw, db) on {shapes}", shapes=shapes))


# ---------------------------------------------------------------- max pooling

def _pool_input(rng, shape, ties):
    """Normal numbers, or small integers so that many windows hold several equal maxima."""
    return rng.integers(0, 3, size=shape).astype(float) if ties else rng.normal(size=shape)


def _maxpool_forward_mistakes(x, size, stride):
    """{hint: out} of known wrong poolings."""
    return {
        say("max pooling keeps each window's largest value; you took the average (average pooling)."):
            ref.avgpool_forward(x, size, stride)[0],
        say("max pooling keeps each window's LARGEST value; you took the smallest (min pooling)."):
            -ref.maxpool_forward(-x, size, stride)[0],
    }


@explains(conv_output_size=_sizes_of_pool)
def check_maxpool_forward(maxpool_forward, seed=0, shape=(2, 3, 5, 7), size=2, stride=2, ties=False):
    """maxpool_forward(x, size, stride) -> (out (N, C, H_out, W_out), cache), against F.max_pool2d."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("conv")
    x = _pool_input(rng, shape, ties)
    label = say("maxpool_forward(x, size={size}, stride={stride}) with x {shape}", size=size, stride=stride,
                shape=shape)
    out = unpack(label, call(maxpool_forward, label, x=x, size=size, stride=stride), 2)
    want = ref.maxpool_forward(x, size, stride)[0]
    hint = diagnose(out[0], _maxpool_forward_mistakes(x, size, stride))
    got = assert_close(say("out (the first value returned by {label})", label=label), out[0], want, F64, hint or say(
        "out[n, c, i, j] = max of x[n, c, i*stride:i*stride + size, j*stride:j*stride + size]; "
        "H_out = floor((H - size) / stride) + 1, so the shape is {shape}.", shape=want.shape))
    assert_close(say("{label} (against PyTorch's F.max_pool2d)", label=label), got,
                 numpy(twin.maxpool_forward(x, size, stride, dev)[0]), DEVICE)
    assert_plain_cache(say("the cache (the second value returned by {label})", label=label), out[1])
    ok(say("maxpool_forward matches F.max_pool2d (size {size}, stride {stride})", size=size, stride=stride))


OVERWRITE_HINT = ("where windows overlap, one entry can be the maximum of several windows: ADD their gradients (+=), "
                  "do not overwrite.")


def _offset_order_assignment(x, size, stride, dout):
    """dx of an offset loop (one strided slice per (p, q), in scan order) that assigns with = instead of +=.

    Each input pixel keeps what the LAST offset that reaches it wrote: the window's dout if that
    window's first maximum sits there, else 0. Built window by window from the input (the kit's
    reference cache differs), never as the vectorised answer.
    """
    ho, wo = dout.shape[2:]
    dx, written = np.zeros_like(x), np.zeros(x.shape, dtype=bool)
    first = np.zeros(dout.shape, dtype=np.int64)
    for i in range(ho):
        for j in range(wo):
            win = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size].reshape(*x.shape[:2], -1)
            first[:, :, i, j] = np.argmax(win, axis=-1)
    for k in reversed(range(size * size)):
        p, q = divmod(k, size)
        for i in range(ho):
            for j in range(wo):
                r, c = i * stride + p, j * stride + q
                fresh = ~written[:, :, r, c]
                dx[:, :, r, c] = np.where(fresh, np.where(first[:, :, i, j] == k, dout[:, :, i, j], 0.0),
                                          dx[:, :, r, c])
                written[:, :, r, c] = True
    return dx


def _pool_backward_variants(x, size, stride, dout):
    """Gradients of known wrong tie and overlap rules."""
    n, c, h, w = x.shape
    ho, wo = dout.shape[2:]
    every, last, assign = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    out = ref.maxpool_forward(x, size, stride)[0]
    for i in range(ho):
        for j in range(wo):
            rows, cols = slice(i * stride, i * stride + size), slice(j * stride, j * stride + size)
            win = x[:, :, rows, cols]
            mask = win == out[:, :, i, j][:, :, None, None]
            every[:, :, rows, cols] += mask * dout[:, :, i, j][:, :, None, None]
            flat = mask.reshape(n, c, -1)
            pos = flat.shape[-1] - 1 - np.argmax(flat[..., ::-1], axis=-1)  # last maximum
            one = np.zeros_like(flat, dtype=float)
            np.put_along_axis(one, pos[..., None], 1.0, axis=-1)
            last[:, :, rows, cols] += one.reshape(win.shape) * dout[:, :, i, j][:, :, None, None]
            first = np.zeros_like(flat, dtype=float)
            np.put_along_axis(first, np.argmax(flat, axis=-1)[..., None], 1.0, axis=-1)
            assign[:, :, rows, cols] = np.where(first.reshape(win.shape) > 0, dout[:, :, i, j][:, :, None, None],
                                                assign[:, :, rows, cols])
    return every, last, assign


@explains(conv_output_size=_sizes_of_pool)
def check_maxpool_backward(maxpool_forward, maxpool_backward, seed=0, shape=(2, 3, 5, 7), size=2, stride=2,
                           ties=True):
    """maxpool_backward(dout, cache) -> dx for the cache of YOUR maxpool_forward, against autograd.

    When the windows do not overlap (stride >= size), a second case with size 3, stride 2 checks
    that overlapping windows add their gradients.
    """
    rng = np.random.default_rng(seed)
    _pool_backward_case(maxpool_forward, maxpool_backward, rng, shape, size, stride, ties)
    if stride >= size:
        _pool_backward_case(maxpool_forward, maxpool_backward, rng, shape, 3, 2, ties)
    if stride < size:
        line = (say("maxpool_backward matches autograd (size {size}, stride {stride}, ties)", size=size, stride=stride)
                if ties else say("maxpool_backward matches autograd (size {size}, stride {stride})", size=size,
                                 stride=stride))
    elif ties:
        line = say("maxpool_backward matches autograd (size {size}, stride {stride}, ties; and overlapping windows "
                   "of size 3, stride 2)", size=size, stride=stride)
    else:
        line = say("maxpool_backward matches autograd (size {size}, stride {stride}; and overlapping windows "
                   "of size 3, stride 2)", size=size, stride=stride)
    ok(line)


def _pool_backward_case(maxpool_forward, maxpool_backward, rng, shape, size, stride, ties):
    """One maxpool_backward comparison; raises CheckFailed in words."""
    twin, dev, numpy = torch_twin("conv")
    x = _pool_input(rng, shape, ties)
    fwd = say("maxpool_forward(x, size={size}, stride={stride}) with x {shape}", size=size, stride=stride, shape=shape)
    out = unpack(fwd, call(maxpool_forward, fwd, x=x, size=size, stride=stride), 2)
    want_out, cache = ref.maxpool_forward(x, size, stride)
    assert_close(say("out (the first value returned by {label}, which the backward test needs first)", label=fwd),
                 out[0], want_out, F64, say("make {name} pass its own test first.", name="maxpool_forward"))
    dout = rng.normal(size=want_out.shape)
    label = (say("maxpool_backward(dout, cache) after {forward} (with ties)", forward=fwd) if ties else
             say("maxpool_backward(dout, cache) after {forward}", forward=fwd))
    got = call(maxpool_backward, label, say("dx has the shape of x."), dout=dout, cache=out[1])
    hint = diagnose(got, _maxpool_backward_mistakes(x, size, stride, dout))
    hint = hint or diagnose(got, {say(OVERWRITE_HINT): _offset_order_assignment(x, size, stride, dout)})
    want = ref.maxpool_backward(dout, cache)
    got = assert_close(label, got, want, F64, hint or say("dx is zero except at each window's (first) maximum, "
                                                          "which receives that window's dout."))
    theirs = twin.maxpool_backward(dout, twin.maxpool_forward(x, size, stride, dev)[1], dev)
    assert_close(say("{label} (against PyTorch autograd)", label=label), got, numpy(theirs), DEVICE)


def _maxpool_backward_mistakes(x, size, stride, dout):
    """{hint: dx} of known wrong tie, overlap and pooling rules."""
    every, last, assign = _pool_backward_variants(x, size, stride, dout)
    return {
        say("when several entries of a window tie for the maximum, the gradient goes to ONE of them, the first "
            "in scan order (row by row), as PyTorch's max_pool2d does; you gave it to every tied entry."): every,
        say("when entries tie, the gradient goes to the FIRST maximum in scan order (row by row), as PyTorch's "
            "max_pool2d does; you gave it to the last one."): last,
        say(OVERWRITE_HINT): assign,
        say("max pooling's gradient goes only to each window's maximum; spreading dout / size^2 over the window "
            "is average pooling's."): ref.avgpool_backward(dout, ref.avgpool_forward(x, size, stride)[1]),
    }


# ---------------------------------------------------------------- speed

@explains(conv_output_size=_sizes_of_speed, im2col=_im2col_of_speed)
def check_conv2d_speed(conv2d_forward, conv2d_backward, seed=0, limit_s=SPEED_LIMIT_S, **case):
    """Forward and backward on a large batch (SPEED_CASE), each call within ``limit_s`` seconds, and right."""
    s = dict(SPEED_CASE, **case)
    rng = np.random.default_rng(seed)
    x, wt, b = _case(rng, s["n"], s["c"], s["h"], s["w"], s["f"], s["k"], s["k"])
    shapes = _shape_text(s["n"], s["c"], s["h"], s["w"], s["f"], s["k"], s["k"], s["stride"], s["pad"])
    (out, cache), t_fwd = _timed(conv2d_forward, "conv2d_forward", shapes, limit_s, 2,
                                 x=x, w=wt, b=b, stride=s["stride"], pad=s["pad"])
    want, ref_cache = ref.conv2d_forward(x, wt, b, s["stride"], s["pad"])
    assert_close(say("{name} with {shapes}", name="conv2d_forward", shapes=shapes), out, want, F64, say(FORWARD_HINT))
    dout = rng.normal(size=want.shape)
    grads, t_bwd = _timed(conv2d_backward, "conv2d_backward", shapes, limit_s, 3, dout=dout, cache=cache)
    for got, right, name in zip(grads, ref.conv2d_backward(dout, ref_cache), ("dx", "dw", "db")):
        assert_close(say("{name} with {shapes}: {grad}", name="conv2d_backward", shapes=shapes, grad=name), got, right,
                     F64)
    ok(say("conv2d_forward ({forward:.2f} s) and conv2d_backward ({backward:.2f} s) are right and within {limit:g} s "
           "on {shapes}", forward=t_fwd, backward=t_bwd, limit=limit_s, shapes=shapes))


def _timed(fn, name, shapes, limit_s, n_out, **args):
    start = time.perf_counter()
    try:
        out = unpack(name, call(fn, say("{name} with {shapes}", name=name, shapes=shapes), **args), n_out)
    except BaseException as exc:  # the grader's per-call timeout: say it with this test's one number
        _stopped(exc, name, shapes, limit_s)
        raise
    took = time.perf_counter() - start
    if took > limit_s:
        fail(say("{name} took {took:.1f} s on {shapes}; this test allows {limit:g} s. The exercise asks for the "
                 "fast version: a Python loop over every output value is too slow at this size. Build the columns "
                 "with im2col (loops over the kernel offsets are fine) and compute every output with one matrix "
                 "product.", name=name, took=took, shapes=shapes, limit=limit_s))
    return out, took


def _stopped(exc, name, shapes, limit_s):
    """Turn the grader's 'timed out after T s' (T >= limit_s) into this test's verdict with its own limit.

    The worker was stopped (the grader restarts it); the student reads one number, the
    ``limit_s`` the notebook states, not the grader's longer per-call timeout.
    """
    import re

    found = re.match(r"timed out after ([0-9.]+) s", str(exc))  # not a message (the grader's words, matched)
    if type(exc).__name__ != "WorkerGone" or not found or float(found.group(1)) < limit_s:
        return
    raise CheckFailed(say(
        "{name} was stopped before it finished on {shapes}: it ran longer than this test allows ({limit:g} s "
        "per call). The exercise asks for the fast version: a Python loop over every output value is too slow "
        "at this size. Build the columns with im2col (loops over the kernel offsets are fine) and compute every "
        "output with one matrix product.", name=name, shapes=shapes, limit=limit_s)) from exc
