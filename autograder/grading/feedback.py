"""Per-student feedback (HTML) and the gradebook export, from the grade store.

Feedback shows each test's name, points and, when it failed, the check's message;
never the code of a test, so hidden tests stay hidden.
"""

import csv
import html
from pathlib import Path

from autograder.grading import gradebook

STYLE = """body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.45}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top}
.pass{color:#17692f}.fail{color:#a4161a}code{white-space:pre-wrap}"""


def render(student_id, assignment, entry):
    """One student's feedback page as an HTML string."""
    rows = []
    for test in entry.get("tests", []):
        ok = test["points"] >= test["max_points"]
        status = '<span class="pass">passed</span>' if ok else '<span class="fail">failed</span>'
        why = "" if ok else f"<code>{html.escape(test['message'])}</code>"
        rows.append(f"<tr><td>{html.escape(test['grade_id'])}</td><td>{test['points']:g} / "
                    f"{test['max_points']:g}</td><td>{status}</td><td>{why}</td></tr>")
    problems = "".join(f"<li>{html.escape(p)}</li>" for p in entry.get("problems", []))
    problems = f"<h2>Problems with the submission</h2><ul>{problems}</ul>" if problems else ""
    if entry.get("status") == "failed":
        problems += f"<p class='fail'>{html.escape(entry.get('reason', ''))}</p>"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(assignment)}: "
            f"{html.escape(student_id)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(assignment)}</h1><p>Student: <b>{html.escape(student_id)}</b> · "
            f"score <b>{entry['score']:g} / {entry['max_score']:g}</b> · graded {entry.get('graded_at', '')}</p>"
            f"{problems}<table><tr><th>test</th><th>points</th><th>result</th><th>why</th></tr>"
            f"{''.join(rows)}</table></body></html>")


def write_feedback(gradebook_csv, assignment, out_dir):
    """feedback/<student>/<assignment>.html for every graded student; returns the paths."""
    data = gradebook.load(gradebook.store_path(gradebook_csv))
    written = []
    for student_id, entry in sorted(data.get(assignment, {}).items()):
        path = Path(out_dir) / student_id / f"{assignment}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(student_id, assignment, entry), encoding="utf-8")
        written.append(path)
    return written


def export(gradebook_csv, out_csv):
    """A wide gradebook: one row per student, a column per assignment, and the total."""
    data = gradebook.load(gradebook.store_path(gradebook_csv))
    names = sorted(data)
    students = sorted({s for a in names for s in data[a]})
    with open(out_csv, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", *names, "total", "max_total"])
        for sid in students:
            scores = [data[a][sid]["score"] if sid in data[a] else 0.0 for a in names]
            max_total = sum(next(iter(data[a].values()))["max_score"] for a in names)
            writer.writerow([sid, *[f"{s:g}" for s in scores], f"{sum(scores):g}", f"{max_total:g}"])
    return len(students)
