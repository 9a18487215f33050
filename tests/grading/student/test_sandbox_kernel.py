"""The third security review (issue 19): kernel keyrings and system calls, CPU fairness, memory without
a cgroup, Dask's client reading whole notebooks, and what the review could not reach (hostile zips,
notebooks and virtualenvs). Each attack is checked two-sided where it can be: it fails against today's
sandbox, and the same probe succeeds where the control it defeats is switched off.
"""

import json
import os
import platform
import re
import shutil
import stat
import struct
import subprocess
import sys
import time
import zipfile

import pytest
from helpers.grader_attacks import FULL, SOLUTION, limits, source, write

from autograder.grading.student import remote, sandbox, seccomp
from autograder.grading.student.judge import grade_notebook
from autograder.grading.student.remote import Limits, Worker
from helpers.paths import ROOT
from helpers.unhook import UNHOOK

PYTHON = sys.executable
#: A worker's CPU share beside a fork bomb, as a fraction of its share alone, that counts as fair
#: (measured on the shared 2-core machine at load 10: 0.86 with the cpu group, 0.13 without).
FAIR_SHARE = 0.35
#: Peak memory (MiB) a capped read of a huge notebook may add to the reader (the cap is 20 MB).
READ_RSS_MB = 64


def _v1_group(worker, controller):
    """The worker's v1 cgroup folder for ``controller``, or None."""
    return next((p for p in worker.cgroup.paths if f"/{controller}/" in p), None)


def _cgroup_here():
    """(version, controllers) of a worker's cgroup on this machine (a probe group, removed)."""
    group = sandbox.Cgroup(f"dlcourse-{os.getpid()}-999999", 8, 2**28)
    try:
        return group.version, set(group.limited)
    finally:
        group.destroy()


def _read(path):
    with open(path) as handle:
        return handle.read()


# --- the filter itself: a small classic-BPF interpreter runs it for both architectures ---------------

def run_filter(prog, arch, nr, arg0=0, arg1=0):
    """What the filter returns for a system call: ('allow',) or ('errno', N)."""
    data = struct.pack("=iI", nr, arch) + bytes(8) + struct.pack("=QQ", arg0, arg1) + bytes(32)
    ops = [struct.unpack("=HBBI", prog[i:i + 8]) for i in range(0, len(prog), 8)]
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = ops[pc]
        if code == 0x20:
            acc = struct.unpack_from("=I", data, k)[0]
        elif code == 0x06:
            return ("allow",) if k == 0x7FFF0000 else ("errno", k & 0xFFFF)
        elif code in (0x15, 0x35, 0x45):
            hit = acc == k if code == 0x15 else acc >= k if code == 0x35 else bool(acc & k)
            pc += jt if hit else jf
        else:
            raise AssertionError(f"unknown opcode {code:#x}")
        pc += 1


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_the_filter_refuses_each_class_and_allows_the_rest(machine):
    prog = seccomp.program(machine)
    arch, clone, clone3, column = seccomp.ARCHES[machine]
    for calls in seccomp.DENIED.values():
        for name, numbers in calls.items():
            assert run_filter(prog, arch, numbers[column], 2, 1) == ("errno", seccomp.EPERM), name
    keyctl = seccomp.keyctl_number(machine)
    assert run_filter(prog, arch, keyctl, 1, 0) == ("allow",)  # JOIN_SESSION_KEYRING, NULL: a new keyring
    for op, name in ((1, 0x7FFF0000), (1, 1 << 32), (0, 0), (11, 0)):  # join by name, get, read
        assert run_filter(prog, arch, keyctl, op, name) == ("errno", seccomp.EPERM), (op, name)
    read, write_, futex, mmap = {"x86_64": (0, 1, 202, 9), "aarch64": (63, 64, 98, 222)}[machine]
    for nr in (read, write_, futex, mmap):
        assert run_filter(prog, arch, nr) == ("allow",), nr
    thread_flags = 0x003D0F00  # glibc's pthread_create: VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|...
    assert run_filter(prog, arch, clone, thread_flags) == ("allow",)
    assert run_filter(prog, arch, clone, 17) == ("allow",)  # fork(): SIGCHLD only
    for flag in (0x00020000, 0x10000000, 0x20000000, 0x40000000, 0x00000080):
        assert run_filter(prog, arch, clone, 17 | flag) == ("errno", seccomp.EPERM), hex(flag)
    assert run_filter(prog, arch, clone3) == ("errno", seccomp.ENOSYS)  # the C library falls back to clone
    socket = seccomp.SOCKET[machine]
    assert run_filter(prog, arch, socket, seccomp.AF_VSOCK) == ("errno", seccomp.EPERM)
    for family in (1, 2, 10, 16):  # unix, inet, inet6, netlink: the namespaces hold them
        assert run_filter(prog, arch, socket, family) == ("allow",), family
    other = 0x40000003  # i386's audit arch: its numbers mean other calls; all refused
    assert run_filter(prog, other, read) == ("errno", seccomp.EPERM)


