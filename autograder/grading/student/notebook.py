"""Reading notebooks for grading: the trusted source (solutions/) and a student's copy.

Roles of the source's code cells, from their nbgrader metadata:
- ``setup``: locked cells that run for the student and in the grader (imports);
- ``checks``: locked cells whose grade_id starts with ``checks``: only in the grader;
- ``solution``: the student writes these; the names they define are the deliverables;
- ``test``: graded cells with points; only the source's version is ever run.
"""

import ast
import dataclasses
import errno
import json
import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from autograder.grading.student import parsing
from autograder.grading.student.text import clean


class BrokenNotebook(Exception):
    """A submission that cannot be read as a notebook: the work scores 0 with this reason."""

    status = "zero"


class RefusedNotebook(BrokenNotebook):
    """A submission the grader refuses to open (a link, over the size limit): status error,
    for the instructor to look at; never a score."""

    status = "error"


#: Largest student notebook read (bytes); ``grade --max-notebook-mb`` changes it.
MAX_NOTEBOOK_BYTES = 20 * 2**20
#: Marks around the hidden part of a test cell (nbgrader's).
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


@dataclass
class Test:
    grade_id: str
    points: float
    source: str

    @property
    def parts(self):
        """(visible code, hidden code or None), each compiled-ready with the cell's line numbers."""
        return split_hidden(self.source)


@dataclass
class SourceNotebook:
    """The instructor's notebook of one assignment, split by role."""

    name: str
    setup: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    solutions: dict = field(default_factory=dict)
    tests: list = field(default_factory=list)
    #: each check call of a test cell earns its share of the points (notebook metadata, see ``partial_credit``)
    partial_credit: bool = False

    @property
    def deliverables(self):
        """Names the solution cells define at top level (what a student must provide)."""
        names = []
        for source in self.solutions.values():
            names += [n for n in top_level_names(source) if n not in names]
        return names

    @property
    def max_score(self):
        return sum(t.points for t in self.tests)


def role(cell):
    """The nbgrader role of a code cell: setup, checks, solution, test or None."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if cell.get("cell_type") != "code" or not isinstance(meta, dict) or not meta:
        return None
    if meta.get("solution"):
        return "solution"
    if meta.get("grade"):
        return "test"
    if meta.get("locked"):
        return "checks" if str(meta.get("grade_id", "")).startswith("checks") else "setup"
    return None


def load_source(path):
    """Parse the instructor's notebook at ``path``."""
    # Plain JSON, not nbformat: importing nbformat (jsonschema and its format grammars) costs
    # seconds per command, and this notebook is the course's own, checked by `validate`.
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    if nb.get("nbformat") != 4:
        raise ValueError(f"{path} has nbformat {nb.get('nbformat')!r}; the course's notebooks are version 4")
    src = SourceNotebook(Path(path).stem, partial_credit=partial_credit(nb))
    for cell in nb["cells"]:
        kind, meta = role(cell), cell.get("metadata", {}).get("nbgrader", {})
        code = "".join(cell.get("source", ""))  # nbformat stores text or a list of lines
        if kind == "setup":
            src.setup.append(code)
        elif kind == "checks":
            src.checks.append(code)
        elif kind == "solution":
            src.solutions[meta.get("grade_id")] = code
        elif kind == "test":
            src.tests.append(Test(meta.get("grade_id"), float(meta.get("points", 0)), code))
    return src


def partial_credit(nb):
    """The assignment's option: ``{"autograder": {"partial_credit": true}}`` in the notebook's metadata.

    Off by default (a test cell earns all its points or none).
    """
    options = nb.get("metadata", {}).get("autograder", {})
    return isinstance(options, dict) and options.get("partial_credit") is True


@dataclass
class Case:
    """One part of a test cell that is run (and, with partial credit, scored) on its own."""

    code: str          # compiled-ready, with the cell's line numbers
    hidden: bool
    index: int = 0     # 1-based position among the cell's cases
    text: str = ""     # the check call as written (never shown for a hidden case)

    def name(self, total):
        """'case 2 of 3 (`check_f(f, seed=1)`)', or 'hidden case 3 of 3' (no code shown)."""
        if self.hidden:
            return f"hidden case {self.index} of {total}"
        return f"case {self.index} of {total} (`{self.text}`)"


def cases(code, partial=False):
    """A test cell's cases: [visible part, hidden part] whole, or one per check call with ``partial``.

    With ``partial``, every top-level statement that is an expression (a check call;
    a docstring does not count) is a case; other statements (``x = ...``) run
    with the case that follows them (the last case when none follows).
    """
    return [dataclasses.replace(case) for case in _cases(code, partial)]


