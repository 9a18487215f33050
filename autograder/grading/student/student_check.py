"""``python -m autograder check NOTEBOOK``: a student's notebook against its visible tests.

The tests come from the released exercise (the course's exercises/, or the copy inside
the installed student kit), not from the student's copy, which is recognized by its
cells' grade_ids wherever it sits and whatever it is called. The student's code runs in
the same worker as in grading: sandboxed where bubblewrap runs, else (macOS, a laptop
without bubblewrap) the worker as a plain subprocess with the same deadlines; on Windows,
where that worker's channel cannot run (no poll(), no inherited fds), ``run_plain`` runs the
notebook and the visible tests in a plain child Python, a deadline per cell.
``sandbox_line`` says in one line that the run is not sandboxed.
"""

import json
import os
import queue
import select
import subprocess
import sys
import threading
from pathlib import Path

from autograder.checks import messages
from autograder.grading.student.judge import NotebookResult, TestResult, grade_notebook
from autograder.grading.student.notebook import (child_messages_in, load_source, load_student, messages_in,
                                                 notebook_language, student_cells)
from autograder.grading.student.text import clean


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
    and copy notebooks). A Korean notebook (metadata ``dlcourse.language: ko``) has the same
    graded cells as the English one: it gets the Korean release (``ko/`` beside the English)."""
    found = _find_release(course, path, nb)
    if found is not None and notebook_language(nb) != "en":
        translated = found.parent / notebook_language(nb) / found.name
        return translated if translated.is_file() else found
    return found


def _find_release(course, path, nb):
    """The English release whose graded grade_ids ``nb`` shares most (None: none)."""
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
    source = load_source(release)
    if plain_only():
        with child_messages_in(None if notebook_language(nb) == "en" else notebook_language(nb)):
            return release, run_plain(source, nb, limits.timeout)  # its child inherits DLCOURSE_LANG
    return release, grade_notebook(source, path, limits)


def report(release, result):
    """The per-exercise report printed to the student (in Korean for a Korean release, ``ko/NAME.ipynb``;
    its own lines come from the checks' catalogue, autograder/checks/ko/student_check.py)."""
    korean = release.parent.name == "ko"
    name = release.parent.parent.name if korean else release.parent.name
    with messages_in("ko" if korean else None):
        return _report_lines(name, result)


def _report_lines(name, result):
    """The report's lines, in the language of the enclosing messages_in block."""
    lines = [messages.say("{name}: visible tests (the grader also runs hidden ones)", name=name)]
    for test in result.tests:
        mark = "\N{CHECK MARK}" if test.passed else "\N{BALLOT X}"
        lines.append(f"  {mark} {test.grade_id:<28} {test.points:g}/{test.max_points:g}")
        if not test.passed:
            lines.append(f"      {test.message}")
    lines += [f"  ! {p}" for p in result.problems]
    total = sum(t.max_points for t in result.tests)
    lines.append(messages.say("Visible tests: {score:g}/{total:g} points", score=result.score, total=total))
    return "\n".join(lines)


def sandbox_line():
    """One line for the student when their notebook runs outside the sandbox, else None."""
    from autograder.grading.student import sandbox

    if plain_only():
        return ("check: not sandboxed (this system cannot run the grader's worker): your notebook runs in a "
                "plain Python process with the same time limits per cell (fine on your own machine)")
    if sandbox.mode() == "bubblewrap":
        return None
    return (f"check: not sandboxed ({sandbox.unavailable_reason()}): your notebook runs in a plain "
            "subprocess with the same time limits (fine on your own machine)")


def plain_only():
    """True where the grader's worker cannot run at all: Windows (no poll(), no fds passed to a
    child, no preexec_fn). ``DLCOURSE_PLAIN_CHECK=1`` asks for it anywhere (for tests)."""
    return os.name == "nt" or not hasattr(select, "poll") or bool(os.environ.get("DLCOURSE_PLAIN_CHECK"))


#: Run by ``run_plain`` in a child Python: reads the cells as JSON on stdin, runs them in one
#: IPython shell, writes one JSON line per cell on the original stdout (the cells' own output
#: goes to stderr). Only the standard library and IPython: no Unix-only module.
RUNNER = r"""
import json, os, sys
out = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr
job = json.loads(sys.stdin.read())
os.environ["MPLBACKEND"] = "Agg"  # figures drawn off-screen, if a cell imports matplotlib
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
for kind, label, code in job:
    result = shell.run_cell(code, silent=True)
    exc = result.error_before_exec or result.error_in_exec
    message = None
    if exc is not None:
        message = str(exc) if isinstance(exc, AssertionError) and str(exc) else f"{type(exc).__name__}: {exc}"
    out.write(json.dumps([kind, label, message]) + "\n")
    out.flush()
"""


def run_plain(source, nb, timeout, restarts=3):
    """A NotebookResult from the student's notebook run in a plain child Python, the visible tests
    in the same namespace (where the worker cannot run: ``plain_only``). Each cell and test has
    ``timeout`` seconds, as in the worker; a cell past it (or one that kills Python) is left out
    and the notebook run again without it, as the grader's session does (at most ``restarts``
    times); a test past it fails."""
    cells, _, problems = student_cells(source, nb)
    setup = len(source.setup)
    job = [["cell", label, code] for label, code in cells[:setup]]
    job += [["cell", "checks", code] for code in source.checks]
    job += [["cell", label, code] for label, code in cells[setup:]]
    job += [["test", test.grade_id, test.parts[0]] for test in source.tests]  # visible part (a release has no other)
    result = NotebookResult(source.name, problems=[clean(p, 300, False) for p in problems], sandbox="none")
    verdicts = {}
    for _ in range(restarts + 1):
        broke = _run_job(job, timeout, verdicts)
        if broke is None:
            break
        index, why = broke
        result.problems.append(why)
        if job[index][0] == "test":
            verdicts[job[index][1]] = why
        job = [step for i, step in enumerate(job) if i != index and not (step[0] == "test" and step[1] in verdicts)]
    for test in source.tests:
        message = verdicts.get(test.grade_id, "not run: the notebook's process stopped too often")
        text = "" if message is None else clean(message, 2000)
        result.tests.append(TestResult(test.grade_id, test.points if message is None else 0.0, test.points, text,
                                       full_message=text))
    return result


def _run_job(job, timeout, verdicts):
    """Run ``job`` in a fresh child; record each test's message (None: passed) in ``verdicts``.
    None when all ran, else (index of the step that timed out or killed the child, why)."""
    lines = queue.Queue()
    proc = subprocess.Popen([sys.executable, "-c", RUNNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
    threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
    try:
        proc.stdin.write(json.dumps(job))
        proc.stdin.close()
        for index, (kind, label, _) in enumerate(job):
            what = "the checks" if label == "checks" else label
            # The setup and checks cells import NumPy and PyTorch, and a test cell also computes the
            # checks' references: as the worker's start, a minute at least. A student's cell: ``timeout``.
            wait = timeout if kind == "cell" and index > 1 and label != "checks" else max(timeout, 60.0)
            try:
                line = lines.get(timeout=wait)
            except queue.Empty:
                return index, f"timed out after {wait:g} s while running {what}"
            if line is None:
                return index, f"the notebook's process exited while running {what}"
            _, _, message = json.loads(line)
            if kind == "test":
                verdicts[label] = message
    except OSError:  # the child died before reading its cells
        return 0, "the notebook's process could not start"
    finally:
        proc.kill()
        proc.wait()
    return None


def _pump(stream, lines):
    """Lines of ``stream`` into ``lines``, then None (the child is gone)."""
    for line in stream:
        lines.put(line)
    lines.put(None)