def test_x32_calls_and_unknown_architectures_are_refused():
    prog = seccomp.program("x86_64")
    assert run_filter(prog, 0xC000003E, 0x40000000 | 250) == ("errno", seccomp.EPERM)  # x32 keyctl
    with pytest.raises(seccomp.Unsupported, match="ppc64le"):
        seccomp.program("ppc64le")


@pytest.mark.bwrap
def test_an_unknown_architecture_is_refused_in_one_line_unless_accepted(monkeypatch):
    monkeypatch.setattr(seccomp.platform, "machine", lambda: "riscv64")
    with pytest.raises(sandbox.SandboxUnavailable, match="without a system-call filter: .*riscv64"):
        Worker(Limits(timeout=10))
    w = Worker(Limits(timeout=10, allow_weak=True))
    try:
        assert w.run("x = 1") is None
    finally:
        w.close()


# --- keyrings: the grader's session keyring is out of reach, nothing is left for the next student ----

KEYRING_SCRIPT = '''
import ctypes, json, sys
sys.path[:0] = [{root!r}, {tests!r}]
from autograder.grading.student import sandbox, seccomp
from autograder.grading.student.remote import Limits, Worker
from helpers.unhook import UNHOOK
if {disable!r}:  # the control: today's sandbox without the filter and the fresh keyring
    sandbox.seccomp_fd = lambda: None
    seccomp.keyctl_number = lambda machine=None: None
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = {nr!r}
assert libc.syscall(NR["keyctl"], 1, b"grader-login") > 0  # a session keyring like a login's
secret = libc.syscall(NR["add_key"], b"user", b"krb5-token", b"hunter2", 7, ctypes.c_long(-3))
assert secret > 0, ctypes.get_errno()
ATTACK = UNHOOK + """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = %r
def e(r):
    return r if r >= 0 else os.strerror(ctypes.get_errno())
buf = ctypes.create_string_buffer(64)
found = libc.syscall(NR["keyctl"], 10, ctypes.c_long(-3), b"user", b"krb5-token", 0)
RESULT = {{"search": e(found),
          "read": e(libc.syscall(NR["keyctl"], 11, ctypes.c_long(%d), buf, 64)),
          "leave": e(libc.syscall(NR["add_key"], b"user", b"note", b"inputs", 6, ctypes.c_long(-3))),
          "leave_user": e(libc.syscall(NR["add_key"], b"user", b"note", b"inputs", 6, ctypes.c_long(-4))),
          "find_left": e(libc.syscall(NR["keyctl"], 10, ctypes.c_long(-3), b"user", b"note", 0)),
          "request": e(libc.syscall(NR["request_key"], b"user", b"note", None, 0))}}
RESULT["got"] = buf.value.decode("latin-1")
RESULT["session"] = e(libc.syscall(NR["keyctl"], 0, ctypes.c_long(-3), 0))
""" % (NR, secret)
out = []
for _ in range(2):  # two students in turn
    w = Worker(Limits(timeout=20))
    try:
        assert w.run(ATTACK) is None
        out.append(w.get("RESULT")["value"])
    finally:
        w.close()
payload = ctypes.create_string_buffer(4096)
size = libc.syscall(NR["keyctl"], 11, ctypes.c_long(-3), payload, 4096)  # our keyring's key ids
out.append(len(payload.raw[:size]) // 4)
print(json.dumps(out))
'''


def _keyring_attack(disable):
    machine = platform.machine()
    if machine not in seccomp.ARCHES:
        pytest.skip(f"no key system call numbers for {machine}")
    column = seccomp.ARCHES[machine][3]
    nr = {name: seccomp.DENIED["keyring"][name][column] for name in ("add_key", "request_key", "keyctl")}
    script = KEYRING_SCRIPT.format(root=str(ROOT), tests=str(ROOT / "tests"), disable=disable, nr=nr)
    done = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.bwrap
def test_no_submission_reads_the_graders_keys_or_leaves_one_for_the_next():
    first, second, keys_after = _keyring_attack(disable=False)
    for result in (first, second):
        for call in ("search", "read", "leave", "leave_user", "find_left", "request"):
            assert result[call] == "Operation not permitted", (call, result)
        assert "hunter2" not in result["got"]
    assert keys_after == 1  # the grader's keyring holds its one secret, nothing a worker added


@pytest.mark.bwrap
def test_without_the_filter_and_the_fresh_keyring_the_secret_leaks():
    """The control: the attack above works against the sandbox of the second round."""
    first, second, keys_after = _keyring_attack(disable=True)
    assert first["got"] == "hunter2" and isinstance(first["search"], int), first
    assert isinstance(second["find_left"], int), second  # the first student's key, found by the second
    assert keys_after > 1


# --- each refused class, inside a real worker; what exercises need still works ----------------------

PROBES = '''
import ctypes, os, threading
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def errno_name(ret):
    return "ok" if ret >= 0 else os.strerror(ctypes.get_errno())
NR = %r
RESULT = {name: errno_name(libc.syscall(nr, *args)) for name, (nr, args) in NR.items()}
'''


