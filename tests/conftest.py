"""Shared fixtures: the course root, the venv's environment for nbgrader, a device."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root():
    """The repository root (holds solutions/, exercises/, chapters/)."""
    return ROOT


@pytest.fixture(scope="session")
def venv_env():
    """Environment with this interpreter's bin/ first on PATH (nbgrader calls alembic)."""
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


@pytest.fixture(scope="session")
def dev():
    """The torch device the references use here."""
    import autograder

    return autograder.device()


def assignments():
    """Every assignment folder in solutions/."""
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


#: Test files that take minutes: started first, so that `pytest -n 2 --dist loadfile`
#: does not end with one worker running a long file alone. xdist would otherwise reorder
#: files by their number of tests (few-test long files last): `make test` passes
#: --no-loadscope-reorder.
SLOW_FIRST = ("test_book", "test_nbgrader_pipeline", "test_grading_class", "test_assignments", "test_nbval",
              "test_assignments_b", "test_dask", "test_student_kit", "test_cli")


def pytest_collection_modifyitems(config, items):
    """Order the long test files first; the order within each file is kept."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__, len(rank)))
