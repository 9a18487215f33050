"""Comparisons with messages that teach: shape, dtype, NaN, worst index, tolerance.

Every comparison first turns the student's value into a plain ``numpy.ndarray``
(an object that merely claims to be an array is refused), then compares with
NumPy functions on plain arrays, so an answer cannot pass by overriding ``==``.

Every failure is a :class:`CheckFailed` (an ``AssertionError``): IPython shows
its message alone, without the traceback through this package, and the cell
still fails, so nbgrader and our grader count it.

Labels read as sentences. Build them with :func:`describe`::

    describe("affine_forward(x, W, b)", x=x, W=W)
    # 'affine_forward(x, W, b) for x of shape (4, 5) and W of shape (5, 3)'
    describe("affine_forward(x, W, b)", "out", 0, x=x, W=W)
    # 'out (the first value returned by affine_forward(x, W, b) for x of shape (4, 5) and W of shape (5, 3))'

and compare with a second reference by naming it: ``assert_close(lab, got, want,
DEVICE, against="PyTorch")`` says "... is 0.5 but PyTorch gives 0.7".

The vocabulary of a check module (one rule for all of them):

- Every message a student reads is an English template with named fields, shown through
  :func:`~autograder.checks.messages.say`; its Korean form is in ``checks/ko/<module>.py``.
- A named mistake is a pair ``{hint: the wrong value}``: the hint says what the student did and how to
  fix it, the value is what that mistake computes on the check's inputs. :func:`diagnose` names each
  one that the student's value matches::

      hint = diagnose(got, {say("add the bias: x @ W + b, not x @ W."): x @ W})

- Several named mistakes built together live in a function ``_<check>_mistakes(...)`` returning that
  dict (``_affine_forward_mistakes(x, W, b)`` for ``check_affine_forward``).
- A hint that several checks share is an upper-case module constant ``<WHAT>_HINT``, an English
  template used only as ``say(<WHAT>_HINT)``, never at import (the language is chosen after it).
- :func:`assert_close` writes "Hint: " (in the student's language) before a hint that lacks it: write
  hints without it. ``checks/_template.py`` is a short check module that follows all of this.
"""

import contextvars
import copy
import functools
import inspect
import traceback
import types

import numpy as np

from autograder.checks.messages import say
from autograder.ref_numpy import activations as _activations

#: Named tolerances. Exact answers (0/1 outputs, counts) use EXACT.
EXACT = dict(rtol=0.0, atol=0.0)
#: float64 against the float64 NumPy reference.
F64 = dict(rtol=1e-7, atol=1e-9)
#: against the PyTorch reference on an accelerator, which may run float32.
DEVICE = dict(rtol=1e-5, atol=1e-6)
#: what float32 arithmetic reaches on float64 inputs: used only to recognise a float32 answer.
F32 = dict(rtol=1e-5, atol=1e-6)

#: Set by the grader so that passing checks print nothing.
quiet = contextvars.ContextVar("quiet", default=False)

#: A float64 result whose error has the size of float32 rounding (a float32 intermediate, upcast):
#: a few float32 ulps (2**-23 each) relative, with an absolute floor near 0.
F32_ROUNDING = dict(rtol=8 * 2.0**-23, atol=1e-9)

# English templates, shown through say(FLOAT32, ...) and say(ROUNDED).
FLOAT32 = ("the result is {dtype}, which keeps only about {digits} significant digits. This exercise asks "
           "for float64 results (NumPy's default), so the result must be float64: do not convert to {dtype}.")
ROUNDED = ("the result is float64, but it differs from the right values only within float32 rounding "
           "(float32 keeps about 7 significant digits): most likely a float32 intermediate (np.float32(...), "
           "dtype=np.float32, .astype(np.float32), or a function of yours that returns float32) lost digits "
           "before the result became float64. Keep every step in float64.")


class CheckFailed(AssertionError):
    """A check's verdict in words. IPython shows ``_render_traceback_()`` instead of a traceback."""

    def _render_traceback_(self):
        """The lines a notebook shows: the message alone (the cell still counts as failed)."""
        lines = str(self).splitlines() or [""]
        return ["\N{BALLOT X} " + lines[0]] + lines[1:]


class NotImplementedYet(CheckFailed):
    """The student's function still raises NotImplementedError."""