@pytest.mark.bwrap
def test_each_refused_class_fails_with_eperm_in_the_worker():
    machine = platform.machine()
    if machine not in seccomp.ARCHES:
        pytest.skip(f"no system call numbers for {machine}")
    column, clone3 = seccomp.ARCHES[machine][3], seccomp.ARCHES[machine][2]
    number = {name: nums[column] for calls in seccomp.DENIED.values() for name, nums in calls.items()}
    calls = {"keyctl get session": (number["keyctl"], (0, -3, 0)), "add_key": (number["add_key"], ()),
             "request_key": (number["request_key"], ()), "ptrace traceme": (number["ptrace"], (0, 0, 0, 0)),
             "perf_event_open": (number["perf_event_open"], ()), "bpf": (number["bpf"], ()),
             "userfaultfd": (number["userfaultfd"], (0,)), "io_uring_setup": (number["io_uring_setup"], (1, 0)),
             "unshare net": (number["unshare"], (0x40000000,)), "setns": (number["setns"], (0, 0)),
             "mount": (number["mount"], ()), "umount2": (number["umount2"], ()),
             "pivot_root": (number["pivot_root"], ()), "init_module": (number["init_module"], ()),
             "kexec_load": (number["kexec_load"], ()), "clone3": (clone3, ())}
    w = Worker(Limits(timeout=20))
    try:
        assert w.run(UNHOOK + PROBES % (calls,)) is None
        result = w.get("RESULT")["value"]
    finally:
        w.close()
    assert result.pop("clone3") == "Function not implemented"
    assert result == dict.fromkeys(result, "Operation not permitted"), result


@pytest.mark.bwrap
def test_exercises_still_work_under_the_filter(tmp_path):
    """NumPy, threads, a thread pool, fork, matplotlib: what students' cells do."""
    code = UNHOOK + '''
import os, threading, concurrent.futures
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
box = []
t = threading.Thread(target=lambda: box.append(int(np.ones((50, 50)).dot(np.ones(50)).sum())))
t.start(); t.join()
with concurrent.futures.ThreadPoolExecutor(3) as pool:
    squares = list(pool.map(lambda x: x * x, range(5)))
fig = plt.figure(); plt.plot([0, 1]); fig.savefig("/home/w/p.png")
pid = os.fork()
if pid == 0:
    os._exit(7)
RESULT = [box[0], squares, os.path.getsize("/home/w/p.png") > 0, os.waitpid(pid, 0)[1] >> 8]
'''
    w = Worker(Limits(timeout=60))
    try:
        assert w.run(code) is None
        assert w.get("RESULT")["value"] == [2500, [0, 1, 4, 9, 16], True, 7]
    finally:
        w.close()
    result = grade_notebook(source(), write(tmp_path, SOLUTION), limits())
    assert result.score == FULL and not result.error, [t.message for t in result.tests]


# --- CPU: a fork bomb of setsid() children keeps to one core ----------------------------------------

SPIN = '''
import time
t0, c0 = time.monotonic(), time.process_time()
while time.monotonic() - t0 < 2.0:
    pass
RESULT = (time.process_time() - c0) / (time.monotonic() - t0)
'''
BOMB = UNHOOK + '''
import os
for _ in range(40):
    if os.fork() == 0:
        os.setsid()
        while True:
            pass
RESULT = 1
'''


def _best_share(worker, tries=2):
    """The best CPU share of ``tries`` 2-second spins (other sessions load this machine in bursts)."""
    shares = []
    for _ in range(tries):
        assert worker.run(SPIN) is None
        shares.append(worker.get("RESULT")["value"])
    return max(shares)


def _share_beside_a_bomb(processes):
    """(CPU share of a victim alone, beside 40 busy setsid children of a classmate, the bomb's CPU quota)."""
    victim, bomb = Worker(Limits(timeout=30, processes=processes)), None
    try:
        alone = _best_share(victim)
        bomb = Worker(Limits(timeout=30, processes=processes))
        assert bomb.run(BOMB) is None
        time.sleep(0.3)
        beside = _best_share(victim)
        cpu = _v1_group(bomb, "cpu")
        quota = _read(os.path.join(cpu, "cpu.cfs_quota_us")).strip() if cpu else _read(
            os.path.join(bomb.cgroup.paths[0], "cpu.max")).split()[0] if bomb.cgroup.version == 2 else None
        return alone, beside, quota
    finally:
        for w in (victim, bomb):
            if w is not None:
                w.close()


@pytest.mark.bwrap
def test_a_fork_bomb_of_sessions_leaves_a_classmate_its_share():
    """Measured before the change: 1.00 alone, 0.05 beside the attack. Now a core at most for the bomb."""
    if "cpu" not in _cgroup_here()[1]:
        pytest.skip("no writable cpu cgroup here")
    alone, beside, quota = _share_beside_a_bomb(processes=60)
    assert quota == str(sandbox.CPU_QUOTA_US)  # one core: the bomb's own group, whatever it forks
    assert beside >= FAIR_SHARE * alone, (alone, beside)


