"""The worker runs plain-Python cells without IPython, with IPython's semantics; magics cost no points.

Issue 24: a correct answer whose cell starts with ``%matplotlib inline`` lost 3 of 10
points (the worker's bare InteractiveShell could not "enable a GUI"); ``!pip install``
lines likewise. And most notebooks need no IPython at all: its start was a fifth of a
worker's, so the worker runs a cell as plain Python when IPython would run the same code.
"""

import json
import subprocess
import sys
import textwrap

import pytest
from helpers.grader_attacks import limits

from helpers.paths import ROOT

from autograder.grading.student.judge import grade_notebook
from autograder.grading.student.notebook import load_source

A = "01_perceptron"
SOURCE = ROOT / "solutions" / A / f"{A}.ipynb"
SOLUTION = json.loads(SOURCE.read_text())
GOOD = "def perceptron(X, w, b):\n    return (X @ w + b > 0).astype(float)\n"
WORKER = ROOT / "autograder" / "grading" / "student" / "worker.py"


def with_cell(source):
    """The 01_perceptron solution with its perceptron answer cell replaced by ``source``."""
    nb = json.loads(json.dumps(SOLUTION))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "perceptron":
            cell["source"] = source
    return nb


def grade(tmp_path, nb):
    path = tmp_path / f"{A}.ipynb"
    path.write_text(json.dumps(nb))
    return grade_notebook(load_source(SOURCE), path, limits(timeout=20.0))


@pytest.mark.parametrize("first_lines", [
    "%matplotlib inline\n",
    "%matplotlib inline\n%config InlineBackend.figure_format = 'retina'\n",
    "%matplotlib notebook\n",
    "%matplotlib qt\n",
    "!pip install numpy\n",
    "%pylab inline\n",
])
def test_display_magics_and_shell_lines_cost_no_points(tmp_path, first_lines):
    result = grade(tmp_path, with_cell(first_lines + "import matplotlib.pyplot as plt\n" + GOOD))
    assert result.score == 10.0, [(t.grade_id, t.message) for t in result.tests if not t.passed]
    assert not result.error and not result.problems


def test_a_syntax_error_names_its_line_not_ipythons_cell_file(tmp_path):
    result = grade(tmp_path, with_cell(GOOD + "\n\nx = (1,\n"))
    message = next(t.message for t in result.tests if t.grade_id == "test_perceptron")
    assert "SyntaxError: incomplete input (line 5)" in message, message
    assert "<ipython-input" not in message and "<cell" not in message


def test_a_wrong_answer_after_a_magic_still_loses_its_points(tmp_path):
    wrong = GOOD.replace("> 0", ">= 0")
    result = grade(tmp_path, with_cell("%matplotlib inline\n" + wrong))
    assert result.score == 7.0
    assert [t.grade_id for t in result.tests if not t.passed] == ["test_perceptron"]


#: Runs cells two ways in a fresh process: the worker's ``Cells`` (plain Python where possible)
#: and an IPython shell for every cell, as the worker did before. Prints what each saw.
COMPARE = textwrap.dedent('''
    import importlib.util, json, sys
    spec = importlib.util.spec_from_file_location("worker", sys.argv[1])
    worker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(worker)
    cells = json.loads(sys.argv[2])

    def summary(ns):
        return {k: repr(v) for k, v in ns.items() if not k.startswith("_") and k not in worker.IPYTHON_NAMES
                and not callable(v) and type(v).__name__ != "module"}

    plain = worker.Cells()
    errors = [plain.run(c) for c in cells]
    result = {"plain": [errors, summary(plain.user_ns), sorted(k for k, v in plain.user_ns.items() if callable(v)),
                        "IPython.core.interactiveshell" in sys.modules]}
    shell = worker.start_shell(worker.Cells().module)
    errors = [worker.run_cell(shell, c) for c in cells]
    result["ipython"] = [errors, summary(shell.user_ns),
                         sorted(k for k, v in shell.user_ns.items() if callable(v) and k not in worker.IPYTHON_NAMES)]
    print(json.dumps(result))
''')


def run_both(cells):
    done = subprocess.run([sys.executable, "-I", "-c", COMPARE, str(WORKER), json.dumps(cells)],
                          capture_output=True, text=True, timeout=120, env={"MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_plain_cells_run_without_ipython_and_as_ipython_runs_them():
    cells = [
        "import numpy as np",
        "\n\n   \nx = np.arange(3)\ny = undefined_name\n",  # leading blank lines: IPython's line numbers
        "def f(a):\n    return a / 0\n",
        "z = f(1)",
        "class C:\n    k = 2\nname = __name__\nc = C.k\n",
        "import sys\nmain_is_ns = sys.modules['__main__'].__dict__ is globals()\n",
        "def g():\n    raise ValueError('no')\ng()\n",
        "raise SystemExit(3)",
        "w = x * 2  # a comment\n",
        "",
        "  \n\n",
        "# only a comment",
    ]
    result = run_both(cells)
    plain, ipython = result["plain"], result["ipython"]
    assert plain[3] is False, "no cell needed IPython: it was never imported"
    assert plain[0] == ipython[0], "same error descriptions, line numbers included"
    assert plain[0][1] == "NameError: name 'undefined_name' is not defined (line 2)"
    assert plain[1] == ipython[1], "same values in the namespace"
    assert plain[1]["name"] == "'__main__'" and plain[1]["main_is_ns"] == "True"
    assert plain[2] == ipython[2], "same functions and classes"


def test_cells_that_need_ipython_get_it():
    """Magics, escapes, IPython's names and syntax errors start IPython, on the same namespace."""
    cells = ["a = 1", "%time b = a + 1", "c = get_ipython() is not None", "def h(:\n", "d = b + 1",
             "for _ in range(2):\n    pass\ne = _\n"]
    plain, ipython = run_both(cells)["plain"], run_both(cells)["ipython"]
    assert plain[3] is True
    assert plain[0] == ipython[0] and plain[0][3].startswith("SyntaxError: invalid syntax")
    assert plain[1] == ipython[1] and plain[1]["d"] == "3" and plain[1]["c"] == "True"


def test_a_sandboxed_worker_starts_from_precompiled_code_without_ipython():
    """The grader's worker imports worker.py compiled once per run (no compile per student) and
    runs plain cells without ever importing IPython."""
    from autograder.grading.student.remote import Worker

    worker = Worker(limits(timeout=20.0))
    try:
        assert worker.run("import os, sys\ncached = sys.modules['worker'].__cached__\n"
                          "compiled = os.path.exists(cached)\nipython = 'IPython' in sys.modules\n") is None
        assert worker.get("compiled")["value"] is True and worker.get("ipython")["value"] is False
        assert worker.run("%matplotlib inline\nafter = 'IPython' in sys.modules\n") is None
        assert worker.get("after")["value"] is True, "a magic starts IPython on demand"
    finally:
        worker.close()
