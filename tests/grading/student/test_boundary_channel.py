"""The grader never trusts the worker: pipe deadlines, reply caps, budgets, mutation, cleanup, weak mode.

These run in whichever mode this machine offers (``allow_weak=True``), because
they test the grader's side of the channel; the cleanup test runs in both.
"""

import functools
import os
import resource
import threading
import time

import numpy as np
import pytest

from autograder.checks.compare import call
from autograder.grading.student import remote, sandbox
from autograder import wire
from autograder.grading.student.remote import BudgetExceeded, Limits, RemoteFunction, StudentError, Worker, WorkerGone


@pytest.fixture
def start(make_worker):
    """start(**limits): a worker of whichever sandbox is here, 10 s per request unless told."""
    return functools.partial(make_worker, timeout=10, allow_weak=True)


def in_thread(fn, seconds):
    """Run ``fn`` in a thread; (finished in time, its exception or result)."""
    box = []

    def target():
        try:
            box.append(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box.append(exc)
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), (box[0] if box else None)


def test_a_worker_that_stops_reading_does_not_block_the_grader(start):
    w = start(timeout=2)
    try:
        assert w.run("import sys, time\ndef f(x):\n    return 1\n"
                     "sys.modules['wire'].read_message = lambda *a, **k: time.sleep(10**6)") is None
        done, outcome = in_thread(lambda: w.call("f", (np.zeros(2**21),), {}), 30)
        assert done, "the grader is stuck writing to a worker that stopped reading"
        assert isinstance(outcome, WorkerGone) and "stopped reading" in str(outcome), outcome
        assert not w.alive
    finally:
        w.close()


def test_a_huge_reply_is_refused_before_it_is_read(start):
    w = start(timeout=30)
    try:
        assert w.run("import numpy as np\ndef big():\n    return np.zeros(200 * 2**20, np.uint8)\n"
                     "def wide():\n    return [0.5] * 300_000\n") is None
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with pytest.raises(WorkerGone, match="sent too much"):
            w.call("big", (), {})
        assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024 < 100 * 2**20
        w = Worker(w.limits)
        w.run("def wide():\n    return [0.5] * 300_000\n")
        with pytest.raises(WorkerGone, match="JSON"):  # JSON costs ~25x its size once parsed
            w.call("wide", (), {})
    finally:
        w.close()


def test_the_reply_cap_is_configurable(start):
    w = start(reply_mb=1)
    try:
        w.run("import numpy as np\ndef two_mb():\n    return np.zeros(2**21, np.uint8)\n")
        with pytest.raises(WorkerGone, match="sent too much"):
            w.call("two_mb", (), {})
    finally:
        w.close()


def test_messages_from_the_worker_are_capped_and_cleaned(start):
    w = start()
    try:
        error = w.run("raise ValueError('\\ud800' + '\\x1b[31m' + 'x' * 10**6)")
        assert len(error) <= 2000 and "\x1b" not in error
        error.encode("utf-8")  # no lone surrogate left
        w.run("Odd = type('Odd\\nName', (Exception,), {})\ndef f():\n    raise Odd('\\ud800 boom')\n")
        with pytest.raises(StudentError) as info:
            w.call("f", (), {})
        assert type(info.value).__name__ == "StudentError" and "boom" in str(info.value)
        str(info.value).encode("utf-8")
    finally:
        w.close()


def test_a_mutation_hidden_by_patching_the_workers_wire_is_still_seen(start):
    w = start()
    try:
        assert w.run("import sys\nsys.modules['wire'].same = lambda a, b: True\n"
                     "def softmax(z):\n    z -= z.max(axis=1, keepdims=True)\n    return z\n") is None
        with pytest.raises(AssertionError, match="changed its argument z in place"):
            call(RemoteFunction(w, "softmax"), "softmax(z)", z=np.arange(6.0).reshape(2, 3))
    finally:
        w.close()


