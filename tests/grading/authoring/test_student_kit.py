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
from autograder.grading.authoring import student_kit
from autograder.ref_numpy import losses
from helpers.paths import ROOT

#: Every exercise of the course.
EXERCISES = tuple(sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir()))


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    out = tmp_path_factory.mktemp("kit") / "kit"
    made = student_kit.build(ROOT, out)
    return out, made


def _texts(folder):
    return {p: p.read_text(errors="replace") for p in folder.rglob("*")
            if p.is_file() and p.suffix in (".py", ".ipynb")}


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
    sources = len(list((ROOT / "solutions").glob("*/*.ipynb")))
    assert len(made["notebooks"]) == 2 * sources  # each in English and in Korean (exercises/NN/ko/)
    assert len([rel for rel in made["notebooks"] if "/ko/" in rel]) == sources
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
from autograder.cli import main
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
    korean = tmp_path / "내 연습.ipynb"  # the Korean stub, renamed, checked from outside the kit's folder
    shutil.copy(out / "exercises" / name / "ko" / f"{name}.ipynb", korean)
    stub = subprocess.run([sys.executable, "-m", "autograder", "check", str(korean)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert stub.returncode == 1 and stub.stdout.startswith(f"{name}: 보이는 테스트"), stub.stdout + stub.stderr
    assert "보이는 테스트: 0/" in stub.stdout and "\N{CHECK MARK}" not in stub.stdout


# --- what a student installs and runs (issue 18): pins, kernel, check from anywhere, no Unix-only imports ---

import shutil  # noqa: E402
import tomllib  # noqa: E402

from autograder.grading.student import student_check  # noqa: E402

#: Modules Windows does not have: nothing a student runs may need them at start-up.
UNIX_ONLY = ("fcntl", "resource", "termios", "pwd", "grp")
#: Imported in a process where UNIX_ONLY cannot be imported: the check cells, `check`, the kit's builder.
BLOCKED = """
import sys
for name in {unix!r}:
    sys.modules[name] = None
try:
    import fcntl
except ImportError:
    pass
else:
    raise SystemExit("the harness did not block fcntl")
{body}
"""


def _pins():
    return dict(line.split("==", 1) for line in (ROOT / ".ci" / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))


def test_kit_pins_the_courses_versions_and_a_kernel(kit):
    out, _ = kit
    deps = tomllib.loads((out / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = _pins()
    assert f"numpy=={pins['numpy']}" in deps and f"ipykernel=={pins['ipykernel']}" in deps
    assert f"jupyterlab=={pins['jupyterlab']}" in deps
    torch = [d for d in deps if d.startswith("torch")]
    assert sorted(torch) == ['torch==2.13.0+cpu; sys_platform == "linux"', 'torch==2.13.0; sys_platform != "linux"']
    assert all("==" in d for d in deps)  # nothing left to the resolver's choice
    readme = (out / "README.md").read_text()
    assert student_kit.TORCH_CPU_INDEX in readme and "macOS and Windows" in readme


def test_kit_refuses_a_course_without_a_pin(tmp_path):
    """The other side: a package the kit needs without a pin in the course stops the build, nothing written."""
    (tmp_path / ".ci").mkdir()
    text = (ROOT / ".ci" / "constraints.txt").read_text()
    (tmp_path / ".ci" / "constraints.txt").write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("jupyterlab==")))
    with pytest.raises(LookupError, match="jupyterlab"):
        student_kit.requirements(tmp_path)


def test_kit_ships_the_released_notebooks_inside_its_package(kit):
    out, made = kit
    for rel in made["notebooks"]:
        assert (out / "autograder" / rel).read_bytes() == (out / rel).read_bytes()


@pytest.fixture
def desktop(tmp_path):
    """Exercise 12's solution copied to a folder and name a student's desktop might give it."""
    folder = tmp_path / "바탕 화면"
    folder.mkdir()
    path = folder / "12_lstm - 복사본.ipynb"
    shutil.copy(ROOT / "solutions" / "12_lstm" / "12_lstm.ipynb", path)
    return path


def test_check_recognizes_the_exercise_from_the_cells(desktop, tmp_path):
    nb = json.loads(desktop.read_text())
    assert student_check.find_release(ROOT, desktop, nb).parent.name == "12_lstm"
    # the name plays no part: exercise 03 saved as 12_lstm.ipynb is exercise 03
    misleading = tmp_path / "12_lstm.ipynb"
    shutil.copy(ROOT / "exercises" / "03_forward_mnist" / "03_forward_mnist.ipynb", misleading)
    found = student_check.find_release(ROOT, misleading, json.loads(misleading.read_text()))
    assert found.parent.name == "03_forward_mnist"
    # and a notebook of no exercise matches nothing
    assert student_check.find_release(ROOT, misleading, {"cells": []}) is None


def test_check_says_in_one_line_when_it_runs_unsandboxed(monkeypatch):
    monkeypatch.setenv("DLCOURSE_NO_BWRAP", "1")
    line = student_check.sandbox_line()
    assert "not sandboxed" in line and "\n" not in line
    monkeypatch.delenv("DLCOURSE_NO_BWRAP")
    from autograder.grading.student import sandbox

    monkeypatch.setattr(sandbox, "mode", lambda: "bubblewrap")
    assert student_check.sandbox_line() is None


def test_nothing_a_student_runs_needs_unix_only_modules():
    """Every check module, the CLI's parser, check and the worker's own modules import without them."""
    modules = sorted(p.stem for p in (ROOT / "autograder" / "checks").glob("ex*.py"))
    body = ("import importlib\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module('autograder.checks.' + name)\n"
            "from autograder import cli, wire as shipped_wire\n"
            "from autograder.grading.student import student_check, judge, remote, sandbox\n"
            "from autograder.grading.authoring import student_kit\n"
            "cli.parser()\n"
            "sys.path[:0] = [sandbox.os.path.dirname(sandbox.__file__), "
            "sandbox.os.path.dirname(shipped_wire.__file__)]\n"
            "import worker, wire\n"
            "worker.set_limits(2048, 16)\n"
            "print('ok')\n")
    run = subprocess.run([sys.executable, "-c", BLOCKED.format(unix=UNIX_ONLY, body=body)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]


def test_blocking_harness_catches_a_unix_only_import():
    """The other side: a start-up import of one of them fails in the harness."""
    run = subprocess.run([sys.executable, "-c", BLOCKED.format(unix=UNIX_ONLY, body="import pwd")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "pwd" in run.stderr


def _no_bwrap_path(tmp_path, python_bin):
    """A PATH with the environment's bin/ and a few tools, without bwrap (as on macOS or Windows)."""
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    for name in ("sh", "env", "uname", "rm"):
        found = shutil.which(name)
        if found and not (tools / name).exists():
            (tools / name).symlink_to(found)
    return f"{python_bin}{os.pathsep}{tools}"


#: What else Windows lacks that the worker's channel and the notebook reader use.
WINDOWS_LIKE = "import os, select\ndel select.poll, os.O_NOFOLLOW, os.O_NONBLOCK\n"


def _blocked_check(python, notebook, cwd, path, windows=False):
    """``python -m autograder check NOTEBOOK`` as a student types it, the Unix-only modules blocked
    (``windows``: also no poll() and no O_NOFOLLOW/O_NONBLOCK, so check takes its plain runner)."""
    body = ((WINDOWS_LIKE if windows else "") + "import runpy\nsys.argv = ['autograder', 'check', sys.argv[1]]\n"
            "runpy.run_module('autograder', run_name='__main__')")
    env = dict(os.environ, PATH=path)
    env.pop("DLCOURSE_NO_BWRAP", None)
    return subprocess.run([str(python), "-c", BLOCKED.format(unix=UNIX_ONLY, body=body), str(notebook)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("windows", [False, True], ids=["no-bwrap", "windows-like"])
def test_check_without_bwrap_and_unix_modules(desktop, tmp_path, windows):
    """The course's own check, from another folder, with no bwrap on PATH and the Unix-only modules
    blocked (and, Windows-like, without poll() and O_NOFOLLOW: the plain runner); the stub fails."""
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    path = _no_bwrap_path(tmp_path, os.path.dirname(sys.executable))
    run = _blocked_check(sys.executable, desktop, cwd, path, windows)
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    assert "12_lstm: visible tests" in run.stdout and "Visible tests: 7/7" in run.stdout
    assert len([line for line in run.stderr.splitlines() if "not sandboxed" in line]) == 1
    stub = _blocked_check(sys.executable, ROOT / "exercises" / "12_lstm" / "12_lstm.ipynb", cwd, path, windows)
    assert stub.returncode == 1 and "Visible tests: 0/7" in stub.stdout, stub.stdout + stub.stderr[-2000:]


#: A fresh virtualenv's python for the kit: Debian's own where it exists (the oldest Python we claim).
KIT_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else getattr(sys, "_base_executable",
                                                                                     sys.executable)


@pytest.mark.slow
def test_kit_installs_into_a_fresh_virtualenv_and_checks_from_anywhere(kit, desktop, tmp_path):
    """One `pip install KIT` into a new venv: torch 2.13.0 (CPU), the course's NumPy, a Jupyter kernel;
    then check on a renamed copy outside the kit's folder, and again without bwrap or Unix-only modules."""
    out, _ = kit
    venv = tmp_path / "course-env"
    subprocess.run([KIT_PYTHON, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    # pip's cache and the torch wheel on disk (this machine's pip config) keep it offline-ish
    pip = subprocess.run([str(python), "-m", "pip", "install", "-q", str(out)], capture_output=True, text=True,
                         timeout=1200, env=dict(os.environ, PIP_NO_COMPILE="1"))  # CI time: no .pyc of all torch
    assert pip.returncode == 0, pip.stderr[-3000:]
    probe = ("import json, torch, numpy, autograder, jupyter_client.kernelspec as k, jupyterlab\n"
             "print(json.dumps([torch.__version__, numpy.__version__, autograder.__file__, "
             "sorted(k.KernelSpecManager().find_kernel_specs())]))")
    got = json.loads(subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True,
                                    cwd=tmp_path).stdout)
    assert got[0] == "2.13.0+cpu" and got[1] == _pins()["numpy"]
    assert got[2].startswith(str(venv)) and "python3" in got[3]
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    run = subprocess.run([str(python), "-m", "autograder", "check", str(desktop)], capture_output=True, text=True,
                         cwd=cwd, env=env, timeout=600)
    assert run.returncode == 0 and "Visible tests: 7/7" in run.stdout, run.stdout + run.stderr[-2000:]
    notebook = out / "exercises" / "12_lstm" / "12_lstm.ipynb"
    stub = subprocess.run([str(python), "-m", "autograder", "check", str(notebook)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
    assert stub.returncode == 1 and "Visible tests: 0/7" in stub.stdout, stub.stdout + stub.stderr[-2000:]
    blocked = _blocked_check(python, desktop, cwd, _no_bwrap_path(tmp_path, venv / "bin"))
    assert blocked.returncode == 0 and "Visible tests: 7/7" in blocked.stdout, blocked.stdout + blocked.stderr[-2000:]
    assert "not sandboxed" in blocked.stderr


def _with_answer(name, grade_id, code):
    nb = json.loads((ROOT / "solutions" / name / f"{name}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            cell["source"] = code
    return nb


def test_plain_run_where_the_worker_cannot_run():
    """Windows' check (no poll, no fds to pass): a plain child Python with deadlines per cell.
    The solution passes, the stub fails every test, and a cell that never ends is left out with
    one line while the tests that do not need it still pass."""
    from autograder.grading.student.notebook import load_source

    name = "12_lstm"
    source = load_source(ROOT / "exercises" / name / f"{name}.ipynb")
    good = student_check.run_plain(source, json.loads((ROOT / "solutions" / name / f"{name}.ipynb").read_text()), 60)
    assert [t.passed for t in good.tests] == [True] * 3 and good.score == source.max_score
    stub = student_check.run_plain(source, json.loads((ROOT / "exercises" / name / f"{name}.ipynb").read_text()), 60)
    assert stub.score == 0 and all("not implemented" in t.message for t in stub.tests)
    looping = student_check.run_plain(source, _with_answer(name, "lstm_step_backward", "while True:\n    pass\n"), 3)
    assert {t.grade_id: t.passed for t in looping.tests} == {
        "test_lstm_step_forward": True, "test_lstm_step_backward": False, "test_lstm_forward": True}
    assert any("timed out after 3 s while running cell lstm_step_backward" in p for p in looping.problems)
