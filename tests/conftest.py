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

