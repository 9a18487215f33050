"""More of what a class can hold (second input review): timestamps, Windows zips, names a file
system or an LMS cannot tell apart, zip members that fail, things that are not files.

No student code runs here: these are the collect step's decisions, each with the
reason a refused or disbelieved input carries, and an honest control beside every attack.
"""

import datetime
import os
import stat
import struct
import tracemalloc
import zipfile

import pytest
from helpers.grader_attacks import A

from autograder.grading.course.collect import InputLimits, SubmissionsError, find, open_submissions

NAMES = [A]
NB = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
HONEST = "2024-05-01 10:00:00.123456 UTC"


def by_id(subs):
    return {s.student_id: s for s in subs}


def nbgrader_folder(root, sid, timestamp):
    folder = root / sid / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_text(NB)
    if timestamp is not None:
        (folder / "timestamp.txt").write_bytes(timestamp)
    return folder


def test_an_honest_timestamp_is_the_submission_time(tmp_path):
    nbgrader_folder(tmp_path, "ann", HONEST.encode())
    sub = find(tmp_path / "ann", A, NAMES)[0]
    assert (sub.submitted_at, sub.submitted_from) == ("2024-05-01T10:00:00+00:00", "timestamp.txt")


@pytest.mark.parametrize("text", ["9999-12-31 23:59:59 UTC",            # escapes nothing, but absurd
                                  "0001-01-01T00:00:00+23:59",          # would escape any late penalty
                                  "1970-01-01 00:00:00 UTC",
                                  "FUTURE"])
def test_a_timestamp_in_the_future_or_before_2000_is_not_believed(tmp_path, text):
    if text == "FUTURE":
        text = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)).isoformat()
    nbgrader_folder(tmp_path, "ann", text.encode())
    nbgrader_folder(tmp_path, "bob", HONEST.encode())
    subs = by_id(find(tmp_path, A, NAMES))
    assert subs["ann"].submitted_from == "file time", text
    assert any("timestamp.txt" in n and "not believed" in n for n in subs["ann"].notes), subs["ann"].notes
    assert subs["bob"].submitted_from == "timestamp.txt"


def test_a_huge_timestamp_txt_is_never_read_whole(tmp_path):
    folder = nbgrader_folder(tmp_path, "ann", None)
    with open(folder / "timestamp.txt", "wb") as handle:   # 64 MB, sparse: costs no disk
        handle.write(HONEST.encode())
        handle.seek(64 * 2**20)
        handle.write(b"x")
    tracemalloc.start()
    sub = find(tmp_path / "ann", A, NAMES)[0]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2**20, peak
    assert sub.submitted_from == "file time" and any("timestamp.txt" in n for n in sub.notes)


def test_timestamp_txt_in_a_zip_is_read_and_capped(tmp_path):
    zpath = tmp_path / "class.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"ann/{A}/{A}.ipynb", NB)
        zf.writestr(f"ann/{A}/timestamp.txt", HONEST)
        zf.writestr(f"bomb/{A}/{A}.ipynb", NB)
        zf.writestr(f"bomb/{A}/timestamp.txt", HONEST + " " * 2**20)   # 1 MB, a few KB zipped
    opened = open_submissions(zpath, tmp_path)
    subs = by_id(find(opened, A, NAMES))
    assert (subs["ann"].submitted_at, subs["ann"].submitted_from) == ("2024-05-01T10:00:00+00:00", "timestamp.txt")
    assert subs["bomb"].submitted_from == "file time" and any("timestamp.txt" in n for n in subs["bomb"].notes)
    assert (opened.root / "bomb" / A / "timestamp.txt").stat().st_size <= 1024


def test_backslash_separators_of_a_windows_zip(tmp_path):
    zpath = tmp_path / "class.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr(f"ann\\{A}\\{A}.ipynb", NB)                       # honest: an old Windows zipper
        zf.writestr(f"..\\..\\{A}.ipynb", NB)                         # a way out, once \ is a separator
        zf.writestr(f"C:\\Users\\eve\\{A}.ipynb", NB)                # a drive letter
    opened = open_submissions(zpath, tmp_path)
    subs = by_id(find(opened, A, NAMES))
    assert set(subs) == {"ann"} and subs["ann"].layout == "nbgrader" and A in subs["ann"].notebooks
    assert sum("points outside the class" in w for w in opened.warnings) == 2
    assert not (tmp_path.parent / f"{A}.ipynb").exists()


