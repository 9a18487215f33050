"""Gradebook exports: plain (one row per student), Canvas's gradebook import, Moodle's grade import.

Every format reads grades.json (the record), shows the score that counts (after a
late penalty; a manual score where one was recorded), and leaves the cell blank,
never 0, for work never graded. A record with status ``error`` is never a score:
``error`` in the plain export, blank in the LMS ones. Every cell is safe against
spreadsheet formula injection.

What was checked against documentation (not against a live Canvas or Moodle):

Canvas (Grades > Import). Columns ``Student, ID, SIS User ID, SIS Login ID, Section``,
then one per assignment; only one of Student/ID/SIS User ID is needed to find a
student, ``ID`` being Canvas's own user id; an assignment column is named
``Name (assignment id)`` in Canvas's export, and a column without an id creates a
new assignment. Sources: Ohio State's guide to importing a CSV into Canvas grades,
https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
and a description of Canvas's grades export (ID = Canvas id; "Quiz 1 (87568490)"),
https://nemogb-dev.github.io/nemogb-r/articles/detailed-canvas-export-info.html
(Instructure's own guide, "How do I import grades in the Gradebook?", was not
available to check). The second row ``Points Possible`` copies Canvas's export.

Moodle (Grades > Import > CSV file). One column is mapped ("Map from") to a user
field ("Map to": userid, username, useridnumber or useremail) and the others to
grade items: https://docs.moodle.org/311/en/Grade_import (and the options of
Moodle's grade/import/csv mapping form). The participant id in the name of a
Moodle submission download is NOT a user field: it comes from the table
assign_user_mapping ("Map an assignment specific id number to a user", Moodle's
schema), so it differs per assignment and per user id. Students recorded from a
Moodle download are therefore identified by email through a roster (Moodle's own
grade or participants export, with First name, Last name and Email address).

Names are compared after Unicode NFKC normalization and case folding (a macOS zip
writes ``müller`` decomposed), in both orders (``Kim Minsu`` and ``Minsu Kim``, and
without the space, as family-name-first names are written). Two records that map to
one person are merged cell by cell, a graded cell always winning over a zero or an
error, and said through ``warn``; two different grades of one person stop the export.
An export never replaces a file it did not write: what it writes is recorded (path and
SHA-256) in ``<gradebook>.exports.json`` beside the gradebook, and only a file still
as written may be replaced without ``--force``.
"""

import csv
import hashlib
import json
import re
import unicodedata
from pathlib import Path

from autograder.grading.records import files, gradebook
from autograder.grading.records.gradebook import GradebookError, csv_safe, effective_score, read_csv_rows

FORMATS = ("plain", "canvas", "moodle")
#: How each export's header starts.
HEADERS = {"plain": ["student_id"], "canvas": ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
           "moodle": ["Student ID", "Full name"], "moodle-roster": ["Email address", "Full name"]}
#: A Canvas assignment column that fills an existing assignment: "Name (assignment id)".
CANVAS_COLUMN = re.compile(r".*\S \((\d+)\)")


