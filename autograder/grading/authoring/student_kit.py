"""``python -m autograder student-kit OUT``: what students install, without the answers.

The kit is a folder with

- ``exercises/``: the released notebooks (no solutions, no hidden tests; each in English and, in
  ``exercises/NN_slug/ko/``, in Korean), also inside the
  package (``autograder/exercises/``), so that ``python -m autograder check`` finds the
  visible tests from any folder;
- ``pyproject.toml``: the course's own versions of NumPy, PyTorch (the CPU build on
  Linux: ``torch==2.13.0+cpu``, from PyTorch's CPU index) and a Jupyter kernel with
  JupyterLab, read from the course's pins when the kit is built;
- the package ``autograder`` (one ``pip install OUT``): ``checks``, ``ref_torch``,
  ``data``, ``grading``, ``cli.py`` (for ``python -m autograder check``), ``wire.py`` and a ``ref_numpy`` in
  which every *graded* function (a grade_id of a solution cell in solutions/) is
  replaced by a shim that computes it with its PyTorch twin (same module, same
  name: NumPy in, NumPy out, on the CPU in float64 as the NumPy reference), or, where
  the twin's cache differs from the NumPy reference's (activations, batch norm, the LSTM
  forwards), with ``ref_torch.numpy_caches``, which keeps the NumPy cache. Functions that
  are not graded keep their NumPy code, except the few of ANSWER_BEARING.

So the visible checks work as in the course repository (expected values come from
the PyTorch twins, mutant diagnoses from the shims), and no NumPy reference of a
graded function is in the kit. The hidden tests and solutions stay in solutions/.
"""

import ast
import re
import shutil
from pathlib import Path

import autograder
from autograder.grading.student.notebook import load_source

#: Folders of the package that are copied as they are (none holds a NumPy answer).
COPIED = ("checks", "ref_torch", "data", "grading")
#: Modules at the package's top that the kit ships: the CLI (``check``) and the wire protocol the
#: checks and the worker speak.
TOP_FILES = ("__init__.py", "__main__.py", "cli.py", "wire.py")
#: What the shim module of a topic imports to call the twin.
SHIM_HELPER = "_kit"

HELPER = '''"""Student kit: a graded NumPy reference computed by its PyTorch twin (NumPy in, NumPy out)."""

import importlib
import inspect
import threading

import numpy as np

_busy = threading.local()


def twin(topic, name, args, kwargs):
    """``autograder.ref_torch.<topic>.<name>(*args, **kwargs)`` with tensors turned back into NumPy."""
    running = getattr(_busy, "names", set())
    if (topic, name) in running:  # the twin itself calls the NumPy version: not available in the kit
        raise NotImplementedError(f"{topic}.{name} is not available in the student kit")
    _busy.names = running | {(topic, name)}
    try:
        fn = MEASURED.get((topic, name)) or _adapter(topic, name) or getattr(
            importlib.import_module(f"autograder.ref_torch.{topic}"), name)
        args = [_tensor_fn(a) for a in args]
        kwargs = {k: _tensor_fn(v) for k, v in kwargs.items()}
        if "device" not in kwargs and _takes_device(fn):
            kwargs["device"] = "cpu"  # float64 everywhere, as the NumPy reference it stands for (MPS has none)
        try:
            return _numpy(fn(*args, **kwargs))
        except NotImplementedError:
            raise
        except RuntimeError as exc:  # torch's shape errors; NumPy raises ValueError, which checks expect
            raise ValueError(str(exc)) from exc
    finally:
        _busy.names = running


def _conv_output_size(n, k, stride=1, pad=0):
    """Measured: the length of PyTorch's convolution output (the twin would call the NumPy formula)."""
    import torch

    x, w = torch.zeros(1, 1, int(n)), torch.zeros(1, 1, int(k))
    return int(torch.nn.functional.conv1d(x, w, stride=int(stride), padding=int(pad)).shape[-1])


#: Graded functions whose twin reuses the NumPy reference: computed by PyTorch another way.
MEASURED = {("conv", "conv_output_size"): _conv_output_size}


def _takes_device(fn):
    try:
        return "device" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _adapter(topic, name):
    """The function that keeps the NumPy reference's contract (its cache) where the twin's differs."""
    return importlib.import_module("autograder.ref_torch.numpy_caches").ADAPTERS.get((topic, name))


def missing(topic, name):
    raise NotImplementedError(f"{topic}.{name} has no PyTorch twin; it is not available in the student kit")


def _tensor_fn(value):
    """A NumPy function passed in (an activation) made to take and give tensors; anything else as is."""
    if isinstance(value, np.ndarray):
        return np.ascontiguousarray(value)  # torch refuses views with negative strides (flipped kernels)
    module = getattr(value, "__module__", None) or ""
    if not callable(value) or isinstance(value, type) or module.startswith("torch"):
        return value

    def on_tensors(t, *rest):
        import torch

        out = value(_numpy(t), *rest)
        return torch.as_tensor(np.asarray(out), dtype=t.dtype, device=t.device)

    return on_tensors


def _numpy(value):
    """Tensors (also inside tuples, lists and dicts) as NumPy arrays."""
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    if isinstance(value, tuple):
        return tuple(_numpy(v) for v in value)
    if isinstance(value, list):
        return [_numpy(v) for v in value]
    if isinstance(value, dict):
        return {k: _numpy(v) for k, v in value.items()}
    return value
'''

