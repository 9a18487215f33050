"""Grade one student's notebook: run their code in a worker, run the trusted tests here.

The tests are the source notebook's test cells (hidden tests included). They run
in this process, in a namespace built from the source's setup and checks cells;
each deliverable a test uses is bound to the student's value, fetched as plain
data, or to a ``RemoteFunction`` that calls into the worker.
"""

import builtins
from dataclasses import dataclass, field

from IPython.core.inputtransformer2 import TransformerManager

from autograder.checks.compare import NotImplementedYet, quiet
from autograder.grading.notebook import BrokenNotebook, load_student, student_cells, top_level_names, used_names
from autograder.grading.remote import RemoteFunction, Worker, WorkerGone

#: How many times one submission may kill or hang its process before the rest scores 0.
MAX_RESTARTS = 3


@dataclass
class TestResult:
    grade_id: str
    points: float
    max_points: float
    message: str = ""

    @property
    def passed(self):
        return self.points == self.max_points


@dataclass
class NotebookResult:
    notebook: str
    tests: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def score(self):
        return sum(t.points for t in self.tests)


class Session:
    """One student's worker, restarted (without the cells that broke it) when needed."""

    def __init__(self, cells, limits):
        self.cells, self.limits = cells, limits
        self.skip, self.errors, self.restarts = {}, {}, 0
        self.worker = None

    def ensure(self):
        """A live worker that has run every cell not known to hang or crash it."""
        while self.worker is None or not self.worker.alive:
            if self.worker is not None:
                self.worker.close()
                self.restarts += 1
                if self.restarts > MAX_RESTARTS:
                    raise WorkerGone(f"the notebook's process was restarted {MAX_RESTARTS} times; giving up")
            self.worker = Worker(self.limits)
            self._run_cells()
        return self.worker

    def _run_cells(self):
        for label, code in self.cells:
            if label in self.skip:
                continue
            try:
                error = self.worker.run(code)
            except WorkerGone as exc:
                self.skip[label] = str(exc)
                return
            if error:
                self.errors[label] = error

    def close(self):
        if self.worker is not None:
            self.worker.close()


def grade_notebook(source, path, limits):
    """Score the student's notebook at ``path`` against ``source`` (a SourceNotebook)."""
    result = NotebookResult(source.name)
    try:
        nb = load_student(path)
    except BrokenNotebook as exc:
        result.problems.append(str(exc))
        result.tests = [TestResult(t.grade_id, 0.0, t.points, str(exc)) for t in source.tests]
        return result
    cells, missing = student_cells(source, nb)
    session = Session(cells, limits)
    try:
        namespace = trusted_namespace(source)
        for test in source.tests:
            result.tests.append(run_test(test, session, namespace, source, missing))
    finally:
        session.close()
    result.problems += [f"{label}: {why}" for label, why in session.skip.items()]
    return result


def trusted_namespace(source):
    """Globals built from the source's setup and checks cells (magics dropped)."""
    namespace = {"__name__": "__grader__", "get_ipython": lambda: _NoShell()}
    transform = TransformerManager().transform_cell
    for code in source.setup + source.checks:
        exec(compile(transform(code), "<setup>", "exec"), namespace)
    return namespace


def run_test(test, session, namespace, source, missing):
    """Run one trusted test cell; full points or zero with the reason."""
    token = quiet.set(True)
    try:
        scope = dict(namespace)
        worker = session.ensure()
        for name in sorted(student_names(test.source, namespace, source)):
            scope[name] = resolve(worker, name, session, source, missing)
        exec(compile(test.source, f"<{test.grade_id}>", "exec"), scope)
        return TestResult(test.grade_id, test.points, test.points)
    except NotImplementedYet as exc:
        return TestResult(test.grade_id, 0.0, test.points, str(exc))
    except AssertionError as exc:
        return TestResult(test.grade_id, 0.0, test.points, str(exc) or "a check failed")
    except WorkerGone as exc:
        return TestResult(test.grade_id, 0.0, test.points, str(exc))
    except Exception as exc:  # noqa: BLE001 - any other failure scores 0 with its reason
        return TestResult(test.grade_id, 0.0, test.points, f"{type(exc).__name__}: {exc}")
    finally:
        quiet.reset(token)


def student_names(code, namespace, source):
    """Names a test reads that must come from the student: deliverables, and any name
    the trusted namespace and builtins do not define (never one they do)."""
    free = {n for n in used_names(code) if n not in namespace and not hasattr(builtins, n)}
    return (free | (used_names(code) & set(source.deliverables))) - set(namespace)


def resolve(worker, name, session, source, missing):
    """The student's ``name`` as plain data or a RemoteFunction; AssertionError if unusable."""
    info = worker.get(name)
    if info["kind"] == "callable":
        return RemoteFunction(worker, name)
    if info["kind"] == "value":
        return info["value"]
    if info["kind"] == "bad":
        raise AssertionError(f"{name} should be a NumPy array or a number, but it is {info['type']}.")
    why = _why_missing(name, session, source, missing)
    raise AssertionError(f"{name} is not defined in your notebook{why}.")


def _why_missing(name, session, source, missing):
    """The likeliest reason a name is undefined, from what happened to the cells."""

    gid = next((g for g, code in source.solutions.items() if name in top_level_names(code)), None)
    label = f"cell {gid}"
    why = session.skip.get(label) or session.errors.get(label)
    if why:
        return f" (answer cell '{gid}': {why})"
    if gid in missing:
        return f" (its answer cell '{gid}' is missing from the notebook)"
    errors = "; ".join(f"{label}: {why}" for label, why in session.errors.items())
    return f" (errors while running your cells: {errors})" if errors else ""


class _NoShell:
    """Stands in for IPython in the grader: magics in setup cells do nothing."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = run_line_magic

    def system(self, *args, **kwargs):
        return None
