"""Gradebook exports: plain (one row per student), Canvas's gradebook import, Moodle's grade import.

Every format reads grades.json (the record), shows the score that counts (after a
late penalty; a manual score where one was recorded), and leaves the cell blank,
never 0, for work never graded. A record with status ``error`` is never a score:
``error`` in the plain export, blank in the LMS ones (an LMS reads a blank cell as
"no change"). Every cell is safe against spreadsheet formula injection.

Canvas (Grades > Import): columns ``Student, ID, SIS User ID, SIS Login ID,
Section`` then one per assignment; a second row ``Points Possible``. Canvas
matches a student by ``ID`` (the Canvas user id, which the Canvas layout records
as the student id) or by ``SIS Login ID`` (any other id). Moodle (Grade
administration > Import > CSV file): ``User ID, Full name`` then one column per
assignment; map ``User ID`` to "userid" (the participant id of Moodle's download)
and each assignment column to its grade item.
"""

import csv
from pathlib import Path

from autograder.grading import gradebook
from autograder.grading.gradebook import GradebookError, csv_safe, effective_score

FORMATS = ("plain", "canvas", "moodle")
#: How each export's header starts: an existing file that starts otherwise is not ours to replace.
HEADERS = {"plain": ["student_id"], "canvas": ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
           "moodle": ["User ID", "Full name"]}


def _num(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _cell(entry):
    """An assignment's cell: '' never graded, 'error' could not be graded, else the score that counts."""
    if entry is None:
        return ""
    if entry.get("status") == "error" and "manual_score" not in entry:
        return "error"
    return f"{_num(effective_score(entry)):g}"


def table(data):
    """(assignments, max points per assignment, {student: (name, [cell per assignment])})."""
    names = sorted(data)
    maxima = [max((_num(e.get("max_score")) for e in data[a].values()), default=0.0) for a in names]
    students = sorted({s for a in names for s in data[a]})
    rows = {}
    for sid in students:
        entries = [data[a].get(sid) for a in names]
        shown = next((e.get("name") for e in entries if e and e.get("name")), "")
        rows[sid] = (shown, [_cell(e) for e in entries])
    return names, maxima, rows


def plain_rows(data):
    names, maxima, rows = table(data)
    yield ["student_id", "name", *names, "total", "max_total"]
    for sid, (shown, cells) in rows.items():
        total = "" if "error" in cells else f"{sum(float(c) for c in cells if c):g}"
        yield [sid, shown, *cells, total, f"{sum(maxima):g}"]


def canvas_rows(data):
    names, maxima, rows = table(data)
    yield [*HEADERS["canvas"], *names]
    yield ["    Points Possible", "", "", "", "", *(f"{m:g}" for m in maxima)]
    for sid, (shown, cells) in rows.items():
        canvas_id = sid if sid.isdigit() else ""
        yield [shown or sid, canvas_id, "", "" if canvas_id else sid, "",
               *("" if c == "error" else c for c in cells)]


def moodle_rows(data):
    names, _, rows = table(data)
    yield [*HEADERS["moodle"], *names]
    for sid, (shown, cells) in rows.items():
        yield [sid, shown, *("" if c == "error" else c for c in cells)]


ROWS = {"plain": plain_rows, "canvas": canvas_rows, "moodle": moodle_rows}


def check_target(gradebook_csv, out_csv, force=False):
    """GradebookError unless ``out_csv`` may be written: never the gradebook, its record, a folder,
    or a file that is not one of our exports (unless ``force``)."""
    out, csv_path = Path(out_csv), Path(gradebook_csv)
    if out.resolve() in (csv_path.resolve(), gradebook.store_path(csv_path).resolve()):
        raise GradebookError(f"--out {out} is the gradebook itself; export writes a separate file")
    if out.is_dir():
        raise GradebookError(f"--out {out} is a folder; name a .csv file")
    if not out.parent.is_dir():
        raise GradebookError(f"cannot write {out}: the folder {out.parent} does not exist")
    if out.exists() and not force and not _is_export(out):
        raise GradebookError(f"{out} exists and is not an export of this tool; choose another --out, "
                             "or pass --force to replace it")


def _is_export(path):
    try:
        with open(path, newline="", encoding="utf-8", errors="replace") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, csv.Error):
        return False
    return any(header[: len(h)] == h for h in HEADERS.values())


def export(gradebook_csv, out_csv, fmt="plain", force=False):
    """Write the export ``fmt`` of the gradebook to ``out_csv``; return the number of students.

    GradebookError (nothing written) if there is no gradebook yet, if the CSV has
    hand edits not recorded (see gradebook.check_edits), or if ``out_csv`` may not be written.
    """
    if fmt not in ROWS:
        raise GradebookError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    store = gradebook.store_path(gradebook_csv)
    if not store.exists():
        raise GradebookError(f"no gradebook at {store}: run grade first (or pass --gradebook)")
    check_target(gradebook_csv, out_csv, force)
    data = gradebook.check_edits(gradebook_csv)
    rows = list(ROWS[fmt](data))

    def write(handle):
        csv.writer(handle).writerows([csv_safe(c) if isinstance(c, str) else c for c in row] for row in rows)
    try:
        gradebook._atomic_write(Path(out_csv), write)
    except OSError as exc:
        raise GradebookError(f"cannot write {out_csv}: {exc.strerror or exc}") from None
    finally:
        gradebook.remove_private_dir(Path(out_csv).parent)
    return len(rows) - 1 - (fmt == "canvas")
