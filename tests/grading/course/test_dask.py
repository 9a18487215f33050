"""Grading on Dask distributed: same records as local grading, lost workers retried,
stale workers refused. Real LocalClusters of worker processes, real sandboxed grading."""

import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from helpers.paths import ROOT

ASSIGNMENT = "01_perceptron"


def _notebook(folder):
    return json.loads((ROOT / folder / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())


def _with_extra_cell(nb, source):
    """A copy of ``nb`` with one more (ungraded) code cell at the end."""
    nb = copy.deepcopy(nb)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "extra", "metadata": {},
                        "outputs": [], "source": source})
    return nb


def _with_solution_body(nb, body):
    """A copy of ``nb`` whose first solution cell is replaced by ``body``."""
    nb = copy.deepcopy(nb)
    cell = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    cell["source"] = body
    return nb


def _write_class(folder, students):
    """students: {id: notebook dict or raw text} in nbgrader's submitted layout."""
    for sid, nb in students.items():
        dest = folder / sid / ASSIGNMENT
        dest.mkdir(parents=True)
        text = nb if isinstance(nb, str) else json.dumps(nb)
        (dest / f"{ASSIGNMENT}.ipynb").write_text(text)
    return folder


def _mixed_class(folder):
    solution, stub = _notebook("solutions"), _notebook("exercises")
    return _write_class(folder, {
        "honest": solution,
        "blank": stub,
        "broken": "{ not json",
        "looping": _with_solution_body(solution, "while True:\n    pass\n"),
        "hostile": _with_extra_cell(solution, "import os\nfor p in ('/work', '/root', '/etc/shadow'):\n"
                                              "    try:\n        open(p + '/x', 'w').write('pwned')\n"
                                              "    except OSError:\n        pass\nos.kill(1, 9)\n"),
    })


def _grade(venv_env, submissions, out, *extra):
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(ROOT), "grade", ASSIGNMENT,
                           str(submissions), "--out", str(out), "--quiet", "--timeout", "3",
                           "--allow-weak-sandbox", *extra],
                          capture_output=True, text=True, env=venv_env, cwd=ROOT)
    return done


def _records(out):
    store = json.loads(out.with_suffix(".json").read_text())
    return {sid: _stable(entry) for sid, entry in store[ASSIGNMENT].items()}


def _stable(entry):
    """A record without what depends on when or where it was graded."""
    drop = {"graded_at", "history", "elapsed_s", "worker"}
    return {k: v for k, v in entry.items() if k not in drop}


@pytest.mark.slow
def test_local_cluster_gives_the_records_of_local_grading(tmp_path, venv_env):
    submissions = _mixed_class(tmp_path / "class")
    local = _grade(venv_env, submissions, tmp_path / "local.csv", "--jobs", "2")
    dask = _grade(venv_env, submissions, tmp_path / "dask.csv", "--dask", "local:2")
    assert dask.returncode == local.returncode, dask.stdout + dask.stderr
    ours, theirs = _records(tmp_path / "dask.csv"), _records(tmp_path / "local.csv")
    assert ours == theirs
    assert ours["honest"]["score"] == ours["honest"]["max_score"] > 0
    assert ours["blank"]["score"] == 0 and ours["broken"]["score"] == 0
    assert ours["looping"]["score"] < ours["looping"]["max_score"]
    assert "per worker" in dask.stdout


def _start_cluster(n, course):
    import dask
    from distributed import LocalCluster

    from autograder.grading.course import distributed as dist

    dask.config.set({"distributed.scheduler.allowed-failures": dist.ALLOWED_FAILURES})
    return LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                        memory_limit=0, silence_logs=50, env={"DLCOURSE_COURSE": str(course)})


def _run_in_thread(address, submissions, out, course=ROOT):
    """grade_class on the cluster at ``address``, in a thread: (thread, box with result or error)."""
    from autograder.grading.course import classroom
    from autograder.grading.student.remote import Limits

    box = {}

    def target():
        try:
            options = classroom.Options(dask=address)
            results = classroom.grade_class(ASSIGNMENT, submissions, out, course, limits=Limits(timeout=10),
                                            progress=False, options=options)
            box["result"] = results, results.per_worker
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            box["error"] = exc
    thread = threading.Thread(target=target)
    thread.start()
    return thread, box


@pytest.mark.slow
def test_a_worker_killed_mid_run_still_ends_with_every_student_graded(tmp_path):
    from distributed import Client

    slow = _with_extra_cell(_notebook("solutions"), "import time\ntime.sleep(2)\n")
    submissions = _write_class(tmp_path / "class", {f"s{i}": slow for i in range(6)})
    out = tmp_path / "grades.csv"
    with _start_cluster(2, ROOT) as cluster, Client(cluster) as spy:
        pids = list(spy.run(os.getpid).values())
        thread, box = _run_in_thread(cluster.scheduler_address, submissions, out)
        deadline = time.monotonic() + 120
        while not out.with_suffix(".json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(pids[0], signal.SIGKILL)  # a worker lost while it grades
        thread.join(timeout=300)
    assert "error" not in box, box.get("error")
    results, per_worker = box["result"]
    assert set(results) == {f"s{i}" for i in range(6)}
    assert all(e["status"] == "graded" and e["score"] == e["max_score"] for e in results.values()), results
    assert sum(per_worker.values()) == 6
    assert set(_records(out)) == set(results)


@pytest.mark.slow
def test_a_worker_with_a_different_source_notebook_is_refused(tmp_path):
    stale = tmp_path / "stale"
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, stale / "solutions" / ASSIGNMENT)
    source = stale / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source.write_text(json.dumps(_with_extra_cell(json.loads(source.read_text()), "# old tests\n")))
    submissions = _write_class(tmp_path / "class", {"honest": _notebook("solutions")})
    out = tmp_path / "grades.csv"
    with _start_cluster(1, stale) as cluster:
        thread, box = _run_in_thread(cluster.scheduler_address, submissions, out)
        thread.join(timeout=300)
    assert "error" not in box, box.get("error")
    entry = box["result"][0]["honest"]
    assert entry["status"] == "error" and entry["score"] == 0
    assert "different source notebook" in entry["reason"]


def test_source_digest_changes_with_the_source(tmp_path):
    from autograder.grading.course.distributed import source_digest

    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, tmp_path / "solutions" / ASSIGNMENT)
    before = source_digest(tmp_path, ASSIGNMENT)
    assert before == source_digest(ROOT, ASSIGNMENT)
    nb = tmp_path / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb.write_text(nb.read_text() + " ")
    assert source_digest(tmp_path, ASSIGNMENT) != before


@pytest.mark.parametrize("address", ["local:0", "local:x", "local:-2"])
def test_bad_local_address_is_one_line(address):
    from autograder.grading.course.distributed import DaskError, _local_workers

    with pytest.raises(DaskError, match="local:N"):
        _local_workers(address)
