"""Writing the tool's own files safely, for every command that writes one.

- ``atomic_write``: a temporary file renamed onto the target, so a failed write leaves the
  old file (or nothing), with the permissions the user's umask gives (not mkstemp's 0600);
- ``private_dir``: the folder of 0700 beside a gradebook that holds its lock and temporary files;
- ``ours_to_replace``: an existing file is replaced only when the tool wrote it (or ``force``);
- ``probe``: can this user create a file in a folder, checked before any work is done.
"""

import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Callable, TextIO

#: The private folder beside the gradebook: the lock and temporary files.
PRIVATE = ".dlcourse-private"


class NotPrivate(OSError):
    """The private folder is a link, not a folder, or someone else's."""


def umask() -> int:
    """This process's umask, read without changing it (os.umask would, for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def private_dir(folder) -> Path:
    """``folder``/.dlcourse-private, created mode 0700; NotPrivate if it is a link or someone else's."""
    path = Path(folder) / PRIVATE
    with suppress(FileExistsError):
        path.mkdir(mode=0o700, parents=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise NotPrivate(f"{path} is not a private folder of this user; remove it")
    os.chmod(path, 0o700)
    return path


def remove_private_dir(folder) -> None:
    """Remove the private folder if nothing is left in it (end of a run)."""
    with suppress(OSError):
        (Path(folder) / PRIVATE).rmdir()


def atomic_write(target, write: Callable[[TextIO], object], temp_dir=None, binary: bool = False) -> Path:
    """Call ``write(handle)`` on a temporary file, then rename it onto ``target``.

    temp_dir: where the temporary file is made (the gradebook's private folder); by default
    beside ``target`` as ``.<name>.*.tmp``. Text is UTF-8, newlines as written.
    """
    target = Path(target)
    fd, tmp = tempfile.mkstemp(dir=temp_dir or target.parent, prefix="tmp" if temp_dir else f".{target.name}.",
                               suffix=".tmp")
    try:
        with (os.fdopen(fd, "wb") if binary else
              os.fdopen(fd, "w", newline="", encoding="utf-8", errors="replace")) as handle:
            write(handle)
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp's 0600 would hide the file from the course's group
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def ours_to_replace(path, is_ours: Callable[[Path], bool], force: bool = False) -> bool:
    """True if the tool may write ``path``: it does not exist, ``force``, or ``is_ours(path)`` (the
    tool wrote it: its own header, title or digest)."""
    path = Path(path)
    return force or not path.exists() or bool(is_ours(path))


def probe(folder, prefix: str = "tmp") -> None:
    """OSError unless this user can create (and remove) a file in ``folder``."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)
