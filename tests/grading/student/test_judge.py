"""The judge against hostile 04_softmax_losses notebooks (issue 7, "What broke" 5, 6 and 7).

Each test grades one small notebook with ``grade_notebook`` (one worker, no
whole-class run) and states the expected points, status and reason.
"""

import json
import time

import pytest
from helpers.grader_attacks import FULL, POINTS, SOLUTION, STABLE, STUB, add_cells, edit, limits, source, write

from autograder.grading.course import classroom, collect, late
from autograder.grading.records import gradebook
from autograder.grading.student.judge import TestResult as Result, failure_kind, grade_notebook

HIDDEN = "a hidden test failed: "

#: Right on the visible inputs (shapes (5, 4) and (3, 4) for softmax, 1-D and (3, 4) for the
#: binary cross-entropy and (10,) for mae), wrong in a different way on hidden ones; rmse raises
#: every input softmax has seen so far, to show which inputs reached the student's code
#: before a message the student may read was written.
HIDER = edit(
    SOLUTION,
    softmax="SEEN = []\n" + STABLE["softmax"].replace(
        "    e = ", "    SEEN.append(logits.shape)\n    if logits.shape[1] == 1000:\n"
                   "        return np.full(logits.shape, 0.5)\n    e = "),
    cross_entropy=STABLE["cross_entropy"].replace(
        "    m = ", "    if logits.shape[1] == 1000:\n"
                   "        raise ValueError('LEAK' + repr(logits.ravel()[:4].tolist()))\n    m = "),
    binary_cross_entropy=STABLE["binary_cross_entropy"].replace(
        "    return float(", "    if logits.shape == (5, 3):\n        return np.array([0.5])\n    return float("),
    mae=STABLE["mae"].replace("    return", "    while pred.shape == (1,):\n        pass\n    return"),
    rmse="def rmse(pred, target):\n    raise ValueError('LEAK' + repr(SEEN))\n",
)


def by_id(result):
    return {t.grade_id: t for t in result.tests}


@pytest.fixture(scope="module")
def hider(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("hider"), HIDER)
    return by_id(grade_notebook(source(), path, limits(timeout=3.0)))


@pytest.mark.parametrize("test_id, kind", [
    ("test_softmax", "wrong value"),
    ("test_cross_entropy", "raised an exception (ValueError)"),
    ("test_binary_cross_entropy", "wrong shape"),
    ("test_mae", "timed out"),
])
def test_a_failed_hidden_test_says_only_its_kind(hider, test_id, kind):
    result = hider[test_id]
    assert result.points == 0.0 and result.max_points == POINTS[test_id]
    assert result.hidden and result.message == HIDDEN + kind  # no values, shapes or student text


def test_the_students_exception_text_from_a_hidden_test_is_not_shown(hider):
    ce = hider["test_cross_entropy"]
    assert "LEAK" not in ce.message and "10000" not in ce.message
    assert "LEAK" in ce.full_message, "the instructor's full message keeps it"


def test_a_visible_failure_keeps_its_message_but_no_hidden_input_reached_it(hider):
    rmse = hider["test_rmse"]
    assert not rmse.hidden and rmse.points == 0.0
    assert "raised ValueError" in rmse.message and "LEAK[(5, 4), (3, 4)]" in rmse.message
    for hidden_shape in ("(8, 1000)", "(1, 3)", "(4, 4)"):  # softmax's hidden inputs
        assert hidden_shape not in rmse.message, "visible tests all run before any hidden one"


def test_full_messages_are_stored_only_when_asked():
    test = Result("test_softmax", 0.0, 3.0, HIDDEN + "wrong value", hidden=True,
                      full_message="softmax(...) entry [0, 1] is nan but should be 0.25")
    assert "full_message" not in classroom.test_record(test, full_messages=False)
    assert classroom.test_record(test, full_messages=True)["full_message"] == test.full_message


def test_failure_kinds_of_the_checks_own_messages():
    from autograder.checks import compare

    def verdict(fn):
        try:
            fn()
        except AssertionError as exc:
            return failure_kind(exc)
        raise AssertionError("no failure")

    import numpy as np
    assert verdict(lambda: compare.assert_close("y", np.zeros(3), np.ones(3))) == "wrong value"
    assert verdict(lambda: compare.assert_close("y", np.zeros((2, 3)), np.ones(3))) == "wrong shape"
    assert verdict(lambda: compare.assert_close("y", [1.0, 2.0], np.ones(2))) == "wrong type of result"
    assert verdict(lambda: compare.call(lambda x: 1 / 0, "f", x=1.0)) == "raised an exception (ZeroDivisionError)"


def test_a_time_budget_stops_cells_that_sleep_just_under_the_timeout(tmp_path):
    """40 cells of 0.8 s each under a 1 s timeout: without a budget, 32 s and full marks."""
    nb = add_cells(SOLUTION, *["import time\ntime.sleep(0.8)\n"] * 40, after="rmse")
    path = write(tmp_path, nb)
    start = time.monotonic()
    result = grade_notebook(source(), path, limits(timeout=1.0), deadline=time.monotonic() + 3.0, budget=3.0)
    elapsed = time.monotonic() - start
    assert result.score == 0.0
    for test in result.tests:
        assert "time budget of 3 s" in test.message, test.message
    assert elapsed < 3.0 + 2 * 1.0 + 10.0, "the budget, a timeout and a worker start at most"