@pytest.mark.bwrap
def test_without_a_cpu_group_the_bomb_takes_the_classmates_share(monkeypatch):
    """The control: the same attack without the worker's cpu group (the second round's sandbox)."""
    if "cpu" not in _cgroup_here()[1]:
        pytest.skip("no writable cpu cgroup here")
    settings = sandbox._v1_settings
    monkeypatch.setattr(sandbox, "_v1_settings", lambda *a: [s for s in settings(*a) if s[0] != "cpu"])
    monkeypatch.setattr(sandbox, "V2_CONTROLLERS", ("pids", "memory"))
    sandbox.drain_cgroups()
    try:
        alone, beside, _ = _share_beside_a_bomb(processes=59)
    finally:
        sandbox.drain_cgroups()
    assert beside < FAIR_SHARE * alone, (alone, beside)


# --- cgroups reused between students: emptied and reset --------------------------------------------

HOG = UNHOOK + '''
import os, time
with open("/home/w/big", "wb") as f:
    f.write(bytes(100 * 2**20))
HELD = bytearray(150 * 2**20)
for _ in range(5):
    if os.fork() == 0:
        time.sleep(600)
        os._exit(0)
RESULT = sorted(os.listdir("/home/w"))
'''


@pytest.mark.bwrap
def test_a_reused_cgroup_is_emptied_and_reset_between_students():
    if _cgroup_here()[0] != 1:
        pytest.skip("no writable cgroup v1 here")
    sandbox.drain_cgroups()
    lim = Limits(timeout=30, processes=57, memory_mb=1024, output_mb=128)
    first = Worker(lim)
    paths = list(first.cgroup.paths)
    mem, pids = _v1_group(first, "memory"), _v1_group(first, "pids")
    try:
        assert first.run(HOG) is None and "big" in first.get("RESULT")["value"]
        assert int(_read(f"{mem}/memory.max_usage_in_bytes")) > 250 * 2**20
        assert int(_read(f"{pids}/pids.current")) >= 6
    finally:
        first.close()
    assert os.path.isdir(mem) and _read(f"{mem}/cgroup.procs").strip() == ""  # kept, no process left
    deadline = time.monotonic() + 10
    while int(_read(f"{pids}/pids.current")) and time.monotonic() < deadline:
        time.sleep(0.05)  # the last task is reaped a moment later
    group = sandbox.acquire_cgroup("dlcourse-unused-name", lim.processes,
                                   (lim.memory_mb + lim.output_mb + 64) * 2**20)
    assert group.paths == paths and int(_read(f"{pids}/pids.current")) == 0
    assert int(_read(f"{mem}/memory.max_usage_in_bytes")) < 100 * 2**20  # its peak reset
    assert int(_read(f"{mem}/memory.usage_in_bytes")) < 100 * 2**20  # the home tmpfs and array are gone
    assert int(_read(f"{mem}/memory.failcnt")) == 0
    group.release()
    second = Worker(lim)
    try:
        assert second.cgroup.paths == paths
        assert second.run("import os\nRESULT = os.listdir('/home/w')") is None
        assert second.get("RESULT")["value"] == []
    finally:
        second.close()
    remote.cleanup_workers_root()
    assert not any(os.path.exists(p) for p in paths)  # removed when grading ends


@pytest.mark.bwrap
def test_closing_a_worker_starts_no_process(monkeypatch):
    """The worker's log went with an ``rm -rf`` subprocess per student; now one unlink."""
    w = Worker(Limits(timeout=10))
    log = w.log_path
    calls = []
    monkeypatch.setattr(remote.subprocess, "run", lambda *a, **k: calls.append(a))
    w.close()
    assert calls == [] and not os.path.exists(log)


# --- memory without a cgroup: a small, true bound, said, and refused above the limit ----------------

NOBODY_SCRIPT = '''
import json, sys
sys.path[:0] = [{root!r}, {tests!r}]
from autograder.grading.student.remote import Limits, Worker
from autograder.grading.student.sandbox import SandboxUnavailable
from helpers.unhook import UNHOOK
out = {{}}
w = Worker(Limits(timeout=30, memory_mb=512))
try:
    out["limited"] = w.cgroup.limited
    assert w.run(UNHOOK + """
import os, time
started = 0
for _ in range(40):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(600)
        os._exit(0)
    started += 1
RESULT = started
""") is None
    out["forks"] = w.get("RESULT")["value"]
finally:
    w.close()
try:
    Worker(Limits(timeout=30, memory_mb=6000)).close()
    out["large"] = "started"
except SandboxUnavailable as exc:
    out["large"] = str(exc)
w = Worker(Limits(timeout=30, memory_mb=6000, allow_weak=True))
out["accepted"] = w.run("x = 1") is None
w.close()
print(json.dumps(out))
'''


def _closed_ancestor(path):
    """(the first folder on ``path`` that others may not enter, its child on the path), or None."""
    parts = os.path.realpath(path).split("/")
    for i in range(2, len(parts)):
        folder = "/".join(parts[:i])
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder, "/".join(parts[:i + 1])
    return None


