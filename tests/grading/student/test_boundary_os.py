"""The operating system is the boundary: attacks that first switch the audit hook off.

Each test runs a small cell in a bubblewrap worker. The cell starts with ``UNHOOK``
(the review's attack: find the hook with ``gc`` and replace its code, bring the
real ``_posixsubprocess`` back), so what stops it is the sandbox, not Python.
Skipped, with the reason, where bubblewrap cannot run.
"""

import os
import re
import time

import pytest

from autograder.grading.student import remote
from autograder.grading.student.remote import Limits, Worker
from helpers.paths import ROOT
from helpers.unhook import UNHOOK

pytestmark = pytest.mark.bwrap


@pytest.fixture
def worker(make_worker):
    return make_worker(timeout=20, processes=32)


def attack(worker, code):
    """Run UNHOOK then ``code`` (which sets RESULT); RESULT, after checking the hook is gone."""
    error = worker.run(UNHOOK + code)
    assert error is None, error
    assert worker.get("UNHOOKED")["value"] >= 1, "the attack did not reach the audit hook"
    return worker.get("RESULT")["value"]


TRY = '''
def attempt(fn):
    try:
        return "ok: " + repr(fn())[:200]
    except BaseException as exc:
        return f"{type(exc).__name__}: {exc}"
'''


def secrets(tmp_path):
    """Host files a submission must not read or change: the course's and a class's."""
    klass = tmp_path / "class" / "classmate" / "04_softmax"
    klass.mkdir(parents=True)
    (klass / "04_softmax.ipynb").write_text("classmate's work")
    (tmp_path / "grades.json").write_text("{}")
    return {"git": ROOT / ".git" / "HEAD",
            "solution": ROOT / "solutions" / "04_softmax_losses" / "04_softmax_losses.ipynb",
            "worker_source": ROOT / "autograder" / "grading" / "student" / "worker.py",
            "classmate": klass / "04_softmax.ipynb", "gradebook": tmp_path / "grades.json",
            "workers_code": os.path.join(remote._workers_root(), "code", "worker.py")}


def test_course_class_and_gradebook_cannot_be_read(worker, tmp_path):
    paths = {k: str(v) for k, v in secrets(tmp_path).items()}
    code = TRY + f'''
import os, sqlite3, readline
paths = {paths!r}
root = os.open("/", os.O_RDONLY)
RESULT = {{}}
for key, path in paths.items():
    RESULT[key + " open"] = attempt(lambda: open(path, "rb").read(20))
    RESULT[key + " dir_fd"] = attempt(lambda: os.read(os.open(path.lstrip("/"), os.O_RDONLY, dir_fd=root), 20))
    RESULT[key + " listdir"] = attempt(lambda: os.listdir(os.path.dirname(path)))
    RESULT[key + " readline"] = attempt(lambda: readline.read_history_file(path))
    RESULT[key + " sqlite"] = attempt(
        lambda: sqlite3.connect("file:" + path + "?mode=ro", uri=True).execute("select 1").fetchall())
'''
    result = attack(worker, code)
    for what, outcome in result.items():
        assert not outcome.startswith("ok"), (what, outcome)
        assert re.match(r"(FileNotFoundError|sqlite3.OperationalError|OperationalError)", outcome), (what, outcome)


def test_nothing_outside_home_can_be_written(worker, tmp_path):
    files = secrets(tmp_path)
    before = {k: os.path.getmtime(p) for k, p in files.items()}
    contents = {k: open(p, "rb").read() for k, p in files.items()}
    listing = sorted(os.listdir(tmp_path))
    paths = {k: str(v) for k, v in files.items()}
    paths["bound worker source"] = "/opt/dlcourse/worker.py"
    code = TRY + f'''
import os, sqlite3
paths = {paths!r}
RESULT = {{}}
for key, path in paths.items():
    RESULT[key + " append"] = attempt(lambda: open(path, "a").write("pwned"))
    RESULT[key + " truncate"] = attempt(lambda: os.open(path, os.O_RDONLY | os.O_TRUNC))
    RESULT[key + " mkfifo"] = attempt(lambda: os.mkfifo(os.path.join(os.path.dirname(path), "fifo")))
    RESULT[key + " sqlite"] = attempt(
        lambda: sqlite3.connect(os.path.join(os.path.dirname(path), "x.db")).execute("create table t(x)"))
RESULT["root"] = attempt(lambda: open("/evil", "w"))
RESULT["usr"] = attempt(lambda: open("/usr/lib/evil", "w"))
RESULT["home"] = attempt(lambda: open("/home/w/fine.txt", "w").write("ok"))
'''
    result = attack(worker, code)
    assert result.pop("home") == "ok: 2"
    for what, outcome in result.items():
        assert not outcome.startswith("ok"), (what, outcome)
    assert {k: os.path.getmtime(p) for k, p in files.items()} == before
    assert {k: open(p, "rb").read() for k, p in files.items()} == contents
    assert sorted(os.listdir(tmp_path)) == listing


