"""What the third round's controls cost per student, against a worker's start (issue 19, issue 24 item 7).

One run, interleaved, so that the machine's load moves every variant alike. Measured:

- a worker's start and close (bubblewrap, cgroups, seccomp, fresh keyring): the reference;
- the same with one control switched off: the seccomp filter, the fresh session keyring
  (joined by the worker itself), the cpu controller, reused cgroups;
- the pieces alone: building and passing the filter, a Popen of /bin/true with and without
  a ``preexec_fn`` joining the keyring (the design not taken: it makes ``subprocess`` fork
  the grader instead of vfork it), making and removing a worker's cgroups against taking
  a reused one, and removing the worker's log with ``rm -rf`` against ``os.unlink``.

The grader imports torch (the checks' twins); so does this script by default, since a
fork's cost grows with the parent's memory map (``--no-torch`` to leave it out).

Usage: .venv/bin/python bench/sandbox_cost.py [--rounds 12] [--json out.json]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder.grading.student import remote, sandbox, seccomp  # noqa: E402
from autograder.grading.student.remote import Limits, Worker  # noqa: E402


def start_and_close(limits):
    """Seconds to start a worker (Python ready) and close it."""
    started = time.perf_counter()
    Worker(limits).close()
    return time.perf_counter() - started


class Switch:
    """Turn one control off for a measurement, and back on."""

    def __init__(self, name):
        self.name, self.undo = name, []

    def __enter__(self):
        if self.name == "no seccomp filter":
            self._set(sandbox, "seccomp_fd", lambda: None)
        elif self.name == "no fresh keyring":
            self._set(seccomp, "keyctl_number", lambda machine=None: None)
        elif self.name == "no cpu controller":
            settings = sandbox._v1_settings
            self._set(sandbox, "_v1_settings", lambda *a: [s for s in settings(*a) if s[0] != "cpu"])
            self._set(sandbox, "V2_CONTROLLERS", ("pids", "memory"))
        elif self.name == "cgroups made per student":
            self._set(sandbox.Cgroup, "release", sandbox.Cgroup.destroy)
        return self

    def _set(self, owner, attr, value):
        self.undo.append((owner, attr, getattr(owner, attr)))
        setattr(owner, attr, value)

    def __exit__(self, *exc):
        for owner, attr, value in reversed(self.undo):
            setattr(owner, attr, value)
        sandbox.drain_cgroups()  # each variant starts from the same pool


VARIANTS = ("all controls", "no seccomp filter", "no fresh keyring", "no cpu controller",
            "cgroups made per student")


def pieces(rounds):
    """Median seconds of the controls' pieces, measured alone."""
    out = {name: [] for name in ("filter built and passed", "Popen /bin/true", "Popen /bin/true + preexec_fn",
                                 "cgroups made and removed", "cgroup reused", "log: rm -rf", "log: os.unlink")}
    import ctypes

    syscall = ctypes.CDLL(None).syscall
    number = seccomp.keyctl_number() or 250

    def join():
        syscall(number, 1, None)
    size = (Limits().memory_mb + Limits().output_mb + 64) * 2**20
    folder = tempfile.mkdtemp(prefix="dlcourse-bench-")
    for i in range(rounds):
        t = time.perf_counter()
        os.close(seccomp.filter_fd())
        out["filter built and passed"].append(time.perf_counter() - t)
        for key, pre in (("Popen /bin/true", None), ("Popen /bin/true + preexec_fn", join)):
            t = time.perf_counter()
            subprocess.run(["/bin/true"], preexec_fn=pre, check=True)
            out[key].append(time.perf_counter() - t)
        t = time.perf_counter()
        sandbox.Cgroup(f"dlcourse-{os.getpid()}-{900000 + i}", 64, size).destroy()
        out["cgroups made and removed"].append(time.perf_counter() - t)
        group = sandbox.acquire_cgroup(f"dlcourse-{os.getpid()}-{800000}", 64, size)
        group.release()
        time.sleep(0.01)
        t = time.perf_counter()
        sandbox.acquire_cgroup(f"dlcourse-{os.getpid()}-{800001}", 64, size).release()
        out["cgroup reused"].append(time.perf_counter() - t)
        for key in ("log: rm -rf", "log: os.unlink"):
            path = os.path.join(folder, f"log-{i}-{key[5:7]}")
            Path(path).write_bytes(b"x" * 4096)
            t = time.perf_counter()
            if key == "log: rm -rf":
                subprocess.run(["rm", "-rf", "--", path], capture_output=True, check=False)
            else:
                os.unlink(path)
            out[key].append(time.perf_counter() - t)
    sandbox.drain_cgroups()
    os.rmdir(folder)
    return {k: statistics.median(v) for k, v in out.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()
    if not args.no_torch:
        import torch  # noqa: F401 - the grader's memory map, for fork's cost
    if not sandbox.available():
        sys.exit(f"no bubblewrap sandbox here: {sandbox.unavailable_reason()}")
    limits = Limits(timeout=30)
    group = sandbox.Cgroup(f"dlcourse-{os.getpid()}-999999", 8, 2**28)
    controllers, version = list(group.limited), group.version
    group.destroy()
    start_and_close(limits)  # warm the page cache
    times = {name: [] for name in VARIANTS}
    for _ in range(args.rounds):
        for name in VARIANTS:
            with Switch(name):
                times[name].append(start_and_close(limits))
    remote.cleanup_workers_root()
    starts = {name: statistics.median(v) for name, v in times.items()}
    parts = pieces(args.rounds * 2)
    ref = starts["all controls"]
    result = dict(rounds=args.rounds, torch=not args.no_torch, cgroup_version=version, controllers=controllers,
                  worker_start_s=starts, pieces_s=parts,
                  control_cost_vs_start={name: (ref - starts[name]) / ref for name in VARIANTS[1:]})
    print(f"cgroup v{version} ({', '.join(controllers)}); torch imported: {not args.no_torch}; "
          f"{args.rounds} rounds, medians")
    print(f"{'worker start + close':<32}{'ms':>9}{'vs all controls':>18}")
    for name in VARIANTS:
        print(f"{name:<32}{starts[name] * 1e3:>9.1f}{starts[name] / ref:>17.3f}x")
    print(f"{'piece':<32}{'ms':>9}{'of a worker start':>18}")
    for name, seconds in parts.items():
        print(f"{name:<32}{seconds * 1e3:>9.2f}{seconds / ref:>17.1%}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
