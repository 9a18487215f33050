"""A whole class through ``python -m autograder grade``: honest, broken and hostile submissions.

Each submission changes one thing in the solution (or the stub) of 01_perceptron;
the expected score says which tests that one thing may cost, and the reason must
say why. Everything is graded in one run, as an instructor would.
"""

import copy
import csv
import json
import subprocess
import sys
import zipfile

import pytest

from helpers.paths import ROOT

from autograder.grading.course.classroom import sandbox_mode

A = "01_perceptron"
FULL = 10.0
SOLUTION = json.loads((ROOT / "solutions" / A / f"{A}.ipynb").read_text())
STUB = json.loads((ROOT / "exercises" / A / f"{A}.ipynb").read_text())
#: The sandbox mode of this machine (bubblewrap, else hook-only, which these runs allow).
MODE = sandbox_mode(type("WeakAllowed", (), {"allow_weak": True})())
GOOD_PERCEPTRON = "def perceptron(X, w, b):\n    return (X @ w + b > 0).astype(float)\n"


def edit(nb, **cells):
    """A copy of ``nb`` whose cells with the given grade_ids get new sources."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in cells:
            cell["source"] = cells[gid]
    return nb


def perceptron_cell(body):
    """The solution with the perceptron cell replaced by ``body``."""
    return edit(SOLUTION, perceptron=body)


def drop(nb, *grade_ids):
    nb = copy.deepcopy(nb)
    nb["cells"] = [c for c in nb["cells"]
                   if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") not in grade_ids]
    return nb


def reorder_and_gut_tests(nb):
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade", False):
            cell["source"] = "print('all good')"
    nb["cells"].reverse()
    return nb


def strip_metadata(nb):
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("nbgrader", None)
    return nb


# student id -> (notebook or raw text, expected score, words the reason must contain)
CLASS = {
    "correct": (SOLUTION, FULL, []),
    "blank": (STUB, 0.0, ["not implemented"]),
    "half": (edit(STUB, perceptron=GOOD_PERCEPTRON, gates=SOLUTION["cells"][7]["source"]), 6.0,
             ["test_perceptron_update", "not implemented"]),
    "patches_numpy_testing": (perceptron_cell(
        "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
        "np.testing.assert_array_equal = lambda *a, **k: None\n"
        "def perceptron(X, w, b):\n    return np.zeros(len(X))\n"), 7.0, ["test_perceptron", "should be 1"]),
    "patches_checks": (perceptron_cell(
        "import autograder.checks.ex01_perceptron as c\nc.check_perceptron = lambda *a, **k: None\n"
        + GOOD_PERCEPTRON), 7.0, ["may not import autograder"]),
    "redefines_check_names": (perceptron_cell(
        "check_perceptron = lambda *a, **k: None\ncheck_gate = lambda *a, **k: None\n"
        "def perceptron(X, w, b):\n    return np.zeros(len(X))\n"), 7.0, ["test_perceptron"]),
    "array_pretender": (perceptron_cell(
        "class Yes(np.ndarray):\n    def __eq__(self, other): return np.ones(self.shape, bool)\n"
        "    def __ne__(self, other): return np.zeros(self.shape, bool)\n"
        "def perceptron(X, w, b):\n    return np.zeros(len(X)).view(Yes)\n"), 7.0, ["should be 1"]),
    "duck_pretender": (perceptron_cell(
        "class Fake:\n    shape = (7,)\n    def __eq__(self, other): return True\n"
        "    def __array__(self, *a, **k): return np.zeros(7)\n"
        "def perceptron(X, w, b):\n    return Fake()\n"), 7.0, ["Fake, which cannot be sent to the grader"]),
    "calls_reference": (perceptron_cell(
        "from autograder.ref_numpy.perceptron import perceptron\n"), 7.0, ["may not import autograder"]),
    "calls_torch": (perceptron_cell(
        "import torch\ndef perceptron(X, w, b):\n"
        "    return (torch.tensor(X) @ torch.tensor(w) + b > 0).double().numpy()\n"), 7.0, ["may not import torch"]),
    "reads_solutions": (perceptron_cell(
        f"SRC = open({str(ROOT / 'solutions' / A / (A + '.ipynb'))!r}).read()\n" + GOOD_PERCEPTRON),
        7.0, ["test_perceptron"]),
    "fake_success": (perceptron_cell(
        "print('\\N{CHECK MARK} perceptron matches the NumPy and PyTorch references on 2 batches')\n"
        "def perceptron(X, w, b):\n"
        "    print('\\N{CHECK MARK} perceptron matches the NumPy and PyTorch references')\n"
        "    return np.ones(len(X))\n"), 7.0, ["should be"]),
    "exits_in_cell": (perceptron_cell(GOOD_PERCEPTRON + "import os\nos._exit(3)\n"), 7.0, ["exited"]),
    "segfaults": (perceptron_cell(GOOD_PERCEPTRON + "import faulthandler\nfaulthandler._sigsegv()\n"),
                  7.0, ["exited"]),
    "sys_exit_in_function": (perceptron_cell(
        "import sys\ndef perceptron(X, w, b):\n    sys.exit(0)\n"), 7.0, ["SystemExit"]),
    "floods_output": (perceptron_cell(
        "def perceptron(X, w, b):\n    for _ in range(100):\n        print('x' * 10**6)\n"
        "    return (X @ w + b > 0).astype(float)\n"), 7.0, ["test_perceptron"]),
    "writes_gradebook": (perceptron_cell(
        "open(GRADEBOOK, 'w').write('student_id,score\\nwrites_gradebook,1000\\n')\n" + GOOD_PERCEPTRON),
        7.0, ["test_perceptron"]),
    "writes_other_student": (perceptron_cell(
        "open(OTHER, 'w').write('{}')\n" + GOOD_PERCEPTRON), 7.0, ["test_perceptron"]),
    "spawns_process": (perceptron_cell(
        "import subprocess\nsubprocess.run(['true'])\n" + GOOD_PERCEPTRON), 7.0, ["not allowed"]),
    "opens_socket": (perceptron_cell(
        "import socket\nsocket.create_connection(('127.0.0.1', 9))\n" + GOOD_PERCEPTRON), 7.0, ["test_perceptron"]),
    "kills_grader": (perceptron_cell(
        "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + GOOD_PERCEPTRON), 7.0, ["not allowed"]),
    "loops_in_call": (edit(SOLUTION,
                           train_perceptron="def train_perceptron(X, y, lr, epochs):\n    while True:\n        pass\n"),
                      8.0, ["timed out"]),
    "loops_in_cell": (edit(SOLUTION, gates="while True:\n    pass\n"), 7.0, ["timed out"]),
    "memory_blowup": (perceptron_cell(
        "def perceptron(X, w, b):\n    junk = np.ones((10**6, 10**5))\n    return junk[0]\n"), 7.0, ["MemoryError"]),
    "deleted_cells": (drop(SOLUTION, "perceptron", "test_perceptron", "test_gates"), 7.0, ["missing"]),
    "gutted_and_reordered_tests": (reorder_and_gut_tests(SOLUTION), FULL, []),
    "no_metadata": (strip_metadata(SOLUTION), FULL, []),
    "invalid_json": ('{"cells": [', 0.0, ["not valid JSON"]),
    "wrong_nbformat": (dict(SOLUTION, nbformat=3), 0.0, ["nbformat"]),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the class once; return (rows by student, the gradebook path, the class folder)."""
    tmp = tmp_path_factory.mktemp("class")
    root, out = tmp / "submitted", tmp / "grades.csv"
    out.write_text("student_id,assignment,score,max_score,status,reason,graded_at\n")
    for student, (nb, _, _) in CLASS.items():
        folder = root / student / A
        folder.mkdir(parents=True)
        text = nb if isinstance(nb, str) else json.dumps(nb)
        text = text.replace("GRADEBOOK", repr(str(out))).replace(
            "OTHER", repr(str(root / "correct" / A / "planted.ipynb")))
        (folder / f"{A}.ipynb").write_text(text)
    cmd = [sys.executable, "-m", "autograder", "grade", A, str(root), "--out", str(out),
           "--timeout", "4", "--memory", "1024", "--quiet", "--jobs", "2", "--allow-weak-sandbox"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return {r["student_id"]: r for r in csv.DictReader(out.open())}, out, root, done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(CLASS))
