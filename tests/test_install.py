"""Installing the course: ``make venv`` (.ci/venv.py) on every Python the project claims.

Fast tests drive .ci/venv.py's decisions on fake venvs (a broken one, one made by another
Python, a folder that is no venv) and its refusal of a too-old interpreter. The slow test
builds the course's environment from a fresh clone with Debian 12's own /usr/bin/python3
(3.11.2: the pins once needed 3.11.5) through ``make venv`` and grades the solution and
the stub of exercise 01 with it. It reuses pip's cache and the wheels on disk (no
CUDA download: torch stays the pinned CPU build).
"""

import csv
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import ROOT

SYSTEM_PYTHON = Path("/usr/bin/python3")
#: Seconds for `make venv` from a fresh clone (about 2 min with pip's cache on this machine).
MAKE_VENV_S = 900


def _venv_script():
    spec = importlib.util.spec_from_file_location("ci_venv", ROOT / ".ci" / "venv.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fake_venv(tmp_path):
    """A folder laid out like a venv whose bin/python is whatever the test links it to."""
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /nowhere\n")
    return venv


def _this_python():
    return (os.path.realpath(getattr(sys, "_base_executable", sys.executable)), platform.python_version())


def test_broken_venv_is_rebuilt(fake_venv):
    (fake_venv / "bin" / "python").symlink_to("/nonexistent/python3")
    action, why = _venv_script().decide(str(fake_venv), _this_python(), (3, 11, 0), explicit=False)
    assert action == "rebuild" and "does not run" in why


def test_venv_of_another_python_is_rebuilt_when_python_is_named(fake_venv, capsys):
    """A venv made by one interpreter, PYTHON=another: rebuilt; with the default PYTHON kept, and said."""
    (fake_venv / "bin" / "python").symlink_to(sys.executable)
    other = ("/opt/other/python3.11", "3.11.9")
    script = _venv_script()
    action, why = script.decide(str(fake_venv), other, (3, 11, 0), explicit=True)
    assert action == "rebuild" and f"not by PYTHON={other[0]}" in why
    assert script.decide(str(fake_venv), other, (3, 11, 0), explicit=False) == ("keep", None)
    assert "keeping" in capsys.readouterr().out
    # the other side: a venv of the very interpreter asked for is kept silently
    assert script.decide(str(fake_venv), _this_python(), (3, 11, 0), explicit=True) == ("keep", None)
    assert capsys.readouterr().out == ""


def test_venv_older_than_required_is_rebuilt(fake_venv):
    (fake_venv / "bin" / "python").symlink_to(sys.executable)
    newer = tuple(sys.version_info[:2]) + (sys.version_info[2] + 1,)
    action, why = _venv_script().decide(str(fake_venv), _this_python(), newer, explicit=False)
    assert action == "rebuild" and "older than" in why


def test_folder_that_is_no_venv_is_refused_and_kept(tmp_path):
    folder = tmp_path / ".venv"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep me")
    with pytest.raises(SystemExit):
        _venv_script().decide(str(folder), _this_python(), (3, 11, 0), explicit=False)
    assert (folder / "mine.txt").read_text() == "keep me"


def _course_copy(tmp_path, requires):
    (tmp_path / ".ci").mkdir()
    text = (ROOT / "pyproject.toml").read_text()
    text = text.replace('requires-python = ">=3.11"', f'requires-python = "{requires}"')
    (tmp_path / "pyproject.toml").write_text(text)
    shutil.copy(ROOT / ".ci" / "constraints.txt", tmp_path / ".ci")
    return tmp_path


def test_too_old_python_is_refused_in_one_line(tmp_path):
    """requires-python above this interpreter: one line naming both versions, no venv made."""
    course = _course_copy(tmp_path, ">=3.99")
    run = subprocess.run([sys.executable, str(ROOT / ".ci" / "venv.py"), ".venv", ".ci/constraints.txt", "file"],
                         cwd=course, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and platform.python_version() in run.stderr and "3.99" in run.stderr
    assert not (course / ".venv").exists()


def test_requires_python_is_read_from_pyproject(tmp_path):
    """The other side: the minimum the script enforces is pyproject's (one source of truth)."""
    course = _course_copy(tmp_path, ">=3.11")
    os.chdir(course)
    try:
        assert _venv_script().minimum_version() == (3, 11, 0)
    finally:
        os.chdir(ROOT)


def _pins():
    return dict(line.split("==", 1) for line in (ROOT / ".ci" / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))


def test_pins_keep_torch_and_support_debian_python():
    """torch stays the pinned CPU build; soupsieve is a release that supports Python 3.11.2 (4.x needs 3.11.5)."""
    pins = _pins()
    assert pins["torch"].split("+")[0] == "2.13.0"
    assert '"torch==2.13.0"' in (ROOT / "pyproject.toml").read_text()
    assert int(pins["soupsieve"].split(".")[0]) < 3


@pytest.mark.slow
@pytest.mark.skipif(not SYSTEM_PYTHON.exists() or shutil.which("make") is None or shutil.which("git") is None,
                    reason="needs Debian's /usr/bin/python3, make and git")
def test_make_venv_from_fresh_clone_with_system_python_grades(tmp_path):
    """README's setup on a fresh clone with Debian's python: make venv, then a smoke grade of exercise 01."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True, timeout=300)
    # this checkout's, committed or not
    for path in (".ci/venv.py", ".ci/constraints.txt", "Makefile", "pyproject.toml"):
        shutil.copy(ROOT / path, clone / path)
    # Not the outer make's variables either: under `make test` MAKELEVEL/MAKEFLAGS make the inner make
    # print "Entering directory" lines, which are not what a user typing `make venv` sees.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "MAKE", "MFLAGS"))}
    env["PIP_NO_COMPILE"] = "1"  # CI time: bytecode is compiled on first import instead of for all of torch
    made = subprocess.run(["make", "venv", f"PYTHON={SYSTEM_PYTHON}"], cwd=clone, env=env, capture_output=True,
                          text=True, timeout=MAKE_VENV_S)
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-3000:]
    stamp = json.loads((clone / ".venv" / ".installed").read_text())
    assert stamp["version"] == subprocess.run([str(SYSTEM_PYTHON), "-c", "import platform; "
                                               "print(platform.python_version())"],
                                              capture_output=True, text=True).stdout.strip()
    python = clone / ".venv" / "bin" / "python"
    versions = subprocess.run([str(python), "-c", "import torch, numpy; print(torch.__version__, numpy.__version__)"],
                              capture_output=True, text=True, check=True).stdout.split()
    assert versions[0].split("+")[0] == "2.13.0" and versions[1] == _pins()["numpy"]
    again = subprocess.run(["make", "venv", f"PYTHON={SYSTEM_PYTHON}"], cwd=clone, env=env, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0 and again.stdout == "" and again.stderr == ""  # up to date: nothing to do
    subs = tmp_path / "subs"
    name = "01_perceptron"
    for student, source in (("good", clone / "solutions" / name), ("stub", clone / "exercises" / name)):
        (subs / student / name).mkdir(parents=True)
        shutil.copy(source / f"{name}.ipynb", subs / student / name / f"{name}.ipynb")
    env["PATH"] = f"{clone / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    grades = tmp_path / "grades.csv"
    graded = subprocess.run([str(python), "-m", "autograder", "grade", name, str(subs), "--out", str(grades),
                             "--jobs", "1", "--allow-weak-sandbox", "--quiet"],
                            cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    rows = {r["student_id"]: r for r in csv.DictReader(grades.open())} if grades.exists() else {}
    reasons = {sid: (r["status"], r["reason"][:300]) for sid, r in rows.items()}
    assert graded.returncode == 0, (reasons, graded.stdout[-1500:] + graded.stderr[-1500:])
    assert float(rows["good"]["score"]) == float(rows["good"]["max_score"]) > 0
    assert float(rows["stub"]["score"]) == 0
