"""Small submissions of 04_softmax_losses built in code, for the grader's attack tests.

Each helper returns a notebook dict: the solution (or the stub) with some cells
changed, added or broken, written to a file by ``write``.
"""

import copy
import json

from helpers.paths import ROOT

from autograder.grading.student.notebook import load_source
from autograder.grading.student.remote import Limits

A = "04_softmax_losses"
FULL = 10.0
SOLUTION = json.loads((ROOT / "solutions" / A / f"{A}.ipynb").read_text())
STUB = json.loads((ROOT / "exercises" / A / f"{A}.ipynb").read_text())
SOURCE_PATH = ROOT / "solutions" / A / f"{A}.ipynb"
#: The points of each test, in the source's order.
POINTS = {"test_softmax": 3.0, "test_cross_entropy": 3.0, "test_binary_cross_entropy": 2.0,
          "test_mae": 1.0, "test_rmse": 1.0}

#: Right for every input (the textbook's stable formulas), as a student would write them.
STABLE = {
    "softmax": "def softmax(logits):\n    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
               "    return e / e.sum(axis=1, keepdims=True)\n",
    "cross_entropy": "def cross_entropy(logits, labels):\n    m = logits.max(axis=1, keepdims=True)\n"
                     "    lp = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))\n"
                     "    return float(-lp[np.arange(len(labels)), labels].mean())\n",
    "binary_cross_entropy": "def binary_cross_entropy(logits, targets):\n"
                            "    return float(np.mean(np.maximum(logits, 0) - targets * logits"
                            " + np.log1p(np.exp(-np.abs(logits)))))\n",
    "mae": "def mae(pred, target):\n    return float(np.mean(np.abs(pred - target)))\n",
    "rmse": "def rmse(pred, target):\n    return float(np.sqrt(np.mean((pred - target) ** 2)))\n",
}


def source():
    """The trusted source notebook (a SourceNotebook)."""
    return load_source(SOURCE_PATH)


def limits(timeout=10.0):
    """Worker limits for these tests; the weak sandbox is allowed where bubblewrap is missing."""
    return Limits(timeout=timeout, memory_mb=1024, allow_weak=True)


def grade_id(cell):
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    nbg = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return nbg.get("grade_id") if isinstance(nbg, dict) else None


def edit(nb, **cells):
    """A copy of ``nb`` whose cells with the given grade_ids get new sources (any JSON value)."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if grade_id(cell) in cells:
            cell["source"] = cells[grade_id(cell)]
    return nb


def add_cells(nb, *sources, after="setup"):
    """A copy of ``nb`` with plain code cells (sources: any JSON value) after the cell ``after``."""
    nb = copy.deepcopy(nb)
    at = next(i for i, c in enumerate(nb["cells"]) if grade_id(c) == after) + 1
    new = [dict(cell_type="code", execution_count=None, metadata={}, outputs=[], source=s) for s in sources]
    nb["cells"][at:at] = new
    return nb


def write(folder, nb, name=A):
    """Write ``nb`` (a dict, or raw text) as ``folder/name.ipynb``; return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    path.write_text(nb if isinstance(nb, str) else json.dumps(nb))
    return path