#: What a student's environment needs (the versions are the course's, see ``requirements``):
#: the checks (NumPy, PyTorch, tqdm), ``check`` (nbformat, IPython) and a Jupyter kernel
#: with JupyterLab to open the notebooks in.
KIT_PACKAGES = ("numpy", "torch", "tqdm", "nbformat", "ipython", "ipykernel", "jupyterlab")
#: Where PyTorch publishes its CPU-only wheels for Linux (PyPI's Linux wheel is the CUDA build).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

PYPROJECT = '''[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "dlcourse-student-kit"
version = "0.1.0"
description = "Checks of the deep-learning course's exercises (no solutions, no hidden tests)"
requires-python = "{requires_python}"
# The course's own versions. On Linux the CPU build of PyTorch (from PyTorch's CPU index):
# PyPI's Linux wheel of the same version pulls about 3 GB of CUDA libraries.
dependencies = [
{dependencies}
]

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
autograder = ["exercises/*/*.ipynb", "exercises/*/ko/*.ipynb"]
'''

#: The one command a student types, per operating system, in an activated virtual environment
#: in the folder that holds the kit.
INSTALL = {
    "Linux (the CPU build of PyTorch, from PyTorch's own index)":
        f"python -m pip install --extra-index-url {TORCH_CPU_INDEX} ./dlcourse-kit",
    "macOS and Windows (PyPI's PyTorch has no CUDA there)": "python -m pip install ./dlcourse-kit",
}

README = '''# Student kit of the deep-learning course

Install it once, into a fresh virtual environment (Python {requires_python}), from the
folder that holds this kit (named `dlcourse-kit` here):

    python -m venv course-env                  # Windows: py -m venv course-env
    source course-env/bin/activate             # Windows: course-env\\Scripts\\activate
{install}

That installs the course's own versions of NumPy and PyTorch ({torch}; on Linux the CPU
build, from PyTorch's CPU index: PyPI's Linux wheel brings 3 GB of CUDA libraries), the
checks, and JupyterLab with a Python kernel. Nothing else is needed.

Open an exercise with `jupyter lab exercises/NN_slug/NN_slug.ipynb` (in Korean:
`exercises/NN_slug/ko/NN_slug.ipynb`, 한국어판), write your code in the
answer cells and run each test cell under it. `python -m autograder check NOTEBOOK`
runs the visible tests of a saved notebook as the grader does, from any folder and whatever
the file is called. The grader also runs hidden tests (other inputs, same checks).

If the first cells say that `autograder` is not installed, the notebook runs in a kernel
without the kit: pick the kernel of the environment above (or start `jupyter lab` from it).
'''


