"""Reading notebooks for grading: the trusted source (solutions/) and a student's copy.

Roles of the source's code cells, from their nbgrader metadata:
- ``setup``: locked cells that run for the student and in the grader (imports);
- ``checks``: locked cells whose grade_id starts with ``checks``: only in the grader;
- ``solution``: the student writes these; the names they define are the deliverables;
- ``test``: graded cells with points; only the source's version is ever run.
"""

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat


class BrokenNotebook(Exception):
    """A submission that cannot be read as a notebook."""


@dataclass
class Test:
    grade_id: str
    points: float
    source: str


@dataclass
class SourceNotebook:
    """The instructor's notebook of one assignment, split by role."""

    name: str
    setup: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    solutions: dict = field(default_factory=dict)
    tests: list = field(default_factory=list)

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
    nb = nbformat.read(path, as_version=4)
    src = SourceNotebook(Path(path).stem)
    for cell in nb.cells:
        kind, gid = role(cell), cell.metadata.get("nbgrader", {}).get("grade_id")
        if kind == "setup":
            src.setup.append(cell.source)
        elif kind == "checks":
            src.checks.append(cell.source)
        elif kind == "solution":
            src.solutions[gid] = cell.source
        elif kind == "test":
            src.tests.append(Test(gid, float(cell.metadata.nbgrader.get("points", 0)), cell.source))
    return src


def load_student(path):
    """A student's notebook as a dict, or BrokenNotebook saying why it cannot be read."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BrokenNotebook(f"cannot read {Path(path).name}: {exc.strerror}") from None
    try:
        nb = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BrokenNotebook(f"{Path(path).name} is not valid JSON ({exc})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise BrokenNotebook(f"{Path(path).name} is not a notebook (no list of cells)")
    if nb.get("nbformat") != 4:
        raise BrokenNotebook(f"{Path(path).name} has nbformat {nb.get('nbformat')!r}; expected 4")
    return nb


def student_cells(source, nb):
    """The code the worker runs, in order: (label, code).

    Trusted setup first; then the student's code cells in their order, where
    setup, checks and test cells are skipped (the source's versions are used)
    and each solution cell counts once. Added cells run as written.
    """
    cells = [(f"setup {i + 1}", code) for i, code in enumerate(source.setup)]
    seen = set()
    for index, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        code = cell.get("source", "")
        code = "".join(code) if isinstance(code, list) else str(code)
        meta = cell.get("metadata", {})
        nbg = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
        gid = nbg.get("grade_id") if isinstance(nbg, dict) else None
        if gid in source.solutions and gid not in seen:
            seen.add(gid)
            cells.append((f"cell {gid}", code))
        elif gid in source.solutions or _is_known_fixed(source, gid):
            continue
        else:
            cells.append((f"cell {index + 1}", code))
    missing = [g for g in source.solutions if g not in seen]
    return cells, missing


def _is_known_fixed(source, gid):
    return gid is not None and (gid in {t.grade_id for t in source.tests}
                                or str(gid).startswith(("checks", "setup")))


def top_level_names(code):
    """Names bound at the top level of ``code`` (def, class, assignment, import)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return names


def used_names(code):
    """Every plain name that ``code`` reads."""
    return {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
