"""Command-line interface of ``python -m autograder``."""

import argparse
import os
import sys

from autograder.grading.student.remote import Limits


def _release(args):
    from autograder.grading.authoring.release import ReleaseError, release

    try:
        _known(args.course, args.assignments)
        names = release(args.course, args.assignments)
    except (LookupError, ReleaseError) as exc:
        return _fail("release", exc)
    for name in names:
        print(f"released exercises/{name}")
    if not args.no_validate:
        return _validate_all(args.course, args.assignments)
    return 0


def _validate_all(course, names):
    """Validate each assignment (default: all); print one line per problem; 0 or 1."""
    from autograder.grading.authoring.release import assignments
    from autograder.grading.authoring.validate import validate

    failed = 0
    for name in names or assignments(course):
        errors, totals = validate(course, name)
        for line in errors:
            print(_line(f"validate: {line}"), file=sys.stderr)
        print(f"validate {name}: " + (f"{len(errors)} authoring error(s)" if errors else f"ok ({totals})"))
        failed += bool(errors)
    return 1 if failed else 0


def _validate(args):
    try:
        _known(args.course, args.assignments)
    except LookupError as exc:
        return _fail("validate", exc)
    return _validate_all(args.course, args.assignments)


def _known(course, names):
    """LookupError (one line, with the closest names) unless every name is an assignment of the course."""
    import difflib

    from autograder.grading.authoring.release import assignments

    known = assignments(course)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=2, cutoff=0.6)
            hint = f"did you mean {' or '.join(close)}?" if close else f"the course has: {', '.join(known) or 'none'}"
            raise LookupError(f"no assignment {name} in {course}/solutions ({hint})")


def _student_kit(args):
    from autograder.grading.authoring.student_kit import build

    course = args.course if args.course != "." else _default_course()
    try:
        made = build(course, args.out)
    except (FileExistsError, OSError, LookupError) as exc:
        return _fail("student-kit", exc)
    print(f"student kit in {_line(args.out)}: {len(made['notebooks'])} notebooks, "
          f"{len(made['shimmed'])} NumPy functions (the graded ones and any that contain them) "
          f"withheld and computed by their PyTorch twins; "
          f"students install it with one pip command ({_line(args.out)}/README.md, one per system)")
    return 0


def _grade(args):
    from autograder.grading.course import classroom, collect
    from autograder.grading.records import gradebook, report

    try:
        _known(args.course, [args.assignment])
        if args.report:
            report.check_target(args.report)
            from pathlib import Path

            from autograder.grading.records import similarity_report
            similarity_report.targets(Path(args.report).parent)  # similarity.csv and .html go beside the report
    except (LookupError, OSError) as exc:
        return _fail("grade", exc)

    limits = Limits(timeout=args.timeout, budget=args.budget, memory_mb=args.memory,
                    allow_weak=args.allow_weak_sandbox)
    from autograder.grading.course.distributed import DaskError

    try:
        policy, zone = _late_policy(args)
        inputs = collect.InputLimits(notebook_bytes=int(args.max_notebook_mb * 2**20),
                                     total_bytes=int(args.max_total_mb * 2**20), zone=zone)
        options = classroom.Options(full_messages=args.full_messages, inputs=inputs,
                                    dask=args.dask, late=policy, students=tuple(args.student or ()),
                                    force=args.force, accept_edits=args.accept_csv_edits,
                                    prepare=_prepare(args, zone))
        results = classroom.grade_class(args.assignment, args.submissions, args.out, args.course,
                                        args.jobs, limits, progress=not args.quiet, options=options,
                                        warn=_warn)
    except (collect.SubmissionsError, gradebook.GradebookError, classroom.SandboxRefused, DaskError,
            ValueError) as exc:
        return _fail("grade", exc)
    print_summary(results)
    sections = _similarity_section(args, inputs) if getattr(args, "report", None) else []
    _class_report(args.assignment, args.out, getattr(args, "report", None), sections)
    if args.dask:
        counts = ", ".join(f"{_line(w)}: {n}" for w, n in results.per_worker.items()) or "none"
        print(f"per worker: {counts}")
    print(f"gradebook: {_line(args.out)} (sandbox: {results.mode})")
    return 1 if any(e.get("status") == "error" for e in results.values()) else 0


