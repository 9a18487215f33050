"""Grade a whole class: find the submissions, grade them in parallel, record each one."""

import datetime
import importlib.util
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

import autograder
from autograder.grading import collect, gradebook, late, parsing, remote, sandbox
from autograder.grading.gradebook import short
from autograder.grading.judge import grade_notebook
from autograder.grading.notebook import load_source
from autograder.grading.remote import Limits

#: Longest reason kept per failed test or problem in the CSV's one-line reason.
REASON_CHARS = 300
#: Largest default time budget per student (seconds).
MAX_BUDGET = 600.0
#: Smallest --memory (MiB) accepted. Measured: the solution of 06_activations grades full marks at
#: 192 MiB and loses a test at 160 MiB (bubblewrap, this machine); 256 leaves a margin.
MIN_MEMORY_MB = 256


class SandboxRefused(Exception):
    """Student code would run without the strong sandbox, and the instructor did not allow that."""


@dataclass
class Options:
    """How a class is graded, beyond the worker's Limits.

    budget: seconds per student across all cells and calls (None: default_budget,
    0: none); full_messages: also store the full message of failed hidden tests
    (for the instructor; feedback never shows it); mode: the sandbox mode, set by grade_class.
    """

    budget: float = None
    full_messages: bool = False
    inputs: collect.InputLimits = field(default_factory=collect.InputLimits)
    mode: str = ""
    #: Dask scheduler (``tcp://host:port`` or ``local:N``) to grade on; None grades here.
    dask: str = None
    #: {worker: students graded}, set by a Dask run for the summary.
    per_worker: dict = field(default_factory=dict)
    #: Due date and late-penalty rule (None: no penalty).
    late: object = None  # a late.LatePolicy
    #: Grade only these student ids (recorded or raw names); empty: everyone.
    students: tuple = ()
    #: Replace an --out file that grade did not write.
    force: bool = False
    #: Record hand edits of the CSV's scores as manual scores instead of refusing to run.
    accept_edits: bool = False
    #: Called with the submissions chosen, before grading (submission times, kept LMS identities).
    prepare: object = None


def sources(course, assignment):
    """The source notebooks of ``assignment``: {name: SourceNotebook}."""
    folder = Path(course) / "solutions" / assignment
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise collect.SubmissionsError(f"no source notebook in {folder}")
    return {p.stem: load_source(p) for p in paths}


def hidden_paths(course, root, out):
    """What student code must never read: solutions, the class, the gradebook, the references."""
    paths = [Path(course) / "solutions", Path(root), Path(out), gradebook.store_path(out),
             Path(out).parent / gradebook.PRIVATE, Path(autograder.__file__).parent]
    spec = importlib.util.find_spec("torch")
    if spec and spec.submodule_search_locations:
        paths += [Path(p) for p in spec.submodule_search_locations]
    return tuple(str(p.resolve()) for p in paths)


def default_budget(timeout):
    """Seconds one student may use across all cells and calls: 10 timeouts, at most MAX_BUDGET."""
    return min(10 * timeout, MAX_BUDGET)


def sandbox_mode(limits):
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


def check_bounds(limits):
    """SandboxRefused, before any student, where the cgroups here leave too weak a bound on a
    student's processes or memory (``remote.containment``); prints that bound where it is weak."""
    try:
        remote.preflight(limits)
    except sandbox.SandboxUnavailable as exc:
        raise SandboxRefused(short(exc, 500, False)) from None


