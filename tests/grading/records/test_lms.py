"""Exports for learning-management systems and late penalties (issue 12, item 4).

Each export is written, read back with csv, and checked column by column: work
never graded is blank (never 0), an error is never a score, the score that counts
is the one after the late penalty.
"""

import csv
import datetime

import pytest

from autograder.grading.course import collect, late
from autograder.grading.records import feedback, gradebook, lms
from autograder.grading.records.gradebook import GradebookError

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
    gradebook.record(out, "01_a", "12345", entry(9.0, name="müller", layout="canvas"))
    gradebook.record(out, "02_b", "ann", entry(4.0, max_score=5.0))
    gradebook.record(out, "02_b", "12345", entry(0.0, status="error", max_score=5.0, layout="canvas"))
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


def test_canvas_id_column_only_for_ids_from_a_canvas_download(tmp_path):
    """Canvas's ID column is its own user id: a numeric student number from another layout is a SIS login."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "20231234", entry(5.0, layout="folder"))
    gradebook.record(out, "01_a", "4711", entry(6.0, name="kim", layout="canvas"))
    lms.export(out, tmp_path / "c.csv", "canvas")
    header, _, *rows = read(tmp_path / "c.csv")
    rows = {r[0]: dict(zip(header, r)) for r in rows}
    assert rows["20231234"]["ID"] == "" and rows["20231234"]["SIS Login ID"] == "20231234"
    assert rows["kim"]["ID"] == "4711" and rows["kim"]["SIS Login ID"] == ""


def test_canvas_columns_named_after_existing_assignments(book, tmp_path):
    """Canvas matches an existing assignment by its column header 'Name (assignment id)', as its export writes it."""
    lms.export(book, tmp_path / "c.csv", "canvas", columns={"01_a": "Perceptron (4711)"})
    header, points, *_ = read(tmp_path / "c.csv")
    assert header[5:] == ["Perceptron (4711)", "02_b"] and points[5:] == ["10", "5"]
    for bad in ({"01_a": "Perceptron"}, {"09_zz": "X (1)"}):
        with pytest.raises(GradebookError, match="01_a|09_zz"):
            lms.export(book, tmp_path / "d.csv", "canvas", columns=bad)
    assert not (tmp_path / "d.csv").exists()


def test_moodle_export_identifies_students_by_their_id(tmp_path):
    """Moodle maps one column to username, ID number or email (never our participant ids: they are per assignment)."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "ann", entry(7.0))
    gradebook.record(out, "02_b", "ann", entry(4.0, max_score=5.0))
    gradebook.record(out, "01_a", "bo", entry(0.0, status="zero"))
    lms.export(out, tmp_path / "m.csv", "moodle")
    header, *rows = read(tmp_path / "m.csv")
    assert header == ["Student ID", "Full name", "01_a", "02_b"]
    rows = {r[0]: dict(zip(header, r)) for r in rows}
    assert rows["ann"]["01_a"] == "7" and rows["ann"]["02_b"] == "4"
    assert rows["bo"]["01_a"] == "0" and rows["bo"]["02_b"] == "", "never graded is blank, not 0"


def test_moodle_participant_ids_need_a_roster(tmp_path):
    """A Moodle download's participant id is an assignment-specific number, not a Moodle user: refused
    without a roster; with one (Moodle's own export: names and email), students are identified by email."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "10001", entry(7.0, name="Alice Smith", layout="moodle"))
    gradebook.record(out, "02_b", "20417", entry(0.0, status="error", name="Alice Smith", layout="moodle",
                                                 max_score=5.0))
    gradebook.record(out, "01_a", "ann", entry(3.0))
    with pytest.raises(GradebookError, match="participant id.*--roster"):
        lms.export(out, tmp_path / "m.csv", "moodle")
    roster = tmp_path / "moodle_users.csv"
    roster.write_text("\ufeffFirst name,Last name,ID number,Username,Email address\n"
                      "Alice,Smith,,asmith,alice@uni.example\nAnn,Lee,,ann,ann@uni.example\n", encoding="utf-8")
    lms.export(out, tmp_path / "m.csv", "moodle", roster=roster)
    header, *rows = read(tmp_path / "m.csv")
    assert header == ["Email address", "Full name", "01_a", "02_b"]
    rows = {r[0]: dict(zip(header, r)) for r in rows}
    assert set(rows) == {"alice@uni.example", "ann@uni.example"}, "one row per person, not per participant id"
    assert rows["alice@uni.example"]["01_a"] == "7" and rows["alice@uni.example"]["02_b"] == ""
    assert rows["ann@uni.example"]["01_a"] == "3"
    roster.write_text("First name,Last name,Email address\nBob,Ray,b@x\n", encoding="utf-8")
    with pytest.raises(GradebookError, match="Alice Smith"):
        lms.export(out, tmp_path / "m2.csv", "moodle", roster=roster)
    roster.write_text("name,mail\n", encoding="utf-8")
    with pytest.raises(GradebookError, match="Email address"):
        lms.export(out, tmp_path / "m2.csv", "moodle", roster=roster)
    assert not (tmp_path / "m2.csv").exists()


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
    one = late.apply(entry(9.0), late.LatePolicy(DUE, 1.0, False, "hour"), at(minutes=30), False)
    assert any("1 point taken" in p for p in one["problems"]), one["problems"]
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
    from autograder.cli import main

    code = main(["grade", "01_perceptron", str(tmp_path), "--late-penalty", "10%/day", "--out",
                 str(tmp_path / "g.csv")])
    assert code == 2 and "--late-penalty needs a due date" in capsys.readouterr().err


def test_lms_options_of_another_format_are_refused(book, tmp_path):
    """--roster is Moodle's, --column an LMS's: given to another format they would be silently ignored."""
    roster = tmp_path / "users.csv"
    roster.write_text("First name,Last name,Email address\n")
    for fmt, options in (("plain", dict(roster=roster)), ("canvas", dict(roster=roster)),
                         ("plain", dict(columns={"01_a": "A (1)"}))):
        with pytest.raises(GradebookError, match="--roster|--column"):
            lms.export(book, tmp_path / "x.csv", fmt, **options)
    assert not (tmp_path / "x.csv").exists()


def test_canvas_export_refuses_students_from_a_moodle_download(tmp_path):
    """A Moodle participant id would land in Canvas's SIS Login ID, where it matches nobody."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "10001", entry(7.0, name="Alice Smith", layout="moodle"))
    with pytest.raises(GradebookError, match="Alice Smith.*Moodle"):
        lms.export(out, tmp_path / "c.csv", "canvas")
    assert not (tmp_path / "c.csv").exists()
