"""The instructor's and the student's commands beyond ``grade``: feedback, export, check, release."""

import csv
import json
import subprocess
import sys

import pytest

from helpers.paths import ROOT

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


# Issue 12: statuses that mean something, safe files, regrade, the course from anywhere (items 1, 3, 5, 11).

@pytest.mark.parametrize("option, value, said", [("--jobs", "0", "at least 1"), ("--jobs", "-1", "at least 1"),
                                                 ("--timeout", "0", "above 0"), ("--timeout", "-1", "above 0"),
                                                 ("--memory", "128", "at least 256 MiB"),
                                                 ("--budget", "-5", "at least 0"), ("--jobs", "two", "whole number"),
                                                 ("--late-penalty", "10", "10%/day"), ("--due", "soon", "not a date")])
def test_bad_options_are_one_line_before_anything_runs(tmp_path, capsys, option, value, said):
    from autograder.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["grade", A, str(tmp_path), option, value, "--out", str(tmp_path / "g.csv")])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and len(err.strip().splitlines()) == 1, err
    assert said in err and option in err
    assert not (tmp_path / "g.csv").exists()


def in_process(capsys, *args):
    """(exit code, stderr) of the command run in this process: for runs that stop before grading."""
    from autograder.cli import main

    code = main([*args, *(["--allow-weak-sandbox"] if args[0] == "grade" else [])])
    return code, capsys.readouterr().err


def test_a_class_of_another_assignment_or_an_empty_folder_stops_with_what_it_found(tmp_path, capsys, monkeypatch):
    """Run from another directory without --course: the course is found as check finds it."""
    other = "04_softmax_losses"
    for student in ("ann", "bo", "cy"):
        dest = tmp_path / "class" / student / other
        dest.mkdir(parents=True)
        dest.joinpath(f"{other}.ipynb").write_text((ROOT / "exercises" / other / f"{other}.ipynb").read_text())
    (tmp_path / "empty").mkdir()
    out = tmp_path / "grades.csv"
    monkeypatch.chdir(tmp_path)
    code, err = in_process(capsys, "grade", A, "class", "--out", str(out))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert f"found 3 notebooks in class ({other}.ipynb), none named {A}.ipynb" in err
    code, err = in_process(capsys, "grade", A, "empty", "--out", str(out))
    assert code == 2 and "empty is empty" in err
    assert not out.exists() and not gradebook_json(out).exists()


def gradebook_json(out):
    return out.with_suffix(".json")


def ada_solved(tmp_path):
    """A class folder tmp_path/class with one student, ada, who submitted the solution."""
    dest = tmp_path / "class" / "ada" / A
    dest.mkdir(parents=True)
    dest.joinpath(f"{A}.ipynb").write_text((ROOT / "solutions" / A / f"{A}.ipynb").read_text())


def test_outputs_are_refused_before_grading(tmp_path, capsys):
    ada_solved(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nada,a@x\n")
    for out, said in ((roster, "was not written by grade"), (tmp_path, "is a folder"),
                      ("/proc/grades.csv", "cannot write")):
        code, err = in_process(capsys, "grade", A, str(tmp_path / "class"), "--out", str(out), "--quiet")
        assert code == 2 and said in err and len(err.strip().splitlines()) == 1, err
    assert roster.read_text() == "name,email\nada,a@x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class", "roster.csv"], "no temporaries"


