"""Every assignment, two-sided: the solution earns full marks, the released stub earns zero.

Checked with nbgrader's own validator and with ``python -m autograder validate`` (our grader); and
exercises/ must be exactly what ``release`` makes of solutions/.

Not a test module: tests/grading/authoring/test_assignments_odd.py and test_assignments_even.py
import these tests, and each collects them for its own ``NAMES`` (the odd- and the even-numbered
assignments), so that ``pytest -n 2 --dist loadfile`` can give the two halves to two workers.
"""

import json
import shutil
import subprocess
import sys

from helpers.paths import ROOT


def pytest_generate_tests(metafunc):
    """Each test runs once per assignment of the module it is collected in (its ``NAMES``)."""
    if "name" in metafunc.fixturenames:
        metafunc.parametrize("name", metafunc.module.NAMES)


def _nb(folder, name):
    return ROOT / folder / name / f"{name}.ipynb"


def test_solution_validates(name, venv_env):
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(_nb("solutions", name))],
                          capture_output=True, text=True, env=venv_env, cwd=ROOT)
    assert "Success! Your notebook passes all the tests." in done.stdout, done.stdout + done.stderr


def test_released_stub_fails_every_test(name, venv_env):
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "--invert", str(_nb("exercises", name))],
                          capture_output=True, text=True, env=venv_env, cwd=ROOT)
    assert "Success! The notebook does not pass any tests." in done.stdout, done.stdout + done.stderr


def test_release_has_no_solutions_or_hidden_tests(name):
    text = _nb("exercises", name).read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "raise NotImplementedError()" in text


def test_exercises_in_sync_with_solutions(name, tmp_path, venv_env):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / name, course / "solutions" / name)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "release", name, "--no-validate"],
                   check=True, env=venv_env, capture_output=True)
    fresh = json.loads(_released(course, name).read_text())
    committed = json.loads(_nb("exercises", name).read_text())
    assert fresh == committed, f"exercises/{name} is stale: run `python -m autograder release {name}`"


def _released(course, name):
    return course / "exercises" / name / f"{name}.ipynb"


def test_validate_solution_full_marks_stub_zero(name, venv_env):
    """``python -m autograder validate``: through the real grader, the solution earns full marks and the
    released stub zero, and nothing the grader cannot handle (autograder/grading/authoring/validate.py)."""
    done = subprocess.run([sys.executable, "-m", "autograder", "validate", name],
                          capture_output=True, text=True, env=venv_env, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"validate {name}: ok" in done.stdout and ", stub 0)" in done.stdout, done.stdout