def requirements(course):
    """[pip requirement, ...] of KIT_PACKAGES at the course's versions (its .ci/constraints.txt).

    torch is pinned to the CPU build on Linux (``+cpu``, from TORCH_CPU_INDEX) and to the plain
    version elsewhere (PyPI's macOS and Windows wheels carry no CUDA).
    """
    pins = {}
    for line in Path(course, ".ci", "constraints.txt").read_text().splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not name.startswith("#"):
            pins[_canonical(name)] = version.strip()
    missing = [n for n in KIT_PACKAGES if _canonical(n) not in pins]
    if missing:
        raise LookupError(f"the course pins no version of {', '.join(missing)} (.ci/constraints.txt)")
    out = []
    for name in KIT_PACKAGES:
        version = pins[_canonical(name)]
        if name == "torch":
            plain = version.split("+")[0]
            out += [f'torch=={plain}+cpu; sys_platform == "linux"', f'torch=={plain}; sys_platform != "linux"']
        else:
            out.append(f"{name}=={version}")
    return out


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _requires_python(course):
    match = re.search(r'^requires-python\s*=\s*"([^"]+)"', Path(course, "pyproject.toml").read_text(), re.M)
    return match.group(1) if match else ">=3.11"


def kit_files(course):
    """{file name: text} of the kit's pyproject.toml and README.md."""
    reqs = requirements(course)
    python = _requires_python(course)
    deps = "\n".join(f"    '{r}'," for r in reqs)  # TOML literal strings: the markers hold quotes
    torch = next(r.split(";")[0] for r in reqs if r.startswith("torch") and "+cpu" not in r)
    install = "\n".join(f"    # {system}:\n    {command}" for system, command in INSTALL.items())
    return {"pyproject.toml": PYPROJECT.format(requires_python=python, dependencies=deps),
            "README.md": README.format(requires_python=python, install=install, torch=torch)}


#: NumPy references no exercise grades whose body holds a graded answer all the same:
#: withheld (and computed by their twins) like the graded ones. {'topic.name': why}.
ANSWER_BEARING = {
    "lstm.lstm_backward": "its loop body is lstm_step_backward's (exercise 12)",
    "vanishing.mlp_grads": "grad_norms_per_layer (exercise 06) is the norms of its result",
    "backprop.mlp_backward_by_layers": "it is mlp_backward (exercise 05) chained from the layer backwards",
    "train.train_full_batch": "it is train_mlp (exercise 05)",
    "mlp.mlp_forward_cache": "its loop is mlp_forward (exercise 03) keeping the activations",
    "activations.sigmoid": "it is sigmoid_forward (exercise 06)",
}


def graded_functions(course):
    """Every graded NumPy reference as 'topic.name': the functions whose body no kit may ship
    (ANSWER_BEARING included).

    A grade_id ``g`` of assignment ``NN_slug`` is graded in ``ref_numpy/<topic>.py`` when
    the exercise's checks (``checks/exNN_slug.py``) import that topic, or when the topic's
    PyTorch twin has a function ``g`` (so a GAN helper that merely shares a name with
    exercise 03's ``mlp_forward`` ships as it is).
    """
    package = Path(autograder.__file__).parent
    defined = {p.stem: _function_names(p) for p in (package / "ref_numpy").glob("*.py")}
    graded = set()
    for path in sorted(Path(course, "solutions").glob("*/*.ipynb")):
        ids = set(load_source(path).solutions)
        used = _ref_numpy_imports(package / "checks" / f"ex{path.parent.name}.py")
        for topic, names in defined.items():
            twin = _twin_names(topic)
            graded |= {f"{topic}.{g}" for g in ids & names if topic in used or g in twin}
    return graded | set(ANSWER_BEARING)


def _function_names(path):
    return {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}


def _ref_numpy_imports(path):
    """Topics of ``autograder.ref_numpy`` that the check file at ``path`` imports (anywhere in it)."""
    if not path.exists():
        return set()
    topics = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "autograder.ref_numpy":
            topics |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograder.ref_numpy."):
            topics.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            topics |= {a.name.split(".")[2] for a in node.names if a.name.startswith("autograder.ref_numpy.")}
    return topics


def _is_graded(topic, name, graded):
    return f"{topic}.{name}" in graded or name in graded