def _as_nobody(script, tmp_path):
    """Run ``script`` with this Python as the unprivileged user nobody.

    Where the interpreter lives in a folder nobody may enter (pyenv under /root, mode 0700), a
    private mount namespace shows that folder as an empty one with only the interpreter's folder in it.
    """
    runuser, unshare = shutil.which("runuser"), shutil.which("unshare")
    if os.geteuid() != 0 or not runuser or not unshare:
        pytest.skip("needs root, runuser and unshare to run as an unprivileged user")
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/tmp"}
    argv = [runuser, "-u", "nobody", "--", PYTHON, "-c", script]
    closed = _closed_ancestor(PYTHON)
    if closed:
        folder, child = closed
        hold = tmp_path / "hold"
        hold.mkdir()
        shell = (f'mount --bind "{child}" "{hold}" && mount -t tmpfs -o mode=755 tmpfs "{folder}" && '
                 f'mkdir "{child}" && mount --move "{hold}" "{child}" && exec "$@"')
        argv = [unshare, "-m", "--propagation", "private", "/bin/sh", "-c", shell, "sh", *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=240, env=env, cwd="/tmp")


@pytest.mark.bwrap
def test_as_a_normal_user_without_a_cgroup_the_bound_is_processes_times_memory(tmp_path):
    """Found: --memory 512 let 12 children hold 2.4 GB, and the defaults 64 x --memory. Now 16 x 512 MiB,
    said in one line; --memory 6000 (2 x 6000 MiB > 8192) is refused unless the weak sandbox is accepted."""
    done = _as_nobody(NOBODY_SCRIPT.format(root=str(ROOT), tests=str(ROOT / "tests")), tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["limited"] == []  # nobody may write no cgroup here
    processes = sandbox.weak_processes(Limits().processes, 512)
    assert processes == 16 and 0 < out["forks"] < processes, out
    bound = sandbox.weak_bound_mb(processes, 512, Limits().output_mb)
    assert f"may hold up to {bound} MiB (16 processes and threads x 512 MiB" in done.stderr, done.stderr
    assert "above the limit of 8192 MiB" in out["large"] and out["accepted"] is True, out


def _one_student_class(folder):
    dest = folder / "s1" / "01_perceptron"
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "01_perceptron" / "01_perceptron.ipynb", dest)
    return folder


