"""Finding the submissions of a class: nbgrader folders, a zip of them, or loose notebooks.

Accepted layouts of SUBMISSIONS (a folder or a .zip):
- ``<student_id>/<assignment>/<notebook>.ipynb`` (nbgrader's submitted layout),
  optionally inside a top folder such as ``submitted/``;
- ``<student_id>.ipynb`` files side by side, as learning-management systems export.
"""

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

#: Student ids become file names: letters, digits and ._@- only.
VALID_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
#: Refuse zips that would unpack to more than this (bytes).
MAX_UNZIPPED = 2 * 2**30


class SubmissionsError(Exception):
    """SUBMISSIONS cannot be read at all."""


@dataclass
class Submission:
    student_id: str
    notebooks: dict = field(default_factory=dict)  # source notebook name -> path
    problem: str = ""


def open_submissions(path, workdir):
    """A folder to read: ``path`` itself, or the zip ``path`` safely unpacked under ``workdir``."""
    path = Path(path)
    if path.is_dir():
        return path
    if not path.exists():
        raise SubmissionsError(f"{path} does not exist")
    if not zipfile.is_zipfile(path):
        raise SubmissionsError(f"{path} is neither a folder nor a zip file")
    target = Path(tempfile.mkdtemp(prefix="submissions-", dir=workdir))
    with zipfile.ZipFile(path) as zf:
        if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED:
            raise SubmissionsError(f"{path} unpacks to more than {MAX_UNZIPPED // 2**30} GiB")
        for info in zf.infolist():
            dest = (target / info.filename).resolve()
            if not dest.is_relative_to(target.resolve()) or info.is_dir():
                continue  # skip folders and any entry that would escape (zip slip)
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
    return target


def find(root, assignment, notebook_names):
    """The class's submissions under ``root``, sorted by student id."""
    root = _unwrap(Path(root), assignment)
    loose = sorted(p for p in root.glob("*.ipynb") if p.is_file())
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    found = [_from_file(p, notebook_names) for p in loose]
    found += [_from_folder(d, assignment, notebook_names) for d in folders]
    return sorted(found, key=lambda s: s.student_id)


def _unwrap(root, assignment):
    """Step into a lone wrapping folder (``submitted/``, the zip's top folder)."""
    while True:
        entries = [p for p in root.iterdir() if not p.name.startswith((".", "__MACOSX"))]
        dirs = [p for p in entries if p.is_dir()]
        if len(entries) == 1 and dirs and not (dirs[0] / assignment).is_dir():
            root = dirs[0]
        else:
            return root


def _from_file(path, names):
    student = path.stem
    sub = Submission(student)
    if not VALID_ID.match(student):
        sub.problem = f"{path.name}: the file name is not a valid student id"
    elif len(names) != 1:
        sub.problem = "a loose notebook cannot answer an assignment of several notebooks"
    else:
        sub.notebooks[names[0]] = path
    return sub


def _from_folder(folder, assignment, names):
    sub = Submission(folder.name)
    if not VALID_ID.match(folder.name):
        sub.problem = f"{folder.name!r} is not a valid student id"
        return sub
    base = folder / assignment
    if not base.is_dir():
        sub.problem = f"no folder {assignment}/ in this submission"
        return sub
    present = sorted(p for p in base.glob("*.ipynb") if p.is_file())
    for name in names:
        if (base / f"{name}.ipynb").is_file():
            sub.notebooks[name] = base / f"{name}.ipynb"
    unmatched = [p for p in present if p.stem not in names]
    if len(names) == 1 and not sub.notebooks and len(unmatched) == 1:
        sub.notebooks[names[0]] = unmatched[0]  # a renamed notebook is still the answer
    if not present:
        sub.problem = f"no notebook in {assignment}/"
    return sub