def test_score_and_reason(graded, student):
    rows = graded[0]
    _, expected, words = CLASS[student]
    row = rows[student]
    assert float(row["score"]) == expected, row["reason"]
    assert float(row["max_score"]) == FULL
    assert row["status"] == ("graded" if expected else "zero"), row["reason"]
    assert row["sandbox"] == MODE
    for word in words:
        assert word in row["reason"], row["reason"]
    if expected < FULL:
        assert row["reason"], "a lost point must come with a reason"


@pytest.mark.slow
def test_nothing_planted_and_summary(graded):
    rows, out, root, stdout = graded
    assert not (root / "correct" / A / "planted.ipynb").exists()
    assert set(rows) == set(CLASS), "every student has exactly one row"
    assert f"{len(CLASS)} submissions:" in stdout and "0 could not be graded" in stdout


@pytest.mark.slow
def test_regrade_keeps_other_results_and_is_idempotent(graded, tmp_path):
    rows, out, root, _ = graded
    sub = tmp_path / "late"
    (sub / "late_student" / A).mkdir(parents=True)
    (sub / "late_student" / A / f"{A}.ipynb").write_text(json.dumps(SOLUTION))
    for _ in range(2):
        subprocess.run([sys.executable, "-m", "autograder", "grade", A, str(sub), "--out", str(out), "--quiet",
                        "--allow-weak-sandbox"],
                       cwd=ROOT, check=True, capture_output=True)
    after = {r["student_id"]: r for r in csv.DictReader(out.open())}
    assert float(after["late_student"]["score"]) == FULL
    for student, row in rows.items():
        assert after[student]["score"] == row["score"], student
    assert len(after) == len(rows) + 1


