"""Recording a class costs the same per student however large the class (issue 24, bug 3).

grades.json and the CSV used to be loaded and rewritten after every student: quadratic
in the class. A run now appends each record to a journal and writes both files once at
its end; every reader folds the journal in, so a ``kill -9`` loses no recorded student.
"""

import csv
import json
import subprocess
import sys
import textwrap

from helpers.grader_attacks import A, SOLUTION, limits, write

from autograder.grading.course import classroom
from autograder.grading.records import gradebook
from helpers.paths import ROOT


def entry(score, **more):
    return dict(score=score, max_score=10.0, status="graded" if score else "zero", reason="", tests=[],
                problems=[], **more)


def rows(out):
    return {r["student_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}


def test_a_class_run_writes_the_gradebook_once_not_once_per_student(tmp_path, monkeypatch):
    """30 students: grades.json and the CSV are each written once (they were written 30 times)."""
    for i in range(30):
        write(tmp_path / "class" / f"s{i:02d}" / A, SOLUTION)
    monkeypatch.setattr(classroom, "grade_student",
                        lambda sub, srcs, lim, options: entry(10.0, sandbox=options.mode))
    writes, loads = [], []
    real_write, real_load = gradebook._atomic_write, gradebook.load
    monkeypatch.setattr(gradebook, "_atomic_write", lambda target, fn: writes.append(target.name)
                        or real_write(target, fn))
    monkeypatch.setattr(gradebook, "load", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    out = tmp_path / "grades.csv"
    results = classroom.grade_class(A, tmp_path / "class", out, course=ROOT, jobs=2,
                                    limits=limits(), progress=False)
    assert len(results) == 30 and len(rows(out)) == 30
    assert sorted(writes) == ["grades.csv", "grades.json"], writes
    assert len(loads) <= 4, "loads at the start and the end of the run only, none per student"
    assert not (tmp_path / gradebook.PRIVATE).exists(), "the journal and the private folder are gone"


def test_a_batched_record_touches_neither_file_and_readers_see_it(tmp_path, monkeypatch):
    out = tmp_path / "grades.csv"
    for i in range(200):  # a large existing gradebook: a batched record must not read or rewrite it
        gradebook.record(out, A, f"old{i}", entry(1.0), batch=True)
    gradebook.settle(out)
    before = (out.read_bytes(), gradebook.store_path(out).read_bytes())
    monkeypatch.setattr(gradebook, "_atomic_write", lambda *a: (_ for _ in ()).throw(AssertionError("rewrite")))
    gradebook.record(out, A, "new", entry(7.0), batch=True)
    assert (out.read_bytes(), gradebook.store_path(out).read_bytes()) == before
    monkeypatch.undo()
    data = gradebook.load(gradebook.store_path(out))
    assert data[A]["new"]["score"] == 7.0 and len(data[A]) == 201


def test_batched_and_direct_records_keep_the_same_history(tmp_path):
    direct, batched = tmp_path / "d.csv", tmp_path / "b.csv"
    steps = [("ann", 5.0), ("bo", 3.0), ("ann", 6.0), ("ann", 7.0), ("bo", 0.0)]
    for sid, score in steps:
        gradebook.record(direct, A, sid, entry(score, graded_at=str(score)))
        gradebook.record(batched, A, sid, entry(score, graded_at=str(score)), batch=True)
        if sid == "bo":  # settle between some records, as two runs would
            gradebook.settle(batched)
    gradebook.settle(batched)
    assert gradebook.load(gradebook.store_path(direct)) == gradebook.load(gradebook.store_path(batched))
    assert [h["score"] for h in gradebook.load(gradebook.store_path(batched))[A]["ann"]["history"]] == [6.0, 5.0]
    assert direct.read_text() == batched.read_text()


KILLED = textwrap.dedent('''
    import os, signal, sys
    from autograder.grading.records import gradebook
    out, assignment = sys.argv[1:3]
    for i in range(5):
        gradebook.record(out, assignment, f"s{i}", dict(score=float(i), max_score=10.0, status="graded",
                         reason="", tests=[], problems=[]), batch=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the run dies before it writes the gradebook
''')


def test_kill_9_loses_no_recorded_student_and_the_next_command_writes_them(tmp_path):
    out = tmp_path / "grades.csv"
    gradebook.record(out, A, "s0", entry(9.0))  # an earlier run's record: s0 is regraded below
    done = subprocess.run([sys.executable, "-c", KILLED, str(out), A], capture_output=True, timeout=120)
    assert done.returncode == -9
    data = gradebook.load(gradebook.store_path(out))
    assert sorted(data[A]) == [f"s{i}" for i in range(5)], "a reader folds the journal"
    assert data[A]["s0"]["score"] == 0.0 and data[A]["s0"]["history"][0]["score"] == 9.0
    assert set(rows(out)) == {"s0"} and rows(out)["s0"]["score"] == "9.0", "the CSV is behind, untouched"
    gradebook.check_edits(out)  # the next command: a CSV behind its journal is not an edit by hand
    assert set(rows(out)) == {f"s{i}" for i in range(5)} and rows(out)["s0"]["score"] == "0.0"
    assert not (tmp_path / gradebook.PRIVATE).exists() or not any((tmp_path / gradebook.PRIVATE).iterdir())


def test_a_journal_already_folded_is_never_folded_twice(tmp_path):
    """Killed after grades.json was rewritten but before its journal was removed: the journal no
    longer extends grades.json and is ignored (each record once, no doubled history)."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, A, "ann", entry(5.0), batch=True)
    gradebook.record(out, A, "ann", entry(6.0), batch=True)
    store = gradebook.store_path(out)
    data = gradebook.load(store)
    gradebook.write_csv(out, data)  # what _save does, up to the kill
    gradebook._atomic_write(store, lambda handle: handle.write(json.dumps(data, indent=1, sort_keys=True)))
    again = gradebook.load(store)
    assert again == data and [h["score"] for h in again[A]["ann"]["history"]] == [5.0]
    gradebook.record(out, A, "bo", entry(1.0), batch=True)  # the stale journal is replaced, not extended
    gradebook.settle(out)
    final = gradebook.load(store)
    assert sorted(final[A]) == ["ann", "bo"] and len(final[A]["ann"]["history"]) == 1


def test_a_torn_last_line_is_ignored(tmp_path):
    out = tmp_path / "grades.csv"
    gradebook.record(out, A, "ann", entry(5.0), batch=True)
    journal = gradebook._journal(gradebook.store_path(out))
    with open(journal, "ab") as handle:
        handle.write(b'{"a": "%s", "s": "bo", "e": {"sco' % A.encode())  # killed mid-write
    assert sorted(gradebook.load(gradebook.store_path(out))[A]) == ["ann"]


def test_a_hand_edit_made_while_a_journal_is_pending_is_still_caught(tmp_path):
    out = tmp_path / "grades.csv"
    gradebook.record(out, A, "ann", entry(5.0))
    gradebook.record(out, A, "bo", entry(3.0), batch=True)  # pending, as after a kill
    out.write_text(out.read_text().replace("5.0", "9.0"))
    try:
        gradebook.check_edits(out)
    except gradebook.GradebookError as exc:
        assert "edited by hand" in str(exc) and "ann" in str(exc)
    else:
        raise AssertionError("the hand edit was not caught")
    assert rows(out)["ann"]["score"] == "9.0", "nothing was overwritten"


def test_jobs_default_is_the_cores_plus_one():
    """Workers wait on their pipes while the grader checks: one more job than cores (bench/grader_jobs.py)."""
    import os

    from autograder.cli import parser

    args = parser().parse_args(["grade", A, "class"])
    assert args.jobs == (os.cpu_count() or 1) + 1
    assert parser().parse_args(["grade", A, "class", "--jobs", "1"]).jobs == 1
