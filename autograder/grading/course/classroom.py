"""Grade a whole class: find the submissions, grade them in parallel, record each one."""

import dataclasses
import os
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from autograder.grading.course import collect, distributed
from autograder.grading.course.late import settle
from autograder.grading.course.plan import Graded, Options, RunPlan  # noqa: F401 - Options: the class's API
from autograder.grading.records import gradebook
from autograder.grading.student import parsing, remote, sandbox
from autograder.grading.student.grade import (MIN_MEMORY_MB, Grading, SandboxRefused,  # noqa: F401 - the class's API
                                              about, check_bounds, error_entry, grade_student, hidden_paths,
                                              sandbox_mode, sources, test_record)
from autograder.grading.student.remote import Limits
from autograder.grading.student.text import short


def grade_class(assignment, submissions, out, course=".", jobs=None, limits=None, progress=True,
                options=None, warn=None) -> Graded:
    """Grade every submission; return {student_id: record} (a ``Graded``, which also says the
    sandbox mode, the budget and the Dask workers' shares). Records are stored as they finish.

    limits: a ``Limits`` (every time limit too); options: an ``Options`` (frozen: nothing is
    written into either). Before any student is graded: the gradebook must be readable
    (GradebookError) and the sandbox strong or the weak one allowed (SandboxRefused).
    """
    # torch (the checks' twins) loads while submissions open and the first workers start
    threading.Thread(target=parsing.preload, args=("torch",), name="torch-import", daemon=True).start()
    srcs = sources(course, assignment)
    options = options or Options()
    warn = warn or (lambda line: print(line, file=sys.stderr))
    gradebook.check_output(out, options.force)
    gradebook.check_edits(out, options.accept_edits)
    limits = limits or Limits()
    mode = sandbox_mode(limits)
    check_bounds(limits)
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
            hidden = hidden_paths(course, opened.root, out) + tuple(limits.deny_read)
            plan = RunPlan(assignment, course, out, srcs, dataclasses.replace(limits, deny_read=hidden),
                           Grading(mode, options.full_messages, options.inputs.notebook_bytes), options.late)
            if options.dask:
                return _grade_on_dask(plan, subs, options.dask, progress)
            return Graded(_grade_all(plan, subs, jobs, progress), mode, plan.limits.student_budget())
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


def _grade_all(plan: RunPlan, subs: list, jobs: int | None, progress: bool) -> dict[str, dict]:
    """Grade ``subs`` in a pool of threads here (each drives its student's worker process); the
    class's rules on each record (``late.settle``); {student_id: record}, stored as each finishes."""
    results = {}
    pool = ThreadPoolExecutor(max_workers=jobs or (os.cpu_count() or 1) + 1)  # as cli.default_jobs
    try:
        futures = {pool.submit(grade_student, s, plan.srcs, plan.limits, plan.grading): s for s in subs}
        for future in tqdm(as_completed(futures), total=len(futures), disable=not progress,
                           desc=f"grading {plan.assignment}", unit="student"):
            sub = futures[future]
            try:
                entry = settle(future.result(), plan.late, sub)
            except sandbox.SandboxUnavailable as exc:
                raise SandboxRefused(short(exc, 500, False)) from None
            except Exception as exc:  # noqa: BLE001 - one student's failure must not stop the class
                entry = dict(error_entry(plan.srcs, exc, plan.grading.mode), **about(sub))  # same LMS identity
            results[sub.student_id] = _record(plan, sub.student_id, entry)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _grade_on_dask(plan: RunPlan, subs: list, address: str, progress: bool) -> Graded:
    """As _grade_all, one Dask task per student; this process alone writes the gradebook."""
    results = {}

    def store(sub, entry):
        results[sub.student_id] = _record(plan, sub.student_id, entry)

    per_worker = distributed.run(plan, subs, address, store, progress)
    return Graded(results, plan.grading.mode, plan.limits.student_budget(), per_worker)


def _record(plan: RunPlan, student_id: str, entry: dict) -> dict:
    """Store ``entry``; if only this entry cannot be stored, store an error record for the student."""
    try:
        gradebook.record(plan.out, plan.assignment, student_id, entry, batch=True)
        return entry
    except gradebook.GradebookError:
        raise
    except Exception as exc:  # noqa: BLE001 - this student's record, not the run
        entry = error_entry(plan.srcs, exc, plan.grading.mode, what="record")
        gradebook.record(plan.out, plan.assignment, student_id, entry, batch=True)
        return entry


def summary(results):
    """Counts for the end-of-run table: graded, zero with reason, error (could not be graded)."""
    counts = dict.fromkeys(gradebook.STATUSES, 0)
    for entry in results.values():
        counts[entry["status"] if entry.get("status") in counts else "error"] += 1
    return counts
