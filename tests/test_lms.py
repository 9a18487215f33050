"""Exports for learning-management systems and late penalties (issue 12, item 4).

Each export is written, read back with csv, and checked column by column: work
never graded is blank (never 0), an error is never a score, the score that counts
is the one after the late penalty.
"""

import csv
import datetime

import pytest

from autograder.grading import collect, feedback, gradebook, late, lms
from autograder.grading.gradebook import GradebookError

UTC = datetime.timezone.utc
DUE = datetime.datetime(2026, 12, 1, 23, 59, tzinfo=UTC)


def entry(score, status="graded", name="", max_score=10.0, **extra):
    return dict(score=score, max_score=max_score, status=status, reason="", tests=[], problems=[], name=name,
                **extra)


@pytest.fixture
def book(tmp_path):
    """Two assignments: ann graded in both, bo only in the first, 12345 (Canvas) an error in the second."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "ann", entry(7.0))
    gradebook.record(out, "01_a", "bo", entry(0.0, status="zero"))
    gradebook.record(out, "01_a", "12345", entry(9.0, name="müller"))
    gradebook.record(out, "02_b", "ann", entry(4.0, max_score=5.0))
    gradebook.record(out, "02_b", "12345", entry(0.0, status="error", max_score=5.0))
    return out


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_plain_export_round_trip(book, tmp_path):
    assert lms.export(book, tmp_path / "x.csv", "plain") == 3
    header, *rows = read(tmp_path / "x.csv")
    assert header == ["student_id", "name", "01_a", "02_b", "total", "max_total"]
    rows = {r[0]: dict(zip(header, r)) for r in rows}
    assert rows["ann"]["01_a"] == "7" and rows["ann"]["02_b"] == "4" and rows["ann"]["total"] == "11"
    assert rows["bo"]["01_a"] == "0" and rows["bo"]["02_b"] == "" and rows["bo"]["total"] == "0"
    assert rows["12345"]["02_b"] == "error" and rows["12345"]["total"] == "" and rows["12345"]["name"] == "müller"
    assert rows["ann"]["max_total"] == "15"


def test_canvas_export_round_trip(book, tmp_path):
    lms.export(book, tmp_path / "c.csv", "canvas")
    header, points, *rows = read(tmp_path / "c.csv")
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_a", "02_b"]
    assert points[0].strip() == "Points Possible" and points[5:] == ["10", "5"]
    rows = {r[0]: dict(zip(header, r)) for r in rows}
    assert rows["müller"]["ID"] == "12345" and rows["müller"]["SIS Login ID"] == ""
    assert rows["müller"]["01_a"] == "9" and rows["müller"]["02_b"] == "", "an error is blank, never a score"
    assert rows["ann"]["ID"] == "" and rows["ann"]["SIS Login ID"] == "ann"
    assert rows["bo"]["01_a"] == "0" and rows["bo"]["02_b"] == "", "never graded is blank, not 0"


def test_moodle_export_round_trip(book, tmp_path):
    lms.export(book, tmp_path / "m.csv", "moodle")
    header, *rows = read(tmp_path / "m.csv")
    assert header == ["User ID", "Full name", "01_a", "02_b"]
    rows = {r[0]: dict(zip(header, r)) for r in rows}
    assert rows["12345"]["Full name"] == "müller" and rows["12345"]["02_b"] == ""
    assert rows["bo"]["02_b"] == "" and rows["bo"]["01_a"] == "0" and rows["ann"]["02_b"] == "4"


def test_export_never_writes_over_the_gradebook_or_a_foreign_file(book, tmp_path):
    before = (book.read_bytes(), gradebook.store_path(book).read_bytes())
    for target in (book, gradebook.store_path(book), tmp_path):
        with pytest.raises(GradebookError):
            lms.export(book, target, "plain")
    assert (book.read_bytes(), gradebook.store_path(book).read_bytes()) == before
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nann,a@x\n")
    with pytest.raises(GradebookError, match="not an export"):
        lms.export(book, roster, "canvas")
    assert roster.read_text() == "name,email\nann,a@x\n"
    assert lms.export(book, roster, "canvas", force=True) == 3
    with pytest.raises(GradebookError, match="run grade first"):
        lms.export(tmp_path / "none.csv", tmp_path / "y.csv")
    assert not (tmp_path / "y.csv").exists()


@pytest.mark.parametrize("rule, parsed", [("10%/day", (10.0, True, "day")), ("2pt/hour", (2.0, False, "hour")),
                                          (" 2.5 % / day ", (2.5, True, "day"))])
def test_late_rules_parse(rule, parsed):
    assert late.parse_rule(rule) == parsed


@pytest.mark.parametrize("rule", ["10", "10%", "ten%/day", "10%/week", "-1%/day", ""])
def test_bad_late_rules_are_refused(rule):
    with pytest.raises(ValueError, match="10%/day"):
        late.parse_rule(rule)


def at(**delta):
    return (DUE + datetime.timedelta(**delta)).isoformat()


@pytest.mark.parametrize("submitted, flag, taken", [
    (at(hours=-1), False, 0.0),       # on time
    (at(minutes=1), False, 1.0),      # a started day
    (at(days=1, minutes=1), False, 2.0),
    (at(days=30), False, 5.0),        # capped at 50 %
    (at(hours=-1), True, 1.0),        # Canvas LATE flag: at least one day
    ("", False, 0.0),                 # unknown time, no flag
])
def test_penalty_per_started_day_capped(submitted, flag, taken):
    policy = late.LatePolicy(DUE, 10.0, True, "day", cap_percent=50.0)
    assert late.penalty(policy, 10.0, submitted, flag)[0] == pytest.approx(taken)


def test_penalty_is_recorded_before_and_after_and_shown_in_feedback(tmp_path):
    policy = late.LatePolicy(DUE, 2.0, False, "hour")
    rec = late.apply(entry(9.0), policy, at(hours=2, minutes=30), False)
    assert rec["score"] == 3.0 and rec["score_before_penalty"] == 9.0 and rec["penalty"] == 6.0
    assert any("late by" in p for p in rec["problems"])
    low = late.apply(entry(1.0), policy, at(hours=5), False)
    assert low["score"] == 0.0 and low["penalty"] == 1.0, "never below 0"
    error = late.apply(entry(0.0, status="error"), policy, at(days=3), False)
    assert "penalty" not in error, "an error is never penalised"
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "ann", dict(rec, submitted_at=at(hours=2, minutes=30)))
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert (row["score"], row["score_before_penalty"], row["penalty"]) == ("3.0", "9.0", "6.0")
    page = feedback.render("ann", "01_a", rec)
    assert "3 / 10" in page and "late penalty −6" in page and "before the penalty: 9" in page


def test_nbgrader_timestamp_and_due_dates_parse():
    assert collect.parse_time("2026-12-01 23:59:59.123456 UTC") == datetime.datetime(
        2026, 12, 1, 23, 59, 59, 123456, tzinfo=UTC)
    assert late.parse_due("2026-12-01T23:59+09:00").utcoffset() == datetime.timedelta(hours=9)
    assert late.parse_due("2026-12-01T23:59").tzinfo is not None, "no zone: local time"
    with pytest.raises(ValueError, match="not a date"):
        late.parse_due("tomorrow")


def test_due_dates_from_the_course_table(tmp_path):
    assert late.course_due(tmp_path, "01_a") is None, "no table: no due date"
    (tmp_path / late.DUE_DATES).write_text('{"01_a": "2026-12-01T23:59+00:00"}')
    assert late.course_due(tmp_path, "01_a") == DUE and late.course_due(tmp_path, "02_b") is None
    (tmp_path / late.DUE_DATES).write_text('{"01_a": "Friday"}')
    with pytest.raises(ValueError, match="not a date"):
        late.course_due(tmp_path, "01_a")
    (tmp_path / late.DUE_DATES).write_text("[")
    with pytest.raises(ValueError, match="not a JSON table"):
        late.course_due(tmp_path, "01_a")


def test_a_penalty_without_a_due_date_is_refused(tmp_path, capsys):
    from autograder.grading.cli import main

    code = main(["grade", "01_perceptron", str(tmp_path), "--late-penalty", "10%/day", "--out",
                 str(tmp_path / "g.csv"), "--course", str(tmp_path)])
    assert code == 2 and "--late-penalty needs a due date" in capsys.readouterr().err
