"""Grade one student's notebook: run their code in a worker, run the trusted tests here.

The tests are the source notebook's test cells (hidden tests included). They run
in this process, in a namespace built from the source's setup and checks cells;
each deliverable a test uses is bound to the student's value, fetched as plain
data, or to a ``RemoteFunction`` that calls into the worker.

Hidden tests stay hidden. Every test cell is split at nbgrader's hidden marks:
the visible parts of all tests run first, then the hidden parts, so that no
message a student can see is produced after their code has seen a hidden input.
A failed hidden part is stored as its kind only (wrong value, wrong shape,
raised an exception, timed out, ...): never its inputs, expected values, or
the student's own exception text, which could carry the hidden inputs home.
"""

import ast
import builtins
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache

from autograder.checks import messages
from autograder.checks.compare import NotImplementedYet, quiet
from autograder.grading.student import parsing
from autograder.grading.student.notebook import (MAX_NOTEBOOK_BYTES, BrokenNotebook, SourceNotebook, Test, cases,
                                                 load_student, messages_in, notebook_language, student_cells,
                                                 top_level_names, used_names)
from autograder.grading.student.remote import (BudgetExceeded, Limits, RemoteFunction, StudentError, Worker,
                                               WorkerGone)
from autograder.grading.student.text import short

#: How many times one submission may kill or hang its process before the rest scores 0.
MAX_RESTARTS = 3
#: Lines IPython rewrites even in valid Python (console or doctest prompts), as in worker.PROMPT_LINE.
_PROMPT_LINE = re.compile(r"^\s*(>>>|\.\.\.|In \[|\[nav\]|\[ins\])", re.M)
#: Longest student cell, and most student code in all, parsed in the grader for one message.
MAX_PARSE_CHARS, MAX_PARSE_TOTAL = 20_000, 200_000

class Unusable(AssertionError):
    """A name a test needs is missing from the student's namespace or cannot cross the pipe."""


@dataclass
class TestResult:
    grade_id: str
    points: float
    max_points: float
    message: str = ""        # what the student may see (a hidden failure: its kind only)
    hidden: bool = False     # the failure came from the hidden part of the test
    full_message: str = ""   # the whole (cleaned, capped) message, for the instructor
    error: bool = False      # the grader failed (the check itself raised): no verdict on the student

    @property
    def passed(self) -> bool:
        return self.points == self.max_points