def _late_policy(args):
    """(LatePolicy of --due (else the course's due_dates.json), --late-penalty and --late-cap, or None;
    the zone of times written without one: --timezone, else the due date's, else this machine's)."""
    from autograder.grading.course.late import LatePolicy, course_due, parse_due

    given = getattr(args, "timezone", None)
    due = parse_due(args.due, given) if args.due else course_due(args.course, args.assignment, given)
    zone = given or (due.tzinfo if due is not None else None)
    if due is None:
        if args.late_penalty:
            raise ValueError(f"--late-penalty needs a due date: --due, or {args.assignment} in due_dates.json")
        return None, zone
    amount, percent, unit = args.late_penalty or (0.0, True, "day")
    return LatePolicy(due, amount, percent, unit, args.late_cap), zone


def _prepare(args, zone):
    """What grade does to the chosen submissions before grading: keep the LMS identity of a student
    regraded from a single file, and take submission times from --submission-times (read now: a bad
    file stops the run before anyone is graded)."""
    from autograder.grading.course import collect, late
    from autograder.grading.records import gradebook

    times = late.read_submission_times(args.submission_times, zone) if args.submission_times else None

    def prepare(subs):
        records = gradebook.load(gradebook.store_path(args.out)).get(args.assignment, {})
        collect.keep_identity(subs, records)
        if times is not None:
            late.use_times(subs, times, args.submission_times)
    return prepare


def _feedback(args):
    from autograder.grading.records.feedback import lms_feedback, write_feedback
    from autograder.grading.records.gradebook import GradebookError, check_edits

    try:
        if args.accept_csv_edits:
            check_edits(args.gradebook, accept=True)
        paths = write_feedback(args.gradebook, args.assignment, args.out, warn=_warn)
        for line in lms_feedback(args.gradebook, args.assignment, args.out, paths):
            print(_line(line))
    except GradebookError as exc:
        return _fail("feedback", exc)
    print(f"wrote {len(paths)} feedback files under {_line(str(args.out).rstrip('/') or '/')}/")
    return 0 if paths else 1


def _export(args):
    from autograder.grading.records.feedback import export
    from autograder.grading.records.gradebook import GradebookError, check_edits

    try:
        if args.accept_csv_edits:
            check_edits(args.gradebook, accept=True)
        count = export(args.gradebook, args.out, args.format, args.force, columns=dict(args.column or ()),
                       roster=args.roster, warn=_warn)
    except GradebookError as exc:
        return _fail("export", exc)
    print(f"exported {count} students to {_line(args.out)} ({args.format})")
    return 0


def _line(text):
    """``text`` as one printable line (control characters escaped)."""
    from autograder.grading.student.text import clean

    return clean(text, 1000, newlines=False)


def _warn(message):
    print(_line(message), file=sys.stderr)


def _fail(command, exc):
    """The one-line error of a command that could not run; exit code 2."""
    print(_line(f"{command}: {exc}"), file=sys.stderr)
    return 2


def _class_report(assignment, gradebook_csv, out=None, sections=()):
    """Print the class report of ``assignment`` (and write its HTML page to ``out``); 0, or 2 on error."""
    from autograder.grading.records import report
    from autograder.grading.records.gradebook import GradebookError

    try:
        summary = report.build(report.load_records(gradebook_csv, assignment), assignment)
        summary.sections += list(sections)
        print("\n" + report.text(summary))
        if out:
            print(f"class report: {_line(report.write(summary, out))}")
    except (GradebookError, OSError) as exc:
        return _fail("report", exc)
    return 0


def _similarity_section(args, inputs):
    """Compare the class just graded: similarity.csv and .html beside --report, and the report's section
    linking to them ([] with a warning if the comparison cannot run: the grades stand)."""
    from pathlib import Path

    from autograder.grading.course import collect, similarity
    from autograder.grading.records import similarity_report

    folder = Path(args.report).parent
    try:
        result = similarity.compare(args.assignment, args.submissions, args.course,
                                    similarity.Options(inputs=inputs))
        similarity_report.write(result, folder)
    except (OSError, collect.SubmissionsError, ValueError) as exc:
        _warn(f"similarity: {exc}; the class report has no similarity section")
        return []
    return [similarity_report.report_section(result, "similarity.html")]


def _report(args):
    return _class_report(args.assignment, args.gradebook, args.out)


