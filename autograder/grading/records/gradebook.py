"""The grade store: a JSON file written atomically after every student, and its CSV.

Re-running ``grade`` replaces the rows of the students it grades and keeps every
other row, so an interrupted run loses nothing and the next run completes it; the
record it replaces moves to the student's ``history`` list, with its time.

grades.json is the record; the CSV is a view of it, rewritten after every student.
A score changed by hand in the CSV is never silently lost: ``grade``, ``feedback``
and ``export`` refuse to run until it is either recorded in grades.json as a manual
score (``--accept-csv-edits``: who, when, and the score it replaced) or undone.
Files are written with the usual permissions (0666 less the umask), never over a
file that ``grade`` did not write unless asked (``--force``).

Nothing a submission sends can break the store: every string is cleaned
(control characters, lone surrogates) and capped before it is stored, every CSV
cell is safe against formula injection, and a store that cannot be read stops
the run with one line instead of being overwritten. The lock and the temporary
files of the atomic writes live in a private folder beside the gradebook
(mode 0700, hidden from workers), and are removed after use, also on failure.
"""

import csv
import errno
import getpass
import io
import json
import math
import os
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from autograder.grading.records import files, journal
from autograder.grading.records.files import PRIVATE
from autograder.grading.records.record import STATUSES, now  # noqa: F401 - STATUSES: read by classroom.summary
from autograder.grading.student.text import TEXT_CHARS, clean, short

COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "reason", "sandbox", "graded_at",
           "name", "submitted_at", "score_before_penalty", "penalty"]
#: The start of the header of every CSV grade has written (older ones had fewer columns).
OWN_HEADER = "student_id,assignment,score,max_score,status"
#: Earlier results kept per student and assignment (the oldest are dropped first).
HISTORY = 50
#: Longest reason stored per student (characters).
REASON_CHARS = 4000
#: Seconds to wait for another grading process to release the gradebook.
LOCK_TIMEOUT = 60.0
#: First characters a spreadsheet reads as a formula (ASCII and full-width forms).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_lock = threading.Lock()


class GradebookError(Exception):
    """The gradebook cannot be read, locked or written; nothing was overwritten."""


def sanitize(value, limit=TEXT_CHARS):
    """A copy of ``value`` (JSON-like) whose every string is cleaned and capped; odd objects become text."""
    if isinstance(value, str):
        return short(value, limit)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else 0.0
    if isinstance(value, dict):
        return {short(k, 200, False): sanitize(v, REASON_CHARS if k == "reason" else limit)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v, limit) for v in value]
    return short(value, limit)


def store_path(csv_path):
    """The JSON store that sits beside the gradebook CSV: grades.csv -> grades.json."""
    return Path(csv_path).with_suffix(".json")


def private_dir(folder):
    """``folder``/.dlcourse-private (``files.private_dir``); GradebookError if it is a link or someone else's."""
    try:
        return files.private_dir(folder)
    except files.NotPrivate as exc:
        raise GradebookError(str(exc)) from None


remove_private_dir = files.remove_private_dir


@contextmanager
def locked(path, timeout=None):
    """Hold an exclusive lock (threads and processes) on the store ``path``; removed afterwards.

    The lock file is in the private folder, so no worker can open it, and the
    wait is bounded: GradebookError after ``timeout`` seconds.
    """
    with _lock:
        lock = private_dir(Path(path).parent) / (Path(path).name + ".lock")
        fd = _acquire(lock, LOCK_TIMEOUT if timeout is None else timeout)
        try:
            yield
        finally:
            with suppress(FileNotFoundError):
                os.unlink(lock)
            os.close(fd)


