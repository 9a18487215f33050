"""Comparisons with messages that teach: shape, dtype, NaN, worst index, tolerance.

Every comparison first turns the student's value into a plain ``numpy.ndarray``
(an object that merely claims to be an array is refused), then compares with
NumPy functions on plain arrays, so an answer cannot pass by overriding ``==``.
"""

import contextvars
import copy

import numpy as np

#: Named tolerances. Exact answers (0/1 outputs, counts) use EXACT.
EXACT = dict(rtol=0.0, atol=0.0)
#: float64 against the float64 NumPy reference.
F64 = dict(rtol=1e-7, atol=1e-9)
#: against the PyTorch reference on an accelerator, which may run float32.
DEVICE = dict(rtol=1e-5, atol=1e-6)

#: Set by the grader so that passing checks print nothing.
quiet = contextvars.ContextVar("quiet", default=False)


class NotImplementedYet(AssertionError):
    """The student's function still raises NotImplementedError."""


def torch_twin(topic):
    """(``autograder.ref_torch.<topic>``, the best device, tensor -> NumPy); torch loads only here."""
    import importlib

    import autograder
    from autograder.ref_torch._util import numpy

    return importlib.import_module(f"autograder.ref_torch.{topic}"), autograder.device(), numpy


def ok(message):
    """The one short line a passing check prints."""
    if not quiet.get():
        print("\N{CHECK MARK} " + message)


def plain(label, value):
    """``value`` as a plain float64/bool/int ndarray, or an AssertionError in words."""
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return np.asarray(value)
    if type(value).__module__.startswith("torch"):
        raise AssertionError(f"{label} is a torch tensor; this exercise asks for NumPy arrays.")
    if not isinstance(value, np.ndarray):
        raise AssertionError(
            f"{label} should be a NumPy array, got {type(value).__name__}."
        )
    arr = np.asarray(value).view(np.ndarray)
    if arr.dtype.kind not in "biuf":
        raise AssertionError(f"{label} has dtype {arr.dtype}; expected numbers.")
    return np.array(arr, copy=True)


def assert_shape(label, got, shape, hint=""):
    """Raise if ``got.shape`` differs from ``shape``."""
    if got.shape != tuple(shape):
        extra = f" {hint}" if hint else ""
        raise AssertionError(
            f"{label} has shape {got.shape} but should have shape {tuple(shape)}.{extra}"
        )


def assert_close(label, got, want, tol=F64, hint=""):
    """Compare a student's value with a reference; the message names the worst entry.

    got: the student's value (any), want: reference array, tol: dict(rtol, atol).
    Returns the plain array of ``got``.
    """
    got = plain(label, got)
    want = np.asarray(want, dtype=float)
    assert_shape(label, got, want.shape, hint)
    gotf = got.astype(float)
    bad_nan = np.isnan(gotf) & ~np.isnan(want)
    if bad_nan.any():
        idx = _index(np.argmax(bad_nan.ravel()), want.shape)
        raise AssertionError(
            f"{label}: {_where(idx) or 'got '}NaN but should be {want[idx]:.6g}. {hint}".strip()
        )
    err = np.abs(gotf - want)
    err = np.where(np.isnan(want) & np.isnan(gotf), 0.0, err)
    err = np.where(np.isinf(want) & (gotf == want), 0.0, err)
    limit = tol["atol"] + tol["rtol"] * np.abs(want)
    wrong = ~(err <= limit)
    if wrong.any():
        worst = _index(np.nanargmax(np.where(wrong, err - limit, -np.inf)), want.shape)
        raise AssertionError(
            f"{label}: {_where(worst) or 'got '}{gotf[worst]:.6g} but should be {want[worst]:.6g} "
            f"({int(wrong.sum())} of {want.size} entries wrong; tolerance "
            f"rtol={tol['rtol']:g}, atol={tol['atol']:g}). {hint}".strip()
        )
    return got


def diagnose(got, mistakes):
    """Name every known mistake whose output equals ``got`` ('' if none).

    mistakes: {hint: array the mistaken formula would give}.
    """
    try:
        g = np.asarray(plain("value", got), dtype=float)
    except AssertionError:
        return ""
    hits = []
    for hint, wrong in mistakes.items():
        wrong = np.asarray(wrong, dtype=float)
        if g.shape == wrong.shape and np.allclose(g, wrong, rtol=1e-7, atol=1e-9):
            hits.append(hint)
    return ("Hint: " + " Or: ".join(hits)) if hits else ""


def call(fn, label, on_error="", /, **args):
    """Call the student's ``fn`` with copies of ``args`` (in order); refuse mutation.

    Raises AssertionError if ``fn`` raises (adding the hint ``on_error``) or
    changes one of its array arguments.
    """
    copies = {k: copy.deepcopy(v) for k, v in args.items()}
    try:
        out = fn(*copies.values())
    except NotImplementedError:
        raise NotImplementedYet(f"{label} is not implemented yet (it raises NotImplementedError).") from None
    except AssertionError:
        raise
    except Exception as exc:  # the student's bug, reported in words
        hint = f" Hint: {on_error}" if on_error else ""
        raise AssertionError(f"{label} raised {type(exc).__name__}: {exc}{hint}") from exc
    for name, original in args.items():
        if not callable(original) and not _same(original, copies[name]):
            raise AssertionError(
                f"{label} changed its argument {name} in place; leave inputs unchanged "
                f"(build a new array, or work on {name}.copy())."
            )
    return out


def unpack(label, out, n):
    """Split a returned tuple of ``n`` values, or say what came back instead."""
    if not isinstance(out, (tuple, list)) or len(out) != n:
        kind = f"a {type(out).__name__}" + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else "")
        raise AssertionError(f"{label} should return a tuple of {n} values, got {kind}.")
    return tuple(out)


def _same(a, b):
    """Unchanged, comparing arrays entry by entry, also inside tuples, lists and dicts."""
    from autograder.grading.wire import same

    return same(a, b)


def _index(flat, shape):
    return np.unravel_index(flat, shape) if shape else ()


def _where(idx):
    return "" if idx == () else f"entry {_fmt_index(idx)} is "


def _fmt_index(idx):
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"
