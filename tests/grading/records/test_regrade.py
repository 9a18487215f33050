"""Regrading and the safety of the files grade writes (issue 12, items 3 and 5), at function level.

History kept per student, --student choosing submissions, the CSV a view of
grades.json (hand edits refused or recorded as manual scores), outputs checked
before grading, files 0644 under the usual umask, nothing left behind.
"""

import csv
import os
import stat
from pathlib import Path

import pytest

from autograder.grading.course import classroom, collect
from autograder.grading.records import feedback, gradebook
from autograder.grading.records.gradebook import GradebookError
from helpers.unprivileged import NOBODY, as_nobody, shared_folder


def entry(score, status="graded", graded_at="t"):
    return dict(score=score, max_score=10.0, status=status, reason="", tests=[], problems=[], graded_at=graded_at)


def test_every_earlier_result_stays_in_the_history_newest_first(tmp_path):
    out = tmp_path / "grades.csv"
    for n, score in enumerate([2.0, 5.0, 9.0]):
        gradebook.record(out, "01_a", "ann", entry(score, graded_at=f"t{n}"))
    gradebook.record(out, "01_a", "bo", entry(1.0))
    ann = gradebook.load(gradebook.store_path(out))["01_a"]["ann"]
    assert ann["score"] == 9.0 and [h["graded_at"] for h in ann["history"]] == ["t1", "t0"]
    assert [h["score"] for h in ann["history"]] == [5.0, 2.0] and all("history" not in h for h in ann["history"])
    rows = {r["student_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["ann"]["score"] == "9.0" and len(rows) == 2, "the CSV shows the latest only"
    assert "9 / 10" in feedback.render("ann", "01_a", ann)


def test_student_choice_by_recorded_or_raw_id():
    subs = [collect.Submission("12345", raw_id="12345"), collect.Submission("ann", raw_id="ann"),
            collect.Submission("x-1a2b3c4d", raw_id="=x")]
    assert [s.student_id for s in classroom.chosen(subs, ("ann", "=x"))] == ["ann", "x-1a2b3c4d"]
    assert classroom.chosen(subs, ()) == subs
    with pytest.raises(collect.SubmissionsError, match="no submission of zed"):
        classroom.chosen(subs, ("ann", "zed"))
    canvas = [collect.Submission("1001", raw_id="1001", name="müller"), collect.Submission("1002", name="lee")]
    assert [s.student_id for s in classroom.chosen(canvas, ("müller",))] == ["1001"], "by the LMS name too"


def test_a_hand_edited_score_is_refused_then_recorded_with_who_and_when(tmp_path):
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "ann", entry(5.0))
    gradebook.record(out, "01_a", "bo", entry(3.0))
    text = out.read_text(encoding="utf-8")
    out.write_text(text.replace("ann,01_a,5.0", "ann,01_a,8"), encoding="utf-8")
    for run in (lambda: gradebook.check_edits(out), lambda: feedback.export(out, tmp_path / "x.csv"),
                lambda: feedback.write_feedback(out, "01_a", tmp_path / "fb"),
                lambda: gradebook.check_output(out) or gradebook.check_edits(out)):
        with pytest.raises(GradebookError, match="edited by hand .*ann in 01_a: 8 in the CSV, 5.0 recorded"):
            run()
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "fb").exists()
    gradebook.check_edits(out, accept=True)
    ann = gradebook.load(gradebook.store_path(out))["01_a"]["ann"]
    assert ann["manual_score"]["score"] == 8.0 and ann["manual_score"]["replaced"] == 5.0
    assert ann["manual_score"]["by"] and ann["manual_score"]["at"]
    assert gradebook.csv_edits(out, gradebook.load(gradebook.store_path(out))) == []
    feedback.export(out, tmp_path / "x.csv")
    rows = {r["student_id"]: r for r in csv.DictReader((tmp_path / "x.csv").open(encoding="utf-8"))}
    assert rows["ann"]["01_a"] == "8" and rows["bo"]["01_a"] == "3"