def _num(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _cell(entry):
    """An assignment's cell: '' never graded, 'error' could not be graded, else the score that counts."""
    if entry is None:
        return ""
    if entry.get("status") == "error" and "manual_score" not in entry:
        return "error"
    return f"{_num(effective_score(entry)):g}"


#: How much a cell says, for merging two rows of one person: a graded notebook beats anything else.
RANK = {"": 0, "error": 1, "zero": 2, "graded": 3}


def _rank(entry):
    if entry is None:
        return 0
    if "manual_score" in entry:
        return RANK["graded"]
    return RANK.get(entry.get("status"), 1)


def table(data):
    """(assignments, max points per assignment, {student: (name, [cell per assignment], layout, [rank])})."""
    names = sorted(data)
    maxima = [max((_num(e.get("max_score")) for e in data[a].values()), default=0.0) for a in names]
    students = sorted({s for a in names for s in data[a]})
    rows = {}
    for sid in students:
        entries = [data[a].get(sid) for a in names]
        shown = next((e.get("name") for e in entries if e and e.get("name")), "")
        layout = next((e.get("layout") for e in entries if e and e.get("layout")), "")
        rows[sid] = (shown, [_cell(e) for e in entries], layout, [_rank(e) for e in entries])
    return names, maxima, rows


def _listed(people):
    return f"{', '.join(people[:3])}{', ...' if len(people) > 3 else ''}"


def plain_rows(data):
    names, maxima, rows = table(data)
    yield ["student_id", "name", *names, "total", "max_total"]
    for sid, (shown, cells, _, _) in rows.items():
        total = "" if "error" in cells else f"{sum(float(c) for c in cells if c):g}"
        yield [sid, shown, *cells, total, f"{sum(maxima):g}"]


def canvas_rows(data, columns=None, roster=None, warn=None):
    """Canvas's import: the Canvas user id (``ID``) for students from a Canvas download, else ``SIS Login ID``."""
    names, maxima, rows = table(data)
    moodle = sorted({_shown(sid, shown) for sid, (shown, _, layout, _) in rows.items() if layout == "moodle"})
    if moodle:
        raise GradebookError(f"{len(moodle)} students ({_listed(moodle)}) "
                             "come from a Moodle download: their participant ids mean nothing to Canvas; "
                             "export them with --format moodle")
    anonymous = sorted(sid for sid, (_, _, layout, _) in rows.items() if layout == "canvas" and sid.startswith("anon_"))
    if anonymous:
        raise GradebookError(f"{len(anonymous)} students ({_listed(anonymous)}) come from a Canvas anonymous-grading "
                             "download: Canvas's gradebook import cannot match an anonymous id; download the "
                             "submissions again once the assignment is unmasked, and grade that download")
    yield [*HEADERS["canvas"], *_headers(names, columns)]
    yield ["    Points Possible", "", "", "", "", *(f"{m:g}" for m in maxima)]
    for sid, (shown, cells, layout, _) in rows.items():
        canvas_id = sid if layout == "canvas" else ""
        yield [shown or sid, canvas_id, "", "" if canvas_id else sid, "",
               *("" if c == "error" else c for c in cells)]


def _shown(sid, name):
    """An id with its name beside it, for messages."""
    return f"{sid} ({name})" if name and name != sid else sid


def moodle_rows(data, columns=None, roster=None, warn=None):
    """Moodle's import: ``Student ID`` (map it to username or useridnumber), or with a roster
    ``Email address`` (map it to useremail), one row per person; then one column per assignment."""
    names, _, rows = table(data)
    if roster is None:
        moodle = sorted({_shown(sid, shown) for sid, (shown, _, layout, _) in rows.items() if layout == "moodle"})
        if moodle:
            raise GradebookError(
                f"{len(moodle)} students ({_listed(moodle)}) come from a "
                "Moodle download, whose participant id is a number per assignment, not a Moodle user: pass "
                "--roster with Moodle's own grade or participants export (First name, Last name, Email address) "
                "to identify them by email")
        yield [*HEADERS["moodle"], *_headers(names, columns)]
        for sid, (shown, cells, _, _) in rows.items():
            yield [sid, shown, *("" if c == "error" else c for c in cells)]
        return
    people = _by_email(rows, _read_roster(roster), names, warn or (lambda line: None))
    yield [*HEADERS["moodle-roster"], *_headers(names, columns)]
    for email, (shown, cells) in sorted(people.items()):
        yield [email, shown, *cells]


def _headers(names, columns):
    """The assignment columns: the name, or the header given for it (checked by export)."""
    return [(columns or {}).get(n, n) for n in names]


def _key(name):
    """A person's name compared loosely: NFKC, case-folded, single spaces (Moodle's download turns _ into a space)."""
    return " ".join(unicodedata.normalize("NFKC", name).replace("_", " ").casefold().split())


def name_keys(first, last):
    """The keys under which a roster's person is found: both orders, with and without the space
    (``Minsu Kim``, ``Kim Minsu``, ``kimminsu``: family-name-first names, Canvas's joined names)."""
    first, last = _key(first), _key(last)
    both = [f"{first} {last}", f"{last} {first}"]
    return {k.strip() for k in both + [k.replace(" ", "") for k in both]} - {""}


def _read_roster(path):
    """{key: email}, keys being the full name (both orders), username, ID number and email of each row."""
    try:
        header, table_ = read_csv_rows(path, "the roster")
    except ValueError as exc:
        raise GradebookError(str(exc)) from None
    if "Email address" not in header:
        raise GradebookError(f"the roster {path} has no column 'Email address' (Moodle's grade or participants "
                             "export has First name, Last name, Email address)")
    found, twice = {}, set()
    for row in table_:
        email = (row.get("Email address") or "").strip()
        if not email:
            continue
        keys = name_keys(row.get("First name") or "", row.get("Last name") or "")
        keys |= {_key(row.get("Username") or ""), _key(row.get("ID number") or ""), _key(email)}
        for key in keys - {""}:
            twice |= {key} if found.get(key, email) != email else set()
            found[key] = email
    return {k: v for k, v in found.items() if k not in twice}


def _by_email(rows, roster, names, warn):
    """{email: (name, [cell per assignment])}, merging a person's rows; GradebookError naming who is not found.

    Of two rows of one person, the cell of a graded notebook wins over a zero, an error or a blank
    (a Moodle online-text entry recorded apart must never wipe out the notebook's grade); two
    different graded scores stop the export. Every merge is said through ``warn``.
    """
    people, missing, ids = {}, [], {}
    for sid, (shown, cells, layout, ranks) in rows.items():
        email = roster.get(_key(shown)) if layout == "moodle" else roster.get(_key(sid))
        if email is None and shown:
            email = roster.get(_key(shown).replace(" ", ""))
        if email is None:
            missing.append(_shown(sid, shown))
            continue
        ids.setdefault(email, []).append(_shown(sid, shown))
        name, merged, best = people.get(email, (shown, [""] * len(cells), [0] * len(cells)))
        for i, (cell, rank) in enumerate(zip(cells, ranks)):
            if rank == best[i] == RANK["graded"] and cell != merged[i]:
                raise GradebookError(f"{' and '.join(ids[email])} are one person ({email}) with two grades in "
                                     f"{names[i]} ({merged[i]} and {cell}): remove the wrong record, then export")
            if rank > best[i]:
                merged[i], best[i] = cell, rank
        people[email] = (name or shown, merged, best)
    if missing:
        raise GradebookError(f"not in the roster (by full name, username, ID number or email), or in it twice: "
                             f"{_listed(missing)}")
    for email, who in ids.items():
        if len(who) > 1:
            warn(f"export: {' and '.join(who)} map to one person ({email}); merged into one row, a graded "
                 "notebook's score kept over a zero, an error or a blank")
    return {email: (name, ["" if c == "error" else c for c in merged]) for email, (name, merged, _) in people.items()}


def check_columns(data, columns, fmt):
    """GradebookError unless every --column names an assignment of the gradebook (and, for Canvas, ends with
    the Canvas assignment id in parentheses, which is how Canvas matches an existing assignment)."""
    for assignment, header in (columns or {}).items():
        if assignment not in data:
            raise GradebookError(f"--column {assignment}: no such assignment in the gradebook "
                                 f"(it has: {', '.join(sorted(data)) or 'none'})")
        if fmt == "canvas" and not CANVAS_COLUMN.fullmatch(header):
            raise GradebookError(f"--column {assignment}={header!r}: a Canvas column is 'Name (assignment id)', "
                                 "as in Canvas's own export, e.g. 'Perceptron (4711)'")


def plain_export(data, columns=None, roster=None, warn=None):
    return plain_rows(data)


ROWS = {"plain": plain_export, "canvas": canvas_rows, "moodle": moodle_rows}


def written_path(gradebook_csv):
    """Where the exports of a gradebook are recorded (path -> SHA-256 of what was written)."""
    store = gradebook.store_path(gradebook_csv)
    return store.with_name(store.stem + ".exports.json")


def _written(gradebook_csv):
    try:
        data = json.loads(written_path(gradebook_csv).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _digest(path):
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def check_target(gradebook_csv, out_csv, force=False):
    """GradebookError unless ``out_csv`` may be written: never the gradebook, its record, a folder,
    or an existing file that this tool did not write or that changed since (unless ``force``)."""
    out, csv_path = Path(out_csv), Path(gradebook_csv)
    if out.resolve() in (csv_path.resolve(), gradebook.store_path(csv_path).resolve(),
                         written_path(csv_path).resolve()):
        raise GradebookError(f"--out {out} is the gradebook itself; export writes a separate file")
    if out.is_dir():
        raise GradebookError(f"--out {out} is a folder; name a .csv file")
    if not out.parent.is_dir():
        raise GradebookError(f"cannot write {out}: the folder {out.parent} does not exist")
    if not files.ours_to_replace(out, lambda p: _written(gradebook_csv).get(str(p.resolve())) == _digest(p), force):
        raise GradebookError(f"{out} exists and is not an export of this tool as it wrote it (an LMS's own export "
                             "may start with the same columns); choose another --out, or pass --force to replace it")


def export(gradebook_csv, out_csv, fmt="plain", force=False, columns=None, roster=None, warn=None):
    """Write the export ``fmt`` of the gradebook to ``out_csv``; return the number of students.

    GradebookError (nothing written) if there is no gradebook yet, if the CSV has
    hand edits not recorded (see gradebook.check_edits), if ``out_csv`` may not be written,
    or if the LMS could not match a student (see moodle_rows). ``columns``: {assignment:
    header} (Canvas: "Name (assignment id)"); ``roster``: Moodle's user export (moodle only);
    ``warn``: called with one line per merge of two rows of one person.
    """
    if fmt not in ROWS:
        raise GradebookError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if roster is not None and fmt != "moodle":
        raise GradebookError(f"--roster is for --format moodle, not {fmt}")
    if columns and fmt == "plain":
        raise GradebookError("--column names an LMS's column: use it with --format canvas or moodle")
    store = gradebook.store_path(gradebook_csv)
    if not store.exists():
        raise GradebookError(f"no gradebook at {store}: run grade first (or pass --gradebook)")
    check_target(gradebook_csv, out_csv, force)
    data = gradebook.check_edits(gradebook_csv)
    check_columns(data, columns, fmt)
    rows = list(ROWS[fmt](data, columns, roster, warn))

    def write(handle):
        csv.writer(handle).writerows([csv_safe(c) if isinstance(c, str) else c for c in row] for row in rows)
    try:
        files.atomic_write(Path(out_csv), write, temp_dir=gradebook.private_dir(Path(out_csv).parent))
        written = dict(_written(gradebook_csv), **{str(Path(out_csv).resolve()): _digest(out_csv)})
        text = json.dumps(written, indent=1, sort_keys=True)
        files.atomic_write(written_path(gradebook_csv), lambda handle: handle.write(text),
                           temp_dir=gradebook.private_dir(written_path(gradebook_csv).parent))
    except OSError as exc:
        raise GradebookError(f"cannot write {out_csv}: {exc.strerror or exc}") from None
    finally:
        gradebook.remove_private_dir(Path(out_csv).parent)
        gradebook.remove_private_dir(written_path(gradebook_csv).parent)
    return len(rows) - 1 - (fmt == "canvas")
