"""Benchmark (not a test): grading throughput of `python -m autograder grade` against plain
`nbgrader autograde`, on the same 60 synthetic submissions of one assignment, in one run.

Usage: .venv/bin/python bench/grader_vs_nbgrader.py [--students 60] [--assignment 01_perceptron]
Prints submissions per minute of each and the ratio; writes bench/out/grader_vs_nbgrader.json.
"""

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_class(assignment, n, folder):
    """n submissions: half correct, a quarter wrong, the rest stubs or invalid JSON."""
    solution = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text())
    stub = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
    wrong = copy.deepcopy(solution)
    for cell in wrong["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            source = "".join(cell["source"])  # nbformat stores a list of lines
            cell["source"] = source.replace(" > 0", " >= 0").replace("+ lr", "- lr")
    for i in range(n):
        kind = ("correct", "correct", "wrong", "broken")[i % 4]
        nb = {"correct": solution, "wrong": wrong, "broken": stub}[kind]
        text = "{ not json" if kind == "broken" and i % 8 == 7 else json.dumps(nb)
        dest = folder / "submitted" / f"s{i:03d}" / assignment
        dest.mkdir(parents=True)
        (dest / f"{assignment}.ipynb").write_text(text)
        (dest / "timestamp.txt").write_text("2026-11-23 09:00:00.000000 UTC")


def env():
    e = dict(os.environ)
    e["PATH"] = os.path.dirname(sys.executable) + os.pathsep + e.get("PATH", "")
    return e


def time_ours(assignment, course, out=None, *extra, root=ROOT):
    """Seconds for one `grade` run over the class in ``course`` (extra options appended); its rows.

    root: the checkout whose package grades (run from there, so `-m autograder` imports it).
    """
    out = out or course / "ours.csv"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade", assignment,
                    str(course / "submitted"), "--out", str(out), "--quiet", *extra],
                   cwd=root, check=True, env=env(), capture_output=True)
    elapsed = time.perf_counter() - start
    return elapsed, len(out.read_text().splitlines()) - 1


def time_nbgrader(assignment, course, n):
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    shutil.copy(ROOT / "nbgrader_config.py", course)

    def run(*a):
        return subprocess.run([sys.executable, "-m", "nbgrader", *a], cwd=course, env=env(), check=True,
                              capture_output=True)
    run("generate_assignment", assignment)  # registers the assignment; not timed
    for i in range(n):
        run("db", "student", "add", f"s{i:03d}")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment], cwd=course, env=env(),
                   capture_output=True)  # exits non-zero because of the invalid notebooks
    elapsed = time.perf_counter() - start
    return elapsed, len(list(course.glob(f"autograded/*/{assignment}/*.ipynb")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--assignment", default="01_perceptron")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        make_class(args.assignment, args.students, course)
        ours, ours_rows = time_ours(args.assignment, course)
        theirs, theirs_graded = time_nbgrader(args.assignment, course, args.students)
    result = dict(students=args.students, cores=os.cpu_count(), ours_rows=ours_rows,
                  nbgrader_autograded_notebooks=theirs_graded, ours_s=round(ours, 1), nbgrader_s=round(theirs, 1),
                  ours_per_min=round(60 * args.students / ours, 1),
                  nbgrader_per_min=round(60 * args.students / theirs, 1), ratio=round(theirs / ours, 2))
    write_result("grader_vs_nbgrader", result)


def write_result(name, result):
    """Print ``result`` and keep it as bench/out/<name>.json."""
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
