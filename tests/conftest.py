"""Shared fixtures (the course root, the venv's environment for nbgrader, a device, a grading worker),
the ``bwrap`` marker's skip, and the order of the test files. Tests import nothing from here: what
they share as code is in ``tests/helpers/``."""

import os
import sys

import pytest

from helpers.paths import ROOT


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


#: Test files that take minutes: started first, so that `pytest -n 2 --dist loadfile`
#: does not end with one worker running a long file alone. xdist would otherwise reorder
#: files by their number of tests (few-test long files last): `make test` passes
#: --no-loadscope-reorder.
#: Names are module names (file names without .py: the test folders are not packages, so every test file
#: name is unique in tests/).
SLOW_FIRST = ("test_book", "test_nbgrader_pipeline", "test_classroom", "test_assignments_odd", "test_nbval",
              "test_assignments_even", "test_dask", "test_student_kit", "test_cli")


def pytest_collection_modifyitems(config, items):
    """Order the long test files first; the order within each file is kept."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__, len(rank)))
