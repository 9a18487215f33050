"""Operating-system containment around the worker, where Linux offers it.

With bubblewrap (``bwrap``) the worker gets no network, a read-only view of the
system, a private /tmp, and no view at all of the folders in ``deny``
(solutions, other submissions, the gradebook). Without it, the worker's audit
hook still refuses network, processes and those folders (see worker.py).
"""

import os
import shutil
import subprocess
from functools import lru_cache


@lru_cache(maxsize=1)
def available():
    """True when bwrap can create namespaces here (tried once)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    probe = [exe, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def wrap(argv, home, deny, keep_fds=()):
    """``argv`` run inside bubblewrap when available, else unchanged."""
    if os.environ.get("DLCOURSE_NO_BWRAP") or not available():
        return argv
    cmd = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
           "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
           "--bind", home, home]
    for path in map(os.path.realpath, deny):
        if home.startswith(path + os.sep):
            continue
        if os.path.isdir(path):
            cmd += ["--tmpfs", path]
        elif os.path.exists(path):
            cmd += ["--ro-bind", "/dev/null", path]
    return cmd + ["--"] + list(argv)