def fail(message):
    """Raise the check's verdict ``message`` as a CheckFailed."""
    raise CheckFailed(message)


def torch_twin(topic):
    """(``autograder.ref_torch.<topic>``, the device, tensor -> NumPy); torch loads only here.

    The device is the best one that has float64 (the CPU on a Mac, whose MPS has none), so that
    the twins compute in float64 on every machine and a verdict does not depend on it.
    """
    import importlib

    import autograder
    from autograder.checks import memo
    from autograder.ref_torch._util import numpy

    twins = memo.memoized(importlib.import_module(f"autograder.ref_torch.{topic}"))  # results remembered: memo.py
    return twins, autograder.device(float64=True), numpy


def ok(message):
    """The one short line a passing check prints."""
    if not quiet.get():
        print("\N{CHECK MARK} " + message)


# --- a test cell whose function was never defined ------------------------------------------

def one_line_name_errors():
    """In a notebook, make a test cell that fails for an undefined name say why in one line.

    The usual cause is an answer cell that did not run (a syntax error, or not run since the
    kernel started): instead of IPython's traceback, the test cell then shows one line naming
    the answer cell's syntax error and its line. Only NameErrors raised directly in a cell that
    calls a check are reworded; every other error keeps its traceback. Outside IPython (the
    grader, a script) this does nothing. Called by the exercise's locked checks cell.
    """
    import sys

    if "IPython" not in sys.modules:  # no notebook here (the grader, a script): do not import it either
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((NameError,), _name_error_lines)


def _name_error_lines(shell, etype, value, tb, tb_offset=None):
    """IPython's custom handler (it must show the error itself): one line for a test cell's undefined
    name, through the ``_render_traceback_`` that IPython honours; else the usual traceback."""
    import linecache

    frames = traceback.extract_tb(tb)
    cell = "".join(linecache.getlines(frames[-1].filename)) if frames else ""
    name = getattr(value, "name", None)
    if name and "check_" in cell:
        line = f"\N{BALLOT X} NameError: {_why_undefined(name, shell.user_ns.get('In', []))}"
        value._render_traceback_ = lambda: [line]
    shell.showtraceback((etype, value, tb), running_compiled_code=True)


def _why_undefined(name, inputs):
    """Why ``name`` is undefined, from the cells run so far (``inputs``: IPython's ``In``)."""
    import re

    pattern = re.compile(rf"^\s*(def\s+{re.escape(name)}\s*\(|{re.escape(name)}\s*=[^=])", re.M)
    defining = [code for code in inputs if isinstance(code, str) and pattern.search(code)]
    if not defining:
        return say("{name} is not defined: run the answer cell that defines it first (since the kernel started), "
                   "then this cell.", name=name)
    try:
        compile(defining[-1], "<answer cell>", "exec")  # not a message (a file name for compile)
    except SyntaxError as exc:
        return say("{name} is not defined: its answer cell did not run, because line {line} of that cell has a "
                   "syntax error ({error}). Fix that line, run the answer cell again, then this cell.",
                   name=name, line=exc.lineno, error=exc.msg)
    return say("{name} is not defined: the answer cell that defines it stopped with an error before it got there "
               "(see that cell's output). Fix it, run it again, then this cell.", name=name)


# --- labels -----------------------------------------------------------------------------

def describe(call_text, part=None, index=None, /, **inputs):
    """A label that reads as a sentence, naming the call, the returned part and the inputs.

    call_text: how the call is written, e.g. "softmax(logits)"; part: the name of one
    returned value ("dW"), index: its position in the returned tuple (0-based);
    inputs: name=value, described by shape (arrays) or value (numbers).
    """
    listed = _inputs(inputs)
    if part is None:
        return call_text + (say(" for {inputs}", inputs=listed) if listed else "")
    if index is None:
        if not listed:
            return say("{part} (returned by {call})", part=part, call=call_text)
        return say("{part} (returned by {call} for {inputs})", part=part, call=call_text, inputs=listed)
    ordinal = _ordinal(index + 1)
    if not listed:
        return say("{part} (the {ordinal} value returned by {call})", part=part, ordinal=ordinal, call=call_text)
    return say("{part} (the {ordinal} value returned by {call} for {inputs})",
               part=part, ordinal=ordinal, call=call_text, inputs=listed)


