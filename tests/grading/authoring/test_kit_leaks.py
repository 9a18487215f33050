"""No callable the student kit ships computes a graded function's right answer (issue 19.5).

tests/grading/authoring/test_student_kit.py looks for the *bodies* of graded references in the kit. This file
goes further: it builds the kit, and in the kit's own interpreter calls EVERY function that
the kit's checks modules define with the arguments the checks give each graded function
(recorded while the solutions' test cells run, hidden tests included), by name and by
position, with default flags and each boolean flag flipped, plus the intermediate values
that a hint spells out (the ``da = dh_next * (1 - h_next**2)`` of rnn_step_backward, the
``delta`` of mlp_backward). A call that returns the solution's answer, or any of its parts,
within LEAK_TOL, is a leak.

While a graded function is being probed, its own references (the kit's NumPy shim and its
PyTorch twin) raise: a helper that merely calls them is no leak, since a student who pastes
it into a notebook does not have them (and the grader gives no points to a NumPy answer
that calls the course's code or torch). Any other reference stays available, as a student
has their own answers to the other exercises.

Two-sided: helpers planted in a copy of the kit (a switchable backward pass, the old
``_step_grads``, a plain NumPy answer) are all found.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.grading.authoring import student_kit

ROOT = Path(__file__).resolve().parents[3]

#: The scan, run by the kit's interpreter: argv = course root, exercise names (none: all) -> JSON leaks.
SCAN = r'''
import copy, importlib, inspect, json, pkgutil, signal, sys, time
import numpy as np
import nbformat

import autograder
import autograder.checks as checks_pkg

LEAK_TOL = dict(rtol=1e-6, atol=1e-9)   # the answer "within tolerance": far tighter than any mistake
MAX_CASES = 3                            # argument sets kept per graded function
CALL_SECONDS = 60                        # a candidate that runs longer is reported (it could not be probed)

course, package, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
assert autograder.__file__.startswith(package), autograder.__file__  # the kit's package, not the course's


def intermediates(name, kw):
    """Values a hint spells out, named as a helper would name them."""
    out = {}
    if name == "rnn_step_backward":
        out["da"] = kw["dh_next"] * (1 - kw["cache"][-1] ** 2)
    if name == "mlp_backward":
        A, Y = kw["cache"][1][-1], kw["Y"]
        out["delta"] = (A - Y) / len(Y) * A * (1 - A)
    return out


FAILED_CELLS = []


def record(course, names):
    """{graded name: [(kwargs, answer), ...]} from the solutions' test cells, run with the kit's checks."""
    cases = {}
    for path in sorted(__import__("pathlib").Path(course, "solutions").glob("*/*.ipynb")):
        if names and path.parent.name not in names:
            continue
        nb = nbformat.read(path, 4)
        ns = {"__name__": "__solution__"}
        graded = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code":
                continue
            if meta.get("grade") and not meta.get("solution"):
                for g in graded:
                    if inspect.isfunction(ns.get(g)):  # a graded value (exercise 01's gates) has no arguments
                        ns[g] = recorder(g, ns[g], cases)
                graded = []
            try:
                exec(compile(cell.source, str(path), "exec"), ns)
            except Exception as exc:  # the kit fails a reference solution: fewer cases to probe
                FAILED_CELLS.append(f"{path.name} {meta.get('grade_id')}: {type(exc).__name__}: {exc}"[:300])
            if meta.get("solution"):
                graded.append(meta["grade_id"])
    return cases


def recorder(name, fn, cases):
    if getattr(fn, "_recording", False):
        return fn
    sig = inspect.signature(fn)

    def wrapped(*args, **kwargs):
        out = fn(*args, **kwargs)
        kept = cases.setdefault(name, [])
        if len(kept) < MAX_CASES:
            kw = dict(sig.bind(*args, **kwargs).arguments)
            kept.append((copy.deepcopy(kw), copy.deepcopy(out)))
        return out
    wrapped._recording = True
    return wrapped


def leaves(value):
    """Arrays and numbers inside value (tuples, lists, dicts), in order; None where not numeric."""
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in leaves(v)]
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return [None]
    return [arr]


def same(a, b):
    if a is None or b is None or a.shape != b.shape:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.allclose(a, b, equal_nan=True, **LEAK_TOL))


def parts(answer, inputs):
    """The answer's leaves worth protecting: arrays of 2+ entries, not all equal (zeros), that are not
    an input as given."""
    given = [leaf for leaf in leaves(inputs) if leaf is not None]
    return [p for p in leaves(answer) if p is not None and p.size >= 2 and np.ptp(p) > 0
            and not any(same(p, g) for g in given)]


def contains(result, answer, protected):
    """Whether result, or something inside it, is the answer or one of its protected parts."""
    stack = [result]
    while stack:
        item = stack.pop()
        got = leaves(item)
        want = leaves(answer)
        if len(got) == len(want) and all(same(g, w) for g, w in zip(got, want)):
            return True
        if len(got) == 1 and any(same(got[0], p) for p in protected):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def candidates():
    """(module name, function name, function) of every function the kit's checks modules define,
    except the checks themselves (they return None) and helpers that compute with PyTorch (a NumPy
    exercise that calls torch earns nothing, and the kit ships the PyTorch twins anyway)."""
    for info in pkgutil.iter_modules(checks_pkg.__path__):
        mod = importlib.import_module(f"autograder.checks.{info.name}")
        for name, fn in vars(mod).items():
            if not (inspect.isfunction(fn) and fn.__module__ == mod.__name__) or name.startswith("check_"):
                continue
            if "torch" in inspect.getsource(fn):
                continue
            yield info.name, name, fn


def graders():
    """{graded name: the checks module that defines check_<name>}."""
    out = {}
    for info in pkgutil.iter_modules(checks_pkg.__path__):
        mod = importlib.import_module(f"autograder.checks.{info.name}")
        out.update({n[len("check_"):]: info.name for n in vars(mod) if n.startswith("check_")})
    return out


def blocked(name):
    """Patch every reference named ``name`` (kit shims, twins, and the checks' own imports of them) to raise."""
    def refuse(*a, **k):
        raise LookupError(f"{name}: the reference is withheld while its leaks are probed")
    patched = []
    for pkg in ("autograder.ref_numpy", "autograder.ref_torch"):
        base = importlib.import_module(pkg)
        for info in pkgutil.iter_modules(base.__path__):
            mod = importlib.import_module(f"{pkg}.{info.name}")
            if callable(getattr(mod, name, None)):
                patched.append((mod, name, getattr(mod, name)))
    originals = {id(fn) for _, _, fn in patched}
    for info in pkgutil.iter_modules(checks_pkg.__path__):
        mod = importlib.import_module(f"autograder.checks.{info.name}")
        for attr, value in list(vars(mod).items()):
            if id(value) in originals:
                patched.append((mod, attr, value))
    for mod, attr, _ in patched:
        setattr(mod, attr, refuse)
    return patched


def calls(fn, kw, extra, positional_too):
    """Argument sets to try: by name (graded arguments and hint values) and, for the helpers of the
    graded function's own checks module, by position; flags varied."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    params = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    required = [p.name for p in params if p.default is p.empty]
    pool = {**kw, **extra}
    bases = []
    if required and all(r in pool for r in required):
        bases.append(((), {p.name: pool[p.name] for p in params if p.name in pool}))
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if positional_too and len(required) <= len(kw) <= len(positional):
        bases.append((tuple(kw.values()), {}))
    for args, kwargs in bases:
        yield args, kwargs
        taken = set(kwargs) | {p.name for p in positional[:len(args)]}
        for p in params:
            if p.name not in taken and isinstance(p.default, bool):
                yield args, {**kwargs, p.name: not p.default}


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def scan(cases):
    """Leaks: a helper whose every returning call (of one way of calling it) gives one graded function's
    answer on all the recorded cases; a match on some inputs only (a mistake that coincides with the
    answer on one sequence step, or on inputs without a tie) is a coincidence, not a computation."""
    signal.signal(signal.SIGALRM, on_alarm)
    tried, verdicts, seconds = 0, {}, {}
    funcs, home = list(candidates()), graders()
    for graded, kept in sorted(cases.items()):
        patched = blocked(graded)
        try:
            for kw, answer in kept:
                if any(same(a, b) for a in leaves(answer) for b in leaves(kw)) and len(leaves(answer)) == 1:
                    continue  # the answer is one of the inputs (dx = dout with p = 0): any echo would match
                protected = parts(answer, kw)
                extra = intermediates(graded, kw)
                for modname, name, fn in funcs:
                    for way, (args, kwargs) in enumerate(calls(fn, kw, extra, home.get(graded) == modname)):
                        tried += 1
                        start = time.perf_counter()
                        signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
                        try:
                            result = fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))
                        except Timeout:
                            result = "timeout"
                            verdicts.setdefault((graded, f"{modname}.{name} (timed out)", way), []).append(True)
                            continue
                        except BaseException as exc:
                            if isinstance(exc, KeyboardInterrupt):
                                raise
                            continue
                        finally:
                            signal.setitimer(signal.ITIMER_REAL, 0)
                            key = f"{modname}.{name}"
                            seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - start
                        if result is None:
                            continue
                        verdict = verdicts.setdefault((graded, key, way), [])
                        verdict.append(contains(result, answer, protected))
        finally:
            for mod, attr, value in patched:
                setattr(mod, attr, value)
    found = [dict(graded=g, helper=h, way=w, cases=len(v)) for (g, h, w), v in sorted(verdicts.items())
             if all(v)]
    slow = sorted(seconds.items(), key=lambda kv: -kv[1])[:8]
    return found, tried, slow


import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    cases = record(course, wanted)
    found, tried, slow = scan(cases)
print(json.dumps(dict(leaks=found, graded=sorted(cases), tried=tried, slowest=slow, failed_cells=FAILED_CELLS)))
'''


def scan(kit, exercises=()):
    """Run SCAN in the kit (its package first on the path) -> {'leaks': [...], 'graded': [...], 'tried': n}."""
    env = dict(os.environ, PYTHONPATH=str(kit), PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run([sys.executable, "-c", SCAN, str(ROOT), str(kit / "autograder"), *exercises],
                         capture_output=True, text=True, env=env, cwd=kit, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """The student kit, built from this checkout."""
    out = tmp_path_factory.mktemp("kit") / "kit"
    student_kit.build(ROOT, out)
    return out


def test_no_function_of_the_kits_checks_returns_a_graded_answer(kit):
    result = scan(kit)
    assert result["failed_cells"] == []  # the kit's checks pass the solutions: every call was recorded
    assert len(result["graded"]) >= 60, result["graded"]  # every exercise's graded functions were probed
    assert result["tried"] > 1000
    assert result["leaks"] == [], "\n".join(
        f"{leak['helper']} returns the answer of {leak['graded']} ({leak['cases']} cases)"
        for leak in result["leaks"])


#: Helpers a careless author could add to the checks; each computes an answer (plain NumPy).
PLANTED = {
    "ex05_backprop": '''
def _planted_variant_backward(params, cache, Y, out_prime=True, scale=None):
    """The old switchable generator: with its defaults, mlp_backward's answer."""
    zs, acts = cache
    delta = (acts[-1] - Y) * (1.0 / Y.shape[0] if scale is None else scale)
    delta = delta * acts[-1] * (1 - acts[-1]) if out_prime else delta
    grads = []
    for l in range(len(params), 0, -1):
        grads.append((acts[l - 1].T @ delta, delta.sum(axis=0)))
        if l > 1:
            delta = (delta @ params[l - 1][0].T) * acts[l - 1] * (1 - acts[l - 1])
    return grads[::-1]
''',
    "ex11_rnn": '''
def _planted_step_grads(da, cache):
    """The old helper: with the derivative the hint spells out, rnn_step_backward's answer."""
    x, h_prev, Wx, Wh, _, _ = cache
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)
''',
    "ex04_softmax_losses": '''
def _planted_mistakes(logits):
    """A mistake table that also holds the right softmax."""
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return {"wrong axis": e / e.sum(axis=0, keepdims=True), "right": e / e.sum(axis=-1, keepdims=True)}
''',
}


def test_scan_finds_helpers_that_compute_answers(kit, tmp_path):
    planted = tmp_path / "kit"
    shutil.copytree(kit, planted)
    for module, text in PLANTED.items():
        path = planted / "autograder" / "checks" / f"{module}.py"
        path.write_text(path.read_text() + "\n" + textwrap.dedent(text))
    result = scan(planted, ["04_softmax_losses", "05_backprop", "11_rnn"])
    found = {(leak["helper"], leak["graded"]) for leak in result["leaks"]}
    assert found == {("ex05_backprop._planted_variant_backward", "mlp_backward"),
                     ("ex11_rnn._planted_step_grads", "rnn_step_backward"),
                     ("ex04_softmax_losses._planted_mistakes", "softmax")}, result["leaks"]
