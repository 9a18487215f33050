"""The grade store: a JSON file written atomically after every student, and its CSV.

Re-running ``grade`` replaces the rows of the students it grades and keeps every
other row, so an interrupted run loses nothing and the next run completes it.
"""

import csv
import fcntl
import json
import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "reason", "graded_at"]
_lock = threading.Lock()


def store_path(csv_path):
    """The JSON store that sits beside the gradebook CSV: grades.csv -> grades.json."""
    return Path(csv_path).with_suffix(".json")


@contextmanager
def locked(path):
    """Hold an exclusive lock (threads and processes) on ``path``'s store."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, open(str(path) + ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def load(path):
    """All stored records: {assignment: {student_id: record}}; empty if none yet."""
    path = Path(path)
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def record(csv_path, assignment, student_id, entry):
    """Store one student's result and rewrite the CSV; both writes are atomic."""
    path = store_path(csv_path)
    with locked(path):
        data = load(path)
        data.setdefault(assignment, {})[student_id] = entry
        _atomic_write(path, json.dumps(data, indent=1, sort_keys=True))
        write_csv(csv_path, data)


def write_csv(csv_path, data):
    """The gradebook CSV: one row per student and assignment, sorted."""
    rows = [dict({c: entry.get(c, "") for c in COLUMNS}, student_id=sid, assignment=a)
            for a in sorted(data) for sid, entry in sorted(data[a].items())]
    fd, tmp = tempfile.mkstemp(dir=Path(csv_path).parent or ".", suffix=".tmp")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, csv_path)


def _atomic_write(path, text):
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
