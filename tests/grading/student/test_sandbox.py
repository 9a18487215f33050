"""The worker's containment, probed directly: each escape attempt must fail."""

import re

import pytest

from autograder.grading.student.remote import Limits, Worker, WorkerGone
from helpers.paths import ROOT

SOLUTIONS = str(ROOT / "solutions")


@pytest.fixture(params=[pytest.param("bwrap", marks=pytest.mark.bwrap), "hook only"])
def worker(request, monkeypatch, make_worker):
    if request.param == "hook only":
        monkeypatch.setenv("DLCOURSE_NO_BWRAP", "1")
    return make_worker(timeout=10, memory_mb=1024, deny_read=(SOLUTIONS,), allow_weak=True)


def outcome(worker, code):
    """Run ``code`` in the worker; the error it raised, or the value of RESULT."""
    error = worker.run(code)
    return error if error else worker.get("RESULT").get("value")


@pytest.mark.parametrize("code,words", [
    (f"RESULT = open({SOLUTIONS + '/01_perceptron/01_perceptron.ipynb'!r}).read()", "not allowed|No such file"),
    ("RESULT = open('/etc/passwd', 'a')", "writing outside|No such file|Read-only"),
    ("import socket\nRESULT = socket.create_connection(('127.0.0.1', 22))", "not allowed"),
    ("import subprocess\nRESULT = subprocess.run(['id'])", "not allowed"),
    ("import _posixsubprocess\nRESULT = _posixsubprocess.fork_exec()", "starting processes"),
    ("import os\nRESULT = os.fork()", "not allowed"),
    ("import os, signal\nos.kill(1, signal.SIGTERM)", "not allowed"),
    ("import ctypes\nRESULT = ctypes.CDLL(None)", "not allowed"),
    ("import torch", "may not import torch"),
    ("import autograder.ref_numpy.perceptron", "may not import autograder"),
    ("import resource\nresource.setrlimit(resource.RLIMIT_AS, (-1, -1))", "not allowed"),
    ("import numpy as np\nRESULT = np.ones(10**10)", "MemoryError"),
])
def test_escape_attempts_fail(worker, code, words):
    """Refused by the audit hook (hook-only mode) or by the operating system (bubblewrap)."""
    assert re.search(words, str(outcome(worker, code)))


def test_own_folder_is_writable(worker):
    assert outcome(worker, "open('scratch.txt', 'w').write('ok')\nRESULT = open('scratch.txt').read()") == "ok"


@pytest.mark.bwrap
def test_solutions_invisible_under_bwrap(monkeypatch):
    w = Worker(Limits(timeout=10))
    try:
        assert outcome(w, f"import os\nRESULT = os.path.exists({SOLUTIONS!r})") is False
        devices = outcome(w, "RESULT = open('/proc/net/dev').read()")
        names = [line.split(":")[0].strip() for line in devices.splitlines()[2:]]
        assert names == ["lo"], devices  # a network namespace of its own, with loopback only
    finally:
        w.close()


def test_a_hanging_cell_is_stopped():
    w = Worker(Limits(timeout=2, allow_weak=True))
    try:
        with pytest.raises(WorkerGone, match="timed out after 2 s"):
            w.run("while True:\n    pass")
        assert not w.alive
    finally:
        w.close()


def test_worker_environment_has_no_grader_secrets(monkeypatch):
    monkeypatch.setenv("GRADER_SECRET", "hunter2")
    w = Worker(Limits(timeout=10, allow_weak=True))
    try:
        assert outcome(w, "import os\nRESULT = os.environ.get('GRADER_SECRET', 'absent')") == "absent"
    finally:
        w.close()


def test_student_plots_render_off_screen(worker):
    """matplotlib is not loaded at the worker's start; a student's plot still works (Agg from MPLBACKEND)."""
    code = ("import sys\nloaded_at_start = 'matplotlib' in sys.modules\n"
            "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()\n"
            "RESULT = [loaded_at_start, plt.get_backend().lower()]")
    assert outcome(worker, code) == [False, "agg"]
