"""Recording grades (issue 7, "What broke" 5 and 6): one student's failure stays theirs.

Student text that would crash an encoder or bloat the store, a gradebook that
cannot be read, a lock held by someone else, formula injection, paths that
leave the feedback folder, an unavailable sandbox.
"""

import csv
import fcntl
import json
import os
import subprocess
import sys

import pytest
from helpers.grader_attacks import A, POINTS, SOLUTION, STABLE, edit, limits, source, write
from helpers.paths import ROOT

from autograder.grading.course import classroom, collect, late
from autograder.grading.records import feedback, gradebook
from autograder.grading.records.gradebook import FORMULA_START, GradebookError


def grade_and_record(tmp_path, nb, student="s"):
    """Grade ``nb`` as one student, record it in tmp_path/grades.csv; return (entry, csv path)."""
    path = write(tmp_path / "class" / student / A, nb)
    sub = collect.Submission(student, notebooks={A: path}, raw_id=student)
    entry = late.settle(classroom.grade_student(sub, {A: source()}, limits()), None, sub)
    out = tmp_path / "grades.csv"
    gradebook.record(out, A, student, entry)
    return entry, out


def all_text(value):
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from all_text(v)
    elif isinstance(value, list):
        for v in value:
            yield from all_text(v)


def test_a_lone_surrogate_cannot_crash_the_csv_or_poison_the_store(tmp_path):
    nb = edit(SOLUTION, softmax="raise ValueError('\\ud800')\n" + STABLE["softmax"],
              cross_entropy="def cross_entropy(logits, labels):\n    raise ValueError('\\ud800\\x1b[31m')\n")
    entry, out = grade_and_record(tmp_path, nb)
    assert entry["score"] == 10.0 - POINTS["test_softmax"] - POINTS["test_cross_entropy"]
    assert entry["status"] == "graded" and "ValueError" in entry["reason"]
    data = gradebook.load(gradebook.store_path(out))
    for text in all_text(data):
        text.encode("utf-8")  # no lone surrogate survives
        assert "\x1b" not in text
    assert list(csv.DictReader(out.open(encoding="utf-8")))[0]["student_id"] == "s"
    gradebook.record(out, A, "t", dict(entry))  # the next student records fine
    assert feedback.write_feedback(out, A, tmp_path / "fb") and feedback.export(out, tmp_path / "x.csv") == 2


