"""Grading a class on a Dask cluster: one task per student, the gradebook kept by the client.

The client (``python -m autograder grade ... --dask ADDRESS``) reads the class,
sends each student's notebooks as bytes to a Dask worker, applies the class's rules
(``late.settle``) to each result and records it in the gradebook as it arrives, exactly
as local grading does. Workers grade with the course they have (``$DLCOURSE_COURSE``,
else the checkout that holds the installed ``autograder`` package) inside the same
sandboxed worker processes as local grading. Each result carries a digest of the source notebooks
the worker graded with; the client refuses a result whose digest differs from its
own, so a machine with a stale course cannot grade with old tests.

A task lost with its worker is retried once; a student whose grading fails on two
workers is recorded with status ``error`` and the reason.
"""

import dataclasses
import hashlib
import itertools
import logging
import os
import tempfile
from collections import Counter
from pathlib import Path

from autograder.grading.course import collect, late
from autograder.grading.course.plan import RunPlan
from autograder.grading.records import record
from autograder.grading.student import grade
from autograder.grading.student.grade import Grading
from autograder.grading.student.notebook import BrokenNotebook
from autograder.grading.student.remote import Limits

#: Workers a task may be lost with before the student is recorded as an error.
ALLOWED_FAILURES = 1


class DaskError(Exception):
    """The cluster cannot be reached or started (one line for the instructor)."""


def source_digest(course, assignment):
    """sha256 of the assignment's source notebooks (names and bytes, in name order)."""
    folder = Path(course) / "solutions" / assignment
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise collect.SubmissionsError(f"no source notebook in {folder}")
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def worker_course():
    """The course a grading machine uses: $DLCOURSE_COURSE, else the installed checkout."""
    import autograder

    env = os.environ.get("DLCOURSE_COURSE")
    return Path(env) if env else Path(autograder.__file__).resolve().parents[1]


def grade_task(assignment: str, sub: collect.Submission, notebooks: dict[str, bytes], limits: Limits,
               grading: Grading, expected: str) -> dict:
    """Run on a Dask worker: grade one student from the notebooks' bytes.

    sub: the client's Submission without its paths; notebooks: {source notebook name:
    bytes}; grading: the client's, whose sandbox mode this worker replaces with its own;
    expected: the client's source digest. Returns {"digest", "worker", "entry"}; entry is
    None when the digests differ (the worker then grades nothing). The class's rules
    (``late.settle``) are the client's.
    """
    from distributed import get_worker

    course = worker_course()
    name = _worker_name(get_worker)
    digest = source_digest(course, assignment)
    if digest != expected:
        return dict(digest=digest, worker=name, entry=None)
    srcs = grade.sources(course, assignment)
    try:
        grading = dataclasses.replace(grading, mode=grade.sandbox_mode(limits))
        grade.check_bounds(limits)
    except grade.SandboxRefused as exc:
        return dict(digest=digest, worker=name, entry=error_entry(
            record.max_score(srcs), f"worker {name} cannot grade: {exc}"))
    with tempfile.TemporaryDirectory(prefix="dlcourse-dask-") as work:
        sub = dataclasses.replace(sub, notebooks={})
        for nb_name, blob in notebooks.items():
            path = Path(work) / f"{nb_name}.ipynb"
            path.write_bytes(blob)
            sub.notebooks[nb_name] = path
        limits = dataclasses.replace(limits, deny_read=grade.hidden_paths(course, work, Path(work) / "grades.csv"))
        entry = grade.grade_student(sub, srcs, limits, grading)
    return dict(digest=digest, worker=name, entry=entry)


def _worker_name(get_worker):
    worker = get_worker()
    return str(worker.name if worker.name is not None else worker.address)