def _inputs(inputs):
    """'x of shape (4, 5) and lr = 0.1' (in the student's language), or '' with no inputs."""
    parts = []
    for name, value in inputs.items():
        if isinstance(value, np.ndarray):
            parts.append(say("{name} of shape {shape}", name=name, shape=value.shape))
        elif isinstance(value, (bool, int, float, np.number, str)):
            parts.append(f"{name} = {value!r}" if isinstance(value, str) else f"{name} = {_num(value)}")
        else:
            parts.append(str(name))
    if len(parts) < 2:
        return "".join(parts)
    return say("{first} and {last}", first=", ".join(parts[:-1]), last=parts[-1])


def _ordinal(n):
    """'first' ... 'fifth', then '6th', in the student's language."""
    words = {1: say("first"), 2: say("second"), 3: say("third"), 4: say("fourth"), 5: say("fifth")}
    return words[n] if n in words else say("{n}th", n=n)


def _num(x, digits=6):
    """A number as a short string; -0 prints as 0, integers without a decimal point."""
    x = float(x)
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def _pair(got, want):
    """(got, want, note): the two numbers with as many significant digits as it takes to tell them apart.

    Six digits when they suffice; more otherwise, and then ``note`` adds the difference itself
    (' (a difference of 1.3e-07)'), so that two numbers that differ never read the same.
    """
    a, b = float(got), float(want)
    # close numbers keep their trailing zeros, so that both show the same number of digits
    close = np.isfinite(a) and np.isfinite(b) and a != b and abs(a - b) <= 1e-4 * max(abs(a), abs(b))
    for digits in range(6, 18):
        shown = (f"{a:#.{digits}g}", f"{b:#.{digits}g}") if close else (_num(a, digits), _num(b, digits))
        if shown[0] != shown[1] or a == b or a != a or b != b:
            break
    note = "" if digits == 6 or not np.isfinite(a - b) else say(" (a difference of {difference:.2g})",
                                                                  difference=abs(a - b))
    return shown[0], shown[1], note


# --- values -----------------------------------------------------------------------------

def _kind(shape):
    """What a value of ``shape`` is, in words ('a NumPy array of shape (2, 3)')."""
    if shape is None:
        return say("a NumPy array")
    return say("one number") if tuple(shape) == () else say("a NumPy array of shape {shape}", shape=tuple(shape))


def _as_array(label_, value, shape=None):
    """``value`` as a plain ndarray view (no copy), or a CheckFailed that says what it is instead."""
    if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**64:
        # NumPy would hold it as an object and fail later with OverflowError: say it in words
        fail(say("{label} is an integer of {digits} digits, too large for a NumPy number "
                 "(64 bits at most); the grader refuses it too.", label=label_, digits=len(str(abs(value)))))
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return np.asarray(value)
    if value is None:
        fail(say("{label} is None, but should be {kind}. Did the function forget to `return` "
                 "its result (or the cell to assign the variable)?", label=label_, kind=_kind(shape)))
    if type(value).__module__.startswith("torch"):
        fail(say("{label} is a torch tensor; this exercise asks for NumPy arrays.", label=label_))
    if not isinstance(value, np.ndarray):
        extra = say(" (make one with np.array(...))") if isinstance(value, (list, tuple)) else ""
        fail(say("{label} should be {kind}{extra}, but it is a {type}.",
                 label=label_, kind=_kind(shape), extra=extra, type=type(value).__name__))
    arr = np.asarray(value).view(np.ndarray)
    if arr.dtype.kind not in "biuf":
        fail(say("{label} has dtype {dtype}; expected numbers.", label=label_, dtype=arr.dtype))
    return arr


def plain(label_, value, shape=None):
    """``value`` as a plain bool/int/float ndarray (a copy), or a CheckFailed in words.

    shape: the expected shape, only to word the message ("one number" for ()).
    """
    return np.array(_as_array(label_, value, shape), copy=True)


def hinted(hint):
    """``hint`` as a message shows it: "Hint: " in front (in the student's language) unless it has it; '' stays ''."""
    hint = hint.strip()
    if not hint or hint.startswith(("Hint:", say("Hint: {hint}", hint="").strip())):
        return hint
    return say("Hint: {hint}", hint=hint)


