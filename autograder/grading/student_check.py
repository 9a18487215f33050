"""``python -m autograder check NOTEBOOK``: a student's notebook against its visible tests.

The tests come from the released exercise (the course's exercises/, or the copy inside
the installed student kit), not from the student's copy, which is recognized by its
cells' grade_ids wherever it sits and whatever it is called. The student's code runs in
the same worker as in grading: sandboxed where bubblewrap runs, else (macOS, Windows, a
laptop without bubblewrap) a plain subprocess with the same deadlines, which
``sandbox_line`` says in one line.
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


def graded_ids(nb):
    """The grade_ids of a notebook's solution and test cells: what tells one exercise from another
    (every exercise also has 'setup', 'checks' and 'md_N' cells)."""
    ids = set()
    for cell in nb.get("cells", []):
        nbg = (cell.get("metadata") or {}).get("nbgrader") if isinstance(cell, dict) else None
        if isinstance(nbg, dict) and (nbg.get("solution") or nbg.get("grade")) \
                and isinstance(nbg.get("grade_id"), str):
            ids.add(nbg["grade_id"])
    return ids


def releases(course):
    """The released notebooks ``check`` knows: the course's exercises/ and the ones inside the
    installed package (the student kit ships them there, so any folder will do)."""
    import autograder

    found = {}
    for folder in (Path(course) / "exercises", Path(autograder.__file__).parent / "exercises"):
        for path in sorted(folder.glob("*/*.ipynb")):
            found.setdefault(path.parent.name, path)
    return [found[name] for name in sorted(found)]


def find_release(course, path, nb):
    """The released notebook that ``nb`` answers, from its content: the release sharing most of
    its solution and test grade_ids (the file's name and folder play no part: students rename
    and copy notebooks)."""
    ids = grade_ids(nb)
    scored = sorted(((len(ids & graded_ids(json.loads(c.read_text(encoding="utf-8")))), c)
                     for c in releases(course)), key=lambda pair: -pair[0])
    if not scored or not scored[0][0]:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        raise LookupError(f"{clean(Path(path).name, 200, False)} matches {scored[0][1].parent.name} and "
                          f"{scored[1][1].parent.name} equally; check the notebook of one exercise")
    return scored[0][1]


def check(path, course, limits, say=None):
    """(release path, NotebookResult) or raise BrokenNotebook / LookupError.

    say: called with ``sandbox_line()`` once the notebook is known to be an exercise and is
    about to run outside the sandbox (a refused notebook stays one line)."""
    nb = load_student(path)
    release = find_release(course, path, nb)
    if release is None:
        raise LookupError(f"{clean(Path(path).name, 200, False)} has the cells of no exercise of the course "
                          "(its graded cells' grade_ids match none): is it an exercise notebook?")
    line = sandbox_line() if say else None
    if line:
        say(line)
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


def sandbox_line():
    """One line for the student when their notebook runs outside the sandbox, else None."""
    from autograder.grading import sandbox

    if sandbox.mode() == "bubblewrap":
        return None
    return (f"check: not sandboxed ({sandbox.unavailable_reason()}): your notebook runs in a plain "
            "subprocess with the same time limits (fine on your own machine)")