@pytest.mark.slow
def test_zip_and_loose_layouts(tmp_path):
    zpath = tmp_path / "class.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr(f"submitted/ann/{A}/ann_final_copy.ipynb", json.dumps(SOLUTION))  # renamed
        zf.writestr(f"submitted/ben/{A}/{A}.ipynb", json.dumps(STUB))
        zf.writestr("../escape.txt", "zip slip")
    loose = tmp_path / "lms"
    loose.mkdir()
    (loose / "cy.ipynb").write_text(json.dumps(SOLUTION))
    (loose / "di.ipynb").write_text("not json")
    out = tmp_path / "g.csv"
    for source in (zpath, loose):
        subprocess.run([sys.executable, "-m", "autograder", "grade", A, str(source), "--out", str(out), "--quiet",
                        "--allow-weak-sandbox"],
                       cwd=ROOT, check=True, capture_output=True)
    rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(out.open())}
    assert rows == {"ann": FULL, "ben": 0.0, "cy": FULL, "di": 0.0}
    assert not (tmp_path / "escape.txt").exists()


@pytest.mark.slow
def test_killed_run_leaves_a_consistent_gradebook_and_the_next_run_completes(tmp_path):
    import os
    import signal
    import time

    root, out = tmp_path / "class", tmp_path / "grades.csv"
    students = [f"s{i}" for i in range(8)]
    for student in students:
        (root / student / A).mkdir(parents=True)
        (root / student / A / f"{A}.ipynb").write_text(json.dumps(SOLUTION))
    cmd = [sys.executable, "-m", "autograder", "grade", A, str(root), "--out", str(out), "--quiet", "--jobs", "1",
           "--allow-weak-sandbox"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    from autograder.grading.records import gradebook

    store = out.with_suffix(".json")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(gradebook.load(store).get(A, {})) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # The records of a run go to a journal that every reader folds in (whole entries: a torn
    # last line is ignored); grades.json and the CSV are written once, at the end of the run.
    partial = set(gradebook.load(store)[A])
    assert 2 <= len(partial) < len(students), "killed mid-run"
    assert not out.exists() or {r["student_id"] for r in csv.DictReader(out.open())} <= partial
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(out.open())}
    assert rows == {s: FULL for s in students}