def test_errors_exit_1_and_a_regrade_keeps_the_history(tmp_path):
    """--course after the command; eve's link is an error (exit 1); --student ada regrades ada only."""
    ada_solved(tmp_path)
    (tmp_path / "class" / "eve").symlink_to(ROOT / "solutions")
    out = tmp_path / "grades.csv"
    first = run("grade", A, "class", "--out", str(out), "--quiet", "--course", str(ROOT), "--allow-weak-sandbox",
                cwd=tmp_path)
    assert first.returncode == 1, first.stdout + first.stderr
    again = run("grade", A, "class", "--out", str(out), "--quiet", "--student", "ada", "--allow-weak-sandbox",
                cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    data = json.loads(gradebook_json(out).read_text())[A]
    assert data["ada"]["score"] == 10 and len(data["ada"]["history"]) == 1
    assert data["ada"]["history"][0]["score"] == 10 and "history" not in data["eve"]
    rows = list(csv.DictReader(out.open()))
    assert [r["student_id"] for r in rows] == ["ada", "eve"] and rows[1]["status"] == "error"
    assert not (tmp_path / ".dlcourse-private").exists() and not list(tmp_path.glob("*.lock"))
    missing = run("grade", A, str(tmp_path / "class"), "--out", str(out), "--student", "zed", "--allow-weak-sandbox")
    assert missing.returncode == 2 and "no submission of zed" in missing.stderr


def test_export_formats_and_the_gradebook_is_never_an_export_target(graded, capsys):
    tmp, out = graded
    for fmt, first in (("canvas", "Student"), ("moodle", "Student ID")):
        code, err = in_process(capsys, "export", "--gradebook", str(out), "--out", str(tmp / f"{fmt}.csv"),
                               "--format", fmt)
        assert code == 0, err
        assert next(csv.reader((tmp / f"{fmt}.csv").open()))[0] == first
    before = out.read_bytes()
    code, err = in_process(capsys, "export", "--gradebook", str(out), "--out", str(out))
    assert code == 2 and "is the gradebook itself" in err and out.read_bytes() == before
    code, err = in_process(capsys, "export", "--gradebook", str(tmp / "none.csv"), "--out", str(tmp / "e.csv"))
    assert code == 2 and "run grade first" in err and not (tmp / "e.csv").exists()


def test_export_lms_options_column_and_roster(graded, capsys):
    """--column names the LMS's assignment column; --roster identifies Moodle students by email."""
    tmp, out = graded
    code, err = in_process(capsys, "export", "--gradebook", str(out), "--out", str(tmp / "c2.csv"), "--format",
                           "canvas", "--column", f"{A}=Perceptron (4711)")
    assert code == 0, err
    assert next(csv.reader((tmp / "c2.csv").open()))[5] == "Perceptron (4711)"
    with pytest.raises(SystemExit) as parsed:  # a parse error: argparse exits
        in_process(capsys, "export", "--gradebook", str(out), "--out", str(tmp / "c3.csv"), "--format",
                   "canvas", "--column", f"{A}")
    err = capsys.readouterr().err
    assert parsed.value.code == 2 and "NAME=HEADER" in err and len(err.strip().splitlines()) == 1
    assert not (tmp / "c3.csv").exists()
    roster = tmp / "users.csv"
    roster.write_text("First name,Last name,Username,Email address\nAda,L,ada,ada@x\nBo,R,bo,bo@x\n")
    code, err = in_process(capsys, "export", "--gradebook", str(out), "--out", str(tmp / "m2.csv"), "--format",
                           "moodle", "--roster", str(roster))
    assert code == 0, err
    assert [r[0] for r in csv.reader((tmp / "m2.csv").open())] == ["Email address", "ada@x", "bo@x"]


def test_a_course_without_solutions_is_one_line(tmp_path, capsys):
    """--course naming a folder that is not a course: one line, exit 2, for every command (no traceback,
    no empty student kit)."""
    for args in (("release",), ("validate",), ("grade", A, str(tmp_path), "--out", str(tmp_path / "g.csv")),
                 ("student-kit", str(tmp_path / "kit"))):
        code, err = in_process(capsys, "--course", str(tmp_path / "nowhere"), *args)
        assert code == 2 and "not a course" in err and len(err.strip().splitlines()) == 1, (args, err)
    assert not (tmp_path / "kit").exists()


def test_a_misspelt_assignment_names_the_assignments(tmp_path, capsys):
    code, err = in_process(capsys, "grade", "01_perceptrn", str(tmp_path), "--out", str(tmp_path / "g.csv"))
    assert code == 2 and "did you mean 01_perceptron" in err and len(err.strip().splitlines()) == 1, err
    code, err = in_process(capsys, "release", "01_perceptrn")
    assert code == 2 and "did you mean 01_perceptron" in err


def test_grade_report_target_is_checked_before_grading(tmp_path, capsys):
    """--report in a missing folder or over a foreign file stops before anyone is graded."""
    ada_solved(tmp_path)
    notes = tmp_path / "notes.html"
    notes.write_text("<p>mine</p>")
    out = tmp_path / "grades.csv"
    for report, said in ((tmp_path / "nothere" / "r.html", "does not exist"), (notes, "not a class report")):
        code, err = in_process(capsys, "grade", A, str(tmp_path / "class"), "--out", str(out), "--quiet",
                               "--report", str(report))
        assert code == 2 and said in err and len(err.strip().splitlines()) == 1, err
        assert not out.exists(), "nothing graded"
    assert notes.read_text() == "<p>mine</p>"



def test_a_zip_inside_the_class_is_named(tmp_path, capsys):
    """A re-zipped download (a zip holding the LMS's zip), or a folder holding it: say so, not 'empty'."""
    import zipfile

    inner = tmp_path / "submissions.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr(f"kim_1001_6001_{A}.ipynb", (ROOT / "solutions" / A / f"{A}.ipynb").read_text())
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as zf:
        zf.write(inner, "submissions.zip")
    (tmp_path / "downloads").mkdir()
    inner.rename(tmp_path / "downloads" / "submissions.zip")
    for given in ("outer.zip", "downloads"):
        code, err = in_process(capsys, "grade", A, str(tmp_path / given), "--out", str(tmp_path / "g.csv"))
        assert code == 2 and "submissions.zip" in err and "unzip" in err and len(err.strip().splitlines()) == 1, err


def test_the_summary_shows_lms_names_beside_ids(capsys):
    """Canvas and Moodle ids are numbers: the end-of-run table shows the name kept from the download."""
    from autograder.cli import print_summary

    print_summary({"1001": dict(score=8.0, max_score=10.0, status="graded", name="müller"),
                   "ann": dict(score=0.0, max_score=10.0, status="zero")})
    out = capsys.readouterr().out
    assert "1001 (müller)" in out and "ann " in out and "(" not in out.split("ann")[1].splitlines()[0]


def test_a_release_nbgrader_refuses_is_one_line(tmp_path, capsys):
    """nbgrader's log (tracebacks included) is not the error: its reason is, in one line."""
    import shutil

    course = tmp_path / "course"
    (course / "solutions" / "16_bad").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    nb = json.loads((ROOT / "solutions" / A / f"{A}.ipynb").read_text())
    test_ids = [c["metadata"]["nbgrader"] for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    test_ids[1]["grade_id"] = test_ids[0]["grade_id"]
    (course / "solutions" / "16_bad" / "16_bad.ipynb").write_text(json.dumps(nb))
    code, err = in_process(capsys, "--course", str(course), "release", "16_bad")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "Duplicate grade id" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "-1", "nan", "soon"])
def test_check_timeout_is_validated_when_parsed(tmp_path, capsys, value):
    from autograder.cli import main

    with pytest.raises(SystemExit) as parsed:
        main(["check", str(tmp_path / "x.ipynb"), "--timeout", value])
    err = capsys.readouterr().err
    assert parsed.value.code == 2 and "--timeout" in err and len(err.strip().splitlines()) == 1, err