def grade_student(sub, srcs, limits, options=None):
    """One student's record: score, max, status, reason, sandbox mode and per-test details.

    The student's time budget (``options.budget`` seconds) starts now and covers
    every notebook, cell and call; its deadline goes to every worker started.
    """
    options = options or Options()
    deadline = time.monotonic() + options.budget if options.budget else None
    entry = dict(score=0.0, max_score=sum(s.max_score for s in srcs.values()), tests=[],
                 problems=list(sub.notes) + ([sub.problem] if sub.problem else []), sandbox=options.mode,
                 graded_at=_now())
    errors = []
    for name, src in srcs.items():
        path = sub.notebooks.get(name)
        if name in sub.refused or path is None:
            why = sub.refused.get(name) or f"notebook {name}.ipynb was not submitted"
            if name in sub.refused:  # refused by the grader: for the instructor to look at
                errors.append(why)
                entry["problems"].append(why)
            entry["tests"] += [dict(grade_id=_test_id(name, t.grade_id, srcs), points=0.0, max_points=t.points,
                                    message=why) for t in src.tests]
            continue
        result = grade_notebook(src, path, limits, deadline, options.budget, options.inputs.notebook_bytes)
        entry["problems"] += result.problems
        if result.error:
            errors.append(result.error)
            entry["problems"] += [] if result.error in result.problems else [result.error]
        entry["sandbox"] = result.sandbox or entry["sandbox"]
        entry["tests"] += [dict(test_record(t, options.full_messages), grade_id=_test_id(name, t.grade_id, srcs))
                           for t in result.tests]
    entry["score"] = sum(t["points"] for t in entry["tests"])
    entry.update(about(sub))
    if not errors:
        late.apply(entry, options.late, sub.submitted_at, sub.late)
    entry["status"] = "error" if errors else "graded" if entry["score"] > 0 else "zero"
    entry["reason"] = reason(entry)
    return entry


def about(sub):
    """What the record keeps of the submission itself: name, layout, time, LMS flags (non-empty only)."""
    info = dict(name=sub.name, layout=sub.layout, submitted_at=sub.submitted_at,
                submitted_from=sub.submitted_from, late_flag=sub.late, resubmission=sub.resubmission,
                time_note=sub.time_note, lms_file=sub.lms_file)
    return {k: v for k, v in info.items() if v}


def _test_id(notebook, grade_id, srcs):
    """A test's name in the record: ``notebook/grade_id`` when the assignment has several notebooks
    (two may hold tests of the same name), else the grade_id alone."""
    return f"{notebook}/{grade_id}" if len(srcs) > 1 else grade_id


def test_record(test, full_messages):
    """A stored test: the message the student may see; the full one only if the instructor asked."""
    rec = dict(grade_id=test.grade_id, points=test.points, max_points=test.max_points,
               message=test.message, hidden=test.hidden)
    if full_messages and test.full_message != test.message:
        rec["full_message"] = test.full_message
    if test.error:
        rec["error"] = True
    return rec


def reason(entry):
    """One line for the CSV: what was lost and why (each part capped)."""
    parts = [short(p, REASON_CHARS, False) for p in entry["problems"]]
    parts += [f"{t['grade_id']}: {short(t['message'], REASON_CHARS, False)}" for t in entry["tests"]
              if t["points"] < t["max_points"] and t["message"] not in entry["problems"]]
    return short(" | ".join(parts), gradebook.REASON_CHARS, False)


def error_entry(srcs, error, mode, what="grade"):
    """The record of a student the grader could not grade or record (never shown as a score)."""
    return dict(score=0.0, max_score=sum(s.max_score for s in srcs.values()), tests=[], problems=[],
                status="error", sandbox=mode, graded_at=_now(),
                reason=f"could not {what} this student: {type(error).__name__}: {short(error, 500, False)}")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def grade_class(assignment, submissions, out, course=".", jobs=None, limits=None, progress=True,
                options=None, warn=None):
    """Grade every submission; return {student_id: record}. Records are stored as they finish.

    Before any student is graded: the gradebook must be readable (GradebookError)
    and the sandbox strong or the weak one allowed (SandboxRefused).
    """
    # torch (the checks' twins) loads while submissions open and the first workers start
    threading.Thread(target=parsing.preload, args=("torch",), name="torch-import", daemon=True).start()
    srcs = sources(course, assignment)
    options = options or Options()
    warn = warn or (lambda line: print(line, file=sys.stderr))
    gradebook.check_output(out, options.force)
    gradebook.check_edits(out, options.accept_edits)
    limits = limits or Limits()
    options.mode = sandbox_mode(limits)
    check_bounds(limits)
    if options.budget is None:
        options.budget = default_budget(limits.timeout)
    gradebook.private_dir(Path(out).parent)
    try:
        with tempfile.TemporaryDirectory(prefix="dlcourse-grade-") as work:
            opened = collect.open_submissions(submissions, work, options.inputs)
            for line in opened.warnings:
                warn(f"grade: {line}")
            subs = collect.find(opened, assignment, list(srcs))
            why = collect.no_match(subs, opened.root, assignment, list(srcs), shown=submissions, zips=opened.zips)
            if why:
                raise collect.SubmissionsError(why)
            subs = chosen(subs, options.students)
            if options.prepare:
                options.prepare(subs)
            limits.deny_read = hidden_paths(course, opened.root, out) + tuple(limits.deny_read)
            if options.dask:
                return _grade_on_dask(subs, srcs, limits, options, out, assignment, course, progress)
            return _grade_all(subs, srcs, limits, options, out, assignment, jobs, progress)
    finally:
        remote.cleanup_workers_root()
        _settle(out, warn)
        gradebook.remove_private_dir(Path(out).parent)


