"""``python -m autograder check NOTEBOOK``: a student's notebook against its visible tests.

The tests come from the released exercise (exercises/), not from the student's
copy, and the student's code runs in the same sandboxed worker as in grading.
"""

import json
from pathlib import Path

from autograder.grading.judge import grade_notebook
from autograder.grading.notebook import load_source, load_student
from autograder.grading.text import clean


def grade_ids(nb):
    """The nbgrader grade_ids (text) of a notebook dict; malformed cells count for nothing."""
    ids = set()
    for cell in nb.get("cells", []):
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
        gid = nbg.get("grade_id") if isinstance(nbg, dict) else None
        if isinstance(gid, str):
            ids.add(gid)
    return ids


def find_release(course, path, nb):
    """The released notebook that ``nb`` answers: same name, else most grade_ids in common."""
    released = sorted(Path(course).glob("exercises/*/*.ipynb"))
    for candidate in released:
        if candidate.stem == Path(path).stem:
            return candidate
    ids = grade_ids(nb)
    scored = [(len(ids & grade_ids(json.loads(c.read_text()))), c) for c in released]
    best = max(scored, default=(0, None))
    return best[1] if best[0] else None


def check(path, course, limits):
    """(release path, NotebookResult) or raise BrokenNotebook / LookupError."""
    nb = load_student(path)
    release = find_release(course, path, nb)
    if release is None:
        raise LookupError(f"{clean(Path(path).name, 200, False)} does not match any exercise in "
                          f"{Path(course) / 'exercises'}")
    return release, grade_notebook(load_source(release), path, limits)


def report(release, result):
    """The per-exercise report printed to the student."""
    lines = [f"{release.parent.name}: visible tests (the grader also runs hidden ones)"]
    for test in result.tests:
        mark = "\N{CHECK MARK}" if test.passed else "\N{BALLOT X}"
        lines.append(f"  {mark} {test.grade_id:<28} {test.points:g}/{test.max_points:g}")
        if not test.passed:
            lines.append(f"      {test.message}")
    lines += [f"  ! {p}" for p in result.problems]
    total = sum(t.max_points for t in result.tests)
    lines.append(f"Visible tests: {result.score:g}/{total:g} points")
    return "\n".join(lines)