def build(course, out):
    """Write the kit to ``out`` (a new or empty folder); return {'shimmed': [...], 'notebooks': [...]}."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty; the kit is written into a new folder")
    graded = graded_functions(course)
    files = kit_files(course)  # before writing anything: a course without the pins fails whole
    package = Path(autograder.__file__).parent
    target = out / "autograder"
    target.mkdir(parents=True)
    for name in TOP_FILES:
        shutil.copy(package / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in COPIED:
        shutil.copytree(package / folder, target / folder, ignore=ignore)
    shimmed = _write_ref_numpy(package / "ref_numpy", target / "ref_numpy", graded)
    notebooks = []
    exercises = Path(course, "exercises")
    for path in sorted([*exercises.glob("*/*.ipynb"), *exercises.glob("*/ko/*.ipynb")]):  # English, Korean
        where = path.relative_to(exercises).as_posix()
        for folder in (out, target):  # the student's copy; the package's, for `check` from anywhere
            dest = folder / "exercises" / where
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, dest)
        notebooks.append(f"exercises/{where}")
    for name, text in files.items():
        (out / name).write_text(text)
    return {"shimmed": shimmed, "notebooks": notebooks}


def _write_ref_numpy(source, target, graded):
    """Copy ref_numpy, each graded function replaced by its shim; return ['topic.name', ...] shimmed."""
    target.mkdir()
    (target / f"{SHIM_HELPER}.py").write_text(HELPER)
    shimmed = []
    for path in sorted(source.glob("*.py")):
        text, names = shim_module(path.read_text(), path.stem, graded)
        (target / path.name).write_text(text)
        shimmed += [f"{path.stem}.{n}" for n in names]
    return shimmed


def shim_module(text, topic, graded):
    """(module text with every top-level graded function replaced by a shim, names replaced)."""
    tree = ast.parse(text)
    nodes = [n for n in tree.body if isinstance(n, ast.FunctionDef) and _is_graded(topic, n.name, graded)]
    if not nodes:
        return text, []
    lines = text.splitlines()
    has_twin = _twin_names(topic)
    for node in sorted(nodes, key=lambda n: n.lineno, reverse=True):
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        lines[start:node.end_lineno] = _shim(node, topic, node.name in has_twin).splitlines()
    header = f"from autograder.ref_numpy import {SHIM_HELPER} as _kit  # student kit: graded functions by their twins"
    return _after_docstring(lines, tree, header), [n.name for n in nodes]


def _shim(node, topic, twin):
    doc = (ast.get_docstring(node) or "").split("\n")[0]  # the first line: shapes, never the method
    quoted = f'    """{doc}"""\n' if doc and '"""' not in doc else ""
    call = (f"return _kit.twin({topic!r}, {node.name!r}, args, kwargs)" if twin
            else f"_kit.missing({topic!r}, {node.name!r})")
    return f"def {node.name}(*args, **kwargs):\n{quoted}    {call}\n"


def _twin_names(topic):
    """Top-level function names of ``ref_torch/<topic>.py`` (read, not imported)."""
    path = Path(autograder.__file__).parent / "ref_torch" / f"{topic}.py"
    if not path.exists():
        return set()
    return {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}


def _after_docstring(lines, tree, header):
    """The module's lines with ``header`` inserted after its docstring (or at the top)."""
    first = tree.body[0] if tree.body else None
    at = first.end_lineno if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)) else 0
    return "\n".join(lines[:at] + ["", header] + lines[at:]) + "\n"


def graded_bodies(graded, package=None):
    """{topic.name: body text without docstring} of every graded NumPy reference, for leak tests."""
    package = Path(package or Path(autograder.__file__).parent) / "ref_numpy"
    bodies = {}
    for path in sorted(package.glob("*.py")):
        text = path.read_text()
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef) and _is_graded(path.stem, node.name, graded):
                body = node.body[1:] if ast.get_docstring(node) is not None else node.body
                if body:
                    bodies[f"{path.stem}.{node.name}"] = "\n".join(lines[body[0].lineno - 1:node.end_lineno])
    return bodies