def _settle(out, warn):
    """Write the run's journal into grades.json and the CSV; if that fails, the journal stays
    (every reader folds it, the next command writes it) and the instructor is told."""
    try:
        gradebook.settle(out)
    except (gradebook.GradebookError, OSError) as exc:
        warn(f"grade: the gradebook files were not rewritten ({short(exc, 300, False)}); every record is "
             "kept in its journal and written by the next grade, feedback or export")


def chosen(subs, students):
    """The submissions of ``students`` (recorded ids, raw names or an LMS's display name); all if none.
    SubmissionsError if one is absent."""
    if not students:
        return subs
    key = collect.same_name
    wanted = {key(s) for s in students}
    picked = [s for s in subs if wanted & {key(s.student_id), key(s.raw_id), key(s.name or s.student_id)}]
    missing = sorted(s for s in students
                     if key(s) not in {k for p in picked for k in (key(p.student_id), key(p.raw_id), key(p.name))})
    if missing:
        known = ", ".join(f"{s.student_id} ({s.name})" if s.name else s.student_id for s in subs[:5]) + (
            ", ..." if len(subs) > 5 else "")
        raise collect.SubmissionsError(f"no submission of {', '.join(missing)} in this class (found: {known})")
    return picked


def _grade_all(subs, srcs, limits, options, out, assignment, jobs, progress):
    results = {}
    pool = ThreadPoolExecutor(max_workers=jobs or (os.cpu_count() or 1) + 1)  # as cli.default_jobs
    try:
        futures = {pool.submit(grade_student, s, srcs, limits, options): s for s in subs}
        for future in tqdm(as_completed(futures), total=len(futures), disable=not progress,
                           desc=f"grading {assignment}", unit="student"):
            sub = futures[future]
            try:
                entry = future.result()
            except sandbox.SandboxUnavailable as exc:
                raise SandboxRefused(short(exc, 500, False)) from None
            except Exception as exc:  # noqa: BLE001 - one student's failure must not stop the class
                entry = dict(error_entry(srcs, exc, options.mode), **about(sub))  # still named, same LMS identity
            results[sub.student_id] = _record(out, assignment, sub.student_id, entry, srcs, options)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _grade_on_dask(subs, srcs, limits, options, out, assignment, course, progress):
    """As _grade_all, one Dask task per student; this process alone writes the gradebook."""
    from autograder.grading import distributed

    results = {}

    def store(student_id, entry):
        results[student_id] = _record(out, assignment, student_id, entry, srcs, options)

    options.per_worker = distributed.run(assignment, subs, srcs, store, options.dask, course, limits, options,
                                         progress)
    return results


def _record(out, assignment, student_id, entry, srcs, options):
    """Store ``entry``; if only this entry cannot be stored, store an error record for the student."""
    try:
        gradebook.record(out, assignment, student_id, entry, batch=True)
        return entry
    except gradebook.GradebookError:
        raise
    except Exception as exc:  # noqa: BLE001 - this student's record, not the run
        entry = error_entry(srcs, exc, options.mode, what="record")
        gradebook.record(out, assignment, student_id, entry, batch=True)
        return entry


def summary(results):
    """Counts for the end-of-run table: graded, zero with reason, error (could not be graded)."""
    counts = dict.fromkeys(gradebook.STATUSES, 0)
    for entry in results.values():
        counts[entry["status"] if entry.get("status") in counts else "error"] += 1
    return counts