@dataclass
class NotebookResult:
    notebook: str
    tests: list[TestResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str = ""          # set when the grader refused the notebook: status error, no score
    sandbox: str = ""        # the worker's containment mode

    @property
    def score(self) -> float:
        return sum(t.points for t in self.tests)


class Session:
    """One student's worker, restarted (without the cells that broke it) when needed.

    deadline: a time.monotonic() value (the student's time budget) or None.
    ``hidden`` is set once hidden inputs have been sent: a cell that stops a worker
    restarted after that is skipped like any other, but why (an exit code, which
    cell) is kept out of the problems the student sees (``shown_problems``): the
    restarted worker's cells can read the clock, which the dying call chose.
    """

    def __init__(self, cells: list[tuple[str, str]], limits: Limits, deadline: float | None = None,
                 budget: float | None = None) -> None:
        self.cells, self.limits, self.deadline, self.budget = cells, limits, deadline, budget
        self.skip, self.errors, self.restarts = {}, {}, 0
        self.worker, self.exhausted, self.mode = None, "", ""
        self.hidden, self.skipped_after_hidden = False, set()

    def ensure(self):
        """A live worker that has run every cell not known to hang or crash it."""
        while self.worker is None or not self.worker.alive:
            if self.worker is not None:
                self.worker.close()
                self.restarts += 1
                if self.restarts > MAX_RESTARTS:
                    raise WorkerGone(f"the notebook's process was restarted {MAX_RESTARTS} times; giving up")
            self.check_budget()
            self.worker = self._start()
            self.mode = self.worker.mode
            self._run_cells()
        return self.worker

    def warm(self):
        """Start the worker and run the cells now, before the first test needs them.

        What stops it (the budget, a worker given up on) is raised again, with the same
        words, by the first test's ``ensure``, which reports it as before.
        """
        try:
            self.check_budget()
            self.ensure()
        except WorkerGone:
            pass

    def check_budget(self):
        """Raise BudgetExceeded once the deadline has passed (and every time after)."""
        if not self.exhausted and self.deadline is not None and time.monotonic() >= self.deadline:
            self.exhausted = budget_message(self.budget)
        if self.exhausted:
            raise BudgetExceeded(self.exhausted)

    def _start(self):
        return Worker(self.limits, deadline=self.deadline)

    def _run_cells(self):
        for label, code in self.cells:
            if label in self.skip:
                continue
            self.check_budget()
            try:
                error = self.worker.run(code)
            except BudgetExceeded:
                self.exhausted = self.exhausted or budget_message(self.budget)
                raise BudgetExceeded(self.exhausted) from None
            except WorkerGone as exc:
                self.skip[label] = short(exc)
                if self.hidden:
                    self.skipped_after_hidden.add(label)
                return
            if error:
                self.errors[label] = short(error)

    def close(self):
        if self.worker is not None:
            self.worker.close()

    def shown_problems(self):
        """Cells skipped because they stopped the worker, with why; those after hidden inputs, without."""
        shown = [f"{label}: {why}" for label, why in self.skip.items() if label not in self.skipped_after_hidden]
        if self.skipped_after_hidden:
            shown.append("a cell stopped the notebook's process while hidden tests ran (which, and why, "
                         "is not shown)")
        return shown


def budget_message(budget: float | None) -> str:
    """The reason of every test left when the student's time budget ran out."""
    size = f" of {budget:g} s" if budget else ""
    return f"the time budget{size} for this student was used up; the remaining tests score 0"


def grade_notebook(source: SourceNotebook, path: str | os.PathLike, limits: Limits, deadline: float | None = None,
                   budget: float | None = None, max_bytes: int = MAX_NOTEBOOK_BYTES) -> NotebookResult:
    """Score the student's notebook at ``path`` against ``source`` (a SourceNotebook).

    deadline: time.monotonic() value after which the remaining tests score 0
    (``budget`` is its size in seconds, for the message).
    """
    result = NotebookResult(source.name)
    try:
        nb = load_student(path, max_bytes)
    except BrokenNotebook as exc:
        why = short(exc)
        result.problems.append(why)
        result.error = why if exc.status == "error" else ""
        result.tests = [TestResult(t.grade_id, 0.0, t.points, why, full_message=why) for t in source.tests]
        return result
    cells, missing, problems = student_cells(source, nb)
    result.problems += [short(p) for p in problems]
    session = Session(cells, limits, deadline, budget)
    try:
        result.tests = run_tests(source, session, missing, notebook_language(nb))
    finally:
        session.close()
    result.problems += session.shown_problems()
    result.sandbox = session.mode
    broken = [t.grade_id for t in result.tests if t.error]
    if broken:
        result.error = f"the grader could not run {', '.join(broken)} (its check failed); not a verdict"
    return result


def run_tests(source: SourceNotebook, session: Session, missing: list[str],
              language: str = "en") -> list[TestResult]:
    """Every test's result, in the source's order: visible parts of all tests first, then hidden.

    Whole-cell (the default): a test earns its points when its visible part and then
    its hidden part run without failing. With ``source.partial_credit`` each check
    call (top-level statement) of the cell is a case that earns its share of the
    points, visible and hidden cases alike (see ``notebook.cases``).

    language: the notebook's ("ko" for a Korean notebook): the checks' messages of the visible
    tests, which the student reads, come in it; a hidden test shows only the kind of failure
    (``failure_kind`` reads the English message) and the instructor reads its full one in English.
    """
    session.warm()  # the worker starts and runs the cells while torch may still be loading
    parsing.preload("torch")  # the checks' twins import it, and its import parses: see parsing.py
    namespace = trusted_namespace(source)
    plans = {t.grade_id: (cases(t.source, source.partial_credit), dict(namespace)) for t in source.tests}
    outcomes = {t.grade_id: [] for t in source.tests}
    for hidden_pass in (False, True):
        session.hidden = hidden_pass
        with messages_in("en" if hidden_pass else None if language == "en" else language):
            for test in source.tests:
                plan, scope = plans[test.grade_id]
                for case in plan:
                    done = outcomes[test.grade_id]
                    if case.hidden != hidden_pass or (not source.partial_credit and any(e for _, e in done)):
                        continue
                    done.append((case, run_part(case.code, test, scope, namespace, session, source, missing)))
    with messages_in(None if language == "en" else language):  # what a hidden failure shows, in its words
        return [combine(test, outcomes[test.grade_id], len(plans[test.grade_id][0]), source.partial_credit)
                for test in source.tests]


def combine(test: Test, outcomes: list, n_cases: int, partial: bool) -> TestResult:
    """One TestResult from the cases run: whole-cell, or each case's share with partial credit."""
    failures = [(case, exc) for case, exc in outcomes if exc is not None]
    if not failures:
        return TestResult(test.grade_id, test.points, test.points)
    if not partial:
        case, exc = failures[0]
        return failed(test, exc, hidden=case.hidden)
    parts = [failed(test, exc, hidden=case.hidden) for case, exc in failures]
    earned = round(test.points * (n_cases - len(failures)) / n_cases, 6)
    shown = "; ".join(f"{case.name(n_cases)}: {part.message}" for (case, _), part in zip(failures, parts))
    full = "; ".join(f"{case.name(n_cases)}: {part.full_message}" for (case, _), part in zip(failures, parts))
    return TestResult(test.grade_id, earned, test.points, shown, hidden=all(c.hidden for c, _ in failures),
                      full_message=full, error=any(p.error for p in parts))


def run_part(code, test, scope, namespace, session, source, missing):
    """Run one part of a trusted test cell in ``scope``; None if it passed, else the exception.

    The student's names are looked up afresh for each part (the worker may have restarted).
    """
    if not code.strip():
        return None
    try:  # any other exception starting a worker is the grader's problem: status error
        session.check_budget()
        worker = session.ensure()
    except WorkerGone as exc:
        return exc
    token = quiet.set(True)
    try:
        for name in sorted(student_names(code, namespace, source)):
            scope[name] = resolve(worker, name, session, source, missing)
        exec(_compiled(code, f"<{test.grade_id}>"), scope)
        return None
    except BudgetExceeded:  # one wording for every test the budget stops
        session.exhausted = session.exhausted or budget_message(session.budget)
        return BudgetExceeded(session.exhausted)
    except (Exception, WorkerGone) as exc:  # noqa: BLE001 - any failure scores 0 with its reason
        return exc
    finally:
        quiet.reset(token)


def failed(test: Test, exc: BaseException, hidden: bool) -> TestResult:
    """A zero for ``test``: the full message, or for a hidden part only the kind of failure.

    An exception of the trusted check itself (not a verdict, not the student's)
    is the grader's failure: the result says so (``error``), never a plain zero.
    """
    full = short(message(exc))
    if grader_fault(exc):
        shown = messages.say("the grader could not run this test ({error} in the check); your instructor will "
                             "look at it", error=_builtin_name(exc).strip(" ()") or messages.say("an error"))
        full = f"the check itself failed: {full}"
        return TestResult(test.grade_id, 0.0, test.points, shown if hidden else full, hidden=hidden,
                          full_message=full, error=True)
    shown = messages.say("a hidden test failed: {kind}", kind=failure_kind(exc)) if hidden else full
    return TestResult(test.grade_id, 0.0, test.points, shown, hidden=hidden, full_message=full)


def grader_fault(exc: BaseException) -> bool:
    """True if ``exc`` is neither a check's verdict nor anything the student's code raised or caused."""
    if isinstance(exc, (AssertionError, WorkerGone, NotImplementedError, StudentError)):
        return False
    seen, cause = 0, exc.__cause__ or exc.__context__
    while cause is not None and seen < 20:
        if isinstance(cause, (StudentError, WorkerGone)):
            return False
        seen, cause = seen + 1, cause.__cause__ or cause.__context__
    return True


def message(exc: BaseException) -> str:
    """The whole message of a failed test (student text included)."""
    if isinstance(exc, (AssertionError, WorkerGone)):
        return str(exc) or "a check failed"
    return f"{type(exc).__name__}: {exc}"


def failure_kind(exc: BaseException) -> str:
    """What kind of failure ``exc`` is, in words that carry no value from the test or the student.

    Read from the check's English words (hidden tests run in English); said in the notebook's language.
    """
    if isinstance(exc, BudgetExceeded):
        return messages.say("the time budget for this student was used up")
    if isinstance(exc, WorkerGone):
        return messages.say("timed out") if "timed out" in str(exc) else messages.say("the notebook's process stopped")
    if isinstance(exc, NotImplementedYet):
        return messages.say("not implemented")
    student = exc.__cause__ if isinstance(exc, AssertionError) else exc
    if student is not None and not isinstance(student, AssertionError):
        return messages.say("raised an exception") + _builtin_name(student)
    if isinstance(exc, Unusable):
        return messages.say("a name the test needs is missing or unusable")
    text = str(exc)  # the check's own words (the student's text was handled above)
    if "changed its argument" in text:
        return messages.say("changed an input in place")
    if "is None, but should" in text or "returned None" in text:
        return messages.say("returned None")
    if "should have shape" in text or "should return a tuple" in text:
        return messages.say("wrong shape")
    if any(words in text for words in ("torch tensor", "has dtype", ", but it is a ", "should be a NumPy")):
        return messages.say("wrong type of result")
    return messages.say("wrong value")


def _builtin_name(exc):
    """` (ValueError)` for a built-in exception type; nothing for a name the student chose."""
    name = type(exc).__name__
    known = getattr(builtins, name, None)
    return f" ({name})" if isinstance(known, type) and issubclass(known, BaseException) else ""


def trusted_namespace(source):
    """Globals built from the source's setup and checks cells (magics dropped)."""
    namespace = {"__name__": "__grader__", "get_ipython": lambda: _NoShell()}
    with messages.set_language_kept():  # a Korean checks cell's set_language("ko"): per notebook, see run_tests
        for code in source.setup + source.checks:
            exec(_compiled(_without_magics(code), "<setup>"), namespace)
    return namespace


@lru_cache(maxsize=parsing.CACHED)
def _without_magics(code):
    """A trusted setup or checks cell as plain Python (IPython's transforms), once per run.

    A cell that is plain Python already (the course's are) is taken as it is: IPython is
    imported only for one that is not (a magic), as in the worker.
    """
    if code[:1] not in (" ", "\t") and not _PROMPT_LINE.search(code):
        try:
            compile(code, "<setup>", "exec")
            return code
        except SyntaxError:
            pass
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(code)


@lru_cache(maxsize=parsing.CACHED)
def _compiled(code, filename):
    """The code object of a trusted cell, compiled once per run (code objects are immutable)."""
    return compile(code, filename, "exec")


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
    rebound = rebinding_cell(name, session.cells, source) if info["kind"] in ("value", "bad") else None
    if rebound:
        raise Unusable(f"{name} should be the function of answer cell '{rebound[0]}', but {rebound[1]} "
                       f"rebinds the name{_kind_of(info)}: rename the variable in that cell.")
    if info["kind"] == "value":
        return info["value"]
    if info["kind"] == "bad":
        raise Unusable(f"{name} should be a NumPy array or a number, but it is "
                       f"{short(info['type'], 100)}.")
    why = _why_missing(name, session, source, missing)
    raise Unusable(f"{name} is not defined in your notebook{why}.")


def rebinding_cell(name, cells, source):
    """(answer cell's grade_id, label of a later cell that rebinds ``name``) or None.

    Only for a deliverable its answer cell defines as a function (``def``): the
    student's value is then not callable because a later cell assigned the name.
    Student code is parsed here, in the grader, only in small amounts (an AST takes
    ~500 times its source in memory): the last cells first, none longer than
    ``MAX_PARSE_CHARS``, at most ``MAX_PARSE_TOTAL`` characters in all; past that
    the cell is not named.
    """
    gid = next((g for g, code in source.solutions.items() if name in defined_functions(code)), None)
    if gid is None:
        return None
    labels = [label for label, _ in cells]
    start = labels.index(f"cell {gid}") + 1 if f"cell {gid}" in labels else 0
    budget = MAX_PARSE_TOTAL
    for label, code in reversed(cells[start:]):
        if name not in code or len(code) > MAX_PARSE_CHARS:
            continue
        budget -= len(code)
        if budget < 0:
            return None
        if name in top_level_names(code):
            return gid, label
    return None


def defined_functions(code):
    """Names ``code`` defines with ``def`` at top level."""
    try:
        tree = parsing.parse(code)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _kind_of(info):
    """' (to a float)' for the value a rebinding cell left, from the worker's description."""
    if info["kind"] == "value":
        return f" (to a {type(info['value']).__name__})"
    return f" (to {short(info['type'], 100)})" if info["kind"] == "bad" else ""


def _why_missing(name, session, source, missing):
    """The likeliest reason a name is undefined, from what happened to the cells."""

    gid = next((g for g, code in source.solutions.items() if name in top_level_names(code)), None)
    label = f"cell {gid}"
    why = session.skip.get(label) or session.errors.get(label)
    if why:
        return f" (answer cell '{gid}': {why})"
    if gid in missing:
        return f" (its answer cell '{gid}' is missing from the notebook or malformed)"
    errors = "; ".join(f"{label}: {why}" for label, why in session.errors.items())
    return f" (errors while running your cells: {short(errors)})" if errors else ""


class _NoShell:
    """Stands in for IPython in the grader: magics in setup cells do nothing."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = run_line_magic

    def system(self, *args, **kwargs):
        return None
