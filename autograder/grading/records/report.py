"""The class report of one assignment: score histogram, each test's pass rate, its commonest failure.

Read from the gradebook's records (``grades.json``), so it works after ``grade``
and later with ``python -m autograder report ASSIGNMENT``. Hidden tests appear
by the kind of failure only: the records never hold more for them (unless
``grade --full-messages``, whose full messages the report does not use either).
The HTML page is self-contained: the histogram is a PNG embedded in base64.
"""

import base64
import collections
import html
import io
import math
import re
from dataclasses import dataclass, field

from autograder.grading.student.text import clean

#: Numbers in a message (values, indices, shapes) are blanked so that equal mistakes group together.
NUMBER = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")
#: Bins of the histogram, text and PNG alike.
TEXT_BINS = 10


@dataclass
class TestStats:
    """How the class did on one test: records graded, passed, and the failure messages."""

    grade_id: str
    max_points: float
    graded: int = 0
    passed: int = 0
    points: float = 0.0
    failures: collections.Counter = field(default_factory=collections.Counter)
    examples: dict = field(default_factory=dict)

    @property
    def pass_rate(self):
        return self.passed / self.graded if self.graded else 0.0

    @property
    def commonest(self):
        """(an example of the commonest failure message, how many had it) or ('', 0)."""
        if not self.failures:
            return "", 0
        key, count = self.failures.most_common(1)[0]
        return self.examples[key], count


@dataclass
class ClassReport:
    assignment: str
    scores: list            # one score per graded or zero record (errors have none)
    max_score: float
    statuses: collections.Counter
    tests: list             # TestStats in the notebook's order
    #: (text lines, HTML) of sections other reports add (the similarity report's summary and link)
    sections: list = field(default_factory=list)


def build(records, assignment):
    """A ClassReport from ``{student_id: record}`` of one assignment."""
    statuses = collections.Counter(r.get("status", "error") for r in records.values())
    counted = [r for r in records.values() if r.get("status") in ("graded", "zero")]
    stats = {}
    for rec in counted:
        for test in rec.get("tests", []):
            st = stats.setdefault(test["grade_id"], TestStats(test["grade_id"], float(test["max_points"])))
            st.graded += 1
            st.points += float(test["points"])
            if float(test["points"]) >= float(test["max_points"]):
                st.passed += 1
            else:
                text = test.get("message", "") or "failed"
                key = NUMBER.sub("#", text)
                st.failures[key] += 1
                st.examples.setdefault(key, text)
    max_score = max((float(r.get("max_score", 0)) for r in records.values()), default=0.0)
    return ClassReport(assignment, [float(r["score"]) for r in counted], max_score, statuses,
                       list(stats.values()))


def text(report, width=40):
    """The printed summary: histogram in text, then per test pass rate and commonest failure."""
    lines = [f"Class report of {report.assignment}: {len(report.scores)} scored "
             f"({report.statuses.get('graded', 0)} graded, {report.statuses.get('zero', 0)} zero), "
             f"{report.statuses.get('error', 0)} could not be graded"]
    if report.scores:
        mean = sum(report.scores) / len(report.scores)
        lines.append(f"score: mean {mean:.3g}, median {_median(report.scores):g} of {report.max_score:g}")
        counts, edges = _bins(report.scores, report.max_score)
        top = max(counts) or 1
        for count, lo, hi in zip(counts, edges, edges[1:]):
            lines.append(f"  {lo:>6.3g}-{hi:<6.3g} {'#' * round(width * count / top):<{width}} {count}")
    lines.append("tests (pass rate; commonest failure):")
    for st in sorted(report.tests, key=lambda s: s.pass_rate):
        lines.append(f"  {st.grade_id:<28} {st.passed:>4}/{st.graded:<4} {100 * st.pass_rate:5.1f}%")
        example, count = st.commonest
        if count:
            lines.append(f"      {count} x {clean(example, 160, newlines=False)}")  # one line: no forged rows
    for section_lines, _ in report.sections:
        lines += section_lines
    return "\n".join(lines)


