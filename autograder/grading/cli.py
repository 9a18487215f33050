"""Command-line interface of ``python -m autograder``."""

import argparse
import os
import sys

from autograder.grading.remote import Limits


def _release(args):
    from autograder.grading.release import release

    for name in release(args.course, args.assignments):
        print(f"released exercises/{name}")
    return 0


def _grade(args):
    from autograder.grading import classroom, collect, gradebook

    limits = Limits(timeout=args.timeout, memory_mb=args.memory, allow_weak=args.allow_weak_sandbox)
    inputs = collect.InputLimits(notebook_bytes=int(args.max_notebook_mb * 2**20),
                                 total_bytes=int(args.max_total_mb * 2**20))
    options = classroom.Options(budget=args.budget, full_messages=args.full_messages, inputs=inputs,
                                dask=args.dask)
    from autograder.grading.distributed import DaskError

    try:
        results = classroom.grade_class(args.assignment, args.submissions, args.out, args.course,
                                        args.jobs, limits, progress=not args.quiet, options=options,
                                        warn=_warn)
    except (collect.SubmissionsError, gradebook.GradebookError, classroom.SandboxRefused, DaskError) as exc:
        return _fail("grade", exc)
    print_summary(results)
    _class_report(args.assignment, args.out, getattr(args, "report", None))
    if args.dask:
        counts = ", ".join(f"{_line(w)}: {n}" for w, n in options.per_worker.items()) or "none"
        print(f"per worker: {counts}")
    print(f"gradebook: {_line(args.out)} (sandbox: {options.mode})")
    return 0


def _feedback(args):
    from autograder.grading.feedback import write_feedback
    from autograder.grading.gradebook import GradebookError

    try:
        paths = write_feedback(args.gradebook, args.assignment, args.out, warn=_warn)
    except GradebookError as exc:
        return _fail("feedback", exc)
    print(f"wrote {len(paths)} feedback files under {_line(args.out)}/")
    return 0 if paths else 1


def _export(args):
    from autograder.grading.feedback import export
    from autograder.grading.gradebook import GradebookError

    try:
        count = export(args.gradebook, args.out)
    except GradebookError as exc:
        return _fail("export", exc)
    print(f"exported {count} students to {_line(args.out)}")
    return 0


def _line(text):
    """``text`` as one printable line (control characters escaped)."""
    from autograder.grading.text import clean

    return clean(text, 1000, newlines=False)


def _warn(message):
    print(_line(message), file=sys.stderr)


def _fail(command, exc):
    """The one-line error of a command that could not run; exit code 2."""
    print(_line(f"{command}: {exc}"), file=sys.stderr)
    return 2


def _class_report(assignment, gradebook_csv, out=None):
    """Print the class report of ``assignment`` (and write its HTML page to ``out``); 0, or 2 on error."""
    from autograder.grading import report
    from autograder.grading.gradebook import GradebookError

    try:
        summary = report.build(report.load_records(gradebook_csv, assignment), assignment)
        print("\n" + report.text(summary))
        if out:
            print(f"class report: {_line(report.write(summary, out))}")
    except (GradebookError, OSError) as exc:
        return _fail("report", exc)
    return 0


def _report(args):
    return _class_report(args.assignment, args.gradebook, args.out)


def _check(args):
    from autograder.grading.notebook import BrokenNotebook
    from autograder.grading.student_check import check, report

    course = args.course if args.course != "." else _default_course()
    # The student's own code on the student's own machine: the weak sandbox will do.
    limits = Limits(timeout=args.timeout, allow_weak=True)
    try:
        release, result = check(args.notebook, course, limits)
    except (BrokenNotebook, LookupError) as exc:
        return _fail("check", exc)
    print(report(release, result))
    return 0 if all(t.passed for t in result.tests) else 1


def _default_course():
    """The course folder: the working directory if it has exercises/, else this checkout."""
    from pathlib import Path

    import autograder

    here = Path.cwd()
    return here if (here / "exercises").is_dir() else Path(autograder.__file__).resolve().parents[1]


