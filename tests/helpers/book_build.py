"""One build of the whole book (English, then Korean from the same execution cache) per test run.

tests/book/test_book.py and tests/book/test_book_ko.py both need the built site; under
``pytest -n 2 --dist loadfile`` they may run on different workers, so the first worker to ask
builds into the session's shared temporary folder while holding a file lock, and the other
finds the result there. The two editions are built as ``make book`` builds them: English with
``jupyter-book build``, Korean with ``_ext/build_korean.py`` (same ``--path-output``, so the same
``_build/.jupyter_cache``). Each edition's exit status and log tail are kept, so a broken Korean
page fails the Korean tests and not the English ones.
"""

import fcntl
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from helpers.paths import ROOT

RESULT = "build.json"


def _env(bin_dir, home):
    """A clean environment; one BLAS/OpenMP thread per kernel, as `make` sets (no spinning threads)."""
    return {"PATH": bin_dir + ":/usr/bin:/bin", "HOME": str(home), "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _run(cmd, out):
    """Exit status, log tail, seconds, and the pages myst-nb executed or took from the cache."""
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env(str(Path(sys.executable).parent), out))
    log = done.stdout + done.stderr
    return {"returncode": done.returncode, "log": log[-10000:], "seconds": round(time.perf_counter() - start, 1),
            "executed": re.findall(r"(\S+\.md): Executing notebook", log),
            "cached": re.findall(r"(\S+\.md): Using cached notebook", log)}


def build_both(out):
    """Build both editions under ``out`` (as jupyter-book's --path-output); returns their results."""
    bin_dir = Path(sys.executable).parent
    flags = ["--warningiserror", "--keep-going"]
    result = {"en": _run([str(bin_dir / "jupyter-book"), "build", str(ROOT), "--path-output", str(out), *flags], out)}
    if result["en"]["returncode"] == 0:
        result["ko"] = _run([sys.executable, str(ROOT / "_ext" / "build_korean.py"), "--path-output", str(out),
                             *flags], out)
    else:
        result["ko"] = {"returncode": -1, "log": "not built: the English build failed"}
    return result


def shared_book(tmp_path_factory):
    """(folder holding _build/, results) of the session's one build of both editions."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent          # shared by the workers of this session only
    out = base / "book-both"
    out.mkdir(exist_ok=True)
    with open(base / "book-both.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (out / RESULT).is_file():
                (out / RESULT).write_text(json.dumps(build_both(out)))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out, json.loads((out / RESULT).read_text())
