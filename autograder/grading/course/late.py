"""Due dates and late penalties, as nbgrader's ``late_submission_penalty`` does them, and the
class's rules on each student's record (``settle``: the penalty, the status it leaves, the CSV's
reason line), which one student's grading (``student.grade``) does not apply.

A rule such as ``10%/day`` takes 10 % of the assignment's points for every started
day after the due date (``2pt/hour``: 2 points per started hour), never more than
the cap (default: everything) and never below 0.

Which times are believed (each record says its source in ``submitted_from``):
a submission-times file the instructor gives (``--submission-times``: Canvas's
submissions list, Moodle's grading worksheet, or any CSV with an id and a time)
first; else nbgrader's ``timestamp.txt`` or a notebook's file time, for layouts
other than an LMS download; a Canvas or Moodle download's file times never (their
zippers stamp every member with the download's time, see ``collect``). Canvas's
LATE flag counts at least one period. A time that cannot be believed is unknown:
no penalty is taken for it (beyond Canvas's flag), and the run's summary says so
once. A time written without a zone is read in ``--timezone`` (default: the due
date's zone), never silently in the grading machine's.
"""

import datetime
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.grading.course.collect import Submission, localize, parse_time
from autograder.grading.records import gradebook
from autograder.grading.records.gradebook import read_csv_rows, round_points
from autograder.grading.student.text import short

#: The course's table of due dates: {"01_perceptron": "2026-12-01T23:59+09:00", ...}.
DUE_DATES = "due_dates.json"
UNITS = {"day": 86400.0, "hour": 3600.0}
#: Longest reason kept per failed test or problem in the CSV's one-line reason.
REASON_CHARS = 300
RULE = re.compile(r"\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<kind>%|pt)\s*/\s*(?P<unit>day|hour)\s*")


@dataclass
class LatePolicy:
    """due: an aware datetime (None: no due date); amount per started unit, as % of max or points."""

    due: datetime.datetime | None = None
    amount: float = 0.0
    percent: bool = True
    unit: str = "day"
    cap_percent: float = 100.0

    def describe(self) -> str:
        rule = f"{self.amount:g}{'%' if self.percent else ' points'} per started {self.unit}"
        return f"due {self.due.isoformat(timespec='minutes')}, {rule}, at most {self.cap_percent:g}%"


