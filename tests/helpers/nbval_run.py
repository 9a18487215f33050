"""nbval runs of notebooks in a subprocess (the solution notebooks, the book's executed chapters).

Used by tests/book/test_nbval.py and tests/book/test_book.py; the plugin of those runs is
helpers/nbval_book.py, their sanitizers helpers/nbval_sanitize.cfg.
"""

import subprocess
import sys
from pathlib import Path

SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")
#: Seconds for one nbval run (every notebook of the run, one after the other).
NBVAL_TIMEOUT_S = 1800


def nbval(notebooks, *, lax, env, timeout=NBVAL_TIMEOUT_S):
    """Run ``pytest --nbval`` (or ``--nbval-lax``) on ``notebooks`` in a subprocess; the CompletedProcess.

    The kernel is this interpreter (``--nbval-current-env``) and starts in each notebook's folder;
    no configuration file is read (``-c /dev/null``), so the repository's pytest options and
    conftest do not apply to the notebooks. env: the environment of the kernels (the build's,
    for the chapters: one BLAS thread, so that sums run in the same order).
    """
    cmd = [sys.executable, "-m", "pytest", "-q", "-c", "/dev/null", "-p", "no:cacheprovider", "--rootdir", "/",
           "-p", "helpers.nbval_book", "--nbval-current-env", "--nbval-cell-timeout", "900"]
    cmd += ["--nbval-lax"] if lax else ["--nbval", "--nbval-sanitize-with", str(SANITIZE)]
    env = dict(env, PYTHONPATH=str(Path(__file__).parents[1]))  # the plugin helpers.nbval_book
    return subprocess.run(cmd + [str(p) for p in notebooks], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd="/")


def summary(done):
    """The end of a failed nbval run: which cells failed and how."""
    return (done.stdout[-8000:] + done.stderr[-2000:]).strip()