def _grade_cli(submissions, out, *extra, env=None):
    return subprocess.run([PYTHON, "-m", "autograder", "--course", str(ROOT), "grade", "01_perceptron",
                           str(submissions), "--out", str(out), "--quiet", *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env=dict(os.environ, **(env or {})))


@pytest.mark.bwrap
def test_the_no_cgroup_bound_is_printed_and_refused_before_any_student(tmp_path):
    """Simulated (DLCOURSE_NO_CGROUP=1): the grader prints the bound; too large a bound is one line."""
    klass = _one_student_class(tmp_path / "class")
    refused = _grade_cli(klass, tmp_path / "a.csv", "--memory", "6000", env={"DLCOURSE_NO_CGROUP": "1"})
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert re.search(r"2 x 6000 MiB, above the limit of 8192 MiB", refused.stderr), refused.stderr
    assert not (tmp_path / "a.json").exists()  # before any student
    accepted = _grade_cli(klass, tmp_path / "b.csv", "--allow-weak-sandbox", env={"DLCOURSE_NO_CGROUP": "1"})
    assert accepted.returncode == 0, accepted.stderr
    bound = sandbox.weak_bound_mb(4, 2048, Limits().output_mb)
    assert f"may hold up to {bound} MiB (4 processes and threads x 2048 MiB" in accepted.stderr
    with_cgroup = _grade_cli(klass, tmp_path / "c.csv")
    if _cgroup_here()[1] >= {"pids", "memory"}:
        assert with_cgroup.returncode == 0 and "may hold up to" not in with_cgroup.stderr, with_cgroup.stderr


def test_cgroup_v2_files_are_written_for_a_delegated_subtree(tmp_path, monkeypatch):
    """No v2 controllers here (v1 holds them): a fake v2 tree checks what the grader writes, including
    moving itself into a leaf when its own group holds processes (v2's no-internal-process rule)."""
    for name, text in (("cgroup.controllers", "cpu memory pids io"), ("cgroup.subtree_control", ""),
                       ("cgroup.procs", "1\n")):
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(sandbox, "CGROUP_FS", str(tmp_path))
    monkeypatch.setattr(sandbox, "_V2_PARENT", [])
    monkeypatch.setattr(sandbox, "_v2_own_path", lambda: "/")
    monkeypatch.delenv("DLCOURSE_NO_CGROUP", raising=False)
    real_write, refused = sandbox._write, []

    def busy_once(path, value):  # the kernel's EBUSY while the grader sits in its own group
        if path.endswith("subtree_control") and not refused:
            refused.append(path)
            return False
        return real_write(path, value)
    monkeypatch.setattr(sandbox, "_write", busy_once)
    group = sandbox.Cgroup(f"dlcourse-{os.getpid()}-1", 10, 2**28)
    leaf = tmp_path / f"dlcourse-{os.getpid()}-grader"
    assert (leaf / "cgroup.procs").read_text() == str(os.getpid())
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+cpu +memory +pids"
    folder = tmp_path / f"dlcourse-{os.getpid()}-1"
    assert group.version == 2 and group.paths == [str(folder)] and group.limited == ["pids", "memory", "cpu"]
    written = {f.name: f.read_text() for f in folder.iterdir()}
    assert written == {"pids.max": "10", "memory.max": str(2**28), "memory.swap.max": "0",
                       "cpu.max": f"{sandbox.CPU_QUOTA_US} {sandbox.CPU_PERIOD_US}"}
    assert group.wrap(["x"])[5:] == [str(folder / "cgroup.procs"), "x"]


def test_no_v2_group_without_the_memory_and_pids_controllers(tmp_path, monkeypatch):
    (tmp_path / "cgroup.controllers").write_text("cpu io")
    (tmp_path / "cgroup.subtree_control").write_text("")
    monkeypatch.setattr(sandbox, "CGROUP_FS", str(tmp_path))
    monkeypatch.setattr(sandbox, "_V2_PARENT", [])
    monkeypatch.setattr(sandbox, "_v2_own_path", lambda: "/")
    monkeypatch.setattr(sandbox, "_make_group", lambda *args: None)
    group = sandbox.Cgroup("dlcourse-1-1", 10, 2**28)
    assert group.version is None and group.paths == [] and group.limited == []


# --- Dask's client reads at most the cap, never a link or a FIFO ------------------------------------

RSS_SCRIPT = '''
import json, resource, sys
sys.path.insert(0, {root!r})
from autograder.grading.course import distributed
from autograder.grading.student import notebook
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    distributed.read_notebook({path!r}, 20 * 2**20)
    said = "read"
except notebook.RefusedNotebook as exc:
    said = str(exc)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([said, (after - before) / 1024]))
'''


def test_the_dask_client_reads_an_800_mb_notebook_capped(tmp_path):
    """Found: the client read it whole (3.3 GB). Now at most the cap plus one byte, in the reading process."""
    big = tmp_path / "big.ipynb"
    with open(big, "wb") as handle:
        handle.truncate(800 * 2**20)  # sparse: no disk used
    done = subprocess.run([PYTHON, "-c", RSS_SCRIPT.format(root=str(ROOT), path=str(big))],
                          capture_output=True, text=True, timeout=120)
    said, grew_mb = json.loads(done.stdout)
    assert "larger than the limit of 20 MB" in said
    assert grew_mb < READ_RSS_MB, grew_mb


def test_the_dask_client_refuses_links_and_fifos_and_reads_the_rest(tmp_path):
    from autograder.grading.course import distributed
    from autograder.grading.student.notebook import RefusedNotebook

    good = write(tmp_path, SOLUTION, "good")
    assert distributed.read_notebook(good, 2**20) == good.read_bytes()
    (tmp_path / "link.ipynb").symlink_to(good)
    os.mkfifo(tmp_path / "fifo.ipynb")
    with pytest.raises(RefusedNotebook, match="symbolic link"):
        distributed.read_notebook(tmp_path / "link.ipynb", 2**20)
    with pytest.raises(RefusedNotebook, match="not a regular file"):
        distributed.read_notebook(tmp_path / "fifo.ipynb", 2**20)  # returns at once: opened non-blocking
    with pytest.raises(RefusedNotebook, match="larger than the limit"):
        distributed.read_notebook(good, good.stat().st_size - 1)


@pytest.mark.slow
@pytest.mark.bwrap
def test_an_800_mb_notebook_on_dask_is_one_students_error(tmp_path):
    klass = _one_student_class(tmp_path / "class")
    dest = klass / "big" / "01_perceptron"
    dest.mkdir(parents=True)
    with open(dest / "01_perceptron.ipynb", "wb") as handle:
        handle.truncate(800 * 2**20)
    done = _grade_cli(klass, tmp_path / "g.csv", "--dask", "local:1")
    records = json.loads((tmp_path / "g.json").read_text())["01_perceptron"]
    assert records["s1"]["status"] == "graded" and records["s1"]["score"] == records["s1"]["max_score"]
    assert records["big"]["status"] == "error" and "larger than the limit of 20 MB" in records["big"]["reason"]
    assert "Traceback" not in done.stderr


# --- what the review could not reach: hostile zips, notebooks, check, a venv of the system Python ----

def _lying_zip(path, claim, real):
    """A class zip whose first member's headers claim ``claim`` bytes and hold ``real`` (deflated)."""
    name = "s1/01_perceptron/01_perceptron.ipynb"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, b" " * real)
        zf.writestr("ok/01_perceptron/01_perceptron.ipynb", json.dumps(SOLUTION))
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, claim)  # local header: uncompressed size
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, claim)  # central directory: the same
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("claim, real, why", [(1000, 64 * 2**20, "could not be unpacked"),
                                              (30 * 2**20, 1000, "larger than the limit of 20 MB")],
                         ids=["claims-small-holds-64MB", "claims-30MB-holds-little"])
