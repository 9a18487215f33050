"""Per-student feedback (HTML) and the gradebook export, from the grade store.

Feedback shows each test's name, points and, when it failed, the check's message;
never the code of a test, and for a failed hidden test only the kind of failure
(the full message, stored only with ``grade --full-messages``, is never shown),
so hidden tests stay hidden. A page names the student (the LMS's name beside the
id) and shows every time in one zone: the due date's, else UTC.

For an LMS, ``lms_feedback`` also packs the pages in the layout of its bulk feedback
upload: Canvas's "Upload Submissions" zip (``<name>_<user id>_<file id>_<file>``: Canvas
reads the first two numbers as the user and the submission's file, canvas-lms
``infer_comment_context_from_filename``) and Moodle's "Upload multiple feedback files in a
zip" (``<Full Name>_<participant id>_assignsubmission_file_/<file>``, Moodle's
``assignfeedback_file`` importer). Each zip carries a comment that marks it as this
tool's, so a zip it did not write is never replaced.
"""

import collections
import datetime
import html
import unicodedata
import zipfile
from pathlib import Path

from autograder.grading.records import files, gradebook
from autograder.grading.course.collect import safe_id
from autograder.grading.student.text import short

STYLE = """body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.45}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top}
.pass{color:#17692f}.fail{color:#a4161a}code{white-space:pre-wrap}"""


def render(student_id, assignment, entry):
    """One student's feedback page as an HTML string (messages only, never a test's code or
    the instructor-only full message of a hidden test)."""
    esc = lambda value: html.escape(short(value, gradebook.REASON_CHARS))  # noqa: E731
    rows = []
    for test in entry.get("tests", []):
        ok = _num(test.get("points")) >= _num(test.get("max_points"))
        status = '<span class="pass">passed</span>' if ok else '<span class="fail">failed</span>'
        why = "" if ok else f"<code>{esc(test.get('message', ''))}</code>"
        rows.append(f"<tr><td>{esc(test.get('grade_id', ''))}</td><td>{_num(test.get('points')):g} / "
                    f"{_num(test.get('max_points')):g}</td><td>{status}</td><td>{why}</td></tr>")
    problems = "".join(f"<li>{esc(p)}</li>" for p in entry.get("problems", []))
    problems = f"<h2>Problems with the submission</h2><ul>{problems}</ul>" if problems else ""
    if entry.get("status") == "error":
        score = "<b>not graded</b> (the grader could not grade this submission; your instructor will look at it)"
        problems += f"<p class='fail'>{esc(entry.get('reason', ''))}</p>"
    else:
        score = f"score <b>{_num(gradebook.effective_score(entry)):g} / {_num(entry.get('max_score')):g}</b>"
    score += _adjustments(entry, esc)
    sandbox = f" · sandbox: {esc(entry['sandbox'])}" if entry.get("sandbox") else ""
    who = f"<b>{esc(entry['name'])}</b> ({esc(student_id)})" if entry.get("name") else f"<b>{esc(student_id)}</b>"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(assignment)}: "
            f"{esc(student_id)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{esc(assignment)}</h1><p>Student: {who} · "
            f"{score} · graded {esc(shown_time(entry.get('graded_at', ''), entry))}{sandbox}</p>"
            f"{problems}<table><tr><th>test</th><th>points</th><th>result</th><th>why</th></tr>"
            f"{''.join(rows)}</table></body></html>")


def _adjustments(entry, esc):
    """The late penalty and a manual score, as the student should see them beside the score."""
    parts = []
    if _num(entry.get("penalty")) > 0:
        submitted = shown_time(entry.get("submitted_at", ""), entry) or "Canvas's LATE flag"
        due = shown_time(entry.get("due", ""), entry)
        parts.append(f"late penalty −{_num(entry['penalty']):g} (before the penalty: "
                     f"{_num(entry.get('score_before_penalty')):g}; due {esc(due)}, submitted {esc(submitted)})")
    manual = entry.get("manual_score")
    if isinstance(manual, dict):
        parts.append(f"score set by {esc(manual.get('by', ''))} on {esc(shown_time(manual.get('at', ''), entry))} "
                     f"(graded: {esc(manual.get('replaced', ''))})")
    return "".join(f" · {p}" for p in parts)


def shown_time(text, entry):
    """``text`` (ISO) in the page's one zone, the due date's (else UTC): '2026-12-02 08:30 UTC+09:00'."""
    from autograder.grading.course.collect import parse_time

    try:
        when = parse_time(str(text), datetime.timezone.utc)
        zone = parse_time(entry["due"]).tzinfo if entry.get("due") else datetime.timezone.utc
    except (ValueError, TypeError):
        return str(text)
    local = when.astimezone(zone)
    offset = local.strftime("%z")
    return local.strftime("%Y-%m-%d %H:%M ") + ("UTC" if offset == "+0000" else f"UTC{offset[:3]}:{offset[3:]}")


