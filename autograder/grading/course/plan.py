"""A class's grading run as data: what the instructor asked, what the run settled, what it learnt.

Options (the instructor's inputs) and RunPlan (settled before the first student: the sources,
the limits with the paths student code must not read, the sandbox mode) are frozen: nothing
during a run writes into them. What a run learns comes back in its result, ``Graded``.
Shared by ``classroom`` (grading here) and ``distributed`` (on Dask), which do not import
each other.
"""

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from autograder.grading.course.collect import InputLimits
from autograder.grading.course.late import LatePolicy
from autograder.grading.student.grade import Grading
from autograder.grading.student.notebook import SourceNotebook
from autograder.grading.student.remote import Limits


@dataclass(frozen=True)
class Options:
    """How a class is graded, beyond the worker's Limits (time limits included): the instructor's inputs.

    full_messages: also store the full message of failed hidden tests (for the instructor;
    feedback never shows it); inputs: caps on what is read from the class; dask: the Dask
    scheduler (``tcp://host:port`` or ``local:N``) to grade on, None grades here; late: the due
    date and late-penalty rule (None: no penalty); students: grade only these ids (recorded or
    raw names), empty: everyone; force: replace an --out file that grade did not write;
    accept_edits: record hand edits of the CSV's scores as manual scores instead of refusing to
    run; prepare: called with the submissions chosen, before grading (submission times, kept
    LMS identities).
    """

    full_messages: bool = False
    inputs: InputLimits = field(default_factory=InputLimits)
    dask: str | None = None
    late: LatePolicy | None = None
    students: tuple[str, ...] = ()
    force: bool = False
    accept_edits: bool = False
    prepare: Callable[[list], None] | None = None


@dataclass(frozen=True)
class RunPlan:
    """One class's run, settled before the first student and the same for every student.

    srcs: {notebook name: SourceNotebook}; out: the gradebook's CSV; limits: the worker's, with
    the paths student code must not read; grading: how each student is graded (the sandbox mode
    learnt here); late: the class's late rule (None: none).
    """

    assignment: str
    course: str | os.PathLike
    out: str | os.PathLike
    srcs: dict[str, SourceNotebook]
    limits: Limits
    grading: Grading
    late: LatePolicy | None = None


@dataclass(frozen=True, eq=False)
class Graded(Mapping):
    """What a class run returns: {student_id: record} (read as a mapping), and what it learnt:
    mode (the sandbox the workers got), budget (seconds per student; 0: none) and per_worker
    ({Dask worker: students graded}; empty when graded here)."""

    records: dict[str, dict]
    mode: str = ""
    budget: float = 0.0
    per_worker: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, student_id: str) -> dict:
        return self.records[student_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)