def print_summary(results):
    """The table printed at the end of a grading run."""
    from autograder.grading.classroom import summary

    counts = summary(results)
    names = {sid: _line(sid) for sid in results}
    width = max([10] + [len(n) for n in names.values()])
    print(f"\n{'student':<{width}}  {'score':>11}  status")
    for sid, entry in sorted(results.items()):
        score = f"{entry['score']:>5g}/{entry['max_score']:<5g}" if entry["status"] != "error" else f"{'-':>11}"
        print(f"{names[sid]:<{width}}  {score}  {_line(entry['status'])}")
    print(f"\n{len(results)} submissions: {counts['graded']} graded, "
          f"{counts['zero']} zero with reason, {counts['error']} could not be graded (status error)")


def parser():
    """The argument parser of every command."""
    top = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    top.add_argument("--course", default=".", help="course folder holding solutions/ (default: .)")
    sub = top.add_subparsers(dest="command", required=True)

    rel = sub.add_parser("release", help="regenerate exercises/ from solutions/")
    rel.add_argument("assignments", nargs="*", help="assignments to release (default: all)")
    rel.set_defaults(run=_release)

    gr = sub.add_parser("grade", help="autograde a class of submissions")
    gr.add_argument("assignment")
    gr.add_argument("submissions", help="folder <student>/<assignment>/*.ipynb, a zip of it, "
                                        "or a folder of <student>.ipynb files")
    gr.add_argument("--out", default="grades.csv", help="gradebook CSV (default: grades.csv)")
    gr.add_argument("--jobs", type=int, default=os.cpu_count(), help="students graded at once")
    gr.add_argument("--timeout", type=float, default=30.0, help="seconds per cell or call")
    gr.add_argument("--memory", type=int, default=2048, help="memory limit per student, MiB")
    gr.add_argument("--budget", type=float, default=None,
                    help="seconds per student across all cells and calls, after which the remaining "
                         "tests score 0 (default: 10 x --timeout, at most 600; 0: no budget)")
    gr.add_argument("--allow-weak-sandbox", action="store_true",
                    help="grade even where bubblewrap cannot contain student code (audit hook only: "
                         "weaker, a determined submission can leave it); recorded per student")
    gr.add_argument("--full-messages", action="store_true",
                    help="also store the full message of failed hidden tests in the gradebook (for the "
                         "instructor; feedback pages never show it)")
    gr.add_argument("--max-notebook-mb", type=float, default=20.0, help="largest notebook read (MB)")
    gr.add_argument("--max-total-mb", type=float, default=500.0, help="largest total of a zip's notebooks (MB)")
    gr.add_argument("--dask", metavar="ADDRESS", default=None,
                    help="grade on a Dask cluster: tcp://host:8786, or local:N for N worker processes here")
    gr.add_argument("--quiet", action="store_true", help="no progress bar")
    gr.add_argument("--report", metavar="HTML", default=None,
                    help="also write the class report (histogram, pass rate of each test) to this HTML file")
    gr.set_defaults(run=_grade)

    fb = sub.add_parser("feedback", help="one HTML feedback file per graded student")
    fb.add_argument("assignment")
    fb.add_argument("--gradebook", default="grades.csv", help="the CSV written by grade")
    fb.add_argument("--out", default="feedback", help="folder for <student>/<assignment>.html")
    fb.set_defaults(run=_feedback)

    ex = sub.add_parser("export", help="gradebook: one row per student, one column per assignment")
    ex.add_argument("--gradebook", default="grades.csv", help="the CSV written by grade")
    ex.add_argument("--out", default="gradebook_export.csv")
    ex.set_defaults(run=_export)

    rp = sub.add_parser("report", help="class report: score histogram, pass rate and commonest failure per test")
    rp.add_argument("assignment")
    rp.add_argument("--gradebook", default="grades.csv", help="the CSV written by grade")
    rp.add_argument("--out", default=None, help="also write the report as a self-contained HTML page")
    rp.set_defaults(run=_report)

    ck = sub.add_parser("check", help="for students: run the visible tests of a notebook")
    ck.add_argument("notebook")
    ck.add_argument("--timeout", type=float, default=60.0, help="seconds per cell or call")
    ck.set_defaults(run=_check)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    return args.run(args)