def _similarity(args):
    from autograder.grading.course import collect, similarity
    from autograder.grading.records import similarity_report

    options = similarity.Options(threshold=args.threshold, common=args.common, inputs=collect.InputLimits(
        notebook_bytes=int(args.max_notebook_mb * 2**20), total_bytes=int(args.max_total_mb * 2**20)))
    try:
        _known(args.course, [args.assignment])
        similarity_report.targets(args.out)  # before reading anyone: a refusal loses nothing
        result = similarity.compare(args.assignment, args.submissions, args.course, options, warn=_warn)
        csv_path, html_path = similarity_report.write(result, args.out)
    except (LookupError, OSError, collect.SubmissionsError, ValueError) as exc:
        return _fail("similarity", exc)
    print(_line(similarity.summary_line(result)))
    for pair in result.flagged[:10]:
        print(_line(f"  {pair.a} and {pair.b}: {pair.similarity:.2f}"))
    print(f"wrote {_line(csv_path)} and {_line(html_path)}")
    return 0


def _check(args):
    from autograder.grading.student.notebook import BrokenNotebook
    from autograder.grading.student.student_check import check, report

    course = args.course if args.course != "." else _default_course()
    # The student's own code on the student's own machine: the weak sandbox will do (and says so).
    limits = Limits(timeout=args.timeout, allow_weak=True)
    from autograder.grading.student import remote

    remote.NOTES = False  # the instructor's notes on the sandbox; the student gets sandbox_line() instead
    try:
        release, result = check(args.notebook, course, limits, say=lambda line: print(line, file=sys.stderr))
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
    from autograder.grading.course.classroom import summary

    counts = summary(results)
    names = {sid: _line(f"{sid} ({e['name']})" if e.get("name") else sid) for sid, e in results.items()}
    width = max([10] + [_columns(n) for n in names.values()])
    print(f"\n{'student':<{width}}  {'score':>11}  {'status':<6}  submission time from")
    unknown = {}
    for sid, entry in sorted(results.items()):
        score = f"{entry['score']:>5g}/{entry['max_score']:<5g}" if entry["status"] != "error" else f"{'-':>11}"
        source = entry.get("submitted_from") or "unknown"
        if not entry.get("submitted_at") and entry.get("status") != "error":
            unknown.setdefault(entry.get("time_note") or "no timestamp.txt or file time to believe", []).append(sid)
        padded = names[sid] + " " * (width - _columns(names[sid]))  # Hangul takes two columns
        print(f"{padded}  {score}  {_line(entry['status']):<6}  {_line(source)}")
    print(f"\n{len(results)} submissions: {counts['graded']} graded, "
          f"{counts['zero']} zero with reason, {counts['error']} could not be graded (status error)")
    due = any(e.get("due") for e in results.values())
    for why, sids in unknown.items():  # once per reason, never on every row
        print(_line(f"submission time unknown for {len(sids)} student{'s' if len(sids) > 1 else ''} ({why}): "
                    + ("no late penalty taken for them beyond Canvas's LATE flag; " if due else "")
                    + "--submission-times FILE gives real times (Canvas's submissions JSON, Moodle's grading "
                      "worksheet)"))


def _columns(text):
    """How many terminal columns ``text`` takes (wide and full-width characters, such as Hangul, take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (exit code 2)."""

    def error(self, message):
        self.exit(2, _line(f"{self.prog}: error: {message} (see --help)") + "\n")


def _number(kind, low, strict=False, what=""):
    """An argparse type: a finite ``kind`` at least ``low`` (above it if ``strict``)."""
    import math

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'a whole number' if kind is int else 'a number'}")
        if not math.isfinite(value) or value < low or (strict and value == low):
            raise argparse.ArgumentTypeError(f"{text} is too small: it must be {'above' if strict else 'at least'} "
                                             f"{low:g}{what}")
        return value
    return parse


def _fraction(text):
    """An argparse type: a number above 0 and at most 1."""
    value = _number(float, 0, strict=True)(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"{text} is too large: it must be at most 1")
    return value


