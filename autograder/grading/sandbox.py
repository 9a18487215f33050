"""Operating-system containment around the worker: bubblewrap and cgroups.

With bubblewrap (``bwrap``) and user namespaces the worker sees an allow-list
file system: the system libraries, the Python interpreter and the packages an
exercise may import, all read-only, its own code read-only at ``CODE``, and an
empty size-capped tmpfs as its home (``/tmp`` points there). The course folder
(``.git``, solutions/, the autograder's own source), the submissions, the
gradebook, other workers and the grader's temporary folders are not mounted at
all; /dev holds the usual devices, read-only, and a /dev/shm capped as the home.
It runs as ``nobody`` in its own user namespace with no capabilities and no
further user namespaces, with its own PID, network, IPC and UTS namespaces, and
dies with the grader. Where cgroups are writable, a cgroup per worker bounds its
processes (threads included) and memory (its tmpfs included), and every process
in it is killed when the worker closes. Without a pids cgroup a grader running as
root cannot bound processes at all (the kernel exempts uid 0 from RLIMIT_NPROC, and
the sandbox's uid maps to the grader's): ``Worker`` then refuses, as for hook-only.

Without bubblewrap (``mode() == "hook-only"``) only the worker's audit hook is
left, which Python's documentation says is no security boundary: ``Worker``
refuses to start there unless ``Limits.allow_weak`` says the instructor accepts it.
``DLCOURSE_NO_BWRAP=1`` pretends bwrap is missing (for tests).
"""

import os
import re
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
import time
from functools import lru_cache

#: Where the worker's home and its code appear inside the sandbox.
HOME = "/home/w"
CODE = "/opt/dlcourse"
#: The user the worker runs as inside its namespace.
NOBODY = "65534"
CGROUP_FS = "/sys/fs/cgroup"
#: Folder of the worker's code laid over each forbidden package: it cannot be imported.
BLOCKED = "blocked"
#: Files the worker runs from, copied from this package.
WORKER_FILES = ("worker.py", "wire.py")
_BLOCKER = 'raise ModuleNotFoundError(f"No module named {__name__!r}", name=__name__)\n'


class SandboxUnavailable(RuntimeError):
    """The strong sandbox cannot run here and the weak one was not accepted."""


def mode():
    """'bubblewrap' where the allow-list sandbox works here, else 'hook-only'."""
    return "hook-only" if unavailable_reason() else "bubblewrap"


def available():
    """True when the bubblewrap sandbox works here (same as ``mode() == 'bubblewrap'``)."""
    return mode() == "bubblewrap"


def unavailable_reason():
    """'' when bubblewrap works, else one line saying why it does not."""
    if os.environ.get("DLCOURSE_NO_BWRAP"):
        return "DLCOURSE_NO_BWRAP is set (bubblewrap treated as missing)"
    return _probe()


def install_code(folder):
    """Write the worker's files (and the ``BLOCKED`` package) into ``folder``, shown at ``CODE``."""
    here = os.path.dirname(os.path.abspath(__file__))
    os.makedirs(os.path.join(folder, BLOCKED), exist_ok=True)
    for name in WORKER_FILES:
        shutil.copy(os.path.join(here, name), folder)
    with open(os.path.join(folder, BLOCKED, "__init__.py"), "w") as handle:
        handle.write(_BLOCKER)
    return folder


