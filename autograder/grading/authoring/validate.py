"""``python -m autograder validate ASSIGNMENT``: what the grader cannot handle is an authoring error now.

Run by ``release`` (and for every assignment by tests/grading/authoring/test_assignments_odd.py and _even.py). Two
kinds of check, each failure one line:

- static, on the source notebook: a deliverable that is a class (it cannot cross
  the pipe between the student's process and the grader), a test that reads a
  name no answer, setup or checks cell defines (a plain code cell is the
  student's to change or delete, and the checks cell is not in their notebook);
- through the real grader (``judge.grade_notebook``, sandboxed worker): the
  source's own solution must earn full marks and the released stub
  (``exercises/NAME/NAME.ipynb``) zero on every test;
- the Korean notebook (``exercises/NAME/ko/NAME.ipynb``, where ``solutions/NAME/NAME.ko-text.md``
  exists): its text translates the current English cells, and it is exactly what ``release``
  makes of the English release (so its code cells, ids and points are the English ones).
"""

import ast
import builtins
from pathlib import Path

from autograder.grading.authoring import korean
from autograder.grading.student.notebook import load_source, top_level_names, used_names


def static_errors(source):
    """One line per problem the grader would turn into a zero at grading time."""
    from autograder.grading.student.judge import trusted_namespace

    errors = []
    for gid, code in source.solutions.items():
        for name in defined_classes(code):
            errors.append(f"{source.name}: answer cell '{gid}' defines the class {name}; a class cannot cross "
                          "the pipe from the student's process to the grader: grade functions instead "
                          f"(e.g. {name.lower()}_forward(params, x)) or test the class inside the test cell's "
                          "call of a student function")
    try:
        namespace = trusted_namespace(source)
    except Exception as exc:  # noqa: BLE001 - the author's setup/checks cells themselves fail
        return errors + [f"{source.name}: the setup and checks cells fail in the grader: "
                         f"{type(exc).__name__}: {exc}"]
    known = set(namespace) | set(source.deliverables)
    for test in source.tests:
        try:
            names = used_names(test.source)
        except SyntaxError as exc:
            errors.append(f"{source.name}: test cell '{test.grade_id}' does not compile ({exc.msg}, line {exc.lineno})")
            continue
        local = set(top_level_names(test.source)) | _bound_inside(test.source)
        for name in sorted(names - known - local):
            if not hasattr(builtins, name):
                errors.append(f"{source.name}: test cell '{test.grade_id}' reads {name}, which no answer, setup or "
                              "checks cell defines (a plain code cell is the student's to change): define it in "
                              "the test cell, a locked setup cell or the checks cell, or make it a deliverable")
    return errors


def defined_classes(code):
    """Names ``code`` defines with ``class`` at top level."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, ast.ClassDef)]


def _bound_inside(code):
    """Names bound anywhere in ``code`` (loop variables, comprehensions, imports, function arguments)."""
    bound = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return bound


def graded_errors(source, solution, stub, limits=None):
    """Lines for every test the solution does not pass in full, or the stub passes in part."""
    from autograder.grading.student.judge import grade_notebook
    from autograder.grading.student.remote import Limits

    limits = limits or Limits(timeout=120.0, allow_weak=True)  # the author's own code
    errors, totals = [], {}
    for who, path, wanted in (("the solution", solution, "full"), ("the released stub", stub, "zero")):
        if not Path(path).exists():
            errors.append(f"{source.name}: {path} is missing (run python -m autograder release {source.name})")
            continue
        result = grade_notebook(source, path, limits)
        totals[who] = result.score
        errors += [f"{source.name}: {who}: {p}" for p in result.problems]
        for test in result.tests:
            if wanted == "full" and not test.passed:
                errors.append(f"{source.name}: {who} earns {test.points:g}/{test.max_points:g} on "
                              f"{test.grade_id}: {test.full_message or test.message}")
            elif wanted == "zero" and test.points > 0:
                errors.append(f"{source.name}: {who} earns {test.points:g} on {test.grade_id}: the test passes "
                              "without the student's code")
    return errors, totals


def korean_errors(course, name):
    """One line per way the Korean notebook of ``name`` is stale or missing (none without a .ko-text.md)."""
    import nbformat

    from autograder.grading.authoring import korean

    sections = korean.read_texts(course, name)
    english = Path(course) / "exercises" / name / f"{name}.ipynb"
    if sections is None or not english.exists():
        return []
    english_nb = nbformat.read(english, as_version=4)
    problems = korean.stale(korean.english_texts(english_nb), sections)
    if problems:
        return [f"{name}: {korean.text_path(course, name)}: {p}" for p in problems]
    path = korean.release_path(course, name)
    if not path.exists():
        return [f"{name}: {path} is missing (run python -m autograder release {name})"]
    if nbformat.read(path, as_version=4) != korean.koreanize(english_nb, sections):
        return [f"{name}: {path} is not what release makes of the English notebook and "
                f"{korean.text_path(course, name).name} (run python -m autograder release {name})"]
    return []


def validate(course, name, limits=None):
    """(errors, summary line) for assignment ``name`` of the course at ``course``."""
    folder = Path(course) / "solutions" / name
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        return [f"{name}: no source notebook in {folder}"], ""
    errors, parts = [], []
    for path in paths:
        source = load_source(path)
        found = static_errors(source)
        if found:  # grading would only repeat these as zeros
            errors += found
            continue
        stub = Path(course) / "exercises" / name / path.name
        found, totals = graded_errors(source, path, stub, limits)
        errors += found
        parts.append(f"{path.stem}: solution {totals.get('the solution', 0):g}/{source.max_score:g}, "
                     f"stub {totals.get('the released stub', 0):g}")
    found = korean_errors(course, name)
    errors += found
    if not found and korean.release_path(course, name).exists():
        parts.insert(0, "Korean notebook in step")  # first: the summary ends with the English totals
    return errors, "; ".join(parts)
