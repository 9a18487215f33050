"""The review's end-to-end attack through ``python -m autograder grade``, in the strong sandbox.

One blank notebook with one extra cell switches the audit hook off, reads the
course's ``.git`` and the solution, tries to overwrite a classmate's submission,
the gradebook and the grader's worker source, and sends what it read home in
an exception message. With the allow-list sandbox it reads nothing, changes
nothing, and scores 0; the classmate keeps full marks.
"""

import csv
import json
import subprocess
import sys

import pytest

from helpers.paths import ROOT
from helpers.unhook import UNHOOK

A = "04_softmax_losses"
FULL = 10.0
WORKER_SOURCE = ROOT / "autograder" / "grading" / "student" / "worker.py"

pytestmark = pytest.mark.bwrap


def attack_cell(classmate, gradebook):
    """The extra cell: steal, overwrite, and leak what was stolen through softmax's error."""
    steal = [str(ROOT / ".git" / "HEAD"), str(ROOT / "solutions" / A / f"{A}.ipynb")]
    spoil = [str(classmate), str(gradebook), str(gradebook.with_suffix(".json")), str(WORKER_SOURCE)]
    return UNHOOK + f'''
stolen = []
for path in {steal!r}:
    try:
        stolen.append(open(path).read()[:300])
    except OSError as exc:
        stolen.append(type(exc).__name__)
for path in {spoil!r}:
    try:
        open(path, "w").write("pwned")
    except OSError:
        pass
def softmax(z):
    raise RuntimeError("STOLEN " + " | ".join(stolen))
'''


def test_blank_notebook_with_one_hostile_cell(tmp_path):
    solution = json.loads((ROOT / "solutions" / A / f"{A}.ipynb").read_text())
    stub = json.loads((ROOT / "exercises" / A / f"{A}.ipynb").read_text())
    root, out = tmp_path / "class", tmp_path / "out" / "grades.csv"
    out.parent.mkdir()
    classmate = root / "classmate" / A / f"{A}.ipynb"
    classmate.parent.mkdir(parents=True)
    classmate.write_text(json.dumps(solution))
    honest = classmate.read_text()
    attacker = root / "attacker" / A / f"{A}.ipynb"
    attacker.parent.mkdir(parents=True)
    stub["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                          "source": attack_cell(classmate, out)})
    attacker.write_text(json.dumps(stub))
    worker_source = WORKER_SOURCE.read_bytes()

    cmd = [sys.executable, "-m", "autograder", "--course", str(ROOT), "grade", A, str(root), "--out", str(out),
           "--timeout", "20", "--quiet", "--jobs", "1"]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr

    rows = {r["student_id"]: r for r in csv.DictReader(out.open())}
    assert float(rows["classmate"]["score"]) == FULL, rows["classmate"]["reason"]
    assert float(rows["attacker"]["score"]) == 0.0
    assert "STOLEN FileNotFoundError | FileNotFoundError" in rows["attacker"]["reason"], rows["attacker"]["reason"]
    assert classmate.read_text() == honest
    assert WORKER_SOURCE.read_bytes() == worker_source
    for path in out.parent.iterdir():
        text = path.read_text()
        assert "pwned" not in text and "refs/heads" not in text and "BEGIN SOLUTION" not in text, path
