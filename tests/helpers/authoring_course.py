"""A course of one new exercise, written with autograder/grading/authoring/source.py.

The cells of a correct exercise (``SETUP``, ``CHECKS``, ``ANSWER``, ``TEST``: ``double(x)``, 4 points)
and :func:`course_with`, which builds a course folder from such cells. Used by the authoring tests
and by the partial-credit tests.
"""

import shutil

from autograder.grading.authoring import source as authoring
from helpers.paths import ROOT

SETUP = ("setup", "import numpy as np", "setup")
CHECKS = ("checks", '''
def check_double(double, x):
    got = double(np.asarray(x, dtype=float))
    assert np.allclose(got, 2 * np.asarray(x)), f"double({x}) is {got}, should be {2 * np.asarray(x)}"
''', "checks")
ANSWER = ("solution", '''
def double(x):
    """x: array -> 2 x"""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
''', "double")
TEST = ("test", '''
"""double: twice its input."""
check_double(double, [1.0, 2.0])
check_double(double, 3.0)
### BEGIN HIDDEN TESTS
check_double(double, [7.0])
check_double(double, [-1.0, 0.5])
### END HIDDEN TESTS
''', "test_double", 4)


def course_with(tmp_path, cells, name="01_new", partial_credit=False):
    """A course folder holding one assignment built from ``cells``; returns (course, source path)."""
    course = tmp_path / "course"
    folder = course / "solutions" / name
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    path = folder / f"{name}.ipynb"
    authoring.build([("md", "# A new exercise")] + cells, path, partial_credit=partial_credit)
    return course, path
