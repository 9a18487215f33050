"""Per-student feedback (HTML) and the gradebook export, from the grade store.

Feedback shows each test's name, points and, when it failed, the check's message;
never the code of a test, and for a failed hidden test only the kind of failure
(the full message, stored only with ``grade --full-messages``, is never shown),
so hidden tests stay hidden.
"""

import collections
import html
import unicodedata
from pathlib import Path

from autograder.grading import gradebook
from autograder.grading.collect import safe_id
from autograder.grading.gradebook import short

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
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(assignment)}: "
            f"{esc(student_id)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{esc(assignment)}</h1><p>Student: <b>{esc(student_id)}</b> · "
            f"{score} · graded {esc(entry.get('graded_at', ''))}{sandbox}</p>"
            f"{problems}<table><tr><th>test</th><th>points</th><th>result</th><th>why</th></tr>"
            f"{''.join(rows)}</table></body></html>")


def _adjustments(entry, esc):
    """The late penalty and a manual score, as the student should see them beside the score."""
    parts = []
    if _num(entry.get("penalty")) > 0:
        parts.append(f"late penalty −{_num(entry['penalty']):g} (before the penalty: "
                     f"{_num(entry.get('score_before_penalty')):g}; due {esc(entry.get('due', ''))}, "
                     f"submitted {esc(entry.get('submitted_at', ''))})")
    manual = entry.get("manual_score")
    if isinstance(manual, dict):
        parts.append(f"score set by {esc(manual.get('by', ''))} on {esc(manual.get('at', ''))} "
                     f"(graded: {esc(manual.get('replaced', ''))})")
    return "".join(f" · {p}" for p in parts)


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
        if path.exists() and not _own_page(path):
            raise gradebook.GradebookError(f"{path} (for {short(student_id, 200, False)}) exists and is not a "
                                           "feedback page of this tool; move it, or choose another --out")
    written = []
    try:
        for path, student_id, entry in pages:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(student_id, assignment, entry), encoding="utf-8")
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


def _own_page(path):
    """True if ``path`` is a feedback page written by render (its head), so it may be replaced."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(300)
    except OSError:
        return False
    return head.startswith(b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>") and b"</title><style>body" in head


def export(gradebook_csv, out_csv, fmt="plain", force=False, columns=None, roster=None):
    """The gradebook export (see ``lms``): plain by default; returns the number of students."""
    from autograder.grading import lms

    return lms.export(gradebook_csv, out_csv, fmt, force, columns=columns, roster=roster)
