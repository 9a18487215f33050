"""The package's floor plan (issue 21): rooms without import cycles, checks below grading, small folders.

The import graph is read with ``ast`` from every module of ``autograder/``, imports inside
functions included, so a lazy import cannot hide a cycle.
"""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
#: Folders that hold one module per topic or exercise, by design (the twins and the checks).
#: Folders of one module per topic (an exercise, a reference topic), not bound by MAX_MODULES;
#: checks/ko holds the Korean messages of each check module, under the same name.
ONE_PER_TOPIC = {"ref_numpy", "ref_torch", "checks", "ko"}
MAX_MODULES = 10
#: Modules that must not import the grading pipeline (or the CLI that drives it).
BELOW_GRADING = ("autograder.ref_numpy", "autograder.ref_torch", "autograder.checks", "autograder.wire",
                 "autograder.data")
PIPELINE = ("autograder.grading", "autograder.cli")


def module_name(path, root=PACKAGE):
    """'autograder.grading.student.judge' for autograder/grading/student/judge.py (packages: no __init__)."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree, known):
    """The modules of ``known`` a module's syntax tree imports, anywhere in it."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph(root=PACKAGE):
    """{module: modules of the package it imports}; a package's own __init__ is not an edge."""
    paths = {module_name(p, root): p for p in root.rglob("*.py") if "__pycache__" not in p.parts}
    graph = {}
    for name, path in paths.items():
        targets = imported(ast.parse(path.read_text(), str(path)), paths)
        graph[name] = {t for t in targets if t != name and not name.startswith(t + ".")}
    return graph


def cycles(graph):
    """Every strongly connected group of more than one module (Tarjan), each sorted; [] if none."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_lazy_cycle(tmp_path):
    """Two-sided: a cycle through an import inside a function is found; a chain is not a cycle."""
    pkg = tmp_path / "autograder"
    (pkg / "room").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "room" / "__init__.py").write_text("")
    (pkg / "room" / "a.py").write_text("from autograder.room import b\n")
    (pkg / "room" / "b.py").write_text("def later():\n    from autograder.room.c import x\n")
    (pkg / "room" / "c.py").write_text("x = 1\n")
    assert cycles(import_graph(pkg)) == []
    (pkg / "room" / "c.py").write_text("def later():\n    import autograder.room.a\n")
    assert cycles(import_graph(pkg)) == [["autograder.room.a", "autograder.room.b", "autograder.room.c"]]


def test_no_import_cycle_in_the_package():
    graph = import_graph()
    assert "autograder.grading.student.judge" in graph and graph["autograder.cli"], "the graph is empty"
    assert cycles(graph) == []


def reachable(graph, start):
    """Every module ``start`` imports, directly or through others (imports inside functions included)."""
    seen, todo = set(), [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_reachable_follows_a_chain_and_stops_at_its_end():
    graph = {"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a"}}
    assert reachable(graph, "a") == {"b", "c"}
    assert "d" not in reachable(graph, "a") and reachable(graph, "d") == {"a", "b", "c"}


def test_the_dask_run_never_reaches_the_local_class_run():
    """distributed imports the one-student room, never classroom, not even through another module
    or inside a function; so the two cannot import each other."""
    graph = import_graph()
    dist, local = "autograder.grading.course.distributed", "autograder.grading.course.classroom"
    assert "autograder.grading.student.grade" in graph[dist]
    assert local not in reachable(graph, dist)
    assert not (dist in reachable(graph, local) and local in reachable(graph, dist))


def test_grading_one_student_never_reaches_the_class_rules():
    """Late penalties, the CSV's reason line and the class's runs are course-level: no module of the
    one-student room reaches late, classroom, distributed or plan."""
    graph = import_graph()
    rules = {f"autograder.grading.course.{m}" for m in ("late", "classroom", "distributed", "plan")}
    student = [m for m in graph if m.startswith("autograder.grading.student.")]
    assert "autograder.grading.student.grade" in student
    assert {m: sorted(reachable(graph, m) & rules) for m in student if reachable(graph, m) & rules} == {}


def test_references_checks_and_the_wire_never_import_the_grading_pipeline():
    offenders = {m: sorted(t for t in targets if t.startswith(PIPELINE))
                 for m, targets in import_graph().items() if m.startswith(BELOW_GRADING)}
    assert any(m.startswith("autograder.checks") for m in offenders), "no check module was read"
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_worker_imports_nothing_of_the_package_and_the_wire_only_numpy():
    """worker.py runs inside the sandbox, where the package is not mounted (``sandbox.install_code``
    copies it and wire.py, its sibling there); wire.py uses the standard library and NumPy only."""
    tops = {}
    for name in ("grading/student/worker.py", "wire.py"):
        tree = ast.parse((PACKAGE / name).read_text())
        found = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        found |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        tops[name] = found
    assert "autograder" not in tops["grading/student/worker.py"] and "wire" in tops["grading/student/worker.py"]
    assert tops["wire.py"] - {"numpy"} <= set(sys.stdlib_module_names), tops["wire.py"]


@pytest.mark.parametrize("folder", sorted({p.parent for p in PACKAGE.rglob("*.py")
                                          if "__pycache__" not in p.parts and p.parent.name not in ONE_PER_TOPIC}),
                         ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_folder_holds_more_than_ten_modules(folder):
    modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
    assert 0 < len(modules) <= MAX_MODULES or folder == PACKAGE / "grading", sorted(p.name for p in modules)


def _reference_table():
    """{exercise slug: [topics]} from the table of chapters/writing_exercises.md."""
    import re

    page = (PACKAGE.parent / "chapters" / "writing_exercises.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\d\d_\w+)` \| (.+) \|$", page, re.M)
    return {slug: re.findall(r"`(\w+)`", topics) for slug, topics in rows}


def test_the_authoring_page_names_every_exercises_pieces_by_one_name():
    """For every exercise: its chapter, check, Korean catalogue, source, notebooks and check tests exist under
    its one NN_slug, and the page's table lists exactly the references its checks import (each with its
    tests)."""
    import re

    root, table = PACKAGE.parent, _reference_table()
    slugs = sorted(p.name for p in (root / "solutions").iterdir() if re.match(r"\d\d_", p.name))
    assert sorted(table) == slugs
    for slug in slugs:
        check = PACKAGE / "checks" / f"ex{slug}.py"
        for path in (root / "chapters" / slug, check, PACKAGE / "checks" / "ko" / f"ex{slug}.py",
                     root / "solutions" / slug / f"{slug}.ipynb", root / "solutions" / slug / f"{slug}.ko-text.md",
                     root / "exercises" / slug / f"{slug}.ipynb", root / "exercises" / slug / "ko" / f"{slug}.ipynb",
                     root / "tests" / "checks" / f"test_checks_ex{slug[:2]}.py"):
            assert path.exists(), f"{slug}: {path.relative_to(root)} is missing"
        imported = set(re.findall(r"ref_numpy(?:\.| import )([a-z_]+)", check.read_text(encoding="utf-8")))
        assert set(table[slug]) == imported, f"{slug}: the page lists {table[slug]}, the checks import {imported}"
        for topic in imported:
            for path in (PACKAGE / "ref_numpy" / f"{topic}.py", root / "tests" / "ref" / f"test_ref_{topic}.py"):
                assert path.exists(), f"{slug}: {path.relative_to(root)} is missing"
