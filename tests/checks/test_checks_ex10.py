"""Every check of exercise 10 passes the reference and fails the plausible wrong answers,
naming the mistake: flipped kernel, NHWC order, wrong padding or rounding, im2col layouts,
tie rules of max pooling, overlapping windows, loops too slow for the speed test."""

import re

import numpy as np
import pytest

from autograder.checks import ex10_cnn as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import conv as ref
from helpers.checking import HANGUL, fails, messages_in_both, passes, solution_namespace


# ---------------------------------------------------------------- conv_output_size

def test_output_size_passes_reference(capsys):
    passes(ex.check_conv_output_size, ref.conv_output_size, capsys=capsys)


@pytest.mark.parametrize("wrong,match", [
    (lambda n, k, stride, pad: (n + pad - k) // stride + 1, "BOTH sides"),
    (lambda n, k, stride, pad: (n - k) // stride + 1, "count the padding"),
    (lambda n, k, stride, pad: (n + 2 * pad - k) // stride, r"one more position"),
    (lambda n, k, stride, pad: -(-(n + 2 * pad - k) // stride) + 1, "round DOWN"),
    (lambda n, k, stride, pad: (n + 2 * pad - k) / stride + 1, "float"),
])
def test_output_size_rejects_wrong_answers(wrong, match):
    fails(ex.check_conv_output_size, wrong, match=match)


# ---------------------------------------------------------------- im2col

def test_im2col_passes_reference(capsys):
    passes(ex.check_im2col, ref.im2col, capsys=capsys)
    passes(ex.check_im2col, ref.im2col, seed=3, shape=(1, 1, 4, 4), kh=2, kw=2, stride=1, pad=0, capsys=capsys)


def _six(x, kh, kw, stride, pad):
    n, c = x.shape[:2]
    ho, wo = ref.conv_output_size(x.shape[2], kh, stride, pad), ref.conv_output_size(x.shape[3], kw, stride, pad)
    return ref.im2col(x, kh, kw, stride, pad).reshape(c, kh, kw, n, ho, wo)


def _reordered(axes):
    def wrong(x, kh, kw, stride, pad):
        six = _six(x, kh, kw, stride, pad)
        return six.transpose(axes).reshape(-1, six.shape[3] * six.shape[4] * six.shape[5])
    return wrong


@pytest.mark.parametrize("wrong,match", [
    (lambda x, kh, kw, stride, pad: ref.im2col(x, kh, kw, stride, pad).T, "transpose of this book's layout"),
    (_reordered((1, 2, 0, 3, 4, 5)), "channel last"),
    (_reordered((0, 2, 1, 3, 4, 5)), "row by row: q"),
    (_reordered((0, 1, 2, 4, 5, 3)), "image last"),
    (_reordered((0, 1, 2, 3, 5, 4)), "j changes fastest"),
    (lambda x, kh, kw, stride, pad: ref.im2col(x, kh, kw, stride, 0), r"shape .* but should have shape"),
])
def test_im2col_rejects_wrong_layouts(wrong, match):
    fails(ex.check_im2col, wrong, match=match)


# ---------------------------------------------------------------- conv2d_forward

SHAPES = [dict(), dict(seed=5, n=1, c=1, h=6, w=4, f=2, kh=3, kw=3, stride=1, pad=0),
          dict(seed=6, n=3, c=2, h=9, w=8, f=3, kh=2, kw=4, stride=3, pad=2)]


@pytest.mark.parametrize("kw", SHAPES)
def test_conv_forward_passes_reference(kw, capsys):
    passes(ex.check_conv2d_forward, ref.conv2d_forward, **kw, capsys=capsys)


def _true_convolution(x, w, b, stride, pad):
    return ref.conv2d_forward(x, w[:, :, ::-1, ::-1], b, stride, pad)


def _nhwc(x, w, b, stride, pad):
    out, cache = ref.conv2d_forward(x, w, b, stride, pad)
    return out.transpose(0, 2, 3, 1), cache


def _kh_kw_swapped(x, w, b, stride, pad):
    return ref.conv2d_forward(x, w.transpose(0, 1, 3, 2), b, stride, pad)


def _no_stride(x, w, b, stride, pad):
    return ref.conv2d_forward(x, w, b, 1, pad)


def _in_place(x, w, b, stride, pad):
    out = ref.conv2d_forward(x, w, b, stride, pad)
    x *= 0.0
    return out


@pytest.mark.parametrize("wrong,match", [
    (_true_convolution, "do not flip the kernel"),
    (_nhwc, "NHWC"),
    (lambda x, w, b, stride, pad: ref.conv2d_forward(x, w, 0 * b, stride, pad), "add the bias"),
    (_kh_kw_swapped, r"kh = w.shape\[2\]"),
    (_no_stride, r"H_out = floor"),
    (lambda x, w, b, stride, pad: ref.conv2d_forward(x, w, b, stride, 0), r"H_out = floor\(\(H \+ 2 pad"),
    (lambda x, w, b, stride, pad: ref.conv2d_forward(x[:, :1], w[:, :1], b, stride, pad), "ALL input channels"),
    (lambda x, w, b, stride, pad: ref.conv2d_forward(x, w, b, stride, pad)[0], "tuple of 2 values"),
    (_in_place, "changed its argument x in place"),
])
def test_conv_forward_rejects_wrong_answers(wrong, match):
    fails(ex.check_conv2d_forward, wrong, match=match)


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """A flipped kernel read in Korean: the Korean hint, the same got/want numbers as in English."""
    english, korean = messages_in_both(lambda: ex.check_conv2d_forward(_true_convolution))
    got, want = re.search(r"is (\S+) but should be (\S+) ", english).groups()
    assert "교차상관입니다: 커널을 뒤집지 마세요" in korean and "do not flip" in english
    assert "do not flip" not in korean and not HANGUL.search(english)
    assert got in korean and want in korean


def test_flipped_kernel_is_caught_with_one_channel_and_square_kernels():
    fails(ex.check_conv2d_forward, _true_convolution, **SHAPES[1], match="do not flip the kernel")


def test_nhwc_is_caught_when_channels_equal_width():
    """x read as (N, H, W, C) by a student: with C == W the shapes match, the values do not."""
    def nhwc_input(x, w, b, stride, pad):
        return ref.conv2d_forward(x.transpose(0, 3, 1, 2), w, b, stride, pad)  # x[n, i, j, c] read as NCHW
    fails(ex.check_conv2d_forward, nhwc_input, n=2, c=4, h=4, w=4, f=4, kh=3, kw=3, stride=1, pad=1,
          match=r"you read it as NHWC")


def test_stub_is_reported_as_not_implemented():
    def stub(*args):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_conv2d_forward(stub)


# ---------------------------------------------------------------- conv2d_backward

@pytest.mark.parametrize("kw", SHAPES)
def test_conv_backward_passes_reference(kw, capsys):
    passes(ex.check_conv2d_backward, ref.conv2d_forward, ref.conv2d_backward, **kw, capsys=capsys)


def _backward_flipped_dx(dout, cache):
    x_shape, w, stride, pad, cols = cache
    dx = ref.conv2d_backward(dout, (x_shape, w[:, :, ::-1, ::-1], stride, pad, cols))[0]
    return (dx,) + tuple(ref.conv2d_backward(dout, cache)[1:])


def _backward_replace(i, fn):
    def wrong(dout, cache):
        grads = list(ref.conv2d_backward(dout, cache))
        grads[i] = fn(grads[i], dout, cache)
        return tuple(grads)
    return wrong


def _overwrite_dx(dout, cache):
    x_shape, w, stride, pad, cols = cache
    x = np.zeros(x_shape)
    return (ex._overwriting_dx(x, w, stride, pad, dout),) + tuple(ref.conv2d_backward(dout, cache)[1:])


@pytest.mark.parametrize("wrong,match", [
    (_backward_flipped_dx, "kernel flipped"),
    (_overwrite_dx, r"ADD \(\+=\) into dx"),
    (_backward_replace(1, lambda dw, dout, cache: dw / dout.shape[0]), "do not divide by N"),
    (_backward_replace(1, lambda dw, dout, cache: dw[:, :, ::-1, ::-1]), "flipped"),
    (_backward_replace(2, lambda db, dout, cache: dout.mean(axis=(0, 2, 3))), "not the mean"),
    (_backward_replace(2, lambda db, dout, cache: dout.sum(axis=0)), "db has the shape of b"),
    (_backward_replace(0, lambda dx, dout, cache: dx.transpose(0, 2, 3, 1)), "dx has the shape of x"),
])
def test_conv_backward_rejects_wrong_answers(wrong, match):
    fails(ex.check_conv2d_backward, ref.conv2d_forward, wrong, match=match)


def test_conv_backward_needs_a_right_forward_first():
    fails(ex.check_conv2d_backward, _true_convolution, ref.conv2d_backward, match="pass its own test first")


def test_conv_backward_refuses_a_cache_changed_in_place():
    def in_place(dout, cache):
        cache[4][...] = 0.0
        return ref.conv2d_backward(dout, cache)
    fails(ex.check_conv2d_backward, ref.conv2d_forward, in_place, match="changed its argument cache in place")


# ---------------------------------------------------------------- max pooling

POOLS = [dict(), dict(seed=2, shape=(1, 2, 7, 9), size=3, stride=2), dict(seed=3, shape=(2, 1, 4, 6), size=2, stride=1)]


@pytest.mark.parametrize("kw", POOLS)
@pytest.mark.parametrize("ties", [False, True])
def test_maxpool_passes_reference(kw, ties, capsys):
    passes(ex.check_maxpool_forward, ref.maxpool_forward, ties=ties, **kw, capsys=capsys)
    passes(ex.check_maxpool_backward, ref.maxpool_forward, ref.maxpool_backward, ties=ties, **kw, capsys=capsys)


@pytest.mark.parametrize("wrong,match", [
    (ref.avgpool_forward, "average pooling"),
    (lambda x, size, stride: (-ref.maxpool_forward(-x, size, stride)[0], None), "min pooling"),
    (lambda x, size, stride: ref.maxpool_forward(x, size, 1), r"H_out = floor"),
])
def test_maxpool_forward_rejects_wrong_answers(wrong, match):
    fails(ex.check_maxpool_forward, wrong, match=match)


def _pool_variant(which):
    """maxpool_backward with one of the wrong rules computed by the check's own helper."""
    def forward(x, size, stride):
        return ref.maxpool_forward(x, size, stride)[0], {"x": x, "size": size, "stride": stride}

    def backward(dout, cache):
        variants = ex._pool_backward_variants(cache["x"], cache["size"], cache["stride"], dout)
        return variants[which]
    return forward, backward


def _mask_rule_forward(x, size, stride):
    return ref.maxpool_forward(x, size, stride)[0], (x, size, stride)


def _mask_rule_backward(dout, cache):
    """The usual student version: x == max marks every tied maximum."""
    x, size, stride = cache
    out = ref.maxpool_forward(x, size, stride)[0]
    dx = np.zeros_like(x)
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            win = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            mask = win == out[:, :, i, j][:, :, None, None]
            rows, cols = slice(i * stride, i * stride + size), slice(j * stride, j * stride + size)
            dx[:, :, rows, cols] += mask * dout[:, :, i, j][:, :, None, None]
    return dx


@pytest.mark.parametrize("which,match,kw", [
    (0, "every tied entry", {}),
    (1, "the last one", {}),
    (2, r"ADD their gradients", POOLS[1]),
])
def test_maxpool_backward_rejects_wrong_tie_and_overlap_rules(which, match, kw):
    fails(ex.check_maxpool_backward, *_pool_variant(which), **kw, match=match)


def test_maxpool_backward_names_the_mask_rule_of_a_real_student_version():
    fails(ex.check_maxpool_backward, _mask_rule_forward, _mask_rule_backward, match="every tied entry")


def test_maxpool_backward_without_ties_cannot_tell_the_rules_apart(capsys):
    """Why the tests use ties: on distinct values the mask rule is right."""
    passes(ex.check_maxpool_backward, _mask_rule_forward, _mask_rule_backward, ties=False, capsys=capsys)


def test_maxpool_backward_rejects_average_pooling_gradient():
    def forward(x, size, stride):
        return ref.maxpool_forward(x, size, stride)[0], (x.shape, size, stride)
    fails(ex.check_maxpool_backward, forward, ref.avgpool_backward, match="average pooling")


# ---------------------------------------------------------------- speed

def test_speed_passes_reference(capsys):
    passes(ex.check_conv2d_speed, ref.conv2d_forward, ref.conv2d_backward, n=64, capsys=capsys)


def _loop_forward(x, w, b, stride, pad):
    """The four-loop convolution students write first: right, and slow."""
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    ho, wo = ref.conv_output_size(h, kh, stride, pad), ref.conv_output_size(wd, kw, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, f, ho, wo))
    for i_n in range(n):
        for i_f in range(f):
            for i in range(ho):
                for j in range(wo):
                    win = xp[i_n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[i_n, i_f, i, j] = np.sum(win * w[i_f]) + b[i_f]
    return out, (x, w, b, stride, pad)


def test_loops_are_right_but_too_slow():
    x, w, b = ex._case(np.random.default_rng(0), 2, 2, 5, 6, 3, 3, 2)
    np.testing.assert_allclose(_loop_forward(x, w, b, 2, 1)[0], ref.conv2d_forward(x, w, b, 2, 1)[0])
    fails(ex.check_conv2d_speed, _loop_forward, ref.conv2d_backward, limit_s=0.05, n=16,
          match=r"conv2d_forward took .* this test allows 0.05 s.*too slow")


# ---------------------------------------------------------------- the grader and slow loops

LOOP_FORWARD = '''
def conv2d_forward(x, w, b, stride=1, pad=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    ho, wo = conv_output_size(h, kh, stride, pad), conv_output_size(wd, kw, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, f, ho, wo))
    for i_n in range(n):
        for i_f in range(f):
            for i in range(ho):
                for j in range(wo):
                    win = xp[i_n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[i_n, i_f, i, j] = np.sum(win * w[i_f]) + b[i_f]
    return out, (x.shape, w, stride, pad, im2col(x, kh, kw, stride, pad))
'''


def test_grader_gives_a_slow_loop_zero_for_speed_only_and_says_why(tmp_path, venv_env):
    """Four nested loops are right (full marks elsewhere) but the speed test times out, and the reason says so."""
    import csv
    import json
    import subprocess
    import sys

    from helpers.paths import ROOT

    nb = json.loads((ROOT / "solutions" / "10_cnn" / "10_cnn.ipynb").read_text())
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "conv2d_forward")
    cell["source"] = LOOP_FORWARD
    (tmp_path / "class" / "loops" / "10_cnn").mkdir(parents=True)
    (tmp_path / "class" / "loops" / "10_cnn" / "10_cnn.ipynb").write_text(json.dumps(nb))
    out = tmp_path / "grades.csv"
    # A 3 s limit per call, below the check's 15 s: the grader's own 'timed out' is what the student reads.
    subprocess.run([sys.executable, "-m", "autograder", "grade", "10_cnn", str(tmp_path / "class"), "--out", str(out),
                    "--timeout", "3", "--quiet"], check=True, env=venv_env, cwd=ROOT, capture_output=True)
    row = next(csv.DictReader(out.open()))
    assert float(row["score"]) == float(row["max_score"]) - 2, row
    assert "test_conv2d_speed" in row["reason"] and "timed out" in row["reason"], row["reason"]
    assert "conv2d_forward" in row["reason"], row["reason"]


# ---------------------------------------------------------------- mistakes found by trying the notebook

def test_overwriting_overlapping_windows_fails_the_visible_call():
    """The notebook calls the check with size 2, stride 2 (no overlap): the check adds an overlapping case."""
    fails(ex.check_maxpool_backward, *_pool_variant(2), match=r"size=3, stride=2.*ADD their gradients")


def test_float_output_size_is_a_message_not_a_traceback():
    from autograder.checks.compare import CheckFailed
    with pytest.raises(CheckFailed, match="returned the float 28.0"):
        ex.check_conv_output_size(lambda n, k, stride, pad: (n + 2 * pad - k) / stride + 1)


def _forward_with_a_function_in_its_cache(x, w, b, stride=1, pad=0):
    out, cache = ref.conv2d_forward(x, w, b, stride, pad)
    return out, {"cache": cache, "im2col": ref.im2col}


def _pool_with_a_function_in_its_cache(x, size, stride):
    out, cache = ref.maxpool_forward(x, size, stride)
    return out, (cache, ref.maxpool_backward)


@pytest.mark.parametrize("check,fn", [(ex.check_conv2d_forward, _forward_with_a_function_in_its_cache),
                                      (ex.check_maxpool_forward, _pool_with_a_function_in_its_cache)])
def test_a_cache_that_cannot_reach_the_grader_is_refused_in_the_notebook(check, fn):
    fails(check, fn, match=r"the cache \(the second value returned by .*holds a function, which is not plain data")


def _offset_loop_backward(dout, cache):
    """The usual vectorised student version, with = where += belongs."""
    x_shape, size, stride, arg = cache
    h_out, w_out = arg.shape[2:]
    dx = np.zeros(x_shape)
    for p in range(size):
        for q in range(size):
            window = (slice(None), slice(None), slice(p, p + stride * h_out, stride),
                      slice(q, q + stride * w_out, stride))
            dx[window] = np.where(arg == p * size + q, dout, 0.0)
    return dx


def test_overwriting_in_the_offset_loop_is_named():
    fails(ex.check_maxpool_backward, ref.maxpool_forward,
          _offset_loop_backward, match=r"size=3, stride=2.*ADD their gradients")


# ---------------------------------------------------------------- cascades (issue 20, items 11, 12)

FLOAT_SIZE = "def conv_output_size(n, k, stride=1, pad=0):\n    return (n + 2 * pad - k) / stride + 1\n"


@pytest.mark.parametrize("check,names", [
    (ex.check_im2col, ["im2col"]),
    (ex.check_conv2d_forward, ["conv2d_forward"]),
    (ex.check_conv2d_backward, ["conv2d_forward", "conv2d_backward"]),
    (ex.check_maxpool_forward, ["maxpool_forward"]),
    (ex.check_maxpool_backward, ["maxpool_forward", "maxpool_backward"]),
])
def test_a_float_output_size_is_named_first_by_every_function_that_calls_it(check, names, capsys):
    """'/' for '//' in conv_output_size: im2col, the convolution and pooling name it, not an unrelated hint."""
    ns = solution_namespace("10_cnn", conv_output_size=FLOAT_SIZE)
    with pytest.raises(AssertionError) as info:
        check(*(ns[n] for n in names))
    assert str(info.value).startswith(f"First fix conv_output_size, which {names[0]} calls: "
                                      "conv_output_size(n=5, ")
    assert "returned the float" in str(info.value) and "use //" in str(info.value)
    right = solution_namespace("10_cnn")
    passes(check, *(right[n] for n in names), capsys=capsys)


def test_a_wrong_im2col_is_named_by_the_convolution():
    transposed = ("def im2col(x, kh, kw, stride=1, pad=0):\n"
                  "    return _im2col(x, kh, kw, stride, pad).T.copy().T[:, ::-1]\n")
    ns = solution_namespace("10_cnn")
    ns["_im2col"] = ns["im2col"]
    exec(transposed, ns)
    with pytest.raises(AssertionError, match=r"^First fix im2col, which conv2d_forward calls: im2col\(x, kh=3"):
        ex.check_conv2d_forward(ns["conv2d_forward"])


def test_a_convolution_that_does_not_call_the_broken_helper_is_not_blamed(capsys):
    """The helper is named only when the function uses it: a right conv2d_forward passes."""
    ns = solution_namespace("10_cnn", conv_output_size=FLOAT_SIZE)
    exec("def conv2d_forward(x, w, b, stride=1, pad=0):\n    return _ref.conv2d_forward(x, w, b, stride, pad)\n",
         ns)
    ns["_ref"] = ref
    passes(ex.check_conv2d_forward, ns["conv2d_forward"], capsys=capsys)


def test_the_backward_test_names_the_forward_output_without_stray_punctuation():
    """'..., which the backward test needs first,: entry' read badly."""
    def forward(x, w, b, stride, pad):
        out, cache = ref.conv2d_forward(x, w, b, stride, pad)
        return out + 1, cache
    with pytest.raises(AssertionError) as info:
        ex.check_conv2d_backward(forward, lambda dout, cache: ref.conv2d_backward(dout, cache))
    assert "which the backward test needs first): entry" in str(info.value) and ",:" not in str(info.value)


def test_the_speed_test_and_the_notebook_state_one_number():
    """The notebook's '15 s per call' is the check's limit, and the notebook names no other."""
    import json
    from pathlib import Path
    nb = json.loads((Path(__file__).resolve().parents[2] / "solutions" / "10_cnn" / "10_cnn.ipynb").read_text())
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert f"{ex.SPEED_LIMIT_S:g} s per call" in text and "30 s" not in text


def test_the_graders_timeout_is_told_with_the_tests_own_limit():
    """A call the grader stops after 30 s reads as over this test's 15 s, not as a second number."""
    from autograder.grading.student.remote import WorkerGone

    def stopped(*args):
        raise WorkerGone("timed out after 30 s while running conv2d_forward")
    with pytest.raises(AssertionError) as info:
        ex.check_conv2d_speed(stopped, stopped)
    assert "longer than this test allows (15 s per call)" in str(info.value) and "30" not in str(info.value)

    def stopped_early(*args):  # an instructor's shorter --timeout is reported as it is
        raise WorkerGone("timed out after 3 s while running conv2d_forward")
    with pytest.raises(WorkerGone):
        ex.check_conv2d_speed(stopped_early, stopped_early)