def test_no_capabilities_no_mounts_no_new_namespaces(worker):
    code = '''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def errno_of(ret):
    return os.strerror(ctypes.get_errno()) if ret != 0 else "succeeded"
MS_REMOUNT, MS_BIND = 32, 4096
status = open("/proc/self/status").read()
RESULT = {
    "uid": os.getuid(),
    "CapEff": status.split("CapEff:")[1].split()[0],
    "remount /opt rw": errno_of(libc.mount(b"none", b"/opt/dlcourse", None, MS_REMOUNT | MS_BIND, None)),
    "umount home": errno_of(libc.umount2(b"/home/w", 2)),
    "new user namespace": errno_of(libc.unshare(0x10000000)),
    "new mount namespace": errno_of(libc.unshare(0x00020000)),
}
'''
    result = attack(worker, code)
    assert result["uid"] == 65534 and int(result["CapEff"], 16) == 0, result
    for key in ("remount /opt rw", "umount home", "new user namespace", "new mount namespace"):
        assert result[key] != "succeeded", (key, result)


def test_no_shell_no_network_and_children_are_contained(worker):
    code = TRY + f'''
import os, socket, subprocess, sys
RESULT = {{
    "sh": attempt(lambda: subprocess.run(["/bin/sh", "-c", "id"], capture_output=True)),
    "usr sh": attempt(lambda: subprocess.run(["/usr/bin/sh", "-c", "id"], capture_output=True)),
    "internet": attempt(lambda: socket.create_connection(("1.1.1.1", 53), timeout=2)),
    "devices": [l.split(":")[0].strip() for l in open("/proc/net/dev").read().splitlines()[2:]],
    "child sees": subprocess.run([sys.executable, "-I", "-c",
        f"import os; print(os.path.exists({str(ROOT / '.git')!r}), os.path.exists('/bin/sh'), os.getuid())"],
        capture_output=True, text=True).stdout.strip(),
}}
'''
    result = attack(worker, code)
    assert result["sh"].startswith("FileNotFoundError") and result["usr sh"].startswith("FileNotFoundError")
    assert result["internet"].startswith("OSError") or "unreachable" in result["internet"], result
    assert result["devices"] == ["lo"]
    assert result["child sees"] == "False False 65534", result


def test_processes_are_bounded_and_none_outlives_the_worker(worker):
    if "pids" not in worker.cgroup.limited:
        pytest.skip("cgroup v1 pids controller not writable here")
    code = '''
import os, time
started = 0
for _ in range(150):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(120)
        os._exit(0)
    started += 1
RESULT = started
'''
    started = attack(worker, code)
    assert 0 < started < 32, started
    pids = worker.cgroup.pids()
    assert len(pids) >= started
    worker.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in pids):
        time.sleep(0.1)
    assert not any(os.path.exists(f"/proc/{p}") for p in pids)


def test_other_processes_cannot_be_seen_or_signalled(worker):
    grader = os.getpid()
    code = TRY + f'''
import os, signal
RESULT = {{
    "pidfd": attempt(lambda: signal.pidfd_send_signal(os.pidfd_open({grader}), 0)),
    "kill": attempt(lambda: os.kill({grader}, 0)),
    "processes": len([p for p in os.listdir("/proc") if p.isdigit()]),
}}
'''
    result = attack(worker, code)
    assert result["pidfd"].startswith("ProcessLookupError") and result["kill"].startswith("ProcessLookupError")
    assert result["processes"] <= 4, result


def test_output_is_bounded_in_total(tmp_path):
    w = Worker(Limits(timeout=20, output_mb=4))
    try:
        code = TRY + '''
written = 0
def fill():
    global written
    for i in range(30):
        with open(f"/home/w/f{i}", "wb") as f:
            f.write(bytes(2**20))
        written += 1
RESULT = [attempt(fill), written]
'''
        outcome, written = attack(w, code)
        assert "No space left" in outcome and written < 4, (outcome, written)
    finally:
        w.close()


def test_forbidden_packages_are_absent_not_just_refused(worker):
    code = TRY + '''
import importlib
RESULT = {name: attempt(lambda: importlib.import_module(name).__file__)
          for name in ("torch", "autograder", "nbgrader", "functorch")}
RESULT["numpy"] = attempt(lambda: importlib.import_module("numpy").__name__)
'''
    result = attack(worker, code)
    assert result.pop("numpy") == "ok: 'numpy'"
    for name, outcome in result.items():
        assert outcome.startswith("ModuleNotFoundError"), (name, outcome)