def assert_shape(label_, got, shape, hint=""):
    """Raise if ``got.shape`` differs from ``shape`` (``hint`` follows the message, see :func:`hinted`)."""
    shape = tuple(shape)
    if got.shape != shape:
        hint = hinted(hint)
        extra = f" {hint}" if hint else ""
        if shape == ():
            fail(say("{label} has shape {got} but should have shape () (one number).{extra}",
                     label=label_, got=got.shape, extra=extra))
        fail(say("{label} has shape {got} but should have shape {want}.{extra}",
                 label=label_, got=got.shape, want=shape, extra=extra))


def assert_close(label_, got, want, tol=F64, hint="", against=None):
    """Compare a student's value with a reference; the message names the worst entry.

    got: the student's value (any), want: reference array, tol: dict(rtol, atol),
    hint: what to look at when it differs ("Hint: " is added in front where it lacks it),
    against: the name of the reference when it is not the answer itself ("PyTorch").
    The shape is checked before anything is copied or converted.
    Returns the plain array of ``got``.
    """
    hint = hinted(hint)
    want = np.asarray(want, dtype=float)
    view = _as_array(label_, got, want.shape)
    assert_shape(label_, view, want.shape, hint)
    gotf = view.astype(float)
    bad_nan = np.isnan(gotf) & ~np.isnan(want)
    if bad_nan.any():
        idx = _index(np.argmax(bad_nan.ravel()), want.shape)
        fail(_with_hint(_got_nan(label_, idx, _num(want[idx]), against), hint))
    wrong = _wrong(gotf, want, tol)
    if wrong.any():
        with np.errstate(invalid="ignore"):
            excess = np.abs(gotf - want) - tol["atol"] - tol["rtol"] * np.abs(want)
        excess = np.where(np.isnan(excess), np.inf, excess)  # an inf where a number is due is the worst
        worst = _index(int(np.argmax(np.where(wrong, excess, -np.inf))), want.shape)
        hint = _float32_hint(view, gotf, want, hint, tol)
        shown_got, shown_want, note = _pair(gotf[worst], want[worst])
        fail(_with_hint(_differs(label_, worst, against, shown_got, shown_want, note, _count(wrong),
                                 _tolerance(tol)), hint))
    _refuse_lost_digits(label_, view, gotf, want, tol)
    return np.array(view, copy=True)


def _refuse_lost_digits(label_, view, gotf, want, tol):
    """Fail a float32 (or float16) result that lost digits where float64 precision is asked for.

    Within F64 it may pass by luck on small visible inputs and fail hidden ones; values it
    holds exactly (0/1 outputs, counts) are not refused.
    """
    reduced = view.dtype.kind == "f" and view.dtype.itemsize < 8
    if not reduced or not 0 < tol["rtol"] < F32["rtol"]:
        return
    with np.errstate(invalid="ignore"):
        lost = ~((gotf == want) | (np.isnan(gotf) & np.isnan(want)))
    if lost.any():
        digits = 7 if view.dtype.itemsize == 4 else 3
        fail(say("{label}: the values are right to {dtype} precision, but {why}",
                 label=label_, dtype=view.dtype, why=say(FLOAT32, dtype=view.dtype, digits=digits)))


def _wrong(gotf, want, tol):
    """Boolean mask of entries outside the tolerance (equal infinities and NaN pairs are right)."""
    with np.errstate(invalid="ignore"):
        right = np.abs(gotf - want) <= tol["atol"] + tol["rtol"] * np.abs(want)
    return ~(right | (np.isnan(want) & np.isnan(gotf)) | (np.isinf(want) & (gotf == want)))


def _float32_hint(view, gotf, want, hint, tol=F64):
    """Name a reduced-precision result when it explains the error (it is within float32 rounding).

    A float64 result that is right only within float32 rounding (a float32 intermediate upcast
    to float64) is named too, when float64 precision is asked for.
    """
    if view.dtype.kind == "f" and view.dtype.itemsize >= 8:
        if 0 < tol["rtol"] < F32_ROUNDING["rtol"] and _rounded_through_float32(gotf, want):
            return hinted(say(ROUNDED))
        return hint
    if view.dtype.kind != "f" or not 0 < tol["rtol"] < F32["rtol"]:
        return hint  # float32 is allowed where the tolerance is float32's: say nothing about it
    digits = 7 if view.dtype.itemsize == 4 else 3
    words = say(FLOAT32, dtype=view.dtype, digits=digits)
    if not _wrong(gotf, want, F32).any():
        return hinted(say("the values are right to float32 precision, but {why}", why=words))
    return say("{hint} Also: {note}", hint=hint, note=words) if hint else say("Note: {note}", note=words)


