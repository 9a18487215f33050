"""``make venv``: create or check the course's virtualenv; every refusal is one line.

Run by the Makefile with the interpreter the user chose (``PYTHON``, default
``python3``), so it is written for any Python 3 (no f-strings) and can say which
version it found when that one is too old.

- The interpreter must satisfy ``requires-python`` of pyproject.toml and have the
  ``venv`` module with ``ensurepip`` (Debian ships it apart, in python3-venv: as root
  with apt-get it is installed, elsewhere the line says what to install).
- An existing venv is used only if its own python runs and is of a supported version.
  One made by another interpreter than an explicit ``PYTHON=...`` is rebuilt; with the
  default ``PYTHON`` a healthy venv is kept (one line says which Python it has), so that
  ``make test`` after ``make venv PYTHON=/usr/bin/python3`` does not rebuild it.
- The stamp (``.venv/.installed``) records the venv's interpreter (path and version)
  and a hash of pyproject.toml and the constraints: pip runs again when either changed
  or when an earlier install did not finish (no stamp).

Usage: python .ci/venv.py VENV CONSTRAINTS ORIGIN   (ORIGIN: make's ``$(origin PYTHON)``)
"""

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys

PREFIX = "make venv: "
STAMP = ".installed"


def fail(message):
    sys.stderr.write(PREFIX + message + "\n")
    sys.exit(1)


def say(message):
    sys.stdout.write(PREFIX + message + "\n")
    sys.stdout.flush()


def minimum_version(pyproject="pyproject.toml"):
    """(major, minor, micro) from ``requires-python = ">=X.Y[.Z]"`` (the only form the project uses)."""
    with open(pyproject, encoding="utf-8") as handle:
        match = re.search(r'^requires-python\s*=\s*">=\s*([0-9.]+)', handle.read(), re.M)
    if not match:
        fail("pyproject.toml has no requires-python = \">=X.Y\" line")
    parts = [int(p) for p in match.group(1).split(".")]
    return tuple((parts + [0, 0])[:3])


def dotted(version):
    return ".".join(str(v) for v in version)


def identity(python):
    """(real path of the base interpreter, version) of ``python``, or None when it does not run."""
    code = ("import os, platform, sys; "
            "print(os.path.realpath(getattr(sys, '_base_executable', sys.executable))); "
            "print(platform.python_version())")
    try:
        out = subprocess.run([python, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             universal_newlines=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.stdout.split()
    return (lines[0], lines[1]) if out.returncode == 0 and len(lines) == 2 else None


def version_tuple(text):
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def ensure_venv_module():
    """The venv module with ensurepip, or one line saying how to get it (apt-get as root on Debian)."""
    if _has_venv():
        return
    package = "python{}.{}-venv".format(*sys.version_info[:2])
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") and sys.executable.startswith("/usr/"):
        say("{} has no ensurepip (Debian ships it in {}): installing it with apt-get".format(sys.executable, package))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        ok = subprocess.call(["apt-get", "update", "-qq"], env=env) == 0 and subprocess.call(
            ["apt-get", "install", "-y", "-qq", package], env=env, stdout=subprocess.DEVNULL) == 0
        if ok and _has_venv():
            return
    fail("{} (Python {}) cannot create a virtualenv: its venv/ensurepip module is missing "
         "(Debian/Ubuntu: apt-get install {}), or pass PYTHON=another python".format(
             sys.executable, platform.python_version(), package))


def _has_venv():
    try:
        import ensurepip  # noqa: F401  (Debian's python3 lacks it without python3-venv)
        import venv  # noqa: F401
    except ImportError:
        return False
    return True


def inputs_hash(constraints):
    digest = hashlib.sha256()
    for path in ("pyproject.toml", constraints):
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def read_stamp(venv):
    try:
        with open(os.path.join(venv, STAMP), encoding="utf-8") as handle:
            stamp = json.load(handle)
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def decide(venv, want, minimum, explicit):
    """'create', 'keep' or 'rebuild' (with the reason) for the venv folder ``venv``."""
    if not os.path.lexists(venv):
        return "create", None
    if not os.path.isfile(os.path.join(venv, "pyvenv.cfg")):
        fail("{} exists but is not a virtualenv (no pyvenv.cfg); move it away and run make again".format(venv))
    have = identity(os.path.join(venv, "bin", "python"))
    if have is None:
        return "rebuild", "its python does not run (made by a Python that is gone, or a failed create)"
    if version_tuple(have[1]) < minimum:
        return "rebuild", "it has Python {}, older than the {} this course needs".format(have[1], dotted(minimum))
    if have != want and explicit:
        return "rebuild", "it was made by {} (Python {}), not by PYTHON={} (Python {})".format(
            have[0], have[1], want[0], want[1])
    if have != want:
        say("keeping {} (made by {}, Python {}); pass PYTHON=... to rebuild it with another Python".format(
            venv, have[0], have[1]))
    return "keep", None


def main(venv, constraints, origin):
    minimum = minimum_version()
    want = (os.path.realpath(sys.executable), platform.python_version())
    if sys.version_info[:3] < minimum:
        fail("{} is Python {}; this course needs Python >= {} (pass PYTHON=/path/to/a newer python3)".format(
            sys.executable, want[1], dotted(minimum)))
    action, why = decide(venv, want, minimum, explicit=origin in ("command line", "environment", "override"))
    if action == "rebuild":
        say("rebuilding {}: {}".format(venv, why))
        shutil.rmtree(venv)
    if action in ("create", "rebuild"):
        ensure_venv_module()
        if subprocess.call([sys.executable, "-m", "venv", venv]) != 0:
            fail("{} -m venv {} failed (see above)".format(sys.executable, venv))
    python = os.path.join(venv, "bin", "python")
    have = identity(python)
    if have is None:
        fail("{} does not run after creating {}".format(python, venv))
    digest = inputs_hash(constraints)
    stamp = read_stamp(venv)
    if stamp.get("python") == have[0] and stamp.get("version") == have[1] and stamp.get("inputs") == digest:
        return 0
    if subprocess.call([python, "-m", "pip", "install", "--quiet", "-c", constraints, "-e", "."]) != 0:
        fail("pip could not install the pinned dependencies into {} (see above); run make again "
             "to retry".format(venv))
    if subprocess.call([python, "-m", "pip", "check"]) != 0:
        fail("pip check found broken requirements in {} (see above)".format(venv))
    with open(os.path.join(venv, STAMP), "w", encoding="utf-8") as handle:
        json.dump({"python": have[0], "version": have[1], "inputs": digest}, handle)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        fail("usage: python .ci/venv.py VENV CONSTRAINTS ORIGIN")
    sys.exit(main(*sys.argv[1:]))