@lru_cache(maxsize=parsing.CACHED)
def _cases(code, partial):
    """``cases`` of a trusted test cell, worked out once per run (the caller gets copies)."""
    visible, hidden = split_hidden(code)
    parts = [(visible, False)] + ([(hidden, True)] if hidden is not None else [])
    if not partial:
        return tuple(Case(text, flag, i + 1) for i, (text, flag) in enumerate(parts) if text.strip())
    found = [case for text, flag in parts for case in _statement_cases(text, flag)]
    if not found:
        return _cases(code, False)
    for i, case in enumerate(found):
        case.index = i + 1
    return tuple(found)


def _statement_cases(code, hidden):
    """Cases of one part (visible or hidden): one per top-level expression statement."""
    lines = code.splitlines()
    found, pending = [], []
    for node in parsing.parse(code).body:
        segment = "\n".join(lines[node.lineno - 1:node.end_lineno])
        pending.append((node.lineno, segment))
        is_doc = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if isinstance(node, ast.Expr) and not is_doc:
            found.append(Case(_padded(pending), hidden, text=" ".join(segment.split())[:120]))
            pending = []
    if pending and found:
        found[-1].code = _padded([(1, found[-1].code)] + pending)
    elif pending:  # statements but no check call: they are the part's one case
        found.append(Case(_padded(pending), hidden, text=" ".join(pending[0][1].split())[:120]))
    return found


def _padded(pieces):
    """Statements joined at their own line numbers (blank lines between), so tracebacks keep them."""
    out = []
    for lineno, segment in pieces:
        out += [""] * max(0, lineno - 1 - len(out))
        out += segment.splitlines()
    return "\n".join(out) + "\n"


def read_capped(path, max_bytes):
    """The bytes of a student's notebook, at most ``max_bytes`` read (+1 to tell), or RefusedNotebook.

    Never follows a symbolic link (the grader would read the target with its own rights) and
    never opens anything but a regular file (a FIFO would block): an 800 MB file costs the
    reader about ``max_bytes`` of memory, not the file.
    """
    name = Path(path).name
    try:
        # Windows has no O_NOFOLLOW nor O_NONBLOCK (and wants O_BINARY): a student's `check` there
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RefusedNotebook(f"{name} is a symbolic link; links are never followed "
                                  "(submit the notebook itself)") from None
        raise RefusedNotebook(f"cannot read {name}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RefusedNotebook(f"{name} is not a regular file")
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise RefusedNotebook(f"{name} is larger than the limit of {max_bytes / 2**20:g} MB "
                              "(grade --max-notebook-mb raises it)")
    return raw


def load_student(path, max_bytes=MAX_NOTEBOOK_BYTES):
    """A student's notebook as a dict, or BrokenNotebook saying why it cannot be read.

    Never follows a symbolic link (the grader would read the target with its own
    rights) and never reads more than ``max_bytes``.
    """
    name = Path(path).name
    raw = read_capped(path, max_bytes)
    try:
        nb = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BrokenNotebook(f"{name} is not valid JSON ({clean(exc, 200)})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise BrokenNotebook(f"{name} is not a notebook (no list of cells)")
    if nb.get("nbformat") != 4:
        raise BrokenNotebook(f"{name} has nbformat {clean(repr(nb.get('nbformat')), 40)}; expected 4")
    return nb


def student_cells(source, nb):
    """The code the worker runs, in order, and what was wrong with the cells.

    Returns (cells, missing, problems): cells as (label, code); trusted setup
    first; then the student's code cells in their order, where setup, checks and
    test cells are skipped (the source's versions are used) and each solution
    cell counts once. Added cells run as written. A malformed cell (source not
    text, odd metadata) is skipped with a problem: it costs that cell only.
    """
    cells = [(f"setup {i + 1}", code) for i, code in enumerate(source.setup)]
    seen, problems, foreign = set(), [], []
    for index, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict):
            problems.append(f"cell {index + 1} is not a notebook cell; skipped")
            continue
        if cell.get("cell_type") != "code":
            continue
        code, why = cell_text(cell.get("source", ""))
        gid, meta_why = _grade_id(cell)
        where = f"cell {index + 1}" + (f" ('{clean(gid, 80, False)}')" if gid else "")
        if meta_why:
            problems.append(f"{where}: {meta_why}")
        if why:
            problems.append(f"{where}: {why}; the cell was skipped")
            continue
        if gid in source.solutions and gid not in seen:
            seen.add(gid)
            cells.append((f"cell {gid}", code))
        elif gid in source.solutions or _is_known_fixed(source, gid):
            continue
        else:
            if gid is not None:
                foreign.append(gid)
            cells.append((f"cell {index + 1}", code))
    missing = [g for g in source.solutions if g not in seen]
    if foreign and not seen:
        names = ", ".join(clean(g, 40, False) for g in foreign[:5])
        problems.append(f"none of this notebook's graded cells ({names}) belongs to {source.name}: "
                        "is it the notebook of another assignment?")
    return cells, missing, problems


def cell_text(source):
    """(code, '') for a cell source that is text or a list of text, else ('', why)."""
    if isinstance(source, str):
        return source, ""
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source), ""
    return "", f"its source is not text (a {type(source).__name__})"


