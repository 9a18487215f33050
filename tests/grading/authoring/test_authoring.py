"""A new exercise written with autograder/grading/authoring/source.py, as the page "Writing an exercise" says.

The issue's failures are authoring errors at release time now (validate), never zeros at
grading time: a test reading ``x`` from a plain code cell, a class (``Linear``) as deliverable.
A correct exercise releases, validates and grades (full marks / zero).
"""

import shutil
import subprocess
import sys

from autograder.grading.authoring import source as authoring
from autograder.grading.student.notebook import load_source
from autograder.grading.authoring.validate import static_errors, validate
from helpers.authoring_course import ANSWER, CHECKS, SETUP, TEST, course_with


def test_test_reading_a_plain_cells_variable_is_an_authoring_error(tmp_path):
    read_x = ("test", "assert np.allclose(double(x), 2 * x)", "test_double_x", 1)
    _, path = course_with(tmp_path, [SETUP, CHECKS, ("code", "x = np.arange(3.0)"), ANSWER, read_x])
    errors = static_errors(load_source(path))
    assert len(errors) == 1
    assert "test cell 'test_double_x' reads x, which no answer, setup or checks cell defines" in errors[0]


def test_class_deliverable_is_an_authoring_error(tmp_path):
    linear = ("solution", "class Linear:\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION", "Linear")
    uses = ("test", "assert Linear is not None", "test_linear", 1)
    _, path = course_with(tmp_path, [SETUP, CHECKS, linear, uses])
    errors = static_errors(load_source(path))
    assert len(errors) == 1 and "defines the class Linear; a class cannot cross the pipe" in errors[0]


def test_new_exercise_releases_validates_and_grades(tmp_path, venv_env):
    course, _ = course_with(tmp_path, [SETUP, CHECKS, ANSWER, TEST])
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "release", "01_new"],
                          capture_output=True, text=True, env=venv_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "validate 01_new: ok (01_new: solution 4/4, stub 0)" in done.stdout


def test_validate_names_a_solution_that_loses_points(tmp_path, venv_env):
    wrong = ("solution", ANSWER[1].replace("return 2 * x", "return x + x if np.ndim(x) else 0"), "double")
    course, _ = course_with(tmp_path, [SETUP, CHECKS, wrong, TEST])
    subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "release", "01_new",
                    "--no-validate"], check=True, capture_output=True, env=venv_env)
    errors, _ = validate(course, "01_new")
    assert len(errors) == 1 and errors[0].startswith("01_new: the solution earns 0/4 on test_double: double(3.0)")


def test_new_exercise_grades_with_class_report(tmp_path, venv_env):
    """The new exercise graded as a class: solution full marks, stub zero, the class report printed and written."""
    course, path = course_with(tmp_path, [SETUP, CHECKS, ANSWER, TEST])
    subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "release", "01_new",
                    "--no-validate"], check=True, capture_output=True, env=venv_env)
    for student, notebook in (("sol", path), ("stub", course / "exercises" / "01_new" / "01_new.ipynb")):
        (tmp_path / "class" / student / "01_new").mkdir(parents=True)
        shutil.copy(notebook, tmp_path / "class" / student / "01_new")
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "grade", "01_new",
                           str(tmp_path / "class"), "--out", str(tmp_path / "grades.csv"), "--quiet",
                           "--report", str(tmp_path / "report.html")],
                          capture_output=True, text=True, env=venv_env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Class report of 01_new: 2 scored (1 graded, 1 zero)" in done.stdout
    assert "test_double" in done.stdout and "1/2" in done.stdout and "50.0%" in done.stdout
    assert (tmp_path / "report.html").read_text().count("data:image/png;base64,") == 1


def test_build_creates_the_assignment_folder(tmp_path):
    """The authoring page's example writes solutions/14_something/14_something.ipynb into a fresh course:
    the folder is made, not a FileNotFoundError; an existing notebook is not overwritten unless asked."""
    path = tmp_path / "solutions" / "14_something" / "14_something.ipynb"
    authoring.build([SETUP, ANSWER, TEST], path)
    assert [t.grade_id for t in load_source(path).tests] == ["test_double"]
    import pytest

    with pytest.raises(FileExistsError, match="overwrite=True"):
        authoring.build([SETUP, ANSWER, TEST], path)
    authoring.build([SETUP, ANSWER, TEST], path, overwrite=True)
