"""The student kit: released notebooks and checks, no NumPy reference of any graded function.

The install tests (slow) install the kit with one ``pip install --no-deps --target``
into a fresh folder layered on the project's interpreter (NumPy and PyTorch come
from there; no network), shared by the module. From that install, for every exercise,
the solution passes its visible tests and the released stub fails them all: one
interpreter runs ``python -m autograder check``'s entry point for the 26 notebooks
(importing torch once instead of 26 times), and one real ``python -m autograder check``
process shows that the command students type runs the kit's package.
"""

import ast
import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

from autograder import ref_numpy
from autograder.grading import student_kit
from autograder.ref_numpy import losses
from conftest import ROOT

#: Every exercise of the course.
EXERCISES = tuple(sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir()))


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    out = tmp_path_factory.mktemp("kit") / "kit"
    made = student_kit.build(ROOT, out)
    return out, made


def _texts(folder):
    return {p: p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".ipynb")}


def _leaks(out):
    """{(graded function, file name)} of the kit's .py and .ipynb files that contain a graded body."""
    bodies = student_kit.graded_bodies(student_kit.graded_functions(ROOT))
    texts = _texts(out)
    return {(name, path.name) for name, body in bodies.items() for path, text in texts.items() if body in text}


def test_kit_has_no_body_of_a_graded_reference(kit):
    out, made = kit
    bodies = student_kit.graded_bodies(student_kit.graded_functions(ROOT))
    assert len(bodies) >= 60 and len(made["shimmed"]) == len(bodies)
    assert _leaks(out) == set()


def test_no_check_repeats_a_graded_body(kit):
    """No check writes a graded formula out to build its mutants (they transform the reference's output)."""
    out, _ = kit
    assert not [(name, f) for name, f in _leaks(out) if f.startswith("ex")]


@pytest.mark.parametrize("name", ["schedules.cosine_lr", "batchnorm.batchnorm_backward", "lstm.lstm_step_backward"])
def test_leak_finder_sees_a_body_spelled_out_in_a_check(name, tmp_path):
    """The other side: a check that repeats a graded body (here as a mutant's helper) is found."""
    body = student_kit.graded_bodies(student_kit.graded_functions(ROOT))[name]
    (tmp_path / "ex99_demo.py").write_text(f"def _mutant(*args):\n{body}\n")
    (tmp_path / "ex98_clean.py").write_text("def _mutant(*args):\n    return None\n")
    assert _leaks(tmp_path) == {(name, "ex99_demo.py")}


def test_every_graded_name_in_the_kit_is_a_shim(kit):
    out, _ = kit
    graded = student_kit.graded_functions(ROOT)
    for path in (out / "autograder" / "ref_numpy").glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and f"{path.stem}.{node.name}" in graded:
                calls = [n.func.attr for n in ast.walk(node) if isinstance(n, ast.Call)
                         and isinstance(n.func, ast.Attribute)]
                assert calls in (["twin"], ["missing"]), f"{path.name}: {node.name}"


def test_kit_holds_released_notebooks_without_solutions(kit):
    out, made = kit
    assert len(made["notebooks"]) == len(list((ROOT / "solutions").glob("*/*.ipynb")))
    for rel in made["notebooks"]:
        text = (out / rel).read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert not (out / "solutions").exists()


def test_shim_gives_the_twins_numpy_values(monkeypatch):
    """What a shim computes: the PyTorch twin, returned as NumPy (checked here on one module)."""
    helper = types.ModuleType("autograder.ref_numpy._kit")
    exec(compile(student_kit.HELPER, "_kit", "exec"), helper.__dict__)
    monkeypatch.setitem(sys.modules, "autograder.ref_numpy._kit", helper)
    monkeypatch.setattr(ref_numpy, "_kit", helper, raising=False)
    text, names = student_kit.shim_module((ROOT / "autograder/ref_numpy/losses.py").read_text(), "losses",
                                          {"softmax", "mae"})
    assert names == ["softmax", "mae"]
    namespace = {"__name__": "kit_losses"}
    exec(compile(text, "kit_losses", "exec"), namespace)
    z = np.random.default_rng(0).normal(size=(4, 3))
    got = namespace["softmax"](z)
    assert isinstance(got, np.ndarray) and np.allclose(got, losses.softmax(z), rtol=1e-12, atol=0)
    assert np.allclose(namespace["mae"](z, 0 * z), losses.mae(z, 0 * z), rtol=1e-12)


def test_kit_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "x").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        student_kit.build(ROOT, tmp_path)


@pytest.fixture(scope="module")
def installed(kit, tmp_path_factory):
    """The kit installed with one pip command into a fresh folder; (env for running python, site folder)."""
    out, _ = kit
    site = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(out)],
                   check=True, capture_output=True)
    env = dict(os.environ, PYTHONPATH=str(site))
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env, site


#: Run inside the kit's install: the CLI's entry point for each notebook -> {notebook: [exit code, output]}.
DRIVER = """
import contextlib, io, json, sys
from autograder.grading.cli import main
kit, jobs = sys.argv[1], json.loads(sys.argv[2])
results = {}
for path in jobs:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            rc = main(["--course", kit, "check", path])
        except SystemExit as exc:
            rc = exc.code
    results[path] = [rc, out.getvalue()]
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def checked(kit, installed, tmp_path_factory):
    """{(exercise, 'solution' or 'stub'): (exit code, output)} of the installed kit's check, all 13 exercises."""
    out, _ = kit
    env, _ = installed
    jobs = {(name, "solution"): str(ROOT / "solutions" / name / f"{name}.ipynb") for name in EXERCISES}
    jobs |= {(name, "stub"): str(out / "exercises" / name / f"{name}.ipynb") for name in EXERCISES}
    run = subprocess.run([sys.executable, "-c", DRIVER, str(out), json.dumps(list(jobs.values()))],
                         capture_output=True, text=True, env=env, cwd=tmp_path_factory.mktemp("cwd"))
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout.splitlines()[-1])
    return {key: tuple(results[path]) for key, path in jobs.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", EXERCISES)
def test_installed_kit_passes_solution_and_fails_stub(name, checked):
    rc, text = checked[name, "solution"]
    assert rc == 0 and "\N{BALLOT X}" not in text and "Visible tests: " in text, text
    rc, text = checked[name, "stub"]
    assert rc == 1 and "Visible tests: 0/" in text and "\N{CHECK MARK}" not in text, text


@pytest.mark.slow
def test_students_command_runs_the_kits_package(kit, installed, tmp_path):
    """``python -m autograder check`` as a student types it, in its own process, from the kit's install."""
    out, _ = kit
    env, site = installed
    where = subprocess.run([sys.executable, "-c", "import autograder.ref_numpy.losses as m; print(m.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(site))  # the kit's package, not the course's
    name = "12_lstm"
    stub = subprocess.run([sys.executable, "-m", "autograder", "--course", str(out), "check",
                           str(out / "exercises" / name / f"{name}.ipynb")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert stub.returncode == 1 and "Visible tests: 0/" in stub.stdout, stub.stdout + stub.stderr
