"""Check (not a test): this checkout grades a class exactly as an earlier revision does.

Usage: .venv/bin/python bench/grader_same_records.py --before SHA [--students 60] [--jobs N]
       .venv/bin/python bench/grader_same_records.py --before-dir PATH   (a checkout already made)

Grades the synthetic class of ``grader_vs_nbgrader.py`` with the revision ``--before``
(checked out into a temporary git worktree, run with this checkout's virtualenv) and with
this checkout, then compares every student's record in grades.json field by field,
leaving out only the time it was graded (``graded_at``). Prints the differences (none is
the goal) and the seconds of each run; writes bench/out/grader_same_records.json.
"""

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from grader_vs_nbgrader import ROOT, make_class, time_ours, write_result

#: Fields that may differ between two gradings of the same notebook.
TIMESTAMPS = ("graded_at",)


def records(csv_path, assignment):
    """{student: record without its timestamps} from the grades.json beside ``csv_path``."""
    data = json.loads(csv_path.with_suffix(".json").read_text())[assignment]
    return {sid: {k: v for k, v in entry.items() if k not in TIMESTAMPS} for sid, entry in data.items()}


def differences(before, now):
    """Lines naming every student and field whose value differs (empty: identical records)."""
    lines = [f"{sid}: only {'before' if sid in before else 'now'}" for sid in sorted(set(before) ^ set(now))]
    for sid in sorted(set(before) & set(now)):
        for field in sorted(set(before[sid]) | set(now[sid])):
            if before[sid].get(field) != now[sid].get(field):
                lines.append(f"{sid}.{field}: {before[sid].get(field)!r} != {now[sid].get(field)!r}"[:400])
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", help="revision to compare with (a git worktree is made for it)")
    parser.add_argument("--before-dir", help="a checkout of the revision to compare with")
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--assignment", default="01_perceptron")
    parser.add_argument("--jobs", default=None, help="--jobs of both runs (default: each revision's own)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        before = Path(args.before_dir) if args.before_dir else tmp / "before"
        if not args.before_dir:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before],
                           check=True, capture_output=True)
        try:
            make_class(args.assignment, args.students, tmp / "class")
            extra = ["--jobs", args.jobs] if args.jobs else []
            seconds = {}
            for side, code in (("before", before), ("now", ROOT)):
                seconds[side], _ = time_ours(args.assignment, tmp / "class", tmp / f"{side}.csv", *extra, root=code)
            diff = differences(records(tmp / "before.csv", args.assignment), records(tmp / "now.csv", args.assignment))
        finally:
            if not args.before_dir:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)],
                               capture_output=True)
    write_result("grader_same_records", dict(before=args.before or args.before_dir, students=args.students,
                                             identical=not diff, differences=diff[:50],
                                             before_s=round(seconds["before"], 1), now_s=round(seconds["now"], 1)))


if __name__ == "__main__":
    main()