def test_list_growth_and_dict_changes_come_back(start):
    w = start()
    try:
        w.run("def grow(xs, d):\n    xs.append(1)\n    d['new'] = 2\n    del d['old']\n    return 0\n")
        xs, d = [0], {"old": 1}
        RemoteFunction(w, "grow")(xs, d)
        assert xs == [0, 1] and d == {"new": 2}
    finally:
        w.close()


def test_the_students_time_budget_ends_every_request():
    w = Worker(Limits(timeout=30, allow_weak=True), deadline=time.monotonic() + 8)
    try:
        started = time.monotonic()
        with pytest.raises(BudgetExceeded, match="time budget is used up"):
            w.run("import time\ntime.sleep(60)")
        assert time.monotonic() - started < 15
        with pytest.raises(BudgetExceeded):
            w.run("x = 1")
    finally:
        w.close()
    with pytest.raises(BudgetExceeded):
        Worker(Limits(allow_weak=True), deadline=time.monotonic() - 1)
    assert issubclass(BudgetExceeded, WorkerGone)


@pytest.mark.parametrize("mode", [pytest.param("bubblewrap", marks=pytest.mark.bwrap), "hook-only"])
def test_deeply_nested_folders_are_cleaned_up(start, mode, monkeypatch):
    if mode == "hook-only":
        monkeypatch.setenv("DLCOURSE_NO_BWRAP", "1")
    w = start(timeout=60)
    assert w.mode == mode
    home, log = w.home, w.log_path
    assert w.run("import os\nfd = os.open('.', os.O_RDONLY)\nfor _ in range(3000):\n"
                 "    os.mkdir('d', dir_fd=fd)\n    new = os.open('d', os.O_RDONLY, dir_fd=fd)\n"
                 "    os.close(fd)\n    fd = new\n") is None
    w.close()
    assert not os.path.exists(log)
    assert home is None or not os.path.exists(home)


def test_the_workers_folder_is_removed_at_the_end(start):
    w = start()
    root = remote._workers_root()
    assert remote.cleanup_workers_root() is False and os.path.isdir(root)  # still in use
    w.close()
    assert remote.cleanup_workers_root() is True
    assert not os.path.exists(root)
    assert remote._workers_root() != root  # a later grading run gets a fresh one


def test_weak_mode_is_refused_unless_accepted(monkeypatch):
    monkeypatch.setenv("DLCOURSE_NO_BWRAP", "1")
    assert sandbox.mode() == "hook-only"
    with pytest.raises(sandbox.SandboxUnavailable, match="DLCOURSE_NO_BWRAP"):
        Worker(Limits())
    w = Worker(Limits(allow_weak=True))
    try:
        assert w.mode == "hook-only" and w.run("x = 1") is None
    finally:
        w.close()


def test_malformed_trees_are_refused():
    arrays = []
    deep = {"l": [None]}
    for _ in range(wire.MAX_DEPTH + 5):
        deep = {"l": [deep]}
    for tree in (deep, {"a": -1}, {"a": 0}, {"a": True}, {"x": 1}, {"l": 1, "t": 2}):
        with pytest.raises(ValueError):
            wire.decode(tree, arrays)


def test_arrays_claiming_more_data_than_sent_are_refused():
    data = wire.pack({"v": np.zeros(4)})
    meta_len, blob_len = wire.HEADER.unpack(data[:16])
    meta, blob = data[16:16 + meta_len], bytearray(data[16 + meta_len:16 + meta_len + blob_len])
    blob[:blob.index(b"}") + 1] = blob[:blob.index(b"}") + 1].replace(b"(4,)", b"(9,)")
    with pytest.raises(ValueError, match="more data"):
        wire.unpack(meta, blob, 1)
    back = wire.unpack(meta, bytearray(data[16 + meta_len:16 + meta_len + blob_len]), 1)["v"]
    back[0] = 1.0  # arrays arrive writable, as views of the received buffer
