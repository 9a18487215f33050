"""Grade one student: the assignment's sources, the sandbox this machine gives, one record.

Only what the student's notebooks earned: the class's rules (late penalties, the CSV's reason
line) are ``course.late.settle``'s. Used by the whole class's run here (``course.classroom``)
and on a Dask worker (``course.distributed``); neither of those imports the other.
"""

import importlib.util
import os
import time
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder.grading.course import collect
from autograder.grading.records import gradebook
from autograder.grading.records.record import Record, max_score
from autograder.grading.student import remote, sandbox
from autograder.grading.student.judge import TestResult, grade_notebook
from autograder.grading.student.notebook import MAX_NOTEBOOK_BYTES, SourceNotebook, load_source
from autograder.grading.student.remote import Limits
from autograder.grading.student.text import short

#: Smallest --memory (MiB) accepted. Measured: the solution of 06_activations grades full marks at
#: 192 MiB and loses a test at 160 MiB (bubblewrap, this machine); 256 leaves a margin.
MIN_MEMORY_MB = 256


class SandboxRefused(Exception):
    """Student code would run without the strong sandbox, and the instructor did not allow that."""


@dataclass(frozen=True)
class Grading:
    """How each student of a run is graded, beyond the worker's Limits; the same for all (frozen).

    mode: the sandbox mode this machine gives ('bubblewrap' or 'hook-only', ``sandbox_mode``),
    recorded where no worker started; full_messages: also store the full message of failed
    hidden tests (for the instructor; feedback never shows it); notebook_bytes: the largest
    submitted notebook read.
    """

    mode: str = ""
    full_messages: bool = False
    notebook_bytes: int = MAX_NOTEBOOK_BYTES


def sources(course: str | os.PathLike, assignment: str) -> dict[str, SourceNotebook]:
    """The source notebooks of ``assignment``: {name: SourceNotebook}."""
    folder = Path(course) / "solutions" / assignment
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise collect.SubmissionsError(f"no source notebook in {folder}")
    return {p.stem: load_source(p) for p in paths}


def hidden_paths(course: str | os.PathLike, root: str | os.PathLike, out: str | os.PathLike) -> tuple[str, ...]:
    """What student code must never read: solutions, the class, the gradebook, the references."""
    paths = [Path(course) / "solutions", Path(root), Path(out), gradebook.store_path(out),
             Path(out).parent / gradebook.PRIVATE, Path(autograder.__file__).parent]
    spec = importlib.util.find_spec("torch")
    if spec and spec.submodule_search_locations:
        paths += [Path(p) for p in spec.submodule_search_locations]
    return tuple(str(p.resolve()) for p in paths)


def sandbox_mode(limits: Limits) -> str:
    """The containment workers get here; SandboxRefused if only the weak mode is left and not allowed."""
    why = sandbox.unavailable_reason()
    mode = "hook-only" if why else "bubblewrap"
    if mode != "bubblewrap" and not limits.allow_weak:
        raise SandboxRefused(
            f"the strong sandbox is not available here ({why}), so student code "
            "would run behind a Python audit hook only, which a submission can switch off; install it "
            "(Debian/Ubuntu: apt-get install bubblewrap; in a container, allow user namespaces; see the "
            "instructors' page) or pass --allow-weak-sandbox to accept the weaker mode")
    return mode


def check_bounds(limits: Limits) -> None:
    """SandboxRefused, before any student, where the cgroups here leave too weak a bound on a
    student's processes or memory (``remote.containment``); prints that bound where it is weak."""
    try:
        remote.preflight(limits)
    except sandbox.SandboxUnavailable as exc:
        raise SandboxRefused(short(exc, 500, False)) from None


def grade_student(sub: collect.Submission, srcs: dict[str, SourceNotebook], limits: Limits,
                  grading: Grading | None = None) -> dict:
    """One student's record as their notebooks earned it: score, max, status, sandbox mode and
    per-test details (a Record's JSON). The class's rules (late penalty, the CSV's reason line)
    are ``course.late.settle``'s, applied by the run that called this.

    The student's time budget (``limits.student_budget()`` seconds) starts now and covers
    every notebook, cell and call; its deadline goes to every worker started.
    """
    grading = grading or Grading()
    budget = limits.student_budget()
    deadline = time.monotonic() + budget if budget else None
    record = Record(score=0.0, max_score=max_score(srcs), sandbox=grading.mode,
                    problems=list(sub.notes) + ([sub.problem] if sub.problem else []))
    errors = []
    for name, src in srcs.items():
        path = sub.notebooks.get(name)
        if name in sub.refused or path is None:
            why = sub.refused.get(name) or f"notebook {name}.ipynb was not submitted"
            if name in sub.refused:  # refused by the grader: for the instructor to look at
                errors.append(why)
                record.problems.append(why)
            record.tests += [dict(grade_id=_test_id(name, t.grade_id, srcs), points=0.0, max_points=t.points,
                                  message=why) for t in src.tests]
            continue
        result = grade_notebook(src, path, limits, deadline, budget, grading.notebook_bytes)
        record.problems += result.problems
        if result.error:
            errors.append(result.error)
            record.problems += [] if result.error in result.problems else [result.error]
        record.sandbox = result.sandbox or record.sandbox
        record.tests += [dict(test_record(t, grading.full_messages), grade_id=_test_id(name, t.grade_id, srcs))
                         for t in result.tests]
    record.score = sum(t["points"] for t in record.tests)
    record.status = "error" if errors else "graded" if record.score > 0 else "zero"
    record.about.update(about(sub))
    return record.to_json()


def about(sub: collect.Submission) -> dict:
    """What the record keeps of the submission itself: name, layout, time, LMS flags (non-empty only)."""
    info = dict(name=sub.name, layout=sub.layout, submitted_at=sub.submitted_at,
                submitted_from=sub.submitted_from, late_flag=sub.late, resubmission=sub.resubmission,
                time_note=sub.time_note, lms_file=sub.lms_file)
    return {k: v for k, v in info.items() if v}


def _test_id(notebook, grade_id, srcs):
    """A test's name in the record: ``notebook/grade_id`` when the assignment has several notebooks
    (two may hold tests of the same name), else the grade_id alone."""
    return f"{notebook}/{grade_id}" if len(srcs) > 1 else grade_id


def test_record(test: TestResult, full_messages: bool) -> dict:
    """A stored test: the message the student may see; the full one only if the instructor asked."""
    rec = dict(grade_id=test.grade_id, points=test.points, max_points=test.max_points,
               message=test.message, hidden=test.hidden)
    if full_messages and test.full_message != test.message:
        rec["full_message"] = test.full_message
    if test.error:
        rec["error"] = True
    return rec


def error_entry(srcs: dict[str, SourceNotebook], error: BaseException, mode: str, what: str = "grade") -> dict:
    """The record of a student the grader could not grade or record (never shown as a score)."""
    return Record(score=0.0, max_score=max_score(srcs), status="error", sandbox=mode,
                  reason=f"could not {what} this student: {type(error).__name__}: {short(error, 500, False)}").to_json()