def _rounded_through_float32(gotf, want):
    """True if a float64 result looks like float32 arithmetic upcast to float64.

    Either every value is a float32 number (upcast as it was) within float32 precision of the
    reference, or every error is within a few float32 ulps of the array's scale.
    """
    finite = np.isfinite(gotf) & np.isfinite(want)
    if not finite.any():
        return False
    g, w = gotf[finite], want[finite]
    if np.array_equal(g.astype(np.float32).astype(float), g) and not np.array_equal(
            w.astype(np.float32).astype(float), w):
        return not _wrong(g, w, F32).any()
    scale = float(np.max(np.abs(w)))
    return bool(np.all(np.abs(g - w) <= F32_ROUNDING["atol"] + F32_ROUNDING["rtol"] * np.maximum(np.abs(w), scale)))


def _with_hint(message, hint):
    """``message``, then ``hint`` (already :func:`hinted`) after a space when there is one."""
    return f"{message} {hint}" if hint else message


def _got_nan(label_, idx, want, against):
    """'LABEL: entry [1, 2] is NaN but should be 0.7.' (or 'LABEL: got NaN but PyTorch gives 0.7.')."""
    if idx == ():
        if against:
            return say("{label}: got NaN but {against} gives {want}.", label=label_, against=against, want=want)
        return say("{label}: got NaN but should be {want}.", label=label_, want=want)
    index = _fmt_index(idx)
    if against:
        return say("{label}: entry {index} is NaN but {against} gives {want}.",
                   label=label_, index=index, against=against, want=want)
    return say("{label}: entry {index} is NaN but should be {want}.", label=label_, index=index, want=want)


def _differs(label_, idx, against, got, want, note, count, tolerance):
    """'LABEL: entry [1, 2] is 0.5 but should be 0.7 (1 of 6 entries is wrong; tolerance ...).' for an
    array, 'LABEL: got 0.5 but ...' for a number, '... but PyTorch gives 0.7 ...' against a second reference."""
    if idx == () and against:
        return say("{label}: got {got} but {against} gives {want}{note} ({count}{tolerance}).", label=label_,
                   got=got, against=against, want=want, note=note, count=count, tolerance=tolerance)
    if idx == ():
        return say("{label}: got {got} but should be {want}{note} ({count}{tolerance}).", label=label_,
                   got=got, want=want, note=note, count=count, tolerance=tolerance)
    if against:
        return say("{label}: entry {index} is {got} but {against} gives {want}{note} ({count}{tolerance}).",
                   label=label_, index=_fmt_index(idx), got=got, against=against, want=want, note=note,
                   count=count, tolerance=tolerance)
    return say("{label}: entry {index} is {got} but should be {want}{note} ({count}{tolerance}).",
               label=label_, index=_fmt_index(idx), got=got, want=want, note=note, count=count,
               tolerance=tolerance)


def _count(wrong):
    """'1 of 6 entries is wrong; ' for an array, '' for a number."""
    if wrong.ndim == 0:
        return ""
    n = int(wrong.sum())
    if n == 1:
        return say("{n} of {size} entries is wrong; ", n=n, size=wrong.size)
    return say("{n} of {size} entries are wrong; ", n=n, size=wrong.size)


def _tolerance(tol):
    if tol["rtol"] == 0 and tol["atol"] == 0:
        return say("the answer must be exact")
    return say("tolerance rtol={rtol:g}, atol={atol:g}", rtol=tol["rtol"], atol=tol["atol"])


def diagnose(got, mistakes):
    """Name every known mistake whose output equals ``got`` ('' if none).

    mistakes: {hint: array the mistaken formula would give}. Shapes are compared
    first, so an answer of the wrong shape is never copied or converted.
    """
    try:
        view = _as_array("value", got)
    except AssertionError:
        return ""
    hits = []
    for hint, wrong in mistakes.items():
        wrong = np.asarray(wrong, dtype=float)
        if view.shape != wrong.shape:
            continue
        with np.errstate(invalid="ignore"):
            if np.allclose(view.astype(float), wrong, rtol=1e-7, atol=1e-9):
                hits.append(hint)
    if not hits:
        return ""
    text = hits[0]
    for other in hits[1:]:
        text = say("{hint} Or: {other}", hint=text, other=other)
    return say("Hint: {hint}", hint=text)


