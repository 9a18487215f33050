"""Release: regenerate exercises/ from solutions/ with nbgrader generate_assignment."""

import os
import subprocess
import sys
from pathlib import Path


def assignments(course):
    """Every assignment in solutions/ (folders named NN_slug), sorted."""
    return sorted(p.name for p in (Path(course) / "solutions").iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")))


def nbgrader_env():
    """The environment nbgrader needs: this interpreter's bin/ on PATH (it calls alembic)."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def release(course=".", names=None, quiet=True):
    """Generate the student version of each assignment into exercises/."""
    names = names or assignments(course)
    for name in names:
        if not (Path(course) / "solutions" / name).is_dir():
            raise SystemExit(f"release: no assignment solutions/{name}")
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force", "--no-db",
               "--log-level=ERROR" if quiet else "--log-level=INFO"]
        done = subprocess.run(cmd, cwd=course, env=nbgrader_env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"release of {name} failed:\n{done.stdout}{done.stderr}")
    return names
