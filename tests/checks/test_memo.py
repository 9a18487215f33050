"""The PyTorch twins' results are remembered within a run; remembered equals fresh, for every twin.

``memo.VERIFY`` recomputes every remembered call and compares it byte for byte with the
copy given out, and checks that no twin changed its arguments: run over every check of
every exercise (the solutions' answer cells in place of a student's), twice, so that
every call of the first pass is remembered and verified in the second.
"""

import types

import numpy as np
import pytest

from helpers.paths import ROOT

from autograder.checks import memo
from autograder.checks.compare import quiet, torch_twin
from autograder.grading.student import judge
from autograder.grading.student.notebook import load_source


@pytest.fixture
def verifying(monkeypatch):
    memo.clear()
    monkeypatch.setattr(memo, "VERIFY", True)
    monkeypatch.setattr(memo, "MISMATCHES", [])
    token = quiet.set(True)
    yield memo
    quiet.reset(token)
    memo.clear()


def run_checks(source):
    """Every test cell of ``source`` (hidden parts included) against its own answer cells, in-process."""
    ns = judge.trusted_namespace(source)
    for code in source.solutions.values():
        exec(compile(code, "<answer>", "exec"), ns)
    for test in source.tests:
        exec(compile(test.source, f"<{test.grade_id}>", "exec"), ns)


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*/*.ipynb")), ids=lambda p: p.stem)
def test_remembered_twins_equal_fresh_ones_in_every_check(verifying, path):
    source = load_source(path)
    run_checks(source)
    first = dict(verifying.STATS)
    run_checks(source)
    assert not verifying.MISMATCHES, verifying.MISMATCHES[:5]
    # the second pass asked for exactly what the first computed: every call remembered and verified
    assert verifying.STATS["hits"] - first["hits"] == first["misses"] + first["hits"]
    assert verifying.STATS["misses"] == first["misses"]


def test_each_caller_gets_its_own_copy(verifying):
    twins, dev, numpy = torch_twin("perceptron")
    X, w = np.array([[1.0, -2.0], [0.5, 0.5]]), np.array([1.0, 1.0])
    out = twins.perceptron(X, w, 0.0, dev)
    out.fill_(7.0)  # a caller that changes its result in place
    again = twins.perceptron(X, w, 0.0, dev)
    assert numpy(again).tolist() == [0.0, 1.0] and verifying.STATS["hits"] == 1
    twins.perceptron(X, w, 0.5, dev)  # another input (one number differs): computed, not remembered
    assert verifying.STATS["misses"] == 2


def test_verify_catches_an_impure_twin_and_unkeyable_arguments_are_not_remembered(verifying):
    calls = []

    def counter(x):
        calls.append(1)
        return np.asarray(x) + len(calls)

    def scales_in_place(x):
        x *= 2
        return x.sum()

    def applies(fn, x):
        return fn(x)
    fake = types.ModuleType("fake_twins")
    fake.counter, fake.scales_in_place, fake.applies = counter, scales_in_place, applies
    twins = memo.memoized(fake)
    twins.counter(np.ones(2))
    twins.counter(np.ones(2))
    twins.scales_in_place(np.ones(3))
    assert any("counter: the remembered result differs" in m for m in verifying.MISMATCHES)
    assert any("scales_in_place changed its arguments" in m for m in verifying.MISMATCHES)
    twins.applies(np.sum, np.ones(2))
    twins.applies(np.sum, np.ones(2))
    assert verifying.STATS["hits"] == 1, "a function argument is not keyable: never remembered"