def _parsed(function):
    """An argparse type from a parser that raises ValueError with its own message."""
    def parse(text):
        try:
            return function(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return parse


def _column(text):
    """(assignment, header) from NAME=HEADER."""
    name, sep, header = text.partition("=")
    if not sep or not name.strip() or not header.strip():
        raise ValueError(f"{text!r} is not NAME=HEADER (e.g. 01_perceptron='Perceptron (4711)')")
    return name.strip(), header.strip()


def _grading_course():
    """The course folder for release/grade/feedback/export: the working directory if it has
    solutions/, else the checkout of the installed package (as check finds exercises/)."""
    from pathlib import Path

    import autograder

    here = Path.cwd()
    return here if (here / "solutions").is_dir() else Path(autograder.__file__).resolve().parents[1]


def default_jobs():
    """Students graded at once by default: one more than the cores (measured best, bench/RESULTS.md)."""
    return (os.cpu_count() or 1) + 1


def parser():
    """The argument parser of every command."""
    from autograder.grading.course import similarity
    from autograder.grading.course.classroom import MIN_MEMORY_MB
    from autograder.grading.course.late import parse_due, parse_rule, parse_zone

    top = _Parser(prog="python -m autograder", description=__doc__)
    top.add_argument("--course", default=None,
                     help="course folder holding solutions/ (default: the working directory if it has "
                          "solutions/, else this checkout); may also follow the command")
    sub = top.add_subparsers(dest="command", required=True)

    rel = sub.add_parser("release", help="regenerate exercises/ from solutions/")
    rel.add_argument("assignments", nargs="*", help="assignments to release (default: all)")
    rel.add_argument("--no-validate", action="store_true",
                     help="skip validate (solution full marks, stub zero, nothing the grader cannot handle)")
    rel.set_defaults(run=_release)

    va = sub.add_parser("validate", help="authoring errors: solution must score full marks, released stub zero")
    va.add_argument("assignments", nargs="*", help="assignments to validate (default: all)")
    va.set_defaults(run=_validate)

    sk = sub.add_parser("student-kit", help="what students install: released notebooks and checks, no answers")
    sk.add_argument("out", help="a new folder for the kit")
    sk.set_defaults(run=_student_kit)

    gr = sub.add_parser("grade", help="autograde a class of submissions")
    gr.add_argument("assignment")
    gr.add_argument("submissions", help="folder <student>/<assignment>/*.ipynb, a zip of it, a folder of "
                                        "<student>.ipynb files, a Canvas or Moodle download (zip or folder), "
                                        "or one <student>.ipynb (a regrade)")
    gr.add_argument("--out", default="grades.csv", help="gradebook CSV (default: grades.csv)")
    gr.add_argument("--jobs", type=_number(int, 1), default=default_jobs(),
                    help="students graded at once (default: the cores + 1, as workers wait on their pipes "
                         "while the grader checks: bench/RESULTS.md)")
    gr.add_argument("--timeout", type=_number(float, 0, strict=True), default=Limits.timeout,
                    help="seconds per cell or call")
    gr.add_argument("--memory", type=_number(int, MIN_MEMORY_MB, what=" MiB, the least a worker needs"),
                    default=Limits.memory_mb, help=f"memory limit per student, MiB (at least {MIN_MEMORY_MB})")
    gr.add_argument("--budget", type=_number(float, 0), default=Limits.budget,
                    help="seconds per student across all cells and calls, after which the remaining "
                         f"tests score 0 (default: 10 x --timeout, at most {Limits.max_budget:g}; 0: no budget)")
    gr.add_argument("--allow-weak-sandbox", action="store_true",
                    help="grade even where bubblewrap cannot contain student code (audit hook only: "
                         "weaker, a determined submission can leave it), or where a grader running as "
                         "root has no pids cgroup to bound processes, or where without a memory cgroup "
                         "processes x --memory would exceed 8 GiB; recorded per student")
    gr.add_argument("--full-messages", action="store_true",
                    help="also store the full message of failed hidden tests in the gradebook (for the "
                         "instructor; feedback pages never show it)")
    gr.add_argument("--max-notebook-mb", type=_number(float, 0, strict=True), default=20.0,
                    help="largest notebook read (MB)")
    gr.add_argument("--max-total-mb", type=_number(float, 0, strict=True), default=500.0,
                    help="largest total of a zip's notebooks (MB)")
    gr.add_argument("--student", action="append", metavar="ID",
                    help="grade only this student (repeatable); earlier results stay in the record's history")
    gr.add_argument("--due", type=_parsed(lambda text: parse_due(text) and text), default=None,
                    help="due date and time, ISO 8601 (2026-12-01T23:59+09:00; no zone: in --timezone, "
                         "else this machine's zone)")
    gr.add_argument("--timezone", type=_parsed(parse_zone), default=None, metavar="ZONE",
                    help="zone of times written without one (zip times, --submission-times, a --due without "
                         "zone): Asia/Seoul, +09:00 or UTC (default: the due date's zone)")
    gr.add_argument("--submission-times", default=None, metavar="FILE",
                    help="the real submission times: Canvas's submissions (JSON of its API), Moodle's grading "
                         "worksheet (CSV), or a CSV with an id and a time column; an LMS download's own file "
                         "times are never believed")
    gr.add_argument("--late-penalty", type=_parsed(parse_rule), default=None,
                    help="points taken per started day or hour after --due: 10%%/day (of the assignment's "
                         "points) or 2pt/hour; a Canvas LATE flag counts at least one period")
    gr.add_argument("--late-cap", type=_number(float, 0), default=100.0,
                    help="largest late penalty, %% of the assignment's points (default 100)")
    gr.add_argument("--force", action="store_true", help="replace an --out file that grade did not write")
    gr.add_argument("--accept-csv-edits", action="store_true",
                    help="record scores changed by hand in the CSV as manual scores (who, when) instead of stopping")
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
    fb.add_argument("--accept-csv-edits", action="store_true",
                    help="record scores changed by hand in the CSV as manual scores first")
    fb.set_defaults(run=_feedback)

    ex = sub.add_parser("export", help="gradebook: one row per student, one column per assignment")
    ex.add_argument("--gradebook", default="grades.csv", help="the CSV written by grade")
    ex.add_argument("--out", default="gradebook_export.csv")
    ex.add_argument("--format", choices=("plain", "canvas", "moodle"), default="plain",
                    help="plain (a row per student), canvas (Canvas gradebook import) or moodle (Moodle grade import)")
    ex.add_argument("--force", action="store_true", help="replace an --out file that is not an export")
    ex.add_argument("--accept-csv-edits", action="store_true",
                    help="record scores changed by hand in the CSV as manual scores first")
    ex.add_argument("--column", action="append", type=_parsed(_column), metavar="NAME=HEADER",
                    help="the LMS's column for an assignment (repeatable); Canvas: 'Name (assignment id)' as in "
                         "Canvas's own export, e.g. 01_perceptron='Perceptron (4711)'")
    ex.add_argument("--roster", default=None, metavar="CSV",
                    help="moodle: Moodle's grade or participants export (First name, Last name, Email address); "
                         "students are then identified by email (needed for a class from a Moodle download)")
    ex.set_defaults(run=_export)

    rp = sub.add_parser("report", help="class report: score histogram, pass rate and commonest failure per test")
    rp.add_argument("assignment")
    rp.add_argument("--gradebook", default="grades.csv", help="the CSV written by grade")
    rp.add_argument("--out", default=None, help="also write the report as a self-contained HTML page")
    rp.set_defaults(run=_report)

    si = sub.add_parser("similarity", help="pairs of students whose own code is alike (a reason to talk to "
                                           "them, not proof): similarity.csv and similarity.html")
    si.add_argument("assignment")
    si.add_argument("submissions", help="the class, in any layout grade reads (a folder or a zip)")
    si.add_argument("--out", default="similarity", help="folder for similarity.csv and similarity.html "
                                                        "(default: similarity)")
    si.add_argument("--threshold", type=_fraction, default=similarity.THRESHOLD,
                    help=f"flag a pair whose similarity (0 to 1) reaches this (default {similarity.THRESHOLD}); "
                         "lower finds more")
    si.add_argument("--common", type=_fraction, default=similarity.COMMON,
                    help="a passage in this share of the class or more is common code and not counted "
                         f"(default {similarity.COMMON})")
    si.add_argument("--max-notebook-mb", type=_number(float, 0, strict=True), default=20.0,
                    help="largest notebook read (MB)")
    si.add_argument("--max-total-mb", type=_number(float, 0, strict=True), default=500.0,
                    help="largest total of a zip's notebooks (MB)")
    si.set_defaults(run=_similarity)

    ck = sub.add_parser("check", help="for students: run the visible tests of a notebook")
    ck.add_argument("notebook")
    ck.add_argument("--timeout", type=_number(float, 0, strict=True), default=60.0, help="seconds per cell or call")
    ck.set_defaults(run=_check)
    for command in sub.choices.values():  # --course after the command too (it then wins)
        command.add_argument("--course", default=argparse.SUPPRESS, help="course folder (as before the command)")
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    if args.course is None:
        args.course = _default_course() if args.command == "check" else _grading_course()
    if args.command not in ("check", "feedback", "export", "report"):
        from pathlib import Path

        if not (Path(args.course) / "solutions").is_dir():
            return _fail(f"python -m autograder {args.command}",
                         f"--course {args.course} is not a course (it has no solutions/ folder)")
    return args.run(args)