def test_a_zip_member_lying_about_its_size_is_refused_and_bounded(tmp_path, claim, real, why):
    from autograder.grading.course import collect

    klass = _lying_zip(tmp_path / "class.zip", claim, real)
    (tmp_path / "work").mkdir()
    opened = collect.open_submissions(klass, tmp_path / "work")
    refused = {p.parts[-3]: w for p, w in opened.refused.items()}
    assert why in refused["s1"], refused
    written = [p.stat().st_size for p in (tmp_path / "work").rglob("*.ipynb")]
    assert max(written) <= collect.InputLimits().notebook_bytes  # never more than the cap on disk


def test_a_zip_of_too_many_members_is_one_line(tmp_path):
    from autograder.grading.course import collect

    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(collect.InputLimits().members + 1):
            zf.writestr(f"s{i}/x.txt", b"")
    (tmp_path / "work").mkdir()
    with pytest.raises(collect.SubmissionsError, match="entries; the limit is"):
        collect.open_submissions(path, tmp_path / "work")


def test_links_and_dot_dot_in_a_zip_never_reach_outside(tmp_path):
    from autograder.grading.course import collect

    path = tmp_path / "class.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../escaped.ipynb", "{}")
        zf.writestr("s1/../../escaped2.ipynb", "{}")
        link = zipfile.ZipInfo("s2/01_perceptron/01_perceptron.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/shadow")
    (tmp_path / "work").mkdir()
    opened = collect.open_submissions(path, tmp_path / "work")
    assert not list(tmp_path.glob("escaped*")) and not list((tmp_path / "work").glob("escaped*"))
    assert sum("outside the class" in w for w in opened.warnings) == 2, opened.warnings
    (placeholder, why), = opened.refused.items()
    assert "symbolic link" in why and not placeholder.is_symlink() and placeholder.read_bytes() == b""


def test_nbformat_3_is_a_zero_with_its_reason(tmp_path):
    nb = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}], "cells": []}
    result = grade_notebook(source(), write(tmp_path, nb), limits())
    assert result.score == 0 and not result.error
    assert all("nbformat 3; expected 4" in t.message for t in result.tests)


def test_enormous_outputs_and_attachments_still_grade(tmp_path):
    """15 MB of outputs and attachments under the 20 MB cap: full marks, none of it sent to the worker."""
    nb = json.loads(json.dumps(SOLUTION))
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * (10 * 2**20)}]
    nb["cells"].append({"cell_type": "markdown", "id": "att", "metadata": {}, "source": "![a](attachment:a.png)",
                        "attachments": {"a.png": {"image/png": "A" * (5 * 2**20)}}})
    result = grade_notebook(source(), write(tmp_path, nb), limits())
    assert result.score == FULL and not result.error, [t.message for t in result.tests]


def _hostile(tmp_path, kind):
    path = tmp_path / f"{kind}.ipynb"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link":
        path.symlink_to("/etc/shadow")
    elif kind == "sparse-800MB":
        with open(path, "wb") as handle:
            handle.truncate(800 * 2**20)
    elif kind == "nbformat-3":
        path.write_text(json.dumps({"nbformat": 3, "worksheets": [], "cells": []}))
    elif kind == "cells-not-a-list":
        path.write_text('{"cells": "x", "nbformat": 4}')
    return path


@pytest.mark.parametrize("kind, words", [("fifo", "not a regular file"), ("link", "symbolic link"),
                                         ("sparse-800MB", "larger than the limit"),
                                         ("nbformat-3", "nbformat 3"), ("cells-not-a-list", "not a notebook")])