def test_an_assignment_of_two_notebooks_names_the_notebook_of_each_test(tmp_path):
    """Two notebooks may hold tests of the same name: each record and reason says which notebook it is."""
    from autograder.grading.course import classroom
    from autograder.grading.student.remote import Limits

    course = tmp_path / "course"
    (course / "solutions" / "15_two").mkdir(parents=True)
    for part in ("part_a", "part_b"):
        (course / "solutions" / "15_two" / f"{part}.ipynb").write_text(json.dumps(SOLUTION))
    for student, notebooks in (("ann", {"part_a": STUB, "part_b": SOLUTION}), ("bo", {"part_a": SOLUTION})):
        for part, nb in notebooks.items():
            dest = tmp_path / "class" / student / "15_two" / f"{part}.ipynb"
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(json.dumps(nb))
    results = classroom.grade_class("15_two", tmp_path / "class", tmp_path / "grades.csv", course, jobs=2,
                                    limits=Limits(allow_weak=True), progress=False)
    assert results["ann"]["score"] == FULL and results["bo"]["score"] == FULL
    ids = [t["grade_id"] for t in results["ann"]["tests"]]
    assert len(ids) == len(set(ids)) and "part_a/test_perceptron" in ids and "part_b/test_perceptron" in ids
    assert "part_a/test_perceptron:" in results["ann"]["reason"], results["ann"]["reason"]
    assert "part_b/test_perceptron: notebook part_b.ipynb was not submitted" in results["bo"]["reason"]


def test_a_run_leaves_its_inputs_as_given_and_returns_what_it_learnt(tmp_path):
    """Before: grade_class wrote the sandbox mode and the default budget into the caller's Options (a
    Dask run its per-worker counts) and the hidden paths into its Limits. Now both are frozen, the
    result says what the run learnt, and the late rule is applied by the class run (late.settle)."""
    import dataclasses
    import datetime

    from autograder.grading.course import classroom
    from autograder.grading.course.late import LatePolicy
    from autograder.grading.student.remote import Limits

    dest = tmp_path / "class" / "ann" / A / f"{A}.ipynb"
    dest.parent.mkdir(parents=True)
    dest.write_text(json.dumps(SOLUTION))
    due = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1, hours=1)
    limits = Limits(timeout=20.0, allow_weak=True)
    options = classroom.Options(full_messages=True, late=LatePolicy(due, 10.0, True, "day"))
    before = (dataclasses.astuple(limits), dataclasses.astuple(options))
    results = classroom.grade_class(A, tmp_path / "class", tmp_path / "grades.csv", ROOT, jobs=1,
                                    limits=limits, progress=False, options=options)
    assert (dataclasses.astuple(limits), dataclasses.astuple(options)) == before and limits.deny_read == ()
    assert (results.mode, results.budget, results.per_worker) == (MODE, 200.0, {})
    ann = results["ann"]
    assert dict(results) == {"ann": ann} and (ann["score_before_penalty"], ann["penalty"]) == (FULL, 2.0)
    assert ann["score"] == FULL - 2.0 and ann["status"] == "graded" and "late by 1 d " in ann["reason"]
    for frozen, name in ((limits, "deny_read"), (options, "late")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(frozen, name, None)