def test_a_time_budget_stops_slow_calls(tmp_path):
    """Every function sleeps 0.8 s per call: the budget runs out and the last tests score 0."""
    wrap = ("import time as _t\ndef _slow(f):\n    def g(*a, **k):\n        _t.sleep(0.8)\n"
            "        return f(*a, **k)\n    return g\n"
            "softmax, cross_entropy, binary_cross_entropy, mae, rmse = map(_slow, "
            "(softmax, cross_entropy, binary_cross_entropy, mae, rmse))\n")
    path = write(tmp_path, add_cells(SOLUTION, wrap, after="rmse"))
    result = grade_notebook(source(), path, limits(timeout=2.0), deadline=time.monotonic() + 4.0, budget=4.0)
    tests = by_id(result)
    assert result.score < FULL
    assert tests["test_rmse"].points == 0.0 and "time budget" in tests["test_rmse"].message


def test_a_cell_whose_source_is_not_text_costs_that_cell_only(tmp_path):
    nb = edit(SOLUTION, mae=["def mae(pred, target):\n", 5])
    nb = add_cells(nb, {"not": "code"}, after="setup")
    nb["cells"][2]["metadata"] = ["not", "a", "mapping"]  # the checks cell: treated as an added cell
    result = grade_notebook(source(), write(tmp_path, nb), limits())
    tests = by_id(result)
    assert result.score == FULL - POINTS["test_mae"]
    assert tests["test_mae"].points == 0.0 and "malformed" in tests["test_mae"].message
    problems = " | ".join(result.problems)
    assert "its source is not text (a list)" in problems and "its source is not text (a dict)" in problems
    assert "metadata is not a mapping" in problems


def test_the_notebook_of_another_assignment_is_named_as_such(tmp_path):
    other = json.loads((source_root() / "01_perceptron" / "01_perceptron.ipynb").read_text())
    result = grade_notebook(source(), write(tmp_path, other), limits())
    assert result.score == 0.0 and not result.error
    assert any("another assignment" in p for p in result.problems), result.problems


@pytest.mark.parametrize("text, words", [
    ('{"cells": [', "not valid JSON"),
    ('[1, 2]', "not a notebook"),
    ('{"cells": [], "nbformat": 3}', "nbformat 3"),
    ("[" * 200_000, "not valid JSON"),                     # nesting deeper than the parser's recursion
])
def test_a_malformed_notebook_scores_zero_with_its_reason(tmp_path, text, words):
    result = grade_notebook(source(), write(tmp_path, text), limits())
    assert result.score == 0.0 and not result.error
    assert all(words in t.message for t in result.tests)


def test_a_symlink_to_the_solutions_is_refused_not_read(tmp_path):
    link = tmp_path / "04_softmax_losses.ipynb"
    link.symlink_to(source_root() / "04_softmax_losses" / "04_softmax_losses.ipynb")
    result = grade_notebook(source(), link, limits())
    assert result.score == 0.0 and "symbolic link" in result.error
    assert all("symbolic link" in t.message for t in result.tests)


def test_an_oversized_notebook_is_refused_with_the_limit(tmp_path):
    nb = add_cells(STUB, "x = 1\n" + "# padding\n" * 200_000)
    result = grade_notebook(source(), write(tmp_path, nb), limits(), max_bytes=2**20)
    assert result.score == 0.0 and "larger than the limit of 1 MB" in result.error


def test_refused_notebooks_make_the_student_an_error_never_a_score(tmp_path):
    link = tmp_path / "eve" / "04_softmax_losses" / "04_softmax_losses.ipynb"
    link.parent.mkdir(parents=True)
    link.symlink_to(source_root() / "04_softmax_losses" / "04_softmax_losses.ipynb")
    sub = collect.find(tmp_path, "04_softmax_losses", ["04_softmax_losses"])[0]
    entry = late.settle(classroom.grade_student(sub, {"04_softmax_losses": source()}, limits()), None, sub)
    assert entry["status"] == "error" and entry["score"] == 0.0
    assert "symbolic link" in entry["reason"]
    out = tmp_path / "grades.csv"
    gradebook.record(out, "04_softmax_losses", sub.student_id, entry)
    assert "error" in out.read_text() and ",0.0," not in out.read_text(), "an error shows no score"


def source_root():
    from helpers.paths import ROOT

    return ROOT / "solutions"


def test_a_check_that_crashes_is_the_graders_error_not_a_zero(tmp_path):
    """The trusted check raising (not a verdict, nothing the student raised) is never a student's zero."""
    src = source()
    src.tests[-1].source = "check_rmse(rmse)\n### BEGIN HIDDEN TESTS\n[11, 12][5]\n### END HIDDEN TESTS\n"
    result = grade_notebook(src, write(tmp_path, SOLUTION), limits())
    rmse = by_id(result)["test_rmse"]
    assert rmse.error and rmse.hidden and rmse.points == 0.0
    assert rmse.message.startswith("the grader could not run this test (IndexError in the check)")
    assert "test_rmse" in result.error and result.score == FULL - POINTS["test_rmse"]
    sub = collect.Submission("s", notebooks={"04_softmax_losses": write(tmp_path / "s", SOLUTION)}, raw_id="s")
    entry = late.settle(classroom.grade_student(sub, {"04_softmax_losses": src}, limits()), None, sub)
    assert entry["status"] == "error" and "could not run test_rmse" in entry["reason"]
