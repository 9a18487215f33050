"""Benchmark (not a test): the same class graded locally (``--jobs 2``) and on a Dask
LocalCluster of two worker processes (``--dask local:2``), in one run.

Usage: .venv/bin/python bench/dask_overhead.py [--students 60] [--assignment 01_perceptron]
Prints both rates, the overhead ratio (dask time / local time), the per-student cost of one
job, and the time 130,000 gradings would take on 10 machines of 16 cores at that cost.
Writes bench/out/dask_overhead.json.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from grader_vs_nbgrader import make_class, time_ours, write_result  # noqa: E402  (a sibling script, not a package)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--assignment", default="01_perceptron")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        make_class(args.assignment, args.students, course)
        local, local_rows = time_ours(args.assignment, course, course / "local.csv", "--jobs", "2")
        dask, dask_rows = time_ours(args.assignment, course, course / "dask.csv", "--dask", "local:2")
    per_student_core_s = 2 * local / args.students  # two jobs busy for `local` seconds
    cluster_h = 130_000 * per_student_core_s / (10 * 16) / 3600
    result = dict(students=args.students, cores=os.cpu_count(), local_rows=local_rows, dask_rows=dask_rows,
                  local_s=round(local, 1), dask_s=round(dask, 1),
                  local_per_min=round(60 * args.students / local, 1),
                  dask_per_min=round(60 * args.students / dask, 1),
                  overhead_ratio=round(dask / local, 2), core_s_per_student=round(per_student_core_s, 3),
                  hours_for_130k_on_10x16_cores=round(cluster_h, 2))
    write_result("dask_overhead", result)


if __name__ == "__main__":
    main()