def _grade_id(cell):
    """(the cell's nbgrader grade_id or None, a problem with its metadata or '')."""
    meta = cell.get("metadata", {})
    if not isinstance(meta, dict):
        return None, "its metadata is not a mapping; treated as an added cell"
    nbg = meta.get("nbgrader", {})
    if not isinstance(nbg, dict):
        return None, "its nbgrader metadata is not a mapping; treated as an added cell"
    gid = nbg.get("grade_id")
    if gid is not None and not isinstance(gid, str):
        return None, "its grade_id is not text; treated as an added cell"
    return gid, ""


def _is_known_fixed(source, gid):
    return gid is not None and (gid in {t.grade_id for t in source.tests}
                                or str(gid).startswith(("checks", "setup")))


def split_hidden(code):
    """(visible, hidden or None): a test cell's code outside and inside its hidden blocks.

    Lines of the other part become blank lines, so tracebacks keep the cell's
    line numbers. Where the parts do not compile on their own (a hidden block
    inside an indented block), the whole cell counts as hidden.
    """
    if HIDDEN_BEGIN not in code:
        return code, None
    visible, hidden, inside = [], [], False
    for line in code.splitlines():
        mark = line.strip()
        if mark.startswith(HIDDEN_BEGIN) or mark.startswith(HIDDEN_END):
            inside = mark.startswith(HIDDEN_BEGIN)
            visible.append("")
            hidden.append("")
            continue
        (hidden if inside else visible).append(line)
        (visible if inside else hidden).append("")
    visible, hidden = "\n".join(visible) + "\n", "\n".join(hidden) + "\n"
    try:
        compile(visible, "<visible>", "exec")
        compile(hidden, "<hidden>", "exec")
    except SyntaxError:
        return "", code
    return visible, hidden


def top_level_names(code):
    """Names bound at the top level of ``code`` (def, class, assignment, import)."""
    return list(_top_level_names(code))


@lru_cache(maxsize=parsing.CACHED)
def _top_level_names(code):
    try:
        tree = parsing.parse(code)
    except SyntaxError:
        return ()
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return tuple(names)


def used_names(code):
    """Every plain name that ``code`` reads (a frozenset, cached: trusted test code repeats)."""
    return parsing.used_names(code)


# --- the notebook's language ------------------------------------------------------------
# The language a student's notebook is written in, and the checks' messages in it while it is graded.
#
# A Korean exercise notebook (exercises/NN_slug/ko/NN_slug.ipynb) says so in its metadata,
# ``{"dlcourse": {"language": "ko"}}``. The checks run in the grader's process (never in the
# student's worker), so the grader shows their messages in that language while it runs the
# notebook's visible tests: per thread (``messages.speaking``), because the grader grades several
# students at once in threads, an English and a Korean notebook side by side. Only ``check``'s
# plain path, one student in a child process, speaks through the environment (``DLCOURSE_LANG``).

#: The notebook languages besides English.
KNOWN = ("ko",)


def notebook_language(nb):
    """"ko" for a notebook (dict) whose metadata says ``dlcourse.language: ko``, else "en"
    (malformed metadata, as a student may leave it, counts as English)."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    course = meta.get("dlcourse") if isinstance(meta, dict) else None
    lang = course.get("language") if isinstance(course, dict) else None
    return lang if lang in KNOWN else "en"


@contextmanager
def messages_in(lang):
    """The checks speak ``lang`` while the block runs, in this thread only; None leaves the language as it
    is (the environment's: a student may ask for Korean with DLCOURSE_LANG=ko)."""
    if lang is None:
        yield
        return
    from autograder.checks.messages import speaking

    with speaking(lang):
        yield


@contextmanager
def child_messages_in(lang):
    """``DLCOURSE_LANG=lang`` while the block runs, for a child process it starts (``check``'s plain
    path: one student, one thread); None leaves the environment as it is."""
    if lang is None:
        yield
        return
    old = os.environ.get("DLCOURSE_LANG")
    os.environ["DLCOURSE_LANG"] = lang
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("DLCOURSE_LANG", None)
        else:
            os.environ["DLCOURSE_LANG"] = old