def test_an_old_poisoned_store_is_read_and_rewritten_clean(tmp_path):
    out = tmp_path / "grades.csv"
    entry = dict(score=1.0, max_score=10.0, status="graded", reason="\ud800 \x1b[2J", tests=[], problems=[])
    gradebook.store_path(out).write_text(json.dumps({A: {"old": entry}}))  # \ud800 as a JSON escape
    gradebook.record(out, A, "new", dict(entry, reason="fine"))
    rows = {r["student_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(rows) == {"old", "new"} and "\x1b" not in rows["old"]["reason"]


def test_three_twenty_million_character_exceptions_leave_the_store_small(tmp_path):
    huge = "def {0}(*args):\n    raise ValueError('x' * 20_000_000)\n"
    nb = edit(SOLUTION, softmax=huge.format("softmax"), cross_entropy=huge.format("cross_entropy"),
              binary_cross_entropy=huge.format("binary_cross_entropy"))
    entry, out = grade_and_record(tmp_path, nb)
    assert entry["score"] == POINTS["test_mae"] + POINTS["test_rmse"]
    assert gradebook.store_path(out).stat().st_size < 100_000
    assert out.stat().st_size < 20_000


def test_an_unreadable_gradebook_stops_every_command_and_is_not_overwritten(tmp_path):
    out = tmp_path / "grades.csv"
    store = gradebook.store_path(out)
    for text in ("{not json", "[1, 2, 3]", '{"a": {"s": 5}}'):
        store.write_text(text)
        with pytest.raises(GradebookError):
            gradebook.record(out, A, "s", dict(score=0.0))
        assert store.read_text() == text
    write(tmp_path / "class" / "s" / A, SOLUTION)
    for args in (["grade", A, str(tmp_path / "class"), "--allow-weak-sandbox", "--out", str(out)],
                 ["feedback", A, "--gradebook", str(out), "--out", str(tmp_path / "fb")],
                 ["export", "--gradebook", str(out), "--out", str(tmp_path / "export.csv")]):
        done = cli(*args)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "gradebook" in done.stderr and store.read_text() == text
    assert not out.exists()


def test_csv_cells_are_safe_against_formula_injection(tmp_path):
    out = tmp_path / "grades.csv"
    for sid, reason in (("=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")"), ("+1", "@SUM(A1)"),
                        ("-2", "-1+1"), ("ok", "\t=1")):
        gradebook.record(out, A, sid, dict(score=1.0, max_score=10.0, status="graded", reason=reason))
    feedback.export(out, tmp_path / "export.csv")
    for path in (out, tmp_path / "export.csv"):
        for row in csv.reader(path.open(encoding="utf-8")):
            for cell in row:
                assert not cell.startswith(FORMULA_START), (path.name, cell)


def test_a_worker_holding_the_old_lock_file_cannot_stall_recording(tmp_path):
    out = tmp_path / "grades.csv"
    old = open(str(gradebook.store_path(out)) + ".lock", "w")   # where the lock used to be
    fcntl.flock(old, fcntl.LOCK_SH)
    try:
        gradebook.record(out, A, "s", dict(score=1.0))
    finally:
        old.close()
    private = tmp_path / gradebook.PRIVATE
    assert list(private.iterdir()) == [], "no lock or temporary file left behind"
    assert oct(private.stat().st_mode & 0o777) == "0o700"
    assert str(private.resolve()) in classroom.hidden_paths(tmp_path, tmp_path / "class", out)


def test_a_held_lock_times_out_with_one_line(tmp_path, monkeypatch):
    out = tmp_path / "grades.csv"
    lock = gradebook.private_dir(tmp_path) / "grades.json.lock"
    holder = open(lock, "w")
    fcntl.flock(holder, fcntl.LOCK_EX)
    monkeypatch.setattr(gradebook, "LOCK_TIMEOUT", 0.3)
    try:
        with pytest.raises(GradebookError, match="locked by another process"):
            gradebook.record(out, A, "s", dict(score=1.0))
    finally:
        holder.close()
    assert not gradebook.store_path(out).exists()


def test_a_failed_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "grades.json"
    target.write_text("before")

    def broken(handle):
        handle.write("half")
        raise OSError("disk full")
    with pytest.raises(OSError):
        gradebook._atomic_write(target, broken)
    assert target.read_text() == "before"
    assert list((tmp_path / gradebook.PRIVATE).iterdir()) == []


def test_one_students_failure_is_one_error_row(tmp_path, monkeypatch):
    """A grader bug for one student, and one record that cannot be stored: error rows, the class goes on."""
    for sid in ("ann", "bob", "cy"):
        write(tmp_path / "class" / sid / A, SOLUTION)

    def fake_grade(sub, srcs, lim, options):
        if sub.student_id == "bob":
            raise RuntimeError("a bug of ours")
        return dict(score=10.0, max_score=10.0, status="graded", reason="", tests=[], problems=[],
                    sandbox=options.mode, weird=object() if sub.student_id == "cy" else None)
    monkeypatch.setattr(classroom, "grade_student", fake_grade)
    real_record = gradebook.record

    def record(out, assignment, sid, entry, **how):
        if entry.get("weird") is not None:
            raise TypeError("cannot store this entry")
        real_record(out, assignment, sid, entry, **how)
    monkeypatch.setattr(gradebook, "record", record)
    out = tmp_path / "grades.csv"
    results = classroom.grade_class(A, tmp_path / "class", out, course=ROOT, jobs=1,
                                    limits=limits(), progress=False)
    assert {s: e["status"] for s, e in results.items()} == {"ann": "graded", "bob": "error", "cy": "error"}
    assert "could not grade this student: RuntimeError: a bug of ours" in results["bob"]["reason"]
    assert "could not record this student: TypeError" in results["cy"]["reason"]
    rows = {r["student_id"]: r for r in csv.DictReader(out.open())}
    assert rows["bob"]["score"] == "" and rows["bob"]["status"] == "error"
    assert classroom.summary(results) == {"graded": 1, "zero": 0, "error": 2}
    assert not (tmp_path / gradebook.PRIVATE).exists(), "the private folder goes at the end of the run"


def test_feedback_stays_in_its_folder_and_hides_full_messages(tmp_path):
    out = tmp_path / "grades.csv"
    test = dict(grade_id="test_softmax", points=0.0, max_points=3.0, message="a hidden test failed: wrong value",
                hidden=True, full_message="SECRET expected 0.25 at seed 11")
    for sid in ("..", "../../escape", "a/b", "ok"):
        gradebook.record(out, A, sid, dict(score=0.0, max_score=10.0, status="zero", tests=[test], problems=[]))
    gradebook.record(out, A, "err", dict(score=0.0, max_score=10.0, status="error", reason="refused: a link"))
    fb = tmp_path / "deep" / "fb"
    warnings = []
    paths = feedback.write_feedback(out, A, fb, warn=warnings.append)
    assert len(paths) == 5 and all(p.resolve().is_relative_to(fb.resolve()) for p in paths)
    assert not (tmp_path / "deep" / f"{A}.html").exists() and not (tmp_path / "escape").exists()
    assert len(warnings) == 3
    pages = {p.parent.name: p.read_text() for p in paths}
    assert "SECRET" not in " ".join(pages.values()) and "wrong value" in pages["ok"]
    assert "not graded" in pages["err"] and "score <b>" not in pages["err"]


def test_grade_refuses_the_weak_sandbox_unless_allowed(tmp_path):
    write(tmp_path / "class" / "s" / A, SOLUTION)
    out = tmp_path / "grades.csv"
    done = cli("grade", A, str(tmp_path / "class"), "--out", str(out), env=dict(DLCOURSE_NO_BWRAP="1"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "bubblewrap" in done.stderr and "--allow-weak-sandbox" in done.stderr
    assert not out.exists() and not gradebook.store_path(out).exists(), "refused before any student"


def test_the_weak_sandbox_when_allowed_is_recorded_per_student(tmp_path):
    write(tmp_path / "class" / "s" / A, SOLUTION)
    out = tmp_path / "grades.csv"
    done = cli("grade", A, str(tmp_path / "class"), "--out", str(out), "--allow-weak-sandbox", "--quiet",
               env=dict(DLCOURSE_NO_BWRAP="1"))
    assert done.returncode == 0, done.stderr
    row = next(csv.DictReader(out.open()))
    assert row["sandbox"] == "hook-only" and row["status"] == "graded" and float(row["score"]) == 10.0
    assert json.loads(gradebook.store_path(out).read_text())[A]["s"]["sandbox"] == "hook-only"


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "autograder", "--course", str(ROOT), *args], cwd=ROOT,
                          capture_output=True, text=True, env=dict(os.environ, **(env or {})), timeout=300)


def test_a_hostile_class_end_to_end(tmp_path, root):
    """Links, unsafe and duplicate ids through `grade` and `feedback`: every row kept, nothing forged."""
    from helpers.grader_attacks import STUB

    cls = tmp_path / "class"
    write(cls / "=cmd|' /C calc'!A0" / A, STUB)
    write(cls / "\x1b[2K\x1b[1Aeve 10 of 10" / A, STUB)
    write(cls, STUB, name="..")                                   # ...ipynb
    write(cls, STUB, name="ann")
    write(cls / "ann" / A, STUB)
    (cls / "mal.ipynb").symlink_to(root / "solutions" / A / f"{A}.ipynb")
    out = tmp_path / "grades.csv"
    done = cli("grade", A, str(cls), "--out", str(out), "--quiet", "--allow-weak-sandbox", "--jobs", "2")
    assert done.returncode == 1, done.stderr  # mal's link is an error: the run says so in its exit code
    assert "\x1b" not in done.stdout + done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 6, "no submission silently dropped"
    by = {r["student_id"]: r for r in rows}
    assert by["mal"]["status"] == "error" and by["mal"]["score"] == "" and "symbolic link" in by["mal"]["reason"]
    assert by["ann"]["status"] == by["ann-2"]["status"] == "zero" and "two submissions" in by["ann-2"]["reason"]
    for row in rows:
        assert not any(cell.startswith(FORMULA_START) for cell in row.values()), row
        assert collect.valid_id(row["student_id"])
    fb = tmp_path / "fb"
    assert cli("feedback", A, "--gradebook", str(out), "--out", str(fb)).returncode == 0
    assert len(list(fb.glob(f"*/{A}.html"))) == 6 and not (tmp_path / f"{A}.html").exists()
