"""The real nbgrader pipeline in a temporary course: generate, submit, autograde, feedback, export.

The solution must get full marks and the untouched stub zero, through nbgrader's
own database and exporter (no autograder code in the loop except the checks the
notebooks import). Every assignment's notebooks are already checked two-sided by
nbgrader's own validator (helpers/assignment_tests.py); this end-to-end run covers a
representative set: the first exercise, one per part of the book, and the last.
"""

import csv
import shutil
import subprocess
import sys

import pytest

from helpers.paths import ROOT, assignments


def nbgrader(course, env, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


#: One assignment per part of the book, plus the first and the last.
PIPELINE = [name for name in assignments() if name[:2] in {"01", "05", "08", "10", "13"}]


@pytest.mark.slow
@pytest.mark.parametrize("name", PIPELINE)
def test_nbgrader_pipeline(name, tmp_path, venv_env):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / name, course / "solutions" / name)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    nbgrader(course, venv_env, "db", "student", "add", "alice")
    nbgrader(course, venv_env, "db", "student", "add", "bob")
    nbgrader(course, venv_env, "generate_assignment", name)
    released = course / "exercises" / name / f"{name}.ipynb"
    assert sorted(p.name for p in released.parent.iterdir()) == [released.name]  # no Korean text source copied
    for student, notebook in (("alice", course / "solutions" / name / f"{name}.ipynb"), ("bob", released)):
        target = course / "submitted" / student / name
        target.mkdir(parents=True)
        shutil.copy(notebook, target)
        (target / "timestamp.txt").write_text("2026-11-23 09:00:00.000000 UTC")
    nbgrader(course, venv_env, "autograde", name)
    nbgrader(course, venv_env, "generate_feedback", name)
    for student in ("alice", "bob"):
        assert (course / "feedback" / student / name / f"{name}.html").is_file()
    nbgrader(course, venv_env, "export", "--to", str(course / "grades.csv"))
    rows = {r["student_id"]: r for r in csv.DictReader((course / "grades.csv").open())}
    assert float(rows["alice"]["score"]) == float(rows["alice"]["max_score"]) > 0
    assert float(rows["bob"]["score"]) == 0.0
