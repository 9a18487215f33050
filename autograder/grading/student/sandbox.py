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
dies with the grader. bubblewrap installs a seccomp filter (``seccomp.py``: keyrings,
tracing, namespaces, mounts, vsock, the machine's state) just before the worker starts,
and the worker's first act is to take a fresh, empty session keyring. Where cgroups are
writable (v1, or a v2 group of the grader's own: root, or delegated by systemd), a cgroup
per worker bounds its processes (threads included), memory (its tmpfs included) and CPU
(one core), and every process in it is killed when the worker closes; the emptied group
is reused for a later student. Without a memory cgroup the processes are lowered so that
processes × memory stays within ``WEAK_MEMORY_MB`` (refused above, unless accepted).
Without a pids cgroup a grader running as root cannot bound processes at all (the kernel
exempts uid 0 from RLIMIT_NPROC, and the sandbox's uid maps to the grader's): ``Worker``
then refuses, as for hook-only.

Without bubblewrap (``mode() == "hook-only"``) only the worker's audit hook is
left, which Python's documentation says is no security boundary: ``Worker``
refuses to start there unless ``Limits.allow_weak`` says the instructor accepts it.
``DLCOURSE_NO_BWRAP=1`` pretends bwrap is missing (for tests).
"""

import os
import py_compile
import re
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from functools import lru_cache

from autograder.grading.student import seccomp

#: Where the worker's home and its code appear inside the sandbox.
HOME = "/home/w"
CODE = "/opt/dlcourse"
#: The user the worker runs as inside its namespace.
NOBODY = "65534"
CGROUP_FS = "/sys/fs/cgroup"
#: Folder of the worker's code laid over each forbidden package: it cannot be imported.
BLOCKED = "blocked"
#: Files the worker runs from, copied from this package (paths relative to the package's top:
#: the worker imports them as siblings, never as ``autograder``).
WORKER_FILES = ("grading/student/worker.py", "wire.py")
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
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.makedirs(os.path.join(folder, BLOCKED), exist_ok=True)
    for relative in WORKER_FILES:
        shutil.copy(os.path.join(package, relative), folder)
        py_compile.compile(os.path.join(folder, os.path.basename(relative)), doraise=True)  # imported compiled
    with open(os.path.join(folder, BLOCKED, "__init__.py"), "w") as handle:
        handle.write(_BLOCKER)
    return folder


@lru_cache(maxsize=1)
def _probe():
    """Run the real recipe once with a trivial program; '' on success, else the reason."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    argv = [sys.executable, "-I", "-c", "pass"]
    fd = seccomp_fd()
    try:
        with tempfile.TemporaryDirectory(prefix="dlcourse-probe-") as code:
            done = subprocess.run(command(argv, install_code(code), 2**20, (), fd), pass_fds=() if fd is None
                                  else (fd,), capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start ({exc})"
    finally:
        if fd is not None:
            os.close(fd)
    if done.returncode:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit code {done.returncode}"]
        return f"bubblewrap cannot create its namespaces here ({lines[-1][:200]})"
    return ""


def seccomp_fd():
    """A fresh file descriptor holding the worker's seccomp filter (one per bwrap), or None.

    None where no filter is known for this architecture (``seccomp_problem()`` says so).
    """
    try:
        return seccomp.filter_fd()
    except seccomp.Unsupported:
        return None


def seccomp_problem():
    """'' where the seccomp filter applies here, else one line saying why it does not."""
    try:
        seccomp.program()
    except seccomp.Unsupported as exc:
        return str(exc)
    return ""


def command(argv, code_dir, home_bytes, forbidden, seccomp_fd=None):
    """The bwrap command line running ``argv`` in the allow-list sandbox.

    code_dir: host folder shown read-only at ``CODE``; home_bytes: size of the home tmpfs;
    forbidden: top-level package names left out of site-packages; seccomp_fd: a file
    descriptor holding the filter of ``seccomp.program()`` (passed to the child), or None.
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
    cmd += ["--remount-ro", "/", "--chdir", HOME]
    if seccomp_fd is not None:  # installed by bwrap after its own namespaces, just before the exec
        cmd += ["--seccomp", str(seccomp_fd)]
    return cmd + ["--"] + list(argv)


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
    bound = ["/usr/lib", "/usr/lib64", "/usr/lib32"]
    args = []
    for path in _python_folders():
        if not any(_inside(path, b) for b in bound):
            args += ["--ro-bind", path, path]
            bound.append(path)
    for hop in _executable_chain():  # the venv's python -> /usr/bin/python3 -> python3.11
        if not any(_inside(hop, b) for b in bound):
            args += ["--ro-bind", hop, hop]
    own = _own_site_folders()
    for folder in _site_folders() + _system_site_folders():
        if folder not in own:  # the base interpreter's or the system's packages: none is ours to use
            args += ["--tmpfs", folder]
    for folder in own:
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if _left_out(name, forbidden):
                cover = os.path.join(code_dir, BLOCKED) if os.path.isdir(path) else "/dev/null"
                args += ["--ro-bind", cover, path]
    return args


def _python_folders():
    """Folders holding the interpreter: its prefix and the venv's, each bound whole, unless the
    prefix is the system's own (Debian's /usr/bin/python3 has /usr): then only its standard library.

    Binding /usr whole would show every program (a shell among them), /usr/share and /usr/local.
    """
    base = os.path.realpath(sys.base_prefix)
    if _is_system_prefix(base):
        paths = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
        folders = [os.path.realpath(paths[key]) for key in ("stdlib", "platstdlib")]
    else:
        folders = [base]
    if not _is_system_prefix(os.path.realpath(sys.prefix)):
        folders.append(sys.prefix)
    return [f for f in dict.fromkeys(folders) if os.path.isdir(f)]


def _executable_chain():
    """sys.executable and every link on the way to the real file (all must exist inside)."""
    chain, path = [], os.path.abspath(sys.executable)
    while path not in chain and len(chain) < 40:
        chain.append(path)
        if not os.path.islink(path):
            break
        path = os.path.normpath(os.path.join(os.path.dirname(path), os.readlink(path)))
    return chain


def _is_system_prefix(path):
    """True for a prefix shared with the rest of the system (/, /usr, /usr/local, or one with a shell)."""
    return path in ("/", "/usr", "/usr/local") or os.path.exists(os.path.join(path, "bin", "sh"))


@lru_cache(maxsize=1)
def _system_site_folders():
    """The distribution's own Python packages inside the bound /usr/lib (Debian: /usr/lib/python3/dist-packages)."""
    import glob

    found = glob.glob("/usr/lib/python3*/dist-packages") + glob.glob("/usr/lib/python3*/site-packages") \
        + glob.glob("/usr/lib64/python3*/site-packages")
    return sorted(p for p in found if os.path.isdir(p) and not os.path.islink(p))


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


#: CPU time a worker may use per period: one core (cgroup v1 cpu.cfs_quota_us, v2 cpu.max).
CPU_PERIOD_US = 100_000
CPU_QUOTA_US = 100_000
#: Where no memory cgroup bounds a student, RLIMIT_AS bounds each process and RLIMIT_NPROC (or
#: pids.max) their number: the most (MiB) that a student's processes may then hold together
#: before the grader refuses (unless the weak sandbox is accepted). The number of processes
#: is lowered to fit it (4 at the default --memory 2048).
WEAK_MEMORY_MB = 8192
#: The fewest processes and threads a worker gets (Python itself, a student's thread, a child).
MIN_PROCESSES = 2
#: Controllers a worker's cgroup uses, and the v2 names of the same.
V1_CONTROLLERS = ("pids", "memory", "cpu")
V2_CONTROLLERS = ("pids", "memory", "cpu")


def weak_processes(processes, memory_mb):
    """Processes a worker may have where no memory cgroup bounds it: ``processes`` lowered so that
    processes × memory_mb stays within WEAK_MEMORY_MB (never below MIN_PROCESSES)."""
    return max(MIN_PROCESSES, min(processes, WEAK_MEMORY_MB // max(memory_mb, 1)))


def weak_bound_mb(processes, memory_mb, home_mb):
    """What a student may really hold without a memory cgroup (MiB): every process its address
    space, plus the size-capped tmpfs folders (home, /dev/shm, and /tmp where it is its own)."""
    return processes * memory_mb + 3 * home_mb


class Cgroup:
    """A cgroup per worker: processes (threads included), memory and CPU (at most one core).

    cgroup v1 (``pids``, ``memory``, ``cpu`` under the grader's own groups) where those
    controllers are mounted and writable, else cgroup v2 (one folder under the grader's own
    group, which must be delegated to it: root, or ``systemd-run --user -p Delegate=yes``).
    ``limited`` names the controllers that could be set up; where none could, the worker
    falls back to rlimits. ``DLCOURSE_NO_CGROUP=1`` pretends no cgroup is writable (tests).

    Groups are reused from student to student (``acquire_cgroup`` / ``release``): a group is
    taken again only once every task of the last student is gone, and its peak counters are
    reset then.
    """

    def __init__(self, name, processes, memory_bytes):
        self.name, self.settings = name, (processes, memory_bytes)
        self.paths, self.limited, self.version = [], [], None
        if os.environ.get("DLCOURSE_NO_CGROUP"):
            return
        _sweep()
        for controller, settings in _v1_settings(processes, memory_bytes):
            path = _make_group(controller, name, settings)
            if path:
                self.paths.append(path)
                self.limited.append(controller)
        if self.paths:
            self.version = 1
            return
        path, limited = _make_v2_group(name, processes, memory_bytes)
        if path:
            self.paths, self.limited, self.version = [path], limited, 2

    def wrap(self, argv):
        """``argv`` started from a shell that first moves itself into the cgroups."""
        procs = [os.path.join(p, "cgroup.procs") for p in self.paths]
        script = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 97; shift; n=$((n-1)); done; exec "$@"'
        return ["/bin/sh", "-c", script, "sh", str(len(procs)), *procs, *argv]

    def limit_processes(self, processes):
        """Lower the group's process limit (where no memory cgroup makes processes × memory the bound)."""
        key = "pids.max"
        for path in self.paths:
            if os.path.exists(os.path.join(path, key)):
                _write(os.path.join(path, key), processes)

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

    def kill(self):
        """Kill every process in the cgroups; True once they are all gone."""
        if self.version == 2:  # one write kills the whole group, forks in flight included (Linux 5.14+)
            _write(os.path.join(self.paths[0], "cgroup.kill"), 1)
        for _ in range(100):
            pids = self.pids()
            if not pids:
                return True
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)
        return not self.pids()

    def empty(self):
        """True when no task is left in the groups (a killed task counts until it is reaped)."""
        return not self.pids() and not any(_read_int(os.path.join(p, "pids.current")) for p in self.paths)

    def reset(self):
        """Zero what one student's run left in an emptied group's peak counters."""
        for path in self.paths:
            for key in ("memory.max_usage_in_bytes", "memory.memsw.max_usage_in_bytes", "memory.failcnt",
                        "memory.memsw.failcnt", "memory.peak"):
                if os.path.exists(os.path.join(path, key)):
                    _write(os.path.join(path, key), 0)

    def release(self):
        """Kill every process and keep the group for a later student (``acquire_cgroup``).

        The last killed task can take a second to be reaped (an orphan of the PID namespace):
        the group waits among the released ones instead of making this student wait.
        """
        if self.paths and self.kill():
            with _POOL_LOCK:
                _POOL.setdefault(self.settings, []).append(self)
            return
        self.destroy()

    def destroy(self):
        """Kill every process in the cgroups, then remove them."""
        self.kill()
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


_POOL = {}
_POOL_LOCK = threading.Lock()


def acquire_cgroup(name, processes, memory_bytes):
    """A Cgroup with these limits: an emptied one from an earlier worker (reset), else a new one named ``name``."""
    if os.environ.get("DLCOURSE_NO_CGROUP"):
        return Cgroup(name, processes, memory_bytes)  # none, as asked, even with groups kept
    with _POOL_LOCK:
        released = _POOL.get((processes, memory_bytes), [])
        for i, group in enumerate(released):
            if group.empty():
                del released[i]
                break
        else:
            group = None
    if group is None:
        return Cgroup(name, processes, memory_bytes)
    group.reset()
    return group


def drain_cgroups():
    """Remove every idle cgroup kept for reuse (when grading ends)."""
    with _POOL_LOCK:
        groups = [g for free in _POOL.values() for g in free]
        _POOL.clear()
    for group in groups:
        group.destroy()


def _v1_settings(processes, memory_bytes):
    """(controller, [(file, value, required)]) of a worker's v1 groups."""
    return (("pids", [("pids.max", processes, True)]),
            ("memory", [("memory.limit_in_bytes", memory_bytes, True),
                        ("memory.memsw.limit_in_bytes", memory_bytes, False)]),
            ("cpu", [("cpu.cfs_period_us", CPU_PERIOD_US, True), ("cpu.cfs_quota_us", CPU_QUOTA_US, True)]))


def _write(path, value):
    """Write ``value`` to a cgroup file; True on success (False: absent, refused or read-only)."""
    try:
        with open(path, "w") as handle:
            handle.write(str(value))
        return True
    except OSError:
        return False


def _read_int(path):
    """The number in a cgroup file, 0 if it is absent or unreadable."""
    try:
        with open(path) as handle:
            return int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


@lru_cache(maxsize=1)
def _sweep():
    """Remove empty cgroups left by graders that were killed (named dlcourse-PID-N)."""
    parents = [_own_group(c) for c in V1_CONTROLLERS] + [_v2_parent()]
    for parent in filter(None, parents):
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        for name in names:
            match = re.fullmatch(r"dlcourse-(\d+)-(\d+|grader)", name)
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
    """Create ``name`` under our own v1 cgroup and write ``settings``; its path, or None."""
    parent = _own_group(controller)
    if parent is None or not os.access(parent, os.W_OK):
        return None
    path = os.path.join(parent, name)
    try:
        os.mkdir(path)
    except OSError:
        return None
    for key, value, required in settings:
        if not _write(os.path.join(path, key), value) and required:
            os.rmdir(path)
            return None
    return path


def _v2_root():
    """Where the unified (v2) hierarchy is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified (hybrid)."""
    for root in (CGROUP_FS, os.path.join(CGROUP_FS, "unified")):
        if os.path.exists(os.path.join(root, "cgroup.controllers")):
            return root
    return None


def _v2_own_path():
    """This process's v2 cgroup ('0::/path' in /proc/self/cgroup), or None."""
    try:
        with open("/proc/self/cgroup") as handle:
            for line in handle:
                if line.startswith("0::"):
                    return line[3:].strip()
    except OSError:
        pass
    return None


def _v2_controllers(folder, key):
    """The controllers a v2 ``cgroup.controllers`` or ``cgroup.subtree_control`` file names."""
    try:
        with open(os.path.join(folder, key)) as handle:
            return {name.lstrip("+") for name in handle.read().split()}
    except OSError:
        return set()


_V2_LOCK = threading.Lock()
_V2_PARENT = []


def _v2_parent():
    """The v2 folder under which workers' groups are made, with their controllers enabled; or None.

    Our own group, if we may write it (root, or delegated to us by systemd). v2 forbids
    processes in a group whose children use controllers (except at the root), so where
    enabling them fails because this grader sits in that group, the grader first moves
    itself into a leaf of its own (``dlcourse-PID-grader``), then enables them.
    """
    with _V2_LOCK:
        if not _V2_PARENT:
            _V2_PARENT.append(_find_v2_parent())
        return _V2_PARENT[0]


def _find_v2_parent():
    root, own = _v2_root(), _v2_own_path()
    if root is None or own is None:
        return None
    parent = os.path.join(root, own.lstrip("/"))
    wanted = _v2_controllers(parent, "cgroup.controllers") & set(V2_CONTROLLERS)
    if not {"pids", "memory"} <= wanted or not os.access(parent, os.W_OK) \
            or not os.access(os.path.join(parent, "cgroup.subtree_control"), os.W_OK):
        return None
    enable = " ".join(f"+{c}" for c in sorted(wanted))
    if _write(os.path.join(parent, "cgroup.subtree_control"), enable):
        return parent
    leaf = os.path.join(parent, f"dlcourse-{os.getpid()}-grader")
    try:
        os.makedirs(leaf, exist_ok=True)
    except OSError:
        return None
    if _write(os.path.join(leaf, "cgroup.procs"), os.getpid()) \
            and _write(os.path.join(parent, "cgroup.subtree_control"), enable):
        return parent
    return None


def _make_v2_group(name, processes, memory_bytes):
    """(path, controllers limited) of a new v2 group for one worker, or (None, [])."""
    parent = _v2_parent()
    if parent is None:
        return None, []
    path = os.path.join(parent, name)
    try:
        os.mkdir(path)
    except OSError:
        return None, []
    enabled = _v2_controllers(parent, "cgroup.subtree_control")
    settings = {"pids": [("pids.max", processes)],
                "memory": [("memory.max", memory_bytes), ("memory.swap.max", 0)],
                "cpu": [("cpu.max", f"{CPU_QUOTA_US} {CPU_PERIOD_US}")]}
    limited = []
    for controller in V2_CONTROLLERS:
        if controller in enabled and _write(os.path.join(path, settings[controller][0][0]),
                                            settings[controller][0][1]):
            limited.append(controller)
            for key, value in settings[controller][1:]:
                _write(os.path.join(path, key), value)  # swap accounting is optional
    if not {"pids", "memory"} <= set(limited):
        os.rmdir(path)
        return None, []
    return path, limited
