"""One grade record: what a run stores for one student and one assignment.

Built here and nowhere else (``grade.grade_student``, the error records of a class run and of
a Dask run); stored as JSON in the gradebook (``to_json``) and read back as a dict by the
commands that read the gradebook, or as a Record (``from_json``).
"""

import datetime
from dataclasses import dataclass, field, fields

#: The record's statuses: graded (a score), zero (earned nothing, with the reason), error (not graded).
STATUSES = ("graded", "zero", "error")


def now() -> str:
    """The time a record is made, as every record spells it: UTC, ISO 8601, whole seconds."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def max_score(srcs: dict) -> float:
    """The points an assignment is worth: the sum over its source notebooks ({name: SourceNotebook})."""
    return sum(s.max_score for s in srcs.values())


@dataclass
class Record:
    """score and max_score in points; status one of STATUSES ('' while grading); reason: one line
    for the CSV; sandbox: the containment the student's code ran under; graded_at: see ``now``;
    tests: one dict per test (grade_id, points, max_points, message, hidden...); problems: lines
    for the instructor; about: what the record keeps of the submission and of the late rule
    (name, layout, submitted_at, due, penalty...), only the non-empty ones."""

    score: float
    max_score: float
    status: str = ""
    reason: str = ""
    sandbox: str = ""
    graded_at: str = field(default_factory=now)
    tests: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    about: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> dict:
        """The record as the gradebook stores it: a flat dict of JSON values."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "about"}
        data.update(self.about)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Record":
        """The Record of a stored dict; keys that are not fields go to ``about``."""
        own = {f.name for f in fields(cls)} - {"about"}
        return cls(**{k: v for k, v in data.items() if k in own},
                   about={k: v for k, v in data.items() if k not in own})
