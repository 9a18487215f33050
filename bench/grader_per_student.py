"""Benchmark (not a test): a student's cost does not grow with the class; where a student's time goes.

Usage: .venv/bin/python bench/grader_per_student.py [--students 600] [--jobs N]

1. Recording alone: ``gradebook.record`` for N students one after another, as a class run
   does (``batch=True``, the journal) and as it did before (a rewrite of grades.json and the
   CSV per student), milliseconds per student over the first and the last tenth.
2. A whole class of N students graded in this process (``classroom.grade_class``, the full
   sandbox), each student's finishing time taken as it is recorded: seconds per student over
   the first and the last fifth of the class (their ratio is 1 when the cost does not grow),
   and the time of each stage summed over the job threads, per student: worker start, the
   student's cells, the tests (calls into the worker and the checks), recording.

Writes bench/out/grader_per_student.json.
"""

import argparse
import os
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from grader_vs_nbgrader import ROOT, make_class, write_result

ASSIGNMENT = "01_perceptron"


def record_costs(n, folder):
    """ms per record over the first and last tenth of ``n`` records, journal and rewrite."""
    from autograder.grading.records import gradebook

    entry = dict(score=10.0, max_score=10.0, status="graded", reason="", problems=[],
                 tests=[dict(grade_id=f"test_{i}", points=2.0, max_points=2.0, message="", hidden=False)
                        for i in range(5)])
    result = {}
    for how, batch in (("journal", True), ("rewrite", False)):
        out = Path(folder) / how / "grades.csv"
        out.parent.mkdir(parents=True)
        times = []
        for i in range(n):
            start = time.perf_counter()
            gradebook.record(out, ASSIGNMENT, f"s{i:04d}", dict(entry), batch=batch)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        gradebook.settle(out)
        tenth = max(n // 10, 1)
        result[how] = dict(first_ms=round(1000 * sum(times[:tenth]) / tenth, 3),
                           last_ms=round(1000 * sum(times[-tenth:]) / tenth, 3),
                           end_of_run_ms=round(1000 * (time.perf_counter() - start), 1))
    return result


class Stages:
    """Seconds spent in each stage, summed over threads, by wrapping the grader's functions."""

    def __init__(self):
        self.seconds, self.lock = defaultdict(float), threading.Lock()
        self.local = threading.local()

    def wrap(self, owner, name, stage):
        real = getattr(owner, name)

        def timed(*args, **kwargs):
            outer = getattr(self.local, "stage", None)
            self.local.stage = stage
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                spent = time.perf_counter() - start
                self.local.stage = outer
                with self.lock:
                    self.seconds[stage] += spent
                    if outer:  # inner time belongs to the inner stage only
                        self.seconds[outer] -= spent
        setattr(owner, name, timed)


def grade_class(n, folder, jobs):
    """Grade a class of ``n`` in this process: (finishing times, per-stage seconds, total seconds)."""
    from autograder.grading.course import classroom
    from autograder.grading.student import judge, remote
    try:
        from autograder.checks import memo
    except ImportError:  # an earlier revision (its breakdown, for comparison)
        memo = None

    make_class(ASSIGNMENT, n, Path(folder))
    stages = Stages()
    stages.wrap(remote.Worker, "__init__", "worker start")
    stages.wrap(judge.Session, "_run_cells", "student's cells")
    stages.wrap(judge, "run_part", "tests (calls and checks)")
    stages.wrap(judge, "trusted_namespace", "tests (calls and checks)")
    stages.wrap(classroom.gradebook, "record", "recording")
    finished, real_record = [], classroom._record

    def record(*args, **kwargs):
        entry = real_record(*args, **kwargs)
        finished.append((time.perf_counter(), time.process_time()))
        return entry
    classroom._record = record
    start = time.perf_counter()
    classroom.grade_class(ASSIGNMENT, Path(folder) / "submitted", Path(folder) / "grades.csv", course=ROOT,
                          jobs=jobs, progress=False)
    total = time.perf_counter() - start
    per = {k: round(v / n, 4) for k, v in stages.seconds.items()}
    if memo is not None:
        per["twin calls remembered / computed"] = f"{memo.STATS['hits']} / {memo.STATS['misses']}"
    return finished, per, total


def rates(done, n):
    """Seconds per student (wall, and the grader process's own CPU, all its threads) by fifth of the class.

    The grader's CPU is what a growing class could make grow (the workers are fresh
    processes); wall time also moves with the machine's load.
    """
    fifth = max(n // 5, 2)
    out = {}
    for name, col in (("wall", 0), ("grader_cpu", 1)):
        per = [(done[min(i + fifth, n) - 1][col] - done[max(i - 1, 0)][col]) / (min(i + fifth, n) - max(i - 1, 0) - 1)
               for i in range(0, n, fifth)]
        out[name] = [round(x, 4) for x in per]
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=600)
    parser.add_argument("--jobs", type=int, default=None, help="default: the grader's own (cores + 1)")
    parser.add_argument("--no-recording", action="store_true", help="skip part 1 (an earlier revision)")
    args = parser.parse_args()
    n = args.students
    with tempfile.TemporaryDirectory() as tmp:
        recording = None if args.no_recording else record_costs(n, Path(tmp) / "record")
        done, stages, total = grade_class(n, Path(tmp) / "class", args.jobs)
    by_fifth = rates(done, n)
    write_result("grader_per_student", dict(
        students=n, cores=os.cpu_count(), jobs=args.jobs or "default",
        load_average=os.getloadavg(), recording_ms_per_student=recording, total_s=round(total, 1),
        s_per_student_by_fifth=by_fifth,
        last_over_first={k: round(v[-1] / v[0], 2) for k, v in by_fifth.items()},
        stage_seconds_per_student_summed_over_jobs=stages))


if __name__ == "__main__":
    main()
