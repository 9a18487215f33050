"""Operating-system containment around the worker, where Linux offers it.

With bubblewrap (``bwrap``) the worker gets no network, a read-only view of the
system with only its own folder writable, and no view at all of the folders in
``deny`` (solutions, other submissions, other workers, the gradebook). Without it, the worker's audit
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


def wrap(argv, home, deny):
    """``argv`` run inside bubblewrap when available, else unchanged."""
    if os.environ.get("DLCOURSE_NO_BWRAP") or not available():
        return argv
    cmd = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
           "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for path in map(os.path.realpath, deny):
        # Folders vanish. Files (the gradebook) are left to the audit hook: they are
        # replaced atomically while grading, which would race with a bind mount, and
        # the read-only root already stops writes.
        if os.path.isdir(path):
            cmd += ["--tmpfs", path]
    # Bound last, so that it shows through an empty folder laid over its parent.
    return cmd + ["--bind", home, home, "--"] + list(argv)
