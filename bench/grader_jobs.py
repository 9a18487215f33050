"""Benchmark (not a test): `grade` of the same class with --jobs = cores, cores + 1 and cores + 2.

Usage: .venv/bin/python bench/grader_jobs.py [--students 60] [--rounds 2]

The three runs alternate, ``--rounds`` times (each sees the same load); prints the median
seconds of each and writes bench/out/grader_jobs.json. The default of ``--jobs`` is the
best of these here: workers wait on their pipes while the grader runs the checks.
"""

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from grader_vs_nbgrader import make_class, time_ours, write_result

ASSIGNMENT = "01_perceptron"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    counts = (cores, cores + 1, cores + 2)
    times = {n: [] for n in counts}
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        make_class(ASSIGNMENT, args.students, course)
        for _ in range(args.rounds):
            for n in counts:
                out = course / f"jobs{n}.csv"
                for old in course.glob(f"jobs{n}.*"):
                    old.unlink()
                seconds, rows = time_ours(ASSIGNMENT, course, out, "--jobs", str(n))
                assert rows == args.students
                times[n].append(round(seconds, 1))
    write_result("grader_jobs", dict(students=args.students, cores=cores, rounds=args.rounds,
                                     load_average=os.getloadavg(),
                                     seconds={f"--jobs {n}": t for n, t in times.items()},
                                     median_s={f"--jobs {n}": statistics.median(t) for n, t in times.items()}))


if __name__ == "__main__":
    main()