@pytest.mark.parametrize("cell", ["-3", "11", "nan", "inf", "ten"])
def test_a_hand_edited_score_outside_zero_to_max_is_refused(tmp_path, cell):
    """A manual score must be a number from 0 to the points of the assignment (10 here), or nothing is recorded."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "ann", entry(5.0))
    out.write_text(out.read_text(encoding="utf-8").replace("ann,01_a,5.0", f"ann,01_a,{cell}"), encoding="utf-8")
    before = gradebook.store_path(out).read_bytes()
    with pytest.raises(GradebookError, match=f"ann in 01_a.*{cell}.*from 0 to 10"):
        gradebook.check_edits(out, accept=True)
    assert gradebook.store_path(out).read_bytes() == before


def test_a_row_added_by_hand_is_refused_not_ignored(tmp_path):
    """A row for a student (or assignment) the record does not have is never silently dropped."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "ann", entry(5.0))
    with open(out, "a", encoding="utf-8") as handle:
        handle.write("zed,01_a,7,10,graded,emailed late,,,,,,\n")
    for accept in (False, True):
        with pytest.raises(GradebookError, match="zed in 01_a.*not in the record"):
            gradebook.check_edits(out, accept=accept)
    assert "zed" not in gradebook.load(gradebook.store_path(out))["01_a"]


def test_grade_refuses_outputs_it_cannot_or_must_not_write(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\n")
    with pytest.raises(GradebookError, match="not written by grade.*--force"):
        gradebook.check_output(roster)
    gradebook.check_output(roster, force=True)
    assert roster.read_text() == "name,email\n"
    with pytest.raises(GradebookError, match="is a folder"):
        gradebook.check_output(tmp_path)
    with pytest.raises(GradebookError, match="does not exist"):
        gradebook.check_output(tmp_path / "no" / "g.csv")
    with pytest.raises(GradebookError, match="cannot write"):
        gradebook.check_output("/proc/grades.csv")
    with pytest.raises(GradebookError, match=".json"):
        gradebook.check_output(tmp_path / "grades.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.csv"], "no temporaries left"


def test_a_read_only_folder_is_refused_before_grading():
    """As nobody (the check drops to it when the tests run as root, as CI does: root writes anywhere):
    a folder this user cannot write is refused in one line before grading; one it can write is not."""
    with shared_folder() as top:
        ro, rw = Path(top) / "ro", Path(top) / "rw"
        ro.mkdir(mode=0o555)
        rw.mkdir()
        if os.geteuid() == 0:
            os.chown(rw, NOBODY, NOBODY)
        assert as_nobody(gradebook.check_output, rw / "grades.csv") == ("ok", None)
        verdict, said = as_nobody(gradebook.check_output, ro / "grades.csv")
        assert verdict == "raised" and said.startswith("GradebookError: cannot write"), said
        assert list(rw.iterdir()) == [] and list(ro.iterdir()) == [], "the probe leaves nothing behind"


def test_files_follow_the_umask_and_nothing_is_left_behind(tmp_path):
    out = tmp_path / "grades.csv"
    old = os.umask(0o022)
    try:
        gradebook.record(out, "01_a", "ann", entry(5.0))
    finally:
        os.umask(old)
    for path in (out, gradebook.store_path(out)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    gradebook.remove_private_dir(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grades.csv", "grades.json"], "no lock, no temporaries"


def test_feedback_never_replaces_a_file_it_did_not_write(tmp_path):
    """--out naming a file, or a folder holding someone's own <student>/<assignment>.html: one line, nothing
    written; its own pages are replaced on the next run."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "ann", entry(5.0))
    gradebook.record(out, "01_a", "bo", entry(3.0))
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    with pytest.raises(GradebookError, match="not a folder"):
        feedback.write_feedback(out, "01_a", notes)
    fb = tmp_path / "fb"
    (fb / "bo").mkdir(parents=True)
    (fb / "bo" / "01_a.html").write_text("<p>my notes on bo</p>")
    with pytest.raises(GradebookError, match="bo.*not a feedback page"):
        feedback.write_feedback(out, "01_a", fb)
    assert (fb / "bo" / "01_a.html").read_text() == "<p>my notes on bo</p>" and not (fb / "ann").exists()
    (fb / "bo" / "01_a.html").unlink()
    assert len(feedback.write_feedback(out, "01_a", fb)) == 2
    assert len(feedback.write_feedback(out, "01_a", fb)) == 2, "its own pages are replaced"
    assert notes.read_text() == "mine"


def test_feedback_in_a_place_that_cannot_be_written_is_one_line(tmp_path, monkeypatch):
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "ann", entry(5.0))

    def refuse(self, *args, **kwargs):
        raise PermissionError(1, "Operation not permitted", str(self))

    monkeypatch.setattr(type(tmp_path), "mkdir", refuse)
    with pytest.raises(GradebookError, match="cannot write the feedback .*Operation not permitted"):
        feedback.write_feedback(out, "01_a", tmp_path / "fb")