def _acquire(lock, timeout):
    import fcntl  # here, not at the top: Windows has none, and students' `check` imports this module

    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() > deadline:
                raise GradebookError(f"the gradebook is locked by another process (waited {timeout:g} s): "
                                     f"{lock}") from None
            time.sleep(0.05)
            continue
        try:  # the file locked must still be the one at that path (the last holder removes it)
            if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def load(path, fold=True):
    """All stored records: {assignment: {student_id: record}}; empty if none yet.

    Raises GradebookError (one line) if the store exists but is not a gradebook.
    The records of its journal (``record``) are applied unless ``fold`` is false.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _folded({}, path, None) if fold else {}
    except OSError as exc:
        raise GradebookError(f"cannot read the gradebook {path}: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise GradebookError(f"the gradebook {path} is not valid JSON ({clean(exc, 200, False)}); "
                             "fix or move it, it was not changed") from None
    if not (isinstance(data, dict) and all(isinstance(rows, dict) and all(isinstance(e, dict) for e in rows.values())
                                           for rows in data.values())):
        raise GradebookError(f"the gradebook {path} is not a gradebook ({{assignment: {{student: record}}}}); "
                             "fix or move it, it was not changed")
    return _folded(sanitize(data), path, raw) if fold else sanitize(data)


def _journal(path):
    """The journal of the store ``path`` (see ``journal``), in the private folder beside it."""
    return Path(path).parent / PRIVATE / (Path(path).name + journal.SUFFIX)


def _folded(data, path, raw):
    """``data`` (the store's records, read from the bytes ``raw``) with its journal's records applied."""
    for assignment, sid, entry in journal.entries(_journal(path), raw):
        _put(data, assignment, sid, sanitize(entry))
    return data


def _put(data, assignment, sid, entry):
    """Make ``entry`` the record of ``sid``; the record it replaces goes to the front of its history."""
    rows = data.setdefault(assignment, {})
    if sid in rows:
        old = dict(rows[sid])
        entry["history"] = ([old] + old.pop("history", []))[:HISTORY]
    rows[sid] = entry


def record(csv_path, assignment, student_id, entry, batch=False):
    """Store one student's result (sanitized) and rewrite the CSV; both writes are atomic.

    The record it replaces (if any) goes, without its own history, to the front of
    the new record's ``history`` (newest first). With ``batch`` (a class being graded) the
    record is appended to the store's journal instead, at a cost that does not grow with
    the class: ``settle`` writes grades.json and the CSV at the end of the run, and every
    reader folds the journal in meanwhile, so a killed run loses no recorded student.
    """
    path = store_path(csv_path)
    entry = rounded(sanitize(entry))
    sid = short(student_id, 200, False)
    with locked(path):
        if batch:
            journal.append(_journal(path), path, assignment, sid, entry)
            return
        data = load(path)
        _put(data, assignment, sid, entry)
        _save(csv_path, data)


def settle(csv_path):
    """Fold the journal into grades.json and rewrite the CSV (both atomic); the end of a run.

    Nothing happens without a journal. Called by ``grade`` at its end, and before the CSV is
    compared with the record (``check_edits``): a run that was killed is completed there.
    """
    path = store_path(csv_path)
    if _journal(path).exists():
        with locked(path):
            _save(csv_path, load(path))


def _save(csv_path, data):
    """Write the CSV, then grades.json, then drop the journal they now hold.

    In this order a kill between two steps leaves files that agree once read: the CSV
    ahead of a grades.json whose journal still holds the rest, or a journal that no longer
    extends grades.json (ignored).
    """
    text = json.dumps(data, indent=1, sort_keys=True)
    write_csv(csv_path, data)
    _atomic_write(store_path(csv_path), lambda handle: handle.write(text))
    journal.discard(_journal(store_path(csv_path)))


def is_own_csv(path):
    """True if ``path`` starts with the header grade writes (so grade may replace it), also as a
    spreadsheet saves it again (a byte-order mark, ``;`` or tabs between the cells)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            line = handle.readline(500).lstrip("\ufeff")
    except OSError:
        return False
    return any(line.startswith(OWN_HEADER.replace(",", sep)) for sep in ",;\t")


#: Encodings a spreadsheet saves a CSV in: UTF-8 (Excel's "CSV UTF-8" adds a byte-order mark),
#: then Korean Excel's plain "CSV" (CP949). Anything else is refused with a line saying how to save.
ENCODINGS = ("utf-8-sig", "cp949")


def read_csv_rows(path, what="the file"):
    """(header, [row dict]) of the CSV at ``path`` as a spreadsheet may have saved it: a byte-order
    mark, CRLF, ``;`` or tab separators, UTF-8 or CP949. ValueError (one line) if it cannot be read."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{what} {path} is neither UTF-8 nor CP949 text: save it from the spreadsheet as "
                         "'CSV UTF-8 (comma delimited)'")
    first = text.split("\n", 1)[0]
    sep = max(",;\t", key=first.count)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sep)
        rows = list(reader)
    except csv.Error as exc:
        raise ValueError(f"{what} {path} is not a CSV file ({exc}): save it as 'CSV UTF-8 (comma delimited)'") from None
    header = [h.strip() for h in reader.fieldnames or []]
    return header, [{(k or "").strip(): v for k, v in row.items()} for row in rows]


def round_points(value, entry):
    """``value`` rounded to the precision of the points (at least 2 decimals): no 4.199999999999999."""
    tests = entry.get("tests") if isinstance(entry.get("tests"), list) else []
    decimals = [len(f"{t['max_points']:g}".partition(".")[2]) for t in tests
                if isinstance(t, dict) and isinstance(t.get("max_points"), (int, float))]
    return round(float(value), min(6, max([2, *decimals])))


def rounded(entry):
    """``entry`` with its scores and each test's points rounded to the points' precision (in place)."""
    for key in ("score", "score_before_penalty", "penalty", "max_score"):
        if isinstance(entry.get(key), float):
            entry[key] = round_points(entry[key], entry)
    for test in entry.get("tests") if isinstance(entry.get("tests"), list) else []:
        if isinstance(test, dict) and isinstance(test.get("points"), float):
            test["points"] = round_points(test["points"], entry)
    return entry


def check_output(csv_path, force=False):
    """Before grading: GradebookError (one line) if the gradebook cannot be written at ``csv_path``.

    Refused: a folder, a missing folder, a place this user cannot write (probed
    with a temporary file, removed), a .json name, and an existing file grade did
    not write (unless ``force``). The store beside it must be readable.
    """
    path, store = Path(csv_path), store_path(csv_path)
    if path.suffix.lower() == ".json":
        raise GradebookError(f"--out {path} ends in .json, the name of the record; name the CSV (e.g. grades.csv)")
    for target in (path, store):
        if target.is_dir():
            raise GradebookError(f"{target} is a folder; --out names the gradebook file, e.g. grades.csv")
    if not path.parent.is_dir():
        raise GradebookError(f"cannot write {path}: the folder {path.parent} does not exist")
    if not files.ours_to_replace(path, is_own_csv, force):
        raise GradebookError(f"{path} exists and was not written by grade (its first line is not "
                             f"'{OWN_HEADER},...'); choose another --out, or pass --force to replace it")
    try:
        files.probe(private_dir(path.parent))
        for target in (path, store):
            if target.exists() and not os.access(target, os.W_OK):
                raise PermissionError(errno.EACCES, "permission denied", str(target))
    except OSError as exc:
        raise GradebookError(f"cannot write the gradebook {path}: {exc.strerror or exc}") from None
    finally:
        remove_private_dir(path.parent)
    load(store)


def effective_score(entry):
    """The score that counts: the manual score if one was recorded, else the graded one."""
    manual = entry.get("manual_score")
    return manual["score"] if isinstance(manual, dict) and "score" in manual else entry.get("score", 0.0)


def csv_edits(csv_path, data):
    """Scores changed by hand in the CSV: [(assignment, student, score in the CSV, score recorded)].

    A CSV that grade did not write, or that is missing, has no edits. A score that
    is not a number is an edit too (reported as the text); a row the record does not
    have (added by hand) is one with ``None`` recorded.
    """
    path = Path(csv_path)
    if not path.exists() or not is_own_csv(path):
        return []
    edits = []
    # The CSV shows each id through csv_safe (a leading ' before =, +, - or @): compare as shown.
    shown_as = {(csv_safe(a), csv_safe(sid)): (a, sid) for a, students in data.items() for sid in students}
    try:
        _, table = read_csv_rows(path, "the gradebook")
    except ValueError as exc:
        raise GradebookError(str(exc)) from None
    for row in table:
        key = shown_as.get((row.get("assignment"), row.get("student_id")))
        entry = data[key[0]][key[1]] if key else None
        if entry is None:  # a row added by hand: never silently dropped
            edits.append((row.get("assignment") or "", row.get("student_id") or "",
                          (row.get("score") or "").strip(), None))
            continue
        shown = "" if entry.get("status") == "error" else effective_score(entry)
        cell = (row.get("score") or "").strip()
        if cell == "" and shown == "":
            continue
        try:
            same = shown != "" and math.isclose(float(cell), float(shown), abs_tol=1e-9)
        except ValueError:
            same = False
        if not same:
            edits.append((key[0], key[1], cell, shown))
    return edits


def check_edits(csv_path, accept=False):
    """GradebookError if the CSV has hand-edited scores, unless ``accept``: then record them as manual scores."""
    store = store_path(csv_path)
    data = load(store)
    edits = _hand_edits(csv_path, data)
    if not edits:
        settle(csv_path)  # a killed run's journal: its records go into grades.json and the CSV
        return data
    added = [(a, s) for a, s, _, recorded in edits if recorded is None]
    if added:
        listed = "; ".join(f"{s} in {a}" for a, s in added[:3]) + ("; ..." if len(added) > 3 else "")
        raise GradebookError(f"{csv_path} has rows added by hand ({listed}): not in the record {store}; "
                             "grade those students (or remove the rows; a spreadsheet may have changed an id, "
                             "e.g. 007 to 7)")
    if not accept:
        listed = "; ".join(f"{_who(data, a, s)} in {a}: {c or 'blank'} in the CSV, "
                           f"{r if r != '' else 'not graded'} recorded"
                           for a, s, c, r in edits[:3]) + ("; ..." if len(edits) > 3 else "")
        raise GradebookError(f"{csv_path} was edited by hand ({listed}); {store} is the record: pass "
                             "--accept-csv-edits to record these as manual scores, or undo the edits")
    with locked(store):
        data = load(store)
        for assignment, sid, cell, recorded in _hand_edits(csv_path, data):
            entry = data[assignment][sid]
            score = _manual_score(cell, entry)
            if score is None:
                top = entry.get("max_score", 0.0)
                raise GradebookError(f"{csv_path}: the score of {sid} in {assignment} is {cell!r}; a manual "
                                     f"score is a number from 0 to {top:g}; fix it") from None
            entry["manual_score"] = dict(score=score, replaced=recorded, by=getpass.getuser(),
                                         at=now())
            graded = recorded if recorded != "" else "not graded"
            entry["reason"] = short(f"manual score {score:g} by {entry['manual_score']['by']} "
                                    f"(graded {graded}) | {entry.get('reason', '')}", REASON_CHARS, False)
        _save(csv_path, data)
    return data


def _who(data, assignment, sid):
    """A student's id with the LMS's name beside it, for messages."""
    name = data.get(assignment, {}).get(sid, {}).get("name")
    return f"{sid} ({name})" if name and name != sid else sid


def _hand_edits(csv_path, data):
    """``csv_edits`` against ``data`` (journal folded in) that are edits against grades.json alone too.

    While a journal is pending (a killed run) the CSV shows grades.json without it: a row
    the journal changed is behind, not edited.
    """
    edits = csv_edits(csv_path, data)
    store = store_path(csv_path)
    if edits and _journal(store).exists():
        before = {edit[:3] for edit in csv_edits(csv_path, load(store, fold=False))}
        edits = [edit for edit in edits if edit[:3] in before]
    return edits


def _manual_score(cell, entry):
    """The float in ``cell`` if it is a score this entry can have (0 to its max_score), else None."""
    try:
        score = float(cell)
    except ValueError:
        return None
    top = entry.get("max_score")
    top = top if isinstance(top, (int, float)) and not isinstance(top, bool) else 0.0
    return score if math.isfinite(score) and 0.0 <= score <= top else None


def csv_safe(value):
    """A CSV cell that no spreadsheet runs as a formula: text cleaned to one line, a leading ' where needed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = clean(value, REASON_CHARS, newlines=False)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(entry, student_id, assignment):
    """The CSV row of one record; an error is never shown as a score."""
    row = {c: entry.get(c, "") for c in COLUMNS}
    row.update(student_id=student_id, assignment=assignment, score=effective_score(entry))
    if entry.get("status") == "error":
        row["score"] = ""
    return {c: csv_safe(v) for c, v in row.items()}


def write_csv(csv_path, data):
    """The gradebook CSV: one row per student and assignment, sorted."""
    rows = [csv_row(entry, sid, a) for a in sorted(data) for sid, entry in sorted(data[a].items())]

    def write(handle):
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    _atomic_write(Path(csv_path), write)


def _atomic_write(target, write):
    """Call ``write(handle)`` on a temporary file in the private folder, then rename it onto ``target``."""
    files.atomic_write(target, write, temp_dir=private_dir(target.parent))
