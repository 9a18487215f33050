"""Due dates and late penalties, as nbgrader's ``late_submission_penalty`` does them.

A rule such as ``10%/day`` takes 10 % of the assignment's points for every started
day after the due date (``2pt/hour``: 2 points per started hour), never more than
the cap (default: everything) and never below 0. Lateness comes from the
submission's time (nbgrader's ``timestamp.txt``, else the file's time); a Canvas
LATE flag counts at least one period even when the file time says otherwise.
A time that cannot be believed (before 2000, after the grader's clock: see
``collect``) is unknown, and an unknown time is said in the record's problems,
never silently taken as on time.
"""

import datetime
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.grading.collect import parse_time

#: The course's table of due dates: {"01_perceptron": "2026-12-01T23:59+09:00", ...}.
DUE_DATES = "due_dates.json"
UNITS = {"day": 86400.0, "hour": 3600.0}
RULE = re.compile(r"\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<kind>%|pt)\s*/\s*(?P<unit>day|hour)\s*")


@dataclass
class LatePolicy:
    """due: an aware datetime (None: no due date); amount per started unit, as % of max or points."""

    due: datetime.datetime = None
    amount: float = 0.0
    percent: bool = True
    unit: str = "day"
    cap_percent: float = 100.0

    def describe(self):
        rule = f"{self.amount:g}{'%' if self.percent else ' points'} per started {self.unit}"
        return f"due {self.due.isoformat(timespec='minutes')}, {rule}, at most {self.cap_percent:g}%"


def parse_rule(text):
    """(amount, percent?, unit) from '10%/day' or '2pt/hour'; ValueError with the accepted forms."""
    match = RULE.fullmatch(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a late-penalty rule (write e.g. 10%/day or 2pt/hour)")
    return float(match["amount"]), match["kind"] == "%", match["unit"]


def parse_due(text):
    """An aware datetime from ISO 8601 ('2026-12-01T23:59'; no zone: this machine's local time)."""
    try:
        return parse_time(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time (write e.g. 2026-12-01T23:59 or "
                         "2026-12-01T23:59+09:00)") from None


def course_due(course, assignment):
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
    return parse_due(table[assignment]) if isinstance(table.get(assignment), str) else None


def penalty(policy, max_score, submitted_at, late_flag=False):
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


def apply(entry, policy, submitted_at, late_flag=False):
    """Take the late penalty off ``entry`` (a graded record), keeping the score before it; in place."""
    if policy is None or policy.due is None or entry.get("status") == "error":
        return entry
    taken, late_s = penalty(policy, entry["max_score"], submitted_at, late_flag)
    entry["due"] = policy.due.isoformat(timespec="minutes")
    entry["late_by_s"] = late_s
    if not submitted_at:  # said, never silent: the instructor decides (a manual score)
        entry["problems"] = list(entry.get("problems", [])) + [
            "the submission time is unknown (no timestamp.txt or file time that can be believed): "
            f"no late penalty taken{' beyond the LMS late flag' if late_flag else ''}"]
    if taken > 0:
        before = entry["score"]
        entry["score_before_penalty"] = before
        entry["penalty"] = min(taken, before)
        entry["score"] = max(0.0, before - taken)
        entry["problems"] = list(entry.get("problems", [])) + [
            f"late by {_duration(late_s) if late_s else 'an LMS flag'}: {taken:g} "
            f"point{'' if taken == 1 else 's'} taken "
            f"({policy.describe()}); {before:g} before the penalty"]
    return entry


def _duration(seconds):
    days, rest = divmod(int(seconds), 86400)
    return f"{days} d {rest // 3600} h {rest % 3600 // 60} min" if days else f"{rest // 3600} h {rest % 3600 // 60} min"
