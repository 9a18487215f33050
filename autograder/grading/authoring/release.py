"""Release: regenerate exercises/ from solutions/ with nbgrader generate_assignment, then each
exercise's Korean notebook (exercises/NN_slug/ko/NN_slug.ipynb, see ``korean``) from the English one."""

import os
import re
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


class ReleaseError(Exception):
    """nbgrader could not release an assignment (the message is one line)."""


def release(course=".", names=None, quiet=True):
    """Generate the student version of each assignment into exercises/, and its Korean twin where
    solutions/NAME/NAME.ko-text.md exists; ReleaseError if nbgrader refuses or the Korean text does not fit."""
    from autograder.grading.authoring import korean

    names = names or assignments(course)
    for name in names:
        if not (Path(course) / "solutions" / name).is_dir():
            raise ReleaseError(f"no assignment solutions/{name}")
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force", "--no-db",
               "--log-level=ERROR" if quiet else "--log-level=INFO"]
        done = subprocess.run(cmd, cwd=course, env=nbgrader_env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise ReleaseError(f"nbgrader could not release {name}: {reason(done.stdout + done.stderr)} (the full "
                               f"log: nbgrader generate_assignment {name} --force, in {course})")
        try:
            korean.write_release(course, name)
        except korean.KoreanError as exc:
            raise ReleaseError(f"{name}: the Korean notebook: {exc}") from None
    return names


def reason(log):
    """The telling line of nbgrader's log: the first exception raised (``SomeError: text``: the cause), else the
    last ERROR line."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    raised = [line for line in lines if re.match(r"[\w.]*(Error|Exception): ", line)]
    errors = [line.split("]", 1)[-1].strip() for line in lines if "| ERROR]" in line]
    return (raised[:1] or errors[-1:] or lines[-1:] or ["no output"])[0][:300]