def sigmoid(z):
    """1 / (1 + exp(-z)) elementwise, for the checks' references and mistakes: the reference's own.

    Written out here it would be exercise 06's answer (sigmoid_forward) in every student kit, which
    computes the withheld reference by its PyTorch twin instead; looked up at each call, so that a
    test that withholds sigmoid_forward (tests/grading/authoring/test_kit_leaks.py) withholds this too.
    """
    return _activations.sigmoid_forward(z)[0]


def narrow(hints, rounds):
    """Of several ``hints`` whose mistakes each give the student's wrong value, those whose mistakes also
    give the student's values on further cases: one name for one mistake where one case fits several.

    rounds: an iterable of functions, one per further case, each taking the list of hints still in the
    running and returning those among them whose mistake gives the student's value on its case, or None
    when its case cannot tell (the student's function fails there: its own verdict comes when the check
    reaches it). Narrowing stops at one hint, at a None, or at a case that keeps none (the hints before
    it stay): it never ends with fewer than one hint, so a named mistake is never lost.
    """
    left = list(hints)
    for keep in rounds:
        if len(left) < 2:
            break
        kept = keep(left)
        if not kept:
            break
        left = list(kept)
    return left


def assert_plain_data(label_, value, advice):
    """Fail, as the grader would, if ``value`` cannot cross the pipe between the grader and the worker.

    The message names what in ``value`` is not plain data (``autograder.wire`` refuses it), then gives
    ``advice``: what to keep instead, already in the student's language (``say(...)``).
    """
    from autograder import wire

    try:
        wire.encode(value, [])
    except wire.Unserializable as exc:
        fail(say("{label} holds {what}, which is not plain data. {advice}",
                 label=label_, what=str(exc).replace("builtins.", ""), advice=advice))


# --- calling the student's function -------------------------------------------------------

def call(fn, label_, on_error="", /, **args):
    """Call the student's ``fn`` with copies of ``args`` (in order); refuse mutation.

    Raises CheckFailed if ``fn`` raises (adding the hint ``on_error`` and the line of
    the student's code that raised, when it is known) or changes one of its arguments.
    """
    _refuse_course_function(fn, label_)
    copies = {k: copy.deepcopy(v) for k, v in args.items()}
    try:
        out = fn(*copies.values())
    except NotImplementedError:
        raise NotImplementedYet(say("{label} is not implemented yet (it raises NotImplementedError).",
                                    label=label_)) from None
    except AssertionError:
        raise
    except Exception as exc:  # the student's bug, reported in words
        hint = hinted(on_error)
        raise CheckFailed(say("{label} raised {error}: {message}{line}{hint}", label=label_,
                              error=type(exc).__name__, message=exc, line=_student_line(exc),
                              hint=f" {hint}" if hint else "")) from exc
    for name, original in args.items():
        if not callable(original) and not _same(original, copies[name]):
            fail(say("{label} changed its argument {name} in place: {change}. "
                     "Leave the inputs unchanged: compute new arrays instead of writing into the ones "
                     "you received (x = x * 2 makes a new array; x *= 2 or x[...] = ... change the caller's).",
                     label=label_, name=name, change=_change(name, original, copies[name])))
    return out


#: Packages an answer may not take its function from: the grader's worker cannot import them.
FORBIDDEN_PACKAGES = ("autograder", "torch", "functorch")


def _refuse_course_function(fn, label_):
    """Fail as the grader would if ``fn`` is a function or class imported from the course package or torch.

    In the grader such an import fails in the student's process (the name is then
    undefined); here the same answer gets the same verdict, in words.
    """
    if not (inspect.isroutine(fn) or inspect.isclass(fn)):
        return  # the grader's RemoteFunction, a functools.partial, a callable object: the student's
    module = getattr(fn, "__module__", None) or ""
    if module.split(".")[0] in FORBIDDEN_PACKAGES and _in_notebook(fn):
        name = getattr(fn, "__name__", None) or say("the function")
        fail(say("{label}: {name} comes from {module}, not from your notebook. The grader refuses "
                 "functions taken from the course package or torch (this answer would score 0): "
                 "write the function yourself.", label=label_, name=name, module=module))


