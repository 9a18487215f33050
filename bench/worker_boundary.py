"""What the worker's containment costs: start time per mode, and the grader's memory per hostile reply.

Usage: python bench/worker_boundary.py [STARTS]

Prints the mean time from ``Worker(...)`` to a worker ready to run cells (Python,
NumPy, IPython and matplotlib loaded), in bubblewrap and hook-only mode, and the
grader's peak resident memory (ru_maxrss) before and after replies that a hostile
submission could send: 200 MB of arrays (refused before reading), an array just under
the 64 MiB cap (accepted), and JSON just under the 1 MiB cap (accepted).
"""

import os
import resource
import sys
import time

from autograder.grading.student import sandbox
from autograder.grading.student.remote import Limits, Worker, WorkerGone


def start_time(starts, weak):
    """Mean seconds to start a worker, in hook-only mode if ``weak``."""
    if weak:
        os.environ["DLCOURSE_NO_BWRAP"] = "1"
    else:
        os.environ.pop("DLCOURSE_NO_BWRAP", None)
    times = []
    for _ in range(starts):
        began = time.perf_counter()
        worker = Worker(Limits(allow_weak=weak))
        times.append(time.perf_counter() - began)
        worker.close()
    os.environ.pop("DLCOURSE_NO_BWRAP", None)
    return sum(times) / len(times)


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory():
    """Peak RSS of this (grader) process after each hostile reply, MiB."""
    worker = Worker(Limits(timeout=60, allow_weak=True))
    worker.run("import numpy as np\n"
               "def huge():\n    return np.zeros(200 * 2**20, np.uint8)\n"
               "def under_cap():\n    return np.ones(63 * 2**20, np.uint8)\n"
               "def json_heavy():\n    return [[0.5, 1.5]] * 50_000\n")
    rows = [("after start", peak_mib())]
    try:
        worker.call("huge", (), {})
    except WorkerGone:
        rows.append(("200 MB reply refused", peak_mib()))
    worker.close()
    worker = Worker(Limits(timeout=60, allow_weak=True))
    worker.run("import numpy as np\ndef under_cap():\n    return np.ones(63 * 2**20, np.uint8)\n"
               "def json_heavy():\n    return [[0.5, 1.5]] * 50_000\n")
    result, _ = worker.call("under_cap", (), {})
    rows.append((f"63 MiB array accepted ({result.nbytes >> 20} MiB)", peak_mib()))
    del result
    result, _ = worker.call("json_heavy", (), {})
    rows.append((f"~1 MiB JSON accepted ({len(result)} pairs)", peak_mib()))
    worker.close()
    return rows


def main():
    starts = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"sandbox here: {sandbox.mode()} {sandbox.unavailable_reason()}")
    for rss_label, rss in memory():
        print(f"grader peak RSS {rss_label}: {rss:.0f} MiB")
    if sandbox.available():
        print(f"worker start, bubblewrap: {start_time(starts, False):.2f} s (mean of {starts})")
    print(f"worker start, hook-only: {start_time(starts, True):.2f} s (mean of {starts})")


if __name__ == "__main__":
    main()
