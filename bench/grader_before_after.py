"""Benchmark (not a test): `python -m autograder grade` of this checkout against an earlier
revision of the course, on the same synthetic class, runs interleaved in one process.

Usage: .venv/bin/python bench/grader_before_after.py [--before 5adc604] [--students 60] [--rounds 3]

The earlier revision is checked out into a temporary git worktree and run with this
checkout's virtualenv (``python -m autograder`` from the worktree imports the worktree's
package). Prints the median seconds of each and the ratio; writes
bench/out/grader_before_after.json. The default revision is the grader as issue 7 found it
(the end of the course's first session, before the sandbox became an OS boundary).
"""

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from grader_vs_nbgrader import ROOT, make_class, time_ours, write_result

ASSIGNMENT = "01_perceptron"


def grade_once(code_root, course, out):
    """Seconds for one `grade` run of the package in ``code_root`` over ``course``'s class; its CSV rows.

    Wall time only: the workers' CPU time is not counted in RUSAGE_CHILDREN (bubblewrap's
    PID namespace reaps them), so a CPU figure would leave out most of the work.
    """
    for stale in out.parent.glob(out.stem + "*"):
        stale.unlink()
    return time_ours(ASSIGNMENT, course, out, root=code_root)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default="5adc604")
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        before = tmp / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before],
                       check=True, capture_output=True)
        try:
            make_class(ASSIGNMENT, args.students, tmp / "class")
            times = {"before": [], "now": []}
            for _ in range(args.rounds):  # interleaved: both sides see the same load
                for side, code in (("before", before), ("now", ROOT)):
                    seconds, rows = grade_once(code, tmp / "class", tmp / "out" / f"{side}.csv")
                    assert rows == args.students, f"{side} wrote {rows} rows for {args.students} students"
                    times[side].append(seconds)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)],
                           capture_output=True)
    med = {side: statistics.median(t) for side, t in times.items()}
    result = dict(before=args.before, students=args.students, rounds=args.rounds,
                  before_s=[round(t, 1) for t in times["before"]], now_s=[round(t, 1) for t in times["now"]],
                  before_per_min=round(60 * args.students / med["before"], 1),
                  now_per_min=round(60 * args.students / med["now"], 1),
                  speedup=round(med["before"] / med["now"], 2))
    write_result("grader_before_after", result)


if __name__ == "__main__":
    main()
