"""The gradebook's journal: one appended line per graded student, folded into grades.json later.

Rewriting grades.json and the CSV after every student made recording a class quadratic
(1 ms for the first student, 7 ms for the 60th, a fifth of the run at 600 students).
Instead ``gradebook.record`` appends the student's record to this journal, a cost that
does not grow with the class, and the run ends by folding the journal into grades.json
and the CSV once (``gradebook.settle``). Every reader (``gradebook.load``) folds it too,
so a run killed with ``kill -9`` loses no student whose record was appended: the next
command sees them, and the next ``grade`` (or ``feedback``/``export``) writes them out.

The file lives in the gradebook's private folder (mode 0700, never shown to a worker)::

    {"sha256": <hex digest of the grades.json bytes it extends, or null>, "stat": [...]}
    {"a": assignment, "s": student id, "e": record}
    ...

The digest ties the journal to the grades.json it extends: a journal left behind by a
crash after grades.json was rewritten with it (before it was removed) no longer matches,
and is ignored instead of being folded twice. A torn last line (a kill mid-write) is
ignored: that record had not been stored. Callers hold the gradebook's lock.
"""

import hashlib
import json
import os
from contextlib import suppress

#: Suffix of the journal beside the store's name: grades.json -> grades.json.journal.
SUFFIX = ".journal"
#: Longest header line read (bytes).
HEADER_BYTES = 1000


def digest(data):
    """sha256 hex digest of the store's bytes, or None for a store that does not exist."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def _signature(store):
    """(inode, size, mtime) of the store: a cheap test that it is the file a journal extends."""
    try:
        info = os.stat(store)
    except FileNotFoundError:
        return None
    return [info.st_ino, info.st_size, info.st_mtime_ns]


def _read_store(store):
    try:
        with open(store, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _header(journal):
    """The journal's first line as a dict, or None (no journal, or no whole header)."""
    try:
        with open(journal, "rb") as handle:
            line = handle.readline(HEADER_BYTES)
    except FileNotFoundError:
        return None
    try:
        header = json.loads(line) if line.endswith(b"\n") else None
    except ValueError:
        return None
    return header if isinstance(header, dict) else None


def append(journal, store, assignment, student_id, entry):
    """Append one record (JSON-able, already sanitized) to ``journal``, which extends ``store``.

    A journal that extends another version of the store (left by a crash after it was
    folded) is replaced by a new one. The line goes out in whole writes of one open file.
    """
    header = _header(journal)
    if header is not None and header.get("stat") != _signature(store) \
            and header.get("sha256") != digest(_read_store(store)):
        header = None  # folded already: its lines are in the store
    line = (json.dumps({"a": assignment, "s": student_id, "e": entry}, sort_keys=True) + "\n").encode()
    if header is None:
        first = json.dumps({"sha256": digest(_read_store(store)), "stat": _signature(store)}) + "\n"
        with suppress(FileNotFoundError):
            os.unlink(journal)
        fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        line = first.encode() + line
    else:
        fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
    try:
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def entries(journal, store_bytes):
    """[(assignment, student id, record)] of ``journal`` if it extends the store whose bytes
    are ``store_bytes`` (None: no store), in the order they were appended; else []."""
    try:
        with open(journal, "rb") as handle:
            lines = handle.read().split(b"\n")
    except FileNotFoundError:
        return []
    try:
        header = json.loads(lines[0])
    except ValueError:
        return []
    if not isinstance(header, dict) or header.get("sha256") != digest(store_bytes):
        return []
    found = []
    for line in lines[1:-1]:  # the last piece follows the last newline: empty, or a torn line
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and isinstance(item.get("a"), str) and isinstance(item.get("s"), str) \
                and isinstance(item.get("e"), dict):
            found.append((item["a"], item["s"], item["e"]))
    return found


def discard(journal):
    """Remove the journal (its records are in the store now)."""
    with suppress(FileNotFoundError):
        os.unlink(journal)