def test_check_on_hostile_notebooks_is_one_line_and_quick(tmp_path, kind, words):
    path = _hostile(tmp_path, kind)
    done = subprocess.run([PYTHON, "-m", "autograder", "check", str(path)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and words in lines[0], lines


DEBIAN_PROBE = '''
import json, os, subprocess, sys, tempfile
sys.path.insert(0, {root!r})
from autograder.grading.student import sandbox
if {control!r}:  # the control: the second round's rule, binding the interpreter's prefix whole
    sandbox._is_system_prefix = lambda path: False
code = """
import json, os, sys
def ls(p):
    return sorted(os.listdir(p)) if os.path.isdir(p) else None
print(json.dumps({{"sh": os.path.exists("/bin/sh") or os.path.exists("/usr/bin/sh"), "usr_bin": ls("/usr/bin"),
                  "share": os.path.isdir("/usr/share"), "local": os.path.isdir("/usr/local/bin"),
                  "dist": ls("/usr/lib/python3/dist-packages"), "prefix": sys.base_prefix}}))
"""
with tempfile.TemporaryDirectory() as code_dir:
    fd = sandbox.seccomp_fd()
    argv = sandbox.command([sys.executable, "-I", "-c", code], sandbox.install_code(code_dir), 2**20, (), fd)
    done = subprocess.run(argv, pass_fds=(fd,), capture_output=True, text=True)
print(done.stdout or done.stderr)
'''


def _debian_venv_sees(tmp_path, control):
    system = "/usr/bin/python3"
    if not os.path.exists(system) or os.path.realpath(sys.base_prefix) == "/usr":
        pytest.skip("no system Python beside this one")
    venv = tmp_path / "venv"
    made = subprocess.run([system, "-m", "venv", "--without-pip", str(venv)], capture_output=True, text=True)
    if made.returncode:
        pytest.skip(f"the system Python cannot make a venv here: {made.stderr.strip()[-200:]}")
    done = subprocess.run([str(venv / "bin" / "python"), "-c", DEBIAN_PROBE.format(root=str(ROOT), control=control)],
                          capture_output=True, text=True, timeout=60)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.bwrap
def test_a_venv_of_the_system_python_does_not_mount_usr_whole(tmp_path):
    seen = _debian_venv_sees(tmp_path, control=False)
    assert seen["prefix"] == "/usr"
    assert not seen["sh"] and not seen["share"] and not seen["local"], seen
    assert all(name.startswith("python3") for name in seen["usr_bin"]), seen["usr_bin"]
    assert seen["dist"] in (None, []), seen["dist"]  # the distribution's packages are covered


@pytest.mark.bwrap
def test_binding_the_system_prefix_whole_would_show_a_shell(tmp_path):
    """The control: the second round's rule (--ro-bind /usr /usr) shows every program."""
    seen = _debian_venv_sees(tmp_path, control=True)
    assert seen["sh"] and len(seen["usr_bin"]) > 20, seen


VSOCK = UNHOOK + """
import socket
try:
    socket.socket(40, socket.SOCK_STREAM).close()  # created only, never connected
    RESULT = "created"
except OSError as exc:
    RESULT = exc.strerror
"""


def _vsock_in_worker():
    w = Worker(Limits(timeout=20, allow_weak=True))
    try:
        assert w.run(VSOCK) is None
        return w.get("RESULT")["value"]
    finally:
        w.close()


@pytest.mark.bwrap
def test_no_vsock_socket_reaches_a_virtual_machines_host():
    """AF_VSOCK is not network-namespaced: a worker's empty network namespace does not cover it."""
    assert _vsock_in_worker() == "Operation not permitted"


@pytest.mark.bwrap
def test_without_the_filter_a_vsock_socket_opens(monkeypatch):
    """The control (on this project's virtual machine: a vsock socket opens inside the sandbox)."""
    monkeypatch.setattr(sandbox, "seccomp_fd", lambda: None)
    result = _vsock_in_worker()
    if result in ("Address family not supported by protocol", "Protocol not supported"):
        pytest.skip(f"no vsock on this machine ({result})")
    assert result == "created"


def _crowded_zip(path, entries, state):
    """A zip of ``entries`` empty members whose end record states ``state`` entries (a lie when smaller)."""
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(entries):
            zf.writestr(f"s{i}/a.txt", b"")
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, state, state)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("state", [60_000, 100], ids=["stated", "count-lies"])
def test_a_zip_of_many_entries_is_refused_before_it_is_parsed(tmp_path, monkeypatch, state):
    """A million empty entries (100 MB) cost 570 MB and 15 s before the count was refused; now the end
    record (its count, and its directory's size when the count lies) refuses it before zipfile parses."""
    from autograder.grading.course import collect

    path = _crowded_zip(tmp_path / "crowded.zip", 60_000, state)
    parsed = []
    monkeypatch.setattr(collect.zipfile, "ZipFile", lambda *a, **k: parsed.append(a) or 1 / 0)
    (tmp_path / "work").mkdir()
    limits = collect.InputLimits(members=10_000)  # 60,000 entries of ~60 bytes: 3.5 MB of directory
    with pytest.raises(collect.SubmissionsError, match="entries; the limit is|room for more entries"):
        collect.open_submissions(path, tmp_path / "work", limits)
    assert parsed == []
    assert collect.zip_directory_problem(path, collect.InputLimits(members=70_000)) == ""


@pytest.mark.bwrap
def test_dlcourse_no_cgroup_is_obeyed_even_with_released_groups_kept(monkeypatch):
    lim = Limits(timeout=20, processes=55, allow_weak=True)
    Worker(lim).close()  # leaves a released group behind (where cgroups are writable)
    monkeypatch.setenv("DLCOURSE_NO_CGROUP", "1")
    w = Worker(lim)
    try:
        assert w.cgroup.paths == [] and w.cgroup.limited == []
    finally:
        w.close()
    sandbox.drain_cgroups()


@pytest.mark.bwrap
def test_check_gives_a_student_no_notes_meant_for_the_instructor(tmp_path):
    """Without a cgroup, grade prints the memory bound for the instructor; a student's check does not
    (it speaks of "a student's code" to the student running their own notebook)."""
    notebook = tmp_path / "my copy.ipynb"
    shutil.copy(ROOT / "solutions" / "01_perceptron" / "01_perceptron.ipynb", notebook)
    run = subprocess.run([PYTHON, "-m", "autograder", "check", str(notebook)], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300, env=dict(os.environ, DLCOURSE_NO_CGROUP="1"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Visible tests: 10/10" in run.stdout
    assert "autograder:" not in run.stderr and "may hold up to" not in run.stderr, run.stderr
