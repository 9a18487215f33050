"""Partial credit (an assignment option) and the same verdict in the notebook and the grader."""

import nbformat
import pytest

from autograder.checks import ex04_softmax_losses as ex04
from autograder.checks.compare import CheckFailed
from autograder.grading.student.judge import grade_notebook
from autograder.grading.student.notebook import cases, load_source
from autograder.grading.student.remote import Limits
from autograder.ref_numpy import losses
from helpers.authoring_course import ANSWER, CHECKS, SETUP, TEST, course_with

LIMITS = Limits(timeout=30.0, allow_weak=True)


def _student(path, tmp_path, body, extra=None):
    """The source notebook with the answer cell's body replaced (and an added cell after it)."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "double":
            cell.source = f"def double(x):\n    {body}"
            if extra:
                nb.cells.insert(i + 1, nbformat.v4.new_code_cell(extra))
            break
    out = tmp_path / "student.ipynb"
    nbformat.write(nb, out)
    return out


def _grade(tmp_path, partial, body, extra=None):
    _, path = course_with(tmp_path, [SETUP, CHECKS, ANSWER, TEST], partial_credit=partial)
    source = load_source(path)
    assert source.partial_credit is partial
    return grade_notebook(source, _student(path, tmp_path, body, extra), LIMITS).tests[0]


def test_cases_one_per_check_call():
    found = cases(TEST[1], partial=True)
    assert [(c.index, c.hidden) for c in found] == [(1, False), (2, False), (3, True), (4, True)]
    assert found[1].text == "check_double(double, 3.0)"
    assert [c.hidden for c in cases(TEST[1])] == [False, True]  # whole cell: visible part, hidden part


def test_partial_credit_shares_and_names_the_failed_cases(tmp_path):
    # right for arrays of size > 1 only: fails case 2 (visible, a number) and case 3 (hidden, one entry)
    test = _grade(tmp_path, True, "return 2 * x if np.size(x) > 1 else x")
    assert (test.points, test.max_points) == (2.0, 4.0)
    assert test.message.startswith("case 2 of 4 (`check_double(double, 3.0)`): double(3.0) is 3.0")
    assert "; hidden case 3 of 4: a hidden test failed: wrong value" in test.message
    assert "[7.]" not in test.message  # the hidden input stays hidden


def test_whole_cell_is_the_default(tmp_path):
    test = _grade(tmp_path, False, "return 2 * x if np.size(x) > 1 else x")
    assert test.points == 0.0 and test.message.startswith("double(3.0) is 3.0")


def test_partial_credit_full_marks(tmp_path):
    test = _grade(tmp_path, True, "return 2 * x")
    assert test.points == test.max_points == 4.0 and test.message == ""


def test_grader_names_the_cell_that_rebinds_a_function(tmp_path):
    test = _grade(tmp_path, False, "return 2 * x", extra="double = double(3.0)")
    assert test.points == 0.0
    assert "double should be the function of answer cell 'double', but cell" in test.message
    assert "rebinds the name (to a float): rename the variable in that cell" in test.message


@pytest.fixture
def notebook_binds(monkeypatch):
    """Bind a name in ``__main__`` as an answer cell of a notebook does."""
    import __main__

    return lambda name, value: monkeypatch.setattr(__main__, name, value, raising=False)


def test_check_in_notebook_refuses_the_course_reference(notebook_binds):
    notebook_binds("mae", losses.mae)  # `from autograder.ref_numpy.losses import mae` in an answer cell
    with pytest.raises(CheckFailed, match=r"mae comes from autograder\.ref_numpy\.losses.*would score 0"):
        ex04.check_mae(losses.mae)


def test_check_accepts_the_students_own_function(notebook_binds, capsys):
    def mae(pred, target):
        return losses.mae(pred, target)  # the student's own function (that it calls the reference is not seen)

    notebook_binds("mae", mae)
    ex04.check_mae(mae)
    assert "\N{CHECK MARK}" in capsys.readouterr().out


def test_real_kernel_refuses_the_course_reference(venv_env, monkeypatch):
    """In a Jupyter kernel (nbclient, as the student runs it) the imported reference gets ✗, not ✓."""
    import nbclient

    for key, value in venv_env.items():
        monkeypatch.setenv(key, value)
    cell = ("from autograder.ref_numpy.losses import mae\n"
            "from autograder.checks.ex04_softmax_losses import check_mae\ncheck_mae(mae)")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="mae comes from autograder.ref_numpy.losses"):
        nbclient.NotebookClient(nb, timeout=120).execute()