@lru_cache(maxsize=1)
def _probe():
    """Run the real recipe once with a trivial program; '' on success, else the reason."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    argv = [sys.executable, "-I", "-c", "pass"]
    try:
        with tempfile.TemporaryDirectory(prefix="dlcourse-probe-") as code:
            done = subprocess.run(command(argv, install_code(code), 2**20, ()),
                                  capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start ({exc})"
    if done.returncode:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit code {done.returncode}"]
        return f"bubblewrap cannot create its namespaces here ({lines[-1][:200]})"
    return ""


def command(argv, code_dir, home_bytes, forbidden):
    """The bwrap command line running ``argv`` in the allow-list sandbox.

    code_dir: host folder shown read-only at ``CODE``; home_bytes: size of the home tmpfs;
    forbidden: top-level package names left out of site-packages.
    """
    cmd = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--uid", NOBODY, "--gid", NOBODY,
           "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    python = _python_mounts(code_dir, forbidden)
    # /tmp is the home, unless Python itself lives under /tmp (a checkout with its venv
    # there): then /tmp is a tmpfs of its own, capped too, laid before the venv is bound.
    paths = [os.path.realpath(sys.base_prefix), sys.prefix, os.path.realpath(sys.executable), *_site_folders()]
    under_tmp = any(_inside(path, "/tmp") for path in paths)
    tmp = ["--size", str(home_bytes), "--tmpfs", "/tmp"] if under_tmp else []
    cmd += _system_mounts() + tmp + python
    # /dev is a tmpfs of bwrap's, writable and as large as half the host's memory: read-only,
    # with a /dev/shm of its own as small as the home (POSIX shared memory and semaphores).
    cmd += ["--ro-bind", code_dir, CODE, "--proc", "/proc", "--dev", "/dev",
            "--size", str(home_bytes), "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
            "--size", str(home_bytes), "--tmpfs", HOME] + ([] if under_tmp else ["--symlink", HOME, "/tmp"])
    return cmd + ["--remount-ro", "/", "--chdir", HOME, "--"] + list(argv)


def _system_mounts():
    """Shared libraries and the loader, never /usr/bin or /bin: there is no shell to start."""
    args = []
    for path in ("/usr/lib", "/usr/lib64", "/usr/lib32"):
        if os.path.isdir(path) and not os.path.islink(path):
            args += ["--ro-bind", path, path]
    for path in ("/lib", "/lib64", "/lib32"):
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    if os.path.exists("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return args


def _python_mounts(code_dir, forbidden):
    """The interpreter and its standard library, the venv, its site-packages minus forbidden packages.

    A forbidden package's folder is covered by ``BLOCKED`` (whose ``__init__`` raises
    ModuleNotFoundError), a forbidden file by /dev/null: an empty folder laid over a
    package would still import as a namespace package. Binding the allowed entries one
    by one instead would cost a mount each (about 2 s for 400 of them).
    """
    exe = os.path.realpath(sys.executable)
    bound = ["/usr/lib", "/usr/lib64", "/usr/lib32"]
    args = []
    for path in (os.path.realpath(sys.base_prefix), sys.prefix):
        if not any(_inside(path, b) for b in bound):
            args += ["--ro-bind", path, path]
            bound.append(path)
    if not any(_inside(exe, b) for b in bound):
        args += ["--ro-bind", exe, exe]
    own = _own_site_folders()
    for folder in _site_folders():
        if folder not in own:  # the base interpreter's packages: none of them is ours to use
            args += ["--tmpfs", folder]
    for folder in own:
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if _left_out(name, forbidden):
                cover = os.path.join(code_dir, BLOCKED) if os.path.isdir(path) else "/dev/null"
                args += ["--ro-bind", cover, path]
    return args


def _own_site_folders():
    """The site-packages folders this interpreter imports from (the venv's, if any)."""
    return [p for p in dict.fromkeys(site.getsitepackages()) if os.path.isdir(p)]


def _site_folders():
    """Every site-packages folder that the mounts could show: ours and the base interpreter's."""
    base = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
    paths = _own_site_folders() + [base["purelib"], base["platlib"]]
    return [p for p in dict.fromkeys(paths) if os.path.isdir(p)]


def _left_out(name, forbidden):
    """True for a site-packages entry of a forbidden package (its .dist-info too) or an editable hook."""
    top = name.split("-")[0].split(".")[0].lower()
    return top in forbidden or name.startswith("__editable__")


def _inside(path, root):
    return path == root or path.startswith(root.rstrip("/") + "/")


class Cgroup:
    """A cgroup (v1 ``pids`` and ``memory`` controllers) for one worker, under the grader's own.

    ``limited`` names the controllers that could be set up; where none could
    (no permission, cgroup v2 only), the worker falls back to rlimits.
    """

    def __init__(self, name, processes, memory_bytes):
        self.paths, self.limited = [], []
        _sweep()
        for controller, settings in (("pids", [("pids.max", processes)]),
                                     ("memory", [("memory.limit_in_bytes", memory_bytes),
                                                 ("memory.memsw.limit_in_bytes", memory_bytes)])):
            path = _make_group(controller, name, settings)
            if path:
                self.paths.append(path)
                self.limited.append(controller)

    def wrap(self, argv):
        """``argv`` started from a shell that first moves itself into the cgroups."""
        procs = [os.path.join(p, "cgroup.procs") for p in self.paths]
        script = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 97; shift; n=$((n-1)); done; exec "$@"'
        return ["/bin/sh", "-c", script, "sh", str(len(procs)), *procs, *argv]

    def pids(self):
        """Host PIDs of every process still in the cgroups."""
        found = set()
        for path in self.paths:
            try:
                with open(os.path.join(path, "cgroup.procs")) as handle:
                    found.update(int(line) for line in handle if line.strip())
            except OSError:
                pass
        return found

    def destroy(self):
        """Kill every process in the cgroups, then remove them."""
        for _ in range(50):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)
        for path in self.paths:
            for _ in range(50):
                try:
                    os.rmdir(path)
                    break
                except FileNotFoundError:
                    break
                except OSError:  # the last processes are still exiting
                    time.sleep(0.02)
        self.paths = []


@lru_cache(maxsize=1)
def _sweep():
    """Remove empty cgroups left by graders that were killed (named dlcourse-PID-N)."""
    for controller in ("pids", "memory"):
        parent = _own_group(controller)
        try:
            names = os.listdir(parent) if parent else []
        except OSError:
            continue
        for name in names:
            match = re.fullmatch(r"dlcourse-(\d+)-\d+", name)
            if match and not os.path.exists(f"/proc/{match.group(1)}"):
                try:
                    os.rmdir(os.path.join(parent, name))
                except OSError:
                    pass


def _own_group(controller):
    """This process's cgroup folder for a v1 ``controller``, or None."""
    try:
        with open("/proc/self/cgroup") as handle:
            for line in handle:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if controller in controllers.split(","):
                    folder = os.path.join(CGROUP_FS, controller, path.lstrip("/"))
                    return folder if os.path.isdir(folder) else None
    except OSError:
        return None
    return None


def _make_group(controller, name, settings):
    """Create ``name`` under our own cgroup and write ``settings``; its path, or None."""
    parent = _own_group(controller)
    if parent is None or not os.access(parent, os.W_OK):
        return None
    path = os.path.join(parent, name)
    try:
        os.mkdir(path)
    except OSError:
        return None
    for i, (key, value) in enumerate(settings):
        try:
            with open(os.path.join(path, key), "w") as handle:
                handle.write(str(value))
        except OSError:
            if i == 0:  # the limit itself; later ones (swap accounting) are optional
                os.rmdir(path)
                return None
    return path
