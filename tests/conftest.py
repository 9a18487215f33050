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


@pytest.fixture
def make_worker():
    """Start grading workers the one way the tests do; each is closed when the test ends.

    ``make_worker(timeout=10, allow_weak=True)`` is ``remote.Worker(remote.Limits(timeout=10,
    allow_weak=True))``: the keywords are ``Limits``'s (``allow_weak=True`` accepts the hook-only
    sandbox where bubblewrap cannot run). A test may close a worker itself too (closing twice is safe).
    """
    from autograder.grading.student.remote import Limits, Worker

    made = []

    def make(**limits):
        made.append(Worker(Limits(**limits)))
        return made[-1]

    yield make
    for worker in made:
        worker.close()


def pytest_runtest_setup(item):
    """A test marked ``bwrap`` (pyproject.toml) is skipped, with the reason, where the bubblewrap
    sandbox cannot run here (no bwrap, no user namespaces, or DLCOURSE_NO_BWRAP set)."""
    if item.get_closest_marker("bwrap"):
        from autograder.grading.student import sandbox

        if not sandbox.available():
            pytest.skip(f"needs the bubblewrap sandbox: {sandbox.unavailable_reason()}")


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
