"""Run a function as an unprivileged user, also when the tests run as root (as CI does).

Root writes anywhere, so a test of "this user cannot write there" would prove nothing as root.
:func:`as_nobody` runs the function in a forked child that first drops to uid/gid 65534 (nobody)
when this process is root, and reports back what happened; the test process keeps its identity.
"""

import os
import pickle
import shutil
import tempfile
from contextlib import contextmanager

#: The uid and gid the child drops to when the tests run as root.
NOBODY = 65534


def as_nobody(fn, *args):
    """``fn(*args)`` in a child process, as nobody when this process is root (else as this user).

    -> ("ok", result) or ("raised", "ExceptionType: message"); the result must pickle.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            try:
                outcome = ("ok", fn(*args))
            except Exception as exc:  # noqa: BLE001 - reported to the test, which judges it
                outcome = ("raised", f"{type(exc).__name__}: {exc}")
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(pickle.dumps(outcome))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, code = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(code) == 0 and data, f"the unprivileged child failed (status {code})"
    return pickle.loads(data)


@contextmanager
def shared_folder():
    """A fresh folder under /tmp that nobody can reach (0755; pytest's tmp_path is 0700 as root); removed after."""
    folder = tempfile.mkdtemp(prefix="unprivileged-")
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        for here, dirs, _ in os.walk(folder):
            for name in dirs:
                os.chmod(os.path.join(here, name), 0o755)
        shutil.rmtree(folder)