def test_ids_a_case_insensitive_file_system_or_lms_cannot_tell_apart_are_made_distinct(tmp_path):
    for sid in ("Ann", "ann", "ａｎｎ", "bob"):                        # the third: full-width letters
        nbgrader_folder(tmp_path, sid, None)
    subs = find(tmp_path, A, NAMES)
    ids = [s.student_id for s in subs]
    import unicodedata
    keys = {unicodedata.normalize("NFKC", i).casefold() for i in ids}
    assert len(keys) == 4, ids
    assert "bob" in ids and not by_id(subs)["bob"].notes
    renamed = [s for s in subs if s.student_id != s.raw_id]
    assert len(renamed) == 2 and all(any("cannot tell apart" in n for n in s.notes) for s in renamed)


def _lying_zip(path, honest):
    """A zip whose header says ann.ipynb holds 100 bytes; it inflates to 3 MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ann.ipynb", b" " * 3 * 2**20)
        zf.writestr("bob.ipynb", honest)
    data = path.read_bytes().replace(struct.pack("<I", 3 * 2**20), struct.pack("<I", 100))
    path.write_bytes(data)


def test_a_zip_member_that_cannot_be_unpacked_keeps_its_student_listed(tmp_path):
    zpath = tmp_path / "class.zip"
    _lying_zip(zpath, NB)
    subs = by_id(find(open_submissions(zpath, tmp_path), A, NAMES))
    assert set(subs) == {"ann", "bob"}
    assert "could not be unpacked" in subs["ann"].refused[A] and not subs["ann"].notebooks
    assert A in subs["bob"].notebooks


def test_the_total_size_message_does_not_round_to_the_limit(tmp_path):
    zpath = tmp_path / "class.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(5):
            zf.writestr(f"s{i}.ipynb", " " * 300 * 2**10)             # 1.46 MB in all
    with pytest.raises(SubmissionsError, match=r"unpack to 1\.5 MB; the limit is 1 MB"):
        open_submissions(zpath, tmp_path, InputLimits(total_bytes=2**20))


def test_a_fifo_or_a_device_named_as_a_notebook_is_refused(tmp_path):
    os.mkfifo(tmp_path / "ann.ipynb")
    os.mknod(tmp_path / "dev.ipynb", stat.S_IFCHR | 0o600, os.makedev(1, 5)) if os.geteuid() == 0 else None
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / f"{A}.ipynb").write_text(NB)
    os.mkfifo(tmp_path / "bob" / "timestamp.txt")                      # never opened: it would block
    subs = by_id(find(tmp_path, A, NAMES))
    for sid in ("ann", "dev") if os.geteuid() == 0 else ("ann",):
        assert "not a regular file" in subs[sid].refused[A] and not subs[sid].notebooks, sid
    assert A in subs["bob"].notebooks and subs["bob"].submitted_from == "file time"


# What students control in the outputs: their messages in the printed class report.

def test_a_message_cannot_forge_lines_of_the_printed_class_report():
    from autograder.grading.records import report

    forged = "boom\n  test_rmse                      99/99   100.0%\r\x1b[2J\u2028more"
    records = {sid: {"status": "zero", "score": 0.0, "max_score": 2.0,
                     "tests": [{"grade_id": "test_mae", "points": 0.0, "max_points": 1.0, "message": forged},
                               {"grade_id": "test_rmse", "points": 0.0, "max_points": 1.0, "message": "wrong"}]}
               for sid in ("eve", "ann")}
    lines = report.text(report.build(records, A)).split("\n")
    assert sum(line.lstrip().startswith("test_rmse") for line in lines) == 1, lines   # the real one only
    assert not any("\x1b" in line or "\r" in line or "\u2028" in line for line in lines)
    assert any("boom" in line and "99/99" in line for line in lines)                    # shown, on one line


def _entry(**extra):
    return {**dict(score=1.0, max_score=10.0, status="graded", reason="", tests=[], problems=[]), **extra}


def test_feedback_pages_a_case_insensitive_file_system_would_merge_are_not_written(tmp_path):
    from autograder.grading.records import feedback, gradebook

    out = tmp_path / "grades.csv"
    for sid in ("Ann", "ann", "bob"):                    # an old gradebook: ids before the case rule
        gradebook.record(out, A, sid, _entry())
    said = []
    pages = feedback.write_feedback(out, A, tmp_path / "fb", warn=said.append)
    assert [p.parent.name for p in pages] == ["bob"]
    assert any("Ann" in s and "ann" in s and "case" in s for s in said), said


def test_every_output_is_safe_from_a_hostile_name_and_message(tmp_path):
    import csv

    from autograder.grading.records import feedback, gradebook, lms, report

    hostile = '=HYPERLINK("x")<img src=x onerror=alert(1)>\x1b[2J\n-2+3,"'
    out = tmp_path / "grades.csv"
    gradebook.record(out, A, "ann", _entry(name=hostile, tests=[
        {"grade_id": "test_mae", "points": 0.0, "max_points": 1.0, "message": hostile}], problems=[hostile]))
    gradebook.record(out, A, "bob", _entry(name="Bob Lee"))                           # the control
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    lms.export(out, tmp_path / "plain.csv")
    with open(tmp_path / "plain.csv", newline="", encoding="utf-8") as handle:
        rows += list(csv.reader(handle))
    cells = [c for row in rows for c in row]
    assert not any(c[:1] in "=+-@\t\r" and c for c in cells), [c for c in cells if c[:1] in "=+-@"]
    assert not any("\n" in c or "\x1b" in c for c in cells)
    assert "Bob Lee" in cells and "ann" in cells
    pages = feedback.write_feedback(out, A, tmp_path / "fb")
    page = next(p for p in pages if p.parent.name == "ann").read_text()
    assert "<img" not in page and "\x1b" not in page and "&lt;img" in page
    report.write(report.build(gradebook.load(gradebook.store_path(out))[A], A), tmp_path / "r.html")
    assert "<img src=x" not in (tmp_path / "r.html").read_text()


def test_a_zip_with_a_broken_directory_is_one_line_not_a_traceback(tmp_path):
    zpath = tmp_path / "class.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("ann.ipynb", NB)
    data = zpath.read_bytes()
    zpath.write_bytes(data.replace(b"PK\x01\x02", b"XX\x01\x02"))    # the end record still says "zip"
    assert zipfile.is_zipfile(zpath)
    with pytest.raises(SubmissionsError, match="cannot be read as a zip"):
        open_submissions(zpath, tmp_path)


def test_a_crafted_canvas_file_name_takes_no_other_id_and_sets_no_late_flag(tmp_path):
    """Students choose only the end of a Canvas download's name (their file's name): Canvas writes
    ``<name>_[LATE_]<user id>_<file id>_`` before it."""
    (tmp_path / f"smith_123_9_{A}.ipynb").write_text(NB)                       # the victim, on time
    (tmp_path / f"eve_777_10_x_LATE_123_11_{A}.ipynb").write_text(NB)          # eve's file "x_LATE_123_11_..."
    (tmp_path / f"eve_777_12_{A}-99.ipynb").write_text(NB)                     # eve's own "-99"
    subs = by_id(find(tmp_path, A, NAMES))
    assert set(subs) == {"123", "777"}
    assert subs["123"].notebooks == {A: tmp_path / f"smith_123_9_{A}.ipynb"} and not subs["123"].late
    assert not subs["777"].late and subs["777"].name == "eve"
    assert subs["777"].notebooks == {A: tmp_path / f"eve_777_12_{A}-99.ipynb"}  # one of eve's own files


def test_a_forged_zip_time_is_not_believed_either(tmp_path):
    zpath = tmp_path / "class.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr(zipfile.ZipInfo("eve.ipynb", date_time=(1980, 1, 1, 0, 0, 0)), NB)   # escapes any due date
        zf.writestr(zipfile.ZipInfo("bob.ipynb", date_time=(2024, 5, 1, 10, 0, 0)), NB)  # the control
    subs = by_id(find(open_submissions(zpath, tmp_path), A, NAMES))
    assert subs["eve"].submitted_at == "" and any("file time" in n and "not believed" in n for n in subs["eve"].notes)
    assert subs["bob"].submitted_at.startswith("2024-05-01") and subs["bob"].submitted_from == "file time"


def test_an_unknown_submission_time_is_said_once_in_the_summary_and_costs_nothing(capsys):
    """Said once for the class (issue 17: not on every row), never silently on time; Canvas's flag still counts."""
    from autograder.grading.course import late
    from autograder.cli import print_summary

    due = datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)
    policy = late.LatePolicy(due, 10.0, True, "day")
    rec = late.apply(_entry(score=9.0), policy, "", False)
    assert rec["score"] == 9.0 and not rec["problems"]
    flagged = late.apply(_entry(score=9.0), policy, "", True)                # Canvas's LATE flag still counts
    assert flagged["score"] == 8.0
    on_time = late.apply(_entry(score=9.0), policy, "2024-04-30T10:00:00+00:00", False)
    assert on_time["score"] == 9.0 and not on_time["problems"]
    results = {"ann": dict(rec, time_note="a reason"), "bo": dict(flagged, time_note="a reason"),
               "cy": dict(on_time, submitted_at="2024-04-30T10:00:00+00:00", submitted_from="timestamp.txt")}
    print_summary(results)
    out = capsys.readouterr().out
    assert out.count("submission time unknown") == 1 and "unknown for 2 students (a reason)" in out
    assert "timestamp.txt" in out
