"""The files of the similarity report: similarity.csv, and similarity.html (the flagged pairs, their
answer cells side by side, the shared passages marked), and the class report's section.

Everything shown came from students (ids, code, file names in reasons): every
piece passes through ``html.escape`` once, and the page has no script and loads
nothing. A CSV field that a spreadsheet would run as a formula is quoted.
Neither file replaces one this module did not write.
"""

import csv
import html
import io
from pathlib import Path
from urllib.parse import quote

from autograder.grading.course import fingerprint
from autograder.grading.records import files
from autograder.grading.student.text import clean

#: CSV header (our own files are recognised by it and may be replaced).
COLUMNS = ("student_a", "student_b", "similarity", "flagged", "note")

#: Flagged pairs shown with their code (the CSV lists them all).
MAX_PAIRS = 100
#: Longest cell shown (characters); a longer one is cut, with a note.
MAX_CELL_CHARS = 20_000
#: Students not compared listed on the page (the CSV lists them all).
MAX_REASONS = 300

_STYLE = """body{font-family:sans-serif;max-width:90em;margin:2em auto;padding:0 1em}
td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}
pre{background:#f6f6f6;padding:.5em;overflow:auto;font-size:90%;white-space:pre-wrap;word-break:break-all}
mark{background:#ffd27a}"""


def _e(text, limit=300):
    """Text from anywhere (a student id, a reason) escaped for HTML, on one line."""
    return html.escape(clean(text, limit, newlines=False), quote=True)


def marked(code, spans, limit=MAX_CELL_CHARS):
    """``code`` as escaped HTML with the character ranges ``spans`` inside ``<mark>``."""
    cut = len(code) > limit
    code = code[:limit]
    out, at = [], 0
    for start, end in _merged(spans, code):
        start, end = min(start, len(code)), min(end, len(code))
        if start >= end:
            continue
        out.append(_shown(code[at:start]))
        out.append(f"<mark>{_shown(code[start:end])}</mark>")
        at = end
    out.append(_shown(code[at:]))
    if cut:
        out.append(html.escape(f"\n… [cut at {limit} characters]"))
    return "".join(out)


def _shown(code):
    """A piece of a student's code as HTML text: escaped, and lone surrogates, control characters and
    bidi overrides made visible (``\\u202e``), so the page shows the code as Python reads it."""
    return html.escape(clean(code, 10 * len(code) + 100))


def _merged(spans, code):
    """Token ranges joined where only white space lies between them (a skipped comment or docstring is not marked)."""
    merged = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or not code[merged[-1][1]:start].strip()):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _keyed(code, key, names, given):
    """(fingerprint of each k-gram, None where it is provided code; token spans) of one cell."""
    tokens, spans = fingerprint.normalize(code, names, spans=True)
    hashes, own = fingerprint.own_kgrams(tokens, given)
    values = fingerprint.keyed(hashes, key).tolist()
    return [v if mine else None for v, mine in zip(values, own.tolist())], spans


def shared_spans(mine, theirs, counted, k=fingerprint.KGRAM):
    """Character ranges of ``mine`` (keyed, spans) in passages also in ``theirs`` that hold a counted fingerprint.

    A passage is a run of consecutive k-grams found in both cells; it is marked
    only if it contains a fingerprint that counted in the pair's similarity
    (provided and common code is not marked).
    """
    keyed, spans = mine
    other = {h for h in theirs[0] if h is not None}
    found, run = [], []
    for i, value in enumerate(keyed + [None]):
        if value is not None and value in other:
            run.append(i)
            continue
        if run and any(keyed[j] in counted for j in run):
            found += [spans[t] for j in run for t in range(j, min(j + k, len(spans)))]
        run = []
    return found


def _count(n, noun):
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _names(result, student):
    names = dict(result.given.names)
    for code in student.cells.values():
        names.update(fingerprint.aliases(code))
    return names


def pair_html(result, pair, index, by_id):
    """One flagged pair: each cell with shared passages, the two students' code side by side."""
    first, second = by_id[pair.a], by_id[pair.b]
    names = _names(result, first), _names(result, second)
    parts = [f'<h2 id="pair-{index}">{_e(pair.a)} and {_e(pair.b)}: similarity {pair.similarity:.2f}</h2>']
    for key in pair.cells:
        codes = first.cells.get(key, ""), second.cells.get(key, "")
        sides = [_keyed(code, key, n, result.given.provided) for code, n in zip(codes, names)]
        marks = (shared_spans(sides[0], sides[1], pair.counted), shared_spans(sides[1], sides[0], pair.counted))
        parts.append(f"<h3>{_e(key)}</h3><div class=side>")
        for who, code, spans in zip((pair.a, pair.b), codes, marks):
            parts.append(f"<div><h4>{_e(who)}</h4><pre>{marked(code, spans)}</pre></div>")
        parts.append("</div>")
    return "\n".join(parts)