def _median(values):
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _bins(scores, max_score, n=None):
    """Counts of ``scores`` in ``n`` equal bins over [0, max_score] (the top bin includes max_score);
    the one binning of both histograms, text and PNG. A score on an edge goes to the bin above it
    (4.2 of 10 in 4-5), also when float arithmetic puts it a hair below (a tolerance of 1e-9 bins)."""
    top = max_score or max(scores) or 1.0
    n = n or TEXT_BINS
    edges = [top * i / n for i in range(n + 1)]
    counts = [0] * n
    for score in scores:
        counts[min(n - 1, max(0, math.floor(n * score / top + 1e-9)))] += 1
    return counts, edges


def histogram_png(report):
    """The score histogram as PNG bytes (matplotlib, Agg: no display needed)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3.2), dpi=100)
    ax = fig.subplots()
    counts, edges = _bins(report.scores, report.max_score)  # the text histogram's bins, drawn
    ax.bar(edges[:-1], counts, width=[hi - lo for lo, hi in zip(edges, edges[1:])], align="edge",
           color="#4a78b5", edgecolor="white")
    ax.set_xlabel(f"score (of {report.max_score:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{report.assignment}: {len(report.scores)} scored")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def html_page(report):
    """One self-contained HTML page (the histogram inline as base64)."""
    esc = html.escape
    png = base64.b64encode(histogram_png(report)).decode("ascii") if report.scores else ""
    rows = []
    for st in sorted(report.tests, key=lambda s: s.pass_rate):
        example, count = st.commonest
        failure = f"{count} &times; {esc(example)}" if count else ""
        rows.append(f"<tr><td>{esc(st.grade_id)}</td><td>{st.max_points:g}</td>"
                    f"<td>{st.passed}/{st.graded}</td><td>{100 * st.pass_rate:.1f}%</td>"
                    f"<td>{failure}</td></tr>")
    figure = f'<img alt="score histogram" src="data:image/png;base64,{png}">' if png else "<p>No scores.</p>"
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Class report: {esc(report.assignment)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}td,th{{padding:.2em .6em;
border-bottom:1px solid #ddd;text-align:left;vertical-align:top}}</style></head><body>
<h1>Class report: {esc(report.assignment)}</h1>
<pre>{esc(text(report).split(chr(10) + "tests")[0])}</pre>
{figure}
<h2>Tests, hardest first</h2>
<table><tr><th>test</th><th>points</th><th>passed</th><th>pass rate</th><th>commonest failure</th></tr>
{chr(10).join(rows)}
</table>
<p>Hidden tests are reported by the kind of failure only.</p>
{chr(10).join(section for _, section in report.sections)}
</body></html>
"""


def load_records(gradebook_csv, assignment):
    """``{student_id: record}`` of ``assignment`` from the gradebook beside ``gradebook_csv``.

    Raises GradebookError (one line) when the gradebook or the assignment is missing.
    """
    from autograder.grading.records import gradebook

    path = gradebook.store_path(gradebook_csv)
    if not path.exists():
        raise gradebook.GradebookError(f"no gradebook {path} (run grade first)")
    data = gradebook.load(path)
    if assignment not in data:
        found = ", ".join(sorted(data)) or "none"
        raise gradebook.GradebookError(f"the gradebook {path} has no results of {assignment} (it has: {found})")
    return data[assignment]


def write(report, out):
    """Write the HTML page to ``out`` (through a temporary file, so a failed write leaves nothing)."""
    from pathlib import Path

    from autograder.grading.records import files

    out = Path(out)
    check_target(out)
    page = html_page(report)
    return files.atomic_write(out, lambda handle: handle.write(page))


def check_target(out):
    """OSError (one line) unless the report may be written to ``out``: its folder exists, and ``out`` is
    not a folder nor a file this module did not write. Run by grade before grading anyone."""
    from pathlib import Path

    from autograder.grading.records import files

    out = Path(out)
    if out.is_dir():
        raise OSError(f"{out} is a folder; name an .html file")
    if not out.parent.is_dir():
        raise OSError(f"cannot write {out}: the folder {out.parent} does not exist")
    if not files.ours_to_replace(out, _ours):
        raise OSError(f"{out} exists and is not a class report written by this tool; not overwritten")
    try:  # probe the folder as the gradebook does: a temporary file, removed
        files.probe(out.parent, prefix=f".{out.name}.")
    except OSError as exc:
        raise OSError(f"cannot write {out}: {exc.strerror or exc}") from None


def _ours(path):
    """True if ``path`` is a class report this module wrote (its title line), so it may be replaced."""
    with open(path, "rb") as handle:
        head = handle.read(400)
    return b"<title>Class report: " in head
