"""Grade a whole class: find the submissions, grade them in parallel, record each one."""

import datetime
import importlib.util
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

import autograder
from autograder.grading import collect, gradebook
from autograder.grading.judge import grade_notebook
from autograder.grading.notebook import load_source
from autograder.grading.remote import Limits

#: Longest reason kept per failed test in the CSV (the feedback keeps all).
REASON_CHARS = 300


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
             Path(autograder.__file__).parent]
    spec = importlib.util.find_spec("torch")
    if spec and spec.submodule_search_locations:
        paths += [Path(p) for p in spec.submodule_search_locations]
    return tuple(str(p.resolve()) for p in paths)


def grade_student(sub, srcs, limits):
    """One student's record: score, max, status, reason and per-test details."""
    max_score = sum(s.max_score for s in srcs.values())
    entry = dict(score=0.0, max_score=max_score, tests=[], problems=[],
                 graded_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
    if sub.problem and not sub.notebooks:
        entry["problems"].append(sub.problem)
    for name, src in srcs.items():
        path = sub.notebooks.get(name)
        if path is None:
            entry["tests"] += [dict(grade_id=t.grade_id, points=0.0, max_points=t.points,
                                    message=f"notebook {name}.ipynb was not submitted") for t in src.tests]
            continue
        result = grade_notebook(src, path, limits)
        entry["problems"] += result.problems
        entry["tests"] += [dict(grade_id=t.grade_id, points=t.points, max_points=t.max_points,
                                message=t.message) for t in result.tests]
    entry["score"] = sum(t["points"] for t in entry["tests"])
    entry["status"] = "graded" if entry["score"] > 0 else "zero"
    entry["reason"] = reason(entry)
    return entry


def reason(entry):
    """One line for the CSV: what was lost and why."""
    parts = [p[:REASON_CHARS] for p in entry["problems"]]
    parts += [f"{t['grade_id']}: {t['message'][:REASON_CHARS]}" for t in entry["tests"]
              if t["points"] < t["max_points"] and t["message"] not in entry["problems"]]
    return " | ".join(parts)


def failed_entry(srcs, error):
    """The record of a student the grader itself could not grade (a bug of ours)."""
    return dict(score=0.0, max_score=sum(s.max_score for s in srcs.values()), tests=[], problems=[],
                status="failed", reason=f"failed to grade: {type(error).__name__}: {error}",
                graded_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))


def grade_class(assignment, submissions, out, course=".", jobs=None, limits=None, progress=True):
    """Grade every submission; return {student_id: record}. Records are stored as they finish."""
    srcs = sources(course, assignment)
    names = list(srcs)
    jobs = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="dlcourse-grade-") as work:
        root = collect.open_submissions(submissions, work)
        subs = collect.find(root, assignment, names)
        limits = limits or Limits()
        limits.deny_read = hidden_paths(course, root, out) + tuple(limits.deny_read)
        results = {}
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(grade_student, s, srcs, limits): s for s in subs}
            for future in tqdm(as_completed(futures), total=len(futures), disable=not progress,
                               desc=f"grading {assignment}", unit="student"):
                sub = futures[future]
                try:
                    entry = future.result()
                except Exception as exc:  # noqa: BLE001 - one student's failure must not stop the class
                    entry = failed_entry(srcs, exc)
                gradebook.record(out, assignment, sub.student_id, entry)
                results[sub.student_id] = entry
    return results


def summary(results):
    """Counts for the end-of-run table: graded, zero with reason, failed to grade."""
    counts = {"graded": 0, "zero": 0, "failed": 0}
    for entry in results.values():
        counts[entry["status"]] += 1
    return counts