def page(result):
    """The whole page (self-contained, no script)."""
    opts = result.options
    by_id = {s.student_id: s for s in result.students}
    flagged = result.flagged
    rows = "\n".join(f'<tr><td><a href="#pair-{i}">{_e(p.a)}</a></td><td>{_e(p.b)}</td>'
                     f"<td>{p.similarity:.3f}</td><td>{_e(', '.join(p.cells[:5]))}</td></tr>"
                     for i, p in enumerate(flagged))
    shown = "\n".join(pair_html(result, p, i, by_id) for i, p in enumerate(flagged[:MAX_PAIRS]))
    more = (f"<p>{len(flagged) - MAX_PAIRS} more flagged pairs are in similarity.csv.</p>"
            if len(flagged) > MAX_PAIRS else "")
    skipped = [s for s in result.students if s.reason]
    reasons = "\n".join(f"<li>{_e(s.student_id)}: {_e(s.reason, 600)}</li>" for s in skipped[:MAX_REASONS])
    title = _e(result.assignment)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Similarity report: {title}</title>
<style>{_STYLE}</style></head><body>
<h1>Similarity report: {title}</h1>
<p>{len(result.compared)} students compared; {_count(len(flagged), "pair")} flagged at threshold {opts.threshold:g}
(a passage held by {100 * opts.common:g}% of the class or more is common code and is not counted).
Code given in the released notebook is left out; names, literals, comments and formatting are ignored.</p>
<p><strong>A flag is a reason to look and to talk to the students, not proof of copying.</strong>
Marked passages are those shared by the two students that counted towards their similarity.</p>
<h2>Flagged pairs</h2>
{"<table><tr><th>student</th><th>student</th><th>similarity</th><th>cells</th></tr>" + rows + "</table>"
 if flagged else "<p>No pair reached the threshold.</p>"}
{shown}
{more}
<h2>Not compared</h2>
{"<ul>" + reasons + "</ul>" if skipped else "<p>Every student was compared.</p>"}
</body></html>
"""


def report_section(result, href):
    """(text lines, HTML) of the short section in the class report, linking to the full page at ``href``."""
    flagged = result.flagged
    lines = [f"similarity: {_count(len(flagged), 'pair')} flagged at threshold {result.options.threshold:g} "
             f"({len(result.compared)} students compared); full report: {clean(href, 300, False)}"]
    lines += [f"  {clean(p.a, 100, False)} and {clean(p.b, 100, False)}: {p.similarity:.2f}" for p in flagged[:5]]
    items = "".join(f"<li>{_e(p.a)} and {_e(p.b)}: {p.similarity:.2f}</li>" for p in flagged[:5])
    link = html.escape(quote(str(href), safe="/"), quote=True)
    body = (f"<p>{_count(len(flagged), 'pair')} flagged at threshold {result.options.threshold:g} of "
            f"{len(result.compared)} students compared (a reason to talk to the students, not proof).</p>"
            + (f"<ul>{items}</ul>" if items else "") + f'<p><a href="{link}">Full similarity report</a></p>')
    return lines, f"<h2>Similar submissions</h2>\n{body}"


def csv_text(result):
    """similarity.csv: one row per pair worth showing (flagged first), then one row per student not compared."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for pair in result.pairs:
        note = "shared passages in " + ", ".join(pair.cells[:3]) if pair.cells else ""
        writer.writerow([pair.a, pair.b, f"{pair.similarity:.3f}", "yes" if pair.flagged else "no",
                         _cell(note)])
    for student in result.students:
        if student.reason:
            writer.writerow([student.student_id, "", "", "no", _cell(f"not compared: {student.reason}")])
    return buffer.getvalue()


def _cell(text):
    """A CSV field that a spreadsheet will not run as a formula, on one line."""
    text = clean(text, 500, newlines=False)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def targets(out):
    """(csv path, html path) in the folder ``out``; OSError (one line) if either may not be written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OSError(f"{out} is a file, not a folder (--out names the folder for similarity.csv and .html)")
    paths = out / "similarity.csv", out / "similarity.html"
    for path in paths:
        if path.is_symlink() or path.is_dir() or not files.ours_to_replace(path, _ours):
            raise OSError(f"{path} exists and was not written by the similarity report; not overwritten")
    return paths


def _ours(path):
    """True if ``path`` is a similarity.csv or .html this module wrote (its first line)."""
    with open(path, "rb") as handle:
        head = handle.read(300)
    return head.startswith(",".join(COLUMNS).encode()) or b"<title>Similarity report: " in head


def write(result, out):
    """Write similarity.csv and similarity.html under the folder ``out`` (created); their paths."""
    csv_path, html_path = targets(out)
    Path(out).mkdir(parents=True, exist_ok=True)
    _write_text(csv_path, csv_text(result))
    _write_text(html_path, page(result))
    return csv_path, html_path


def _write_text(path, text):
    """Write through a temporary file in the same folder, so a failed write leaves nothing behind."""
    files.atomic_write(path, lambda handle: handle.write(text))
