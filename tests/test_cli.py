"""The instructor's and the student's commands beyond ``grade``: feedback, export, check, release."""

import csv
import json
import subprocess
import sys

import pytest

from conftest import ROOT

A = "01_perceptron"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    for student, folder in (("ada", "solutions"), ("bo", "exercises")):
        dest = tmp / "class" / student / A
        dest.mkdir(parents=True)
        dest.joinpath(f"{A}.ipynb").write_text((ROOT / folder / A / f"{A}.ipynb").read_text())
    out = tmp / "grades.csv"
    done = run("grade", A, str(tmp / "class"), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return tmp, out


def test_feedback_has_messages_but_no_hidden_test_code(graded):
    tmp, out = graded
    done = run("feedback", A, "--gradebook", str(out), "--out", str(tmp / "fb"))
    assert done.returncode == 0, done.stderr
    ada = (tmp / "fb" / "ada" / f"{A}.html").read_text()
    bo = (tmp / "fb" / "bo" / f"{A}.html").read_text()
    assert "10 / 10" in ada and "failed" not in ada
    assert "0 / 10" in bo and "not implemented yet" in bo
    for page in (ada, bo):
        assert "seed=11" not in page and "HIDDEN" not in page and "check_perceptron(" not in page


def test_export_one_row_per_student(graded):
    tmp, out = graded
    done = run("export", "--gradebook", str(out), "--out", str(tmp / "export.csv"))
    assert done.returncode == 0, done.stderr
    rows = {r["student_id"]: r for r in csv.DictReader((tmp / "export.csv").open())}
    assert rows["ada"][A] == "10" and rows["ada"]["total"] == "10"
    assert rows["bo"][A] == "0" and rows["bo"]["max_total"] == "10"


def test_check_reports_each_exercise(tmp_path):
    good = run("check", str(ROOT / "solutions" / A / f"{A}.ipynb"))
    assert good.returncode == 0 and "Visible tests: 10/10" in good.stdout, good.stdout + good.stderr
    nb = json.loads((ROOT / "exercises" / A / f"{A}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "perceptron":
            cell["source"] = "def perceptron(X, w, b):\n    return (X @ w + b >= 0).astype(float)\n"
    mine = tmp_path / "my work.ipynb"
    mine.write_text(json.dumps(nb))
    bad = run("check", str(mine))
    assert bad.returncode == 1
    assert "\N{BALLOT X} test_perceptron" in bad.stdout and "above 0" in bad.stdout
    assert "Visible tests: 0/10" in bad.stdout


def test_check_refuses_a_broken_notebook(tmp_path):
    broken = tmp_path / f"{A}.ipynb"
    broken.write_text("{")
    done = run("check", str(broken))
    assert done.returncode == 2 and "not valid JSON" in done.stderr


def test_grade_refuses_missing_submissions(tmp_path):
    done = run("grade", A, str(tmp_path / "nowhere"), "--out", str(tmp_path / "g.csv"))
    assert done.returncode == 2 and "does not exist" in done.stderr
