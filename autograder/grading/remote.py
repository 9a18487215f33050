"""The grader's side of a worker: start it, send requests with deadlines, proxy its functions."""

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.grading import sandbox, wire

HERE = Path(__file__).parent


@dataclass
class Limits:
    """What one student's code may use. timeout: seconds per cell or call."""

    timeout: float = 30.0
    memory_mb: int = 2048
    output_mb: int = 16
    forbidden_modules: tuple = ("torch", "functorch", "torchgen", "autograder", "nbgrader", "ctypes", "_ctypes")
    deny_read: tuple = field(default_factory=tuple)


class WorkerGone(BaseException):
    """The worker timed out, died or broke the channel; it must be restarted.

    A BaseException, so that a check's ``except Exception`` does not swallow it.
    """


class StudentError(Exception):
    """An exception raised by the student's code, carried back by name and message."""


class Worker:
    """One sandboxed process running one student's notebook code."""

    def __init__(self, limits):
        self.limits = limits
        self.home = tempfile.mkdtemp(prefix="student-", dir=_workers_root())
        self.log = open(os.path.join(self.home, "output.log"), "wb")
        to_worker, self._w = os.pipe()
        self._r, from_worker = os.pipe()
        config = dict(home=self.home, memory_mb=limits.memory_mb, output_mb=limits.output_mb,
                      deny_read=[*limits.deny_read, _workers_root()],
                      forbidden_modules=list(limits.forbidden_modules))
        # The worker runs from copies in its own folder: the package itself may be hidden from it.
        for name in ("worker.py", "wire.py"):
            shutil.copy(HERE / name, self.home)
        worker = os.path.join(self.home, "worker.py")
        argv = [sys.executable, "-I", worker, str(to_worker), str(from_worker), json.dumps(config)]
        self.proc = subprocess.Popen(
            sandbox.wrap(argv, self.home, (*limits.deny_read, _workers_root())),
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            pass_fds=(to_worker, from_worker), cwd=self.home, env=_clean_env(self.home))
        os.close(to_worker)
        os.close(from_worker)
        self.alive = True
        self._receive(max(limits.timeout, 60.0), "starting Python")

    def request(self, message, timeout, what):
        """Send ``message``; return the reply dict or raise WorkerGone."""
        if not self.alive:
            raise WorkerGone("the notebook's process is not running")
        try:
            wire.write_all(self._w, wire.pack(message))
        except (BrokenPipeError, OSError):
            self._stop()
            raise WorkerGone(f"the notebook's process died while {what}") from None
        return self._receive(timeout, what)

    def run(self, source):
        """Run one cell; None or the error it raised."""
        return self.request({"op": "run", "source": source}, self.limits.timeout, "running a cell")["error"]

    def get(self, name):
        """What the student's namespace holds under ``name``."""
        return self.request({"op": "get", "name": name}, self.limits.timeout, f"looking up {name}")

    def call(self, name, args, kwargs):
        """Call the student's function ``name``; return (result, changed args)."""
        reply = self.request({"op": "call", "name": name, "args": list(args), "kwargs": kwargs},
                             self.limits.timeout, f"running {name}")
        if not reply["ok"]:
            etype, error = reply["etype"], reply["error"]
            if etype == "NotImplementedError":
                raise NotImplementedError(error)
            raise type(etype, (StudentError,), {})(error)
        return reply["result"], reply["changed"]

    def close(self):
        """Stop the process and remove its folder."""
        if self.alive:
            try:
                wire.write_all(self._w, wire.pack({"op": "bye"}))
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._stop()
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)

    def _receive(self, timeout, what):
        deadline = time.monotonic() + timeout

        def read(n):
            chunks, left = [], n
            while left:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([self._r], [], [], remaining)[0]:
                    self._stop()
                    raise WorkerGone(f"timed out after {timeout:g} s while {what}")
                chunk = os.read(self._r, min(left, 1 << 20))
                if not chunk:
                    code = self._stop()
                    raise WorkerGone(f"the notebook's process exited (code {code}) while {what}"
                                     + self._last_words(what))
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)
        try:
            return wire.read_message(read)
        except WorkerGone:
            raise
        except Exception as exc:  # a corrupted channel is the submission's doing
            self._stop()
            raise WorkerGone(f"the notebook's process sent garbage while {what} ({exc})") from None

    def _last_words(self, what):
        """The end of the worker's own output when it died starting (our problem, not the student's)."""
        if what != "starting Python":
            return ""
        self.log.flush()
        with open(self.log.name, "rb") as handle:
            return ": " + handle.read()[-500:].decode("utf-8", "replace").strip()

    def _stop(self):
        if self.alive:
            self.alive = False
            try:  # a process that exited by itself reports its own exit code
                self.proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            for fd in (self._r, self._w):
                try:
                    os.close(fd)
                except OSError:
                    pass
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None


class RemoteFunction:
    """Stands for a student's function in the grader; calls go to the worker.

    Arguments that the student's function changed in place are changed here too,
    so the checks' mutation test works exactly as in the notebook.
    """

    def __init__(self, worker, name):
        self.worker, self.name = worker, name

    def __call__(self, *args, **kwargs):
        result, changed = self.worker.call(self.name, args, kwargs)
        for index, value in changed.items():
            _write_back(args[int(index)], value)
        return result

    def __repr__(self):
        return f"<student function {self.name}>"


def _write_back(target, value):
    """Copy the worker's changed ``value`` into ``target`` in place, arrays nested or not."""
    if isinstance(target, np.ndarray) and isinstance(value, np.ndarray) and target.shape == value.shape:
        target[...] = value
    elif isinstance(target, list) and isinstance(value, (list, tuple)) and len(target) == len(value):
        for i, (t, v) in enumerate(zip(target, value)):
            if isinstance(t, (np.ndarray, list, tuple, dict)):
                _write_back(t, v)
            else:
                target[i] = v
    elif isinstance(target, tuple) and isinstance(value, (list, tuple)) and len(target) == len(value):
        for t, v in zip(target, value):
            _write_back(t, v)
    elif isinstance(target, dict) and isinstance(value, dict):
        for key in target.keys() & value.keys():
            if isinstance(target[key], (np.ndarray, list, tuple, dict)):
                _write_back(target[key], value[key])
            else:
                target[key] = value[key]


_ROOT = []


def _workers_root():
    """One folder per grader process holding every worker's home; hidden from each worker."""
    if not _ROOT:
        _ROOT.append(tempfile.mkdtemp(prefix="dlcourse-workers-"))
    return _ROOT[0]


def _clean_env(home):
    """A minimal environment: no secrets of the grader leak into student code."""
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL") if k in os.environ}
    return dict(keep, HOME=home, TMPDIR=home, MPLBACKEND="Agg", MPLCONFIGDIR=home, IPYTHONDIR=os.path.join(home, ".ipython"),
                OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