def _in_notebook(fn):
    """True if ``fn`` is bound in the notebook's namespace (``__main__``): the student put it there.

    A test of this package that hands a reference function to a check directly is not refused.
    """
    import sys

    main = sys.modules.get("__main__")
    return any(value is fn for value in list(vars(main).values())) if main is not None else False


def _student_line(exc):
    """' (at `code`)' for the last frame of the traceback outside this package, '' if none."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.line and _is_student_file(f.filename)]
    return say(" (in line {line}: `{code}`)", line=frames[-1].lineno, code=frames[-1].line.strip()) if frames else ""


def _is_student_file(filename):
    """Not this package, not an installed library, not the standard library."""
    path = filename.replace("\\", "/")
    return not any(part in path for part in ("/autograder/", "-packages/", "/lib/python3", "<frozen"))


def _change(name, before, after):
    """What changed inside the argument ``name``, e.g. 'cache[0] entry [1, 2] went from 0.5 to 0'."""
    if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
        if before.shape != after.shape or before.dtype != after.dtype:
            return say("{name} went from {old_dtype} {old_shape} to {new_dtype} {new_shape}", name=name,
                       old_dtype=before.dtype, old_shape=before.shape, new_dtype=after.dtype, new_shape=after.shape)
        equal = before == after
        if before.dtype.kind in "fc":
            equal |= np.isnan(before) & np.isnan(after)
        diff = ~equal
        idx = _index(int(np.argmax(diff.ravel())), before.shape)
        old, new = _num(before[idx]), _num(after[idx])
        if old == new:  # a change in the last digits: adding and later subtracting h does not restore x
            old, new = repr(float(before[idx])), repr(float(after[idx]))
            if idx == ():
                return say("{name} went from {old} to {new} (adding a number and subtracting it again does not "
                           "always give back the same float: work on a copy)", name=name, old=old, new=new)
            return say("{name} entry {index} went from {old} to {new} (adding a number and subtracting it again "
                       "does not always give back the same float: work on a copy)",
                       name=name, index=_fmt_index(idx), old=old, new=new)
        if idx == ():
            return say("{name} went from {old} to {new}", name=name, old=old, new=new)
        return say("{name} entry {index} went from {old} to {new}", name=name, index=_fmt_index(idx), old=old, new=new)
    if isinstance(before, list) and isinstance(after, list) and len(before) != len(after):
        return say("the list {name} had {before} items and now has {after} (pop, append, del, remove "
                   "and slice assignment change the caller's list; loop over it instead)",
                   name=name, before=len(before), after=len(after))
    if isinstance(before, (tuple, list)) and isinstance(after, (tuple, list)) and len(before) == len(after):
        for i, (a, b) in enumerate(zip(before, after)):
            if not _same(a, b):
                return _change(f"{name}[{i}]", a, b)
    if isinstance(before, dict) and isinstance(after, dict) and before.keys() == after.keys():
        for k in before:
            if not _same(before[k], after[k]):
                return _change(f"{name}[{k!r}]", before[k], after[k])
    return say("{name} is no longer what was passed", name=name)


# --- when a function fails because of another one --------------------------------------------

def explains(**helpers):
    """Decorate a check so that its failure names the cause it lies in, first.

    helpers: {name: verify}, ``verify(helper, case)`` raising AssertionError when the student's
    function ``name`` is wrong on the inputs of this check's ``case`` (the check's arguments by
    name, defaults included). When the check fails, each helper the function under test calls
    (or, in the grader, where its code is not visible, may call) is verified quietly; the first
    one that fails is named before the check's own message. A function that reads data from
    the notebook's globals (a variable of another cell) gets that named after it.
    The student's other functions are looked up only for these words, never for a verdict.
    """
    def wrap(check):
        signature = inspect.signature(check)

        @functools.wraps(check)
        def run(*args, **kwargs):
            try:
                return check(*args, **kwargs)
            except CheckFailed as exc:
                case = signature.bind(*args, **kwargs)
                case.apply_defaults()
                text = _cascade(case.arguments, helpers, signature) + str(exc) + _globals_note(case.arguments)
                if text == str(exc):
                    raise
                raise type(exc)(text) from exc.__cause__
        return run
    return wrap


def _cascade(case, helpers, signature):
    """'First fix NAME, which F calls: ... ' for the first helper that fails, or ''."""
    tested = [v for v in case.values() if callable(v)][::-1]  # the function under test comes last
    for helper_name, verify in helpers.items():
        reads = [_reads(fn, helper_name) for fn in tested]
        users = [fn for fn, r in zip(tested, reads) if r] or [fn for fn, r in zip(tested, reads) if r is None]
        helper = sibling(users[0], helper_name) if users else None
        if helper is None:
            continue
        token = quiet.set(True)
        try:
            verify(helper, case)
        except AssertionError as exc:
            name = _name(users[0])
            if reads[tested.index(users[0])]:
                where = say("which {name} calls", name=name)
            else:
                where = say("which {name} may call", name=name)
            return say("First fix {helper}, {where}: {error} Then {name}'s own test: ",
                       helper=helper_name, where=where, error=exc, name=_name(tested[0]))
        except KeyboardInterrupt:
            raise
        except BaseException:  # noqa: BLE001 - a helper that cannot be verified (it raised, or the
            continue           # grader stopped it: WorkerGone) explains nothing; the verdict stays
        finally:
            quiet.reset(token)
    return ""


def _name(fn):
    """The student's name for ``fn``: its __name__, or the name the grader calls it by."""
    return getattr(fn, "__name__", None) or getattr(fn, "name", None) or say("the function")