def connect(address, course):
    """(client, cluster or None) for ``tcp://host:port`` or ``local:N``."""
    import dask
    from distributed import Client, LocalCluster

    dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES})
    try:
        if address.startswith("local:"):
            n = _local_workers(address)
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=None, memory_limit=0, silence_logs=logging.CRITICAL,
                                   env={"DLCOURSE_COURSE": str(Path(course).resolve())})
            return Client(cluster), cluster
        return Client(address, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        raise DaskError(f"cannot reach the Dask scheduler at {address} ({exc})") from None


def _local_workers(address):
    try:
        n = int(address.split(":", 1)[1])
    except ValueError:
        n = 0
    if n < 1:
        raise DaskError(f"--dask {address}: expected local:N with N >= 1 worker processes")
    return n


def read_notebook(path, max_bytes):
    """The bytes of a student's notebook, read in this process (the client) at most ``max_bytes``
    (+1 to tell), with the local grader's checks and words: ``notebook.read_capped``."""
    from autograder.grading.student.notebook import read_capped

    return read_capped(path, max_bytes)


def submit_one(client, plan: RunPlan, sub: collect.Submission, expected: str):
    """A future grading ``sub``; notebooks the client cannot read within the cap travel as refusals."""
    blobs, refused = {}, dict(sub.refused)
    for name, path in sub.notebooks.items():
        if name in refused:
            continue
        try:
            blobs[name] = read_notebook(path, plan.grading.notebook_bytes)
        except BrokenNotebook as exc:
            refused[name] = str(exc)
    bare = dataclasses.replace(sub, notebooks={name: None for name in sub.notebooks}, refused=refused)
    return client.submit(grade_task, plan.assignment, bare, blobs, plan.limits, plan.grading, expected,
                         key=f"grade-{plan.assignment}-{os.urandom(8).hex()}", pure=False, retries=ALLOWED_FAILURES)


def in_flight(client):
    """How many students' notebooks the client holds at once: twice the cluster's worker threads (at least 4)."""
    try:
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
    except Exception:  # noqa: BLE001 - a guess is enough
        threads = 2
    return max(4, 2 * threads)


def outcome(future, plan: RunPlan, sub: collect.Submission, expected: str) -> tuple[dict, str | None]:
    """(entry, worker) from a finished future, the class's rules applied (``late.settle``); lost
    workers and stale courses become errors."""
    srcs_max = record.max_score(plan.srcs)
    try:
        reply = future.result()
    except Exception as exc:  # noqa: BLE001 - a lost task is that student's error, not the class's
        return error_entry(srcs_max, f"grading failed on {ALLOWED_FAILURES + 1} workers: "
                                     f"{type(exc).__name__}: {exc}"), None
    if not isinstance(reply, dict) or reply.get("digest") != expected or not isinstance(reply.get("entry"), dict):
        worker = reply.get("worker") if isinstance(reply, dict) else "?"
        digest = str(reply.get("digest", "")) if isinstance(reply, dict) else ""
        return error_entry(srcs_max, f"refused: worker {worker} has a different source notebook "
                                     f"(digest {digest[:12]}, expected {expected[:12]}); "
                                     "update the course on that machine"), worker
    return late.settle(reply["entry"], plan.late, sub), reply["worker"]


def error_entry(max_score, reason):
    """The record of a student the cluster could not grade (status error, never a score)."""
    from autograder.grading.student.text import clean

    return record.Record(score=0.0, max_score=max_score, status="error", reason=clean(reason, 500),
                         problems=[clean(reason, 500)]).to_json()


def per_worker(workers):
    """{worker: students graded} for the end-of-run summary."""
    return dict(sorted(Counter(w for w in workers if w is not None).items()))


def close(client, cluster):
    """Shut down what ``connect`` started; never raises."""
    for thing in (client, cluster):
        if thing is not None:
            try:
                thing.close()
            except Exception:  # noqa: BLE001 - shutting down must not hide the results
                pass


def run(plan: RunPlan, subs: list, address: str, store, progress: bool = True) -> dict[str, int]:
    """Grade ``subs`` on the cluster at ``address``; ``store(sub, entry)`` as each arrives.

    Returns {worker: students graded}. Only this process writes the gradebook (through
    ``store``), one atomic record per student, so an interrupted run stays consistent.
    """
    from distributed import as_completed
    from tqdm import tqdm

    expected = source_digest(plan.course, plan.assignment)
    client, cluster = connect(address, plan.course)
    workers = []
    try:
        # A window of students at a time: the client never holds the whole class's notebooks.
        waiting, futures = iter(subs), {}
        for sub in itertools.islice(waiting, in_flight(client)):
            futures[submit_one(client, plan, sub, expected)] = sub
        done = as_completed(list(futures))
        for future in tqdm(done, total=len(subs), disable=not progress,
                           desc=f"grading {plan.assignment} on dask", unit="student"):
            sub = futures.pop(future)
            entry, worker = outcome(future, plan, sub, expected)
            store(sub, entry)
            workers.append(worker)
            nxt = next(waiting, None)
            if nxt is not None:
                new = submit_one(client, plan, nxt, expected)
                futures[new] = nxt
                done.add(new)
    finally:
        close(client, cluster)
    return per_worker(workers)