def parse_rule(text):
    """(amount, percent?, unit) from '10%/day' or '2pt/hour'; ValueError with the accepted forms."""
    match = RULE.fullmatch(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a late-penalty rule (write e.g. 10%/day or 2pt/hour)")
    return float(match["amount"]), match["kind"] == "%", match["unit"]


def parse_due(text, zone=None):
    """An aware datetime from ISO 8601 ('2026-12-01T23:59'; no zone: in ``zone``, else this machine's)."""
    try:
        return parse_time(text, zone)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time (write e.g. 2026-12-01T23:59 or "
                         "2026-12-01T23:59+09:00)") from None


def course_due(course, assignment, zone=None):
    """The due date of ``assignment`` in the course's due_dates.json (None if it has none or no table).

    ValueError (one line) if the table exists but cannot be read or its date is not one.
    """
    path = Path(course) / DUE_DATES
    if not path.is_file():
        return None
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is not a JSON table of due dates ({exc})") from None
    if not isinstance(table, dict):
        raise ValueError(f"{path} must map assignment names to dates, e.g. {{\"01_perceptron\": \"2026-12-01T23:59\"}}")
    return parse_due(table[assignment], zone) if isinstance(table.get(assignment), str) else None


def penalty(policy: LatePolicy | None, max_score: float, submitted_at: str,
            late_flag: bool = False) -> tuple[float, float]:
    """(points taken, seconds late) for a submission at ``submitted_at`` (ISO text, '' if unknown)."""
    if policy is None or policy.due is None:
        return 0.0, 0.0
    late_s = 0.0
    if submitted_at:
        late_s = max(0.0, (parse_time(submitted_at) - policy.due).total_seconds())
    units = math.ceil(late_s / UNITS[policy.unit]) if late_s > 0 else 0
    if late_flag:
        units = max(units, 1)
    per_unit = policy.amount / 100 * max_score if policy.percent else policy.amount
    return min(units * per_unit, policy.cap_percent / 100 * max_score), late_s


def apply(entry: dict, policy: LatePolicy | None, submitted_at: str, late_flag: bool = False) -> dict:
    """Take the late penalty off ``entry`` (a graded record), keeping the score before it; in place.

    An unknown time takes nothing beyond Canvas's LATE flag; it is said once in the run's
    summary (``submitted_from`` is empty), not on every row.
    """
    if policy is None or policy.due is None or entry.get("status") == "error":
        return entry
    taken, late_s = penalty(policy, entry["max_score"], submitted_at, late_flag)
    entry["due"] = policy.due.isoformat(timespec="minutes")
    entry["late_by_s"] = late_s
    if taken > 0:
        before = entry["score"]
        took = round_points(min(taken, before), entry)
        when = _duration(late_s) if late_s else "Canvas's LATE flag"
        entry["score_before_penalty"] = before
        entry["penalty"] = took
        entry["score"] = round_points(max(0.0, before - took), entry)
        said = (f"{took:g} point{'' if took == 1 else 's'} taken" if took > 0
                else "no points taken (the score before the penalty is 0)")
        entry["problems"] = list(entry.get("problems", [])) + [
            f"late by {when}: {said} ({policy.describe()}); {before:g} before the penalty"]
    return entry


def settle(entry: dict, policy: LatePolicy | None, sub: Submission) -> dict:
    """The class's rules on one student's record from ``grade_student``, in place: the late
    penalty (not on an error), the status the penalty leaves, the CSV's one-line reason.

    sub: the student's ``collect.Submission`` (its time and LMS late flag). Returns ``entry``.
    """
    if entry["status"] != "error":
        apply(entry, policy, sub.submitted_at, sub.late)
        entry["status"] = "graded" if entry["score"] > 0 else "zero"
    entry["reason"] = reason(entry)
    return entry


def reason(entry: dict) -> str:
    """One line for the CSV: what was lost and why (each part capped)."""
    parts = [short(p, REASON_CHARS, False) for p in entry["problems"]]
    parts += [f"{t['grade_id']}: {short(t['message'], REASON_CHARS, False)}" for t in entry["tests"]
              if t["points"] < t["max_points"] and t["message"] not in entry["problems"]]
    return short(" | ".join(parts), gradebook.REASON_CHARS, False)


def _duration(seconds):
    days, rest = divmod(int(seconds), 86400)
    return f"{days} d {rest // 3600} h {rest % 3600 // 60} min" if days else f"{rest // 3600} h {rest % 3600 // 60} min"


def parse_zone(text):
    """A tzinfo from 'UTC', '+09:00' or an IANA name ('Asia/Seoul'); ValueError saying the accepted forms."""
    import zoneinfo

    text = (text or "").strip()
    if text.upper() in ("UTC", "Z"):
        return datetime.timezone.utc
    match = re.fullmatch(r"([+-])(\d\d):?(\d\d)", text)
    if match:
        offset = datetime.timedelta(hours=int(match[2]), minutes=int(match[3]))
        return datetime.timezone(offset if match[1] == "+" else -offset)
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{text!r} is not a time zone (write e.g. Asia/Seoul, +09:00 or UTC)") from None


#: Columns of a submission-times CSV: the student's id, and when they submitted.
ID_COLUMNS = ("Identifier", "ID", "user_id", "student_id", "SIS Login ID", "SIS User ID", "Student ID")
TIME_COLUMNS = ("Last modified (submission)", "submitted_at", "Submitted", "Submitted at", "Submission date")
#: Moodle's grading worksheet names a participant ``Participant 201``: the download's participant id.
PARTICIPANT = re.compile(r"\D*?(\d+)")
#: Dates as Moodle's userdate() writes them in English ("Tuesday, 1 December 2026, 11:59 PM").
MOODLE_DATES = ("%d %B %Y, %I:%M %p", "%d %B %Y, %H:%M", "%d %b %Y, %I:%M %p", "%d/%m/%Y, %H:%M")


@dataclass
class SubmissionTime:
    """One student's submission time from the instructor's file: when (ISO, '' if none) and from what."""

    at: str
    source: str
    late: bool = False


def read_submission_times(path, zone=None):
    """{student id: SubmissionTime} from ``path``; ValueError (one line) if it is none of the accepted files.

    Accepted: Canvas's submissions list (the JSON of the Submissions API: user_id or anonymous_id,
    submitted_at, late); Moodle's grading worksheet (Identifier ``Participant 201``, Last modified
    (submission)); any CSV with an id column and a time column (ISO 8601 or Moodle's dates).
    Times without a zone are in ``zone``.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the submission times {path}: {exc.strerror or exc}") from None
    if raw.lstrip()[:1] in (b"[", b"{"):
        return _canvas_json(path, raw, zone)
    header, rows = read_csv_rows(path, "the submission times")
    id_col = next((c for c in ID_COLUMNS if c in header), None)
    time_col = next((c for c in TIME_COLUMNS if c in header), None)
    if id_col is None or time_col is None:
        raise ValueError(f"{path} has no {'id' if id_col is None else 'time'} column: a submission-times CSV needs "
                         f"one of {', '.join(ID_COLUMNS if id_col is None else TIME_COLUMNS)} (Moodle's grading "
                         "worksheet downloaded with the interface in English, or Canvas's submissions as JSON)")
    source = f"{path.name} ({time_col})"
    times = {}
    for row in rows:
        ident = (row.get(id_col) or "").strip()
        if id_col == "Identifier" and (match := PARTICIPANT.fullmatch(ident)):
            ident = match[1]
        if ident:
            times[ident] = SubmissionTime(_when(row.get(time_col) or "", zone, path), source)
    return times


def _canvas_json(path, raw, zone):
    """Canvas's Submissions API list (or {"submissions": [...]}) as {user id: SubmissionTime}."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid JSON ({exc})") from None
    data = data.get("submissions", data) if isinstance(data, dict) else data
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise ValueError(f"{path} is not Canvas's list of submissions (objects with user_id and submitted_at)")
    times = {}
    for item in data:
        ident = item.get("user_id") if item.get("user_id") is not None else item.get("anonymous_id")
        if ident is None:
            continue
        ident = str(ident) if item.get("user_id") is not None else f"anon_{ident}"
        times[ident] = SubmissionTime(_when(str(item.get("submitted_at") or ""), zone, path),
                                      f"{path.name} (Canvas submitted_at)", bool(item.get("late")))
    return times


def _when(text, zone, path):
    """ISO text of the time in ``text`` ('' for none: '-', blank); ValueError naming the file if unreadable."""
    text = text.strip()
    if text in ("", "-", "null", "None"):
        return ""
    try:
        return parse_time(text, zone).isoformat(timespec="seconds")
    except ValueError:
        pass
    bare = re.sub(r"^[^\d,]+,\s*", "", text)  # Moodle writes the weekday first
    for form in MOODLE_DATES:
        try:
            return localize(datetime.datetime.strptime(bare, form), zone).isoformat(timespec="seconds")
        except ValueError:
            continue
    raise ValueError(f"{path}: {text!r} is not a time (ISO 8601, or Moodle's 'Tuesday, 1 December 2026, "
                     "11:59 PM': download the worksheet with Moodle's interface in English)")


def use_times(subs, times, path):
    """Give each submission its time from the instructor's file ``times`` ({id: SubmissionTime}), in place.

    A student the file does not list keeps a time the grader believes (nbgrader's timestamp.txt),
    else has none (said in the summary); Canvas's LATE flag in the file counts as the download's does.
    ValueError (nothing graded) when the file lists none of the students: it is another assignment's.
    """
    name = Path(path).name
    if subs and not any(times.get(s.raw_id) or times.get(s.student_id) for s in subs):
        listed = ", ".join(s.student_id for s in subs[:3]) + (", ..." if len(subs) > 3 else "")
        raise ValueError(f"none of the {len(subs)} students graded ({listed}) is in {name}: is it another "
                         "assignment's or course's file? (Moodle's participant ids differ per assignment)")
    for sub in subs:
        found = times.get(sub.raw_id) or times.get(sub.student_id)
        if found is None:
            if not sub.submitted_at:
                sub.time_note = f"not listed in {name}"
            continue
        sub.late = sub.late or found.late
        sub.submitted_at = found.at
        sub.submitted_from = found.source if found.at else ("Canvas LATE flag" if sub.late else "")
        sub.time_note = "" if found.at else f"no submission time for this student in {name}"