def sibling(fn, name):
    """The student's function ``name`` from ``fn``'s notebook, or None; only to word a message.

    In a notebook, ``fn``'s globals are the notebook's; in the grader, ``fn`` stands for a
    function in the student's process, whose other functions are asked for by name.
    """
    if isinstance(fn, types.FunctionType):
        other = fn.__globals__.get(name)
        return other if isinstance(other, types.FunctionType) and other is not fn else None
    worker = getattr(fn, "worker", None)
    if worker is None or type(fn).__name__ != "RemoteFunction":
        return None
    try:
        return type(fn)(worker, name) if worker.get(name).get("kind") == "callable" else None
    except Exception:  # noqa: BLE001 - no answer, no words
        return None


def _global_names(fn):
    """Every global name ``fn``'s code (nested functions and comprehensions included) reads."""
    import dis

    names, stack = set(), [fn.__code__]
    while stack:
        code = stack.pop()
        names.update(i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME"))
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return names


def _reads(fn, name):
    """True/False whether ``fn``'s code reads the global ``name``; None where its code is not here."""
    return name in _global_names(fn) if isinstance(fn, types.FunctionType) else None


#: Values a function may read from its notebook without a note: modules, functions, classes.
_DATA = (np.ndarray, np.generic, int, float, complex, str, bytes, list, tuple, dict, set)


def _globals_note(case):
    """' Note: F reads the notebook variable x ...' for data a tested function takes from its globals."""
    notes = []
    for fn in (v for v in case.values() if isinstance(v, types.FunctionType)):
        found = sorted(n for n in _global_names(fn)
                       if not n.startswith("_") and isinstance(fn.__globals__.get(n), _DATA))
        if found:
            names = ", ".join(f"`{n}`" for n in found)
            notes.append(say(" Note: {name} reads {names} from the notebook (a variable defined outside the "
                             "function, perhaps in another cell), not from its arguments: a function should use only "
                             "its arguments and its own variables, as the test passes other inputs.",
                             name=_name(fn), names=names))
    return "".join(notes)


def unpack(label_, out, n):
    """Split a returned tuple of ``n`` values, or say what came back instead."""
    if not isinstance(out, (tuple, list)) or len(out) != n:
        if out is None:
            fail(say("{label} returned None, but should return a tuple of {n} values. "
                     "Did the function forget to `return` them?", label=label_, n=n))
        if isinstance(out, (tuple, list)):
            kind = say("a {type} of length {length}", type=type(out).__name__, length=len(out))
        else:
            kind = say("a {type}", type=type(out).__name__)
        fail(say("{label} should return a tuple of {n} values, got {kind}.", label=label_, n=n, kind=kind))
    return tuple(out)


def _same(a, b):
    """Unchanged, comparing arrays entry by entry, also inside tuples, lists and dicts."""
    from autograder.wire import same

    return same(a, b)


def _index(flat, shape):
    return np.unravel_index(flat, shape) if shape else ()


def _fmt_index(idx):
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"