def _num(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def feedback_path(out_dir, student_id, assignment):
    """out_dir/<student>/<assignment>.html for a policy-safe id; ValueError if it would leave out_dir."""
    safe, _ = safe_id(student_id)
    root = Path(out_dir).resolve()
    path = (root / safe / f"{assignment}.html").resolve()
    if not path.is_relative_to(root) or path.parent == root:
        raise ValueError(f"feedback for {short(student_id, 200, False)} would leave {root}")
    return path


def write_feedback(gradebook_csv, assignment, out_dir, warn=None):
    """feedback/<student>/<assignment>.html for every graded student; returns the paths.

    Ids outside the student-id policy (an old gradebook) are written under their
    safe name and reported through ``warn``; no file is written outside ``out_dir``.
    """
    store = gradebook.store_path(gradebook_csv)
    if not store.exists():
        raise gradebook.GradebookError(f"no gradebook at {store}: run grade first (or pass --gradebook)")
    data = gradebook.check_edits(gradebook_csv)
    if assignment not in data:
        raise gradebook.GradebookError(f"no results for {assignment} in {store} (it has: "
                                       f"{', '.join(sorted(data)) or 'nothing'})")
    warn = warn or (lambda line: None)
    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise gradebook.GradebookError(f"--out {out_dir} is not a folder; name a folder for the feedback pages")
    pages = []
    for student_id, entry in sorted(data.get(assignment, {}).items()):
        try:
            path = feedback_path(out_dir, student_id, assignment)
        except ValueError as exc:
            warn(f"feedback: {exc}; skipped")
            continue
        if path.parent.name != student_id:
            warn(f"feedback: {short(student_id, 200, False)} is not a valid student id; "
                 f"written as {path.parent.name}")
        pages.append((path, student_id, entry))
    pages = _distinct_folders(pages, warn)
    for path, student_id, _ in pages:  # checked before anything is written
        if not files.ours_to_replace(path, _own_page):
            raise gradebook.GradebookError(f"{path} (for {short(student_id, 200, False)}) exists and is not a "
                                           "feedback page of this tool; move it, or choose another --out")
    written = []
    try:
        for path, student_id, entry in pages:
            path.parent.mkdir(parents=True, exist_ok=True)
            page = render(student_id, assignment, entry)
            files.atomic_write(path, lambda handle, page=page: handle.write(page))
            written.append(path)
    except OSError as exc:
        raise gradebook.GradebookError(f"cannot write the feedback under {out_dir}: {exc.strerror or exc} "
                                       f"({len(written)} of {len(pages)} pages written)") from None
    return written


def _distinct_folders(pages, warn):
    """The pages whose folder no other student's shares on a case-insensitive file system (macOS, Windows):
    one student would read another's feedback. Such pairs come only from a gradebook older than the id
    rule that makes ids distinct in case and width; both are skipped, with a warning."""
    key = lambda path: unicodedata.normalize("NFKC", path.parent.name).casefold()  # noqa: E731
    shared = collections.defaultdict(list)
    for path, student_id, _ in pages:
        shared[key(path)].append(student_id)
    for ids in shared.values():
        if len(ids) > 1:
            warn(f"feedback: {', '.join(short(i, 100, False) for i in ids)} differ only in case or character "
                 "width and would share a folder on a case-insensitive file system; skipped")
    return [page for page in pages if len(shared[key(page[0])]) == 1]


def _own_zip(path):
    """True if ``path`` is a feedback zip this module wrote (its comment), so it may be replaced."""
    try:
        with zipfile.ZipFile(path) as old:
            return old.comment == ZIP_MARK
    except (OSError, zipfile.BadZipFile):
        return False


def _own_page(path):
    """True if ``path`` is a feedback page written by render (its head), so it may be replaced."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(300)
    except OSError:
        return False
    return (head.startswith(b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>")
            and b"</title><style>body" in head)


def export(gradebook_csv, out_csv, fmt="plain", force=False, columns=None, roster=None, warn=None):
    """The gradebook export (see ``lms``): plain by default; returns the number of students."""
    from autograder.grading.records import lms

    return lms.export(gradebook_csv, out_csv, fmt, force, columns=columns, roster=roster, warn=warn)


#: The comment of every bulk-upload zip this tool writes: a zip without it is never replaced.
ZIP_MARK = b"dlcourse feedback pages"


def lms_feedback(gradebook_csv, assignment, out_dir, pages):
    """Zip the written ``pages`` as Canvas's and Moodle's bulk feedback uploads take them; lines to print.

    Canvas: students graded from a Canvas download (their Canvas file id known); Moodle: students
    graded from a Moodle download. GradebookError if a zip would replace a file this tool did not write.
    """
    data = gradebook.load(gradebook.store_path(gradebook_csv)).get(assignment, {})
    by_id = {p.parent.name: p for p in pages}
    canvas, moodle = {}, {}
    for sid, entry in sorted(data.items()):
        page = by_id.get(safe_id(sid)[0])
        if page is None:
            continue
        if entry.get("layout") == "canvas" and entry.get("lms_file") and sid.isdigit():
            name = "".join(c for c in entry.get("name", "") if c.isalnum()) or "student"
            canvas[f"{name}_{sid}_{entry['lms_file']}_{assignment}_feedback.html"] = page
        elif entry.get("layout") == "moodle" and sid.isdigit():
            name = (entry.get("name") or "Participant").replace("_", " ").replace("/", " ")
            moodle[f"{name}_{sid}_assignsubmission_file_/{assignment}_feedback.html"] = page
    lines = []
    for lms, members, how in (
            ("canvas", canvas, "Canvas: the assignment's page > Upload Submissions (each page becomes a comment "
                               "on the student's submission)"),
            ("moodle", moodle, "Moodle: View all submissions > Grading action > Upload multiple feedback files "
                               "in a zip")):
        if members:
            path = Path(out_dir) / f"{lms}_feedback_{assignment}.zip"
            _write_zip(path, members)
            lines.append(f"{how}: {path} ({len(members)} pages)")
    return lines


def _write_zip(path, members):
    """Write ``members`` {name in zip: page} to the zip ``path``, marked as ours; never over another file."""
    if not files.ours_to_replace(path, _own_zip):
        raise gradebook.GradebookError(f"{path} exists and is not a feedback zip of this tool; move it, "
                                       "or choose another --out")

    def write(handle):
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.comment = ZIP_MARK
            for name, page in sorted(members.items()):
                zf.write(page, name)
    try:
        files.atomic_write(path, write, binary=True)
    except OSError as exc:
        raise gradebook.GradebookError(f"cannot write {path}: {exc.strerror or exc}") from None
