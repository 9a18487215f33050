"""Finding the submissions of a class: nbgrader folders, a zip of them, or loose notebooks.

Accepted layouts of SUBMISSIONS (a folder or a .zip):
- ``<student_id>/<assignment>/<notebook>.ipynb`` (nbgrader's submitted layout),
  optionally inside a top folder such as ``submitted/``;
- ``<student_id>.ipynb`` files side by side, as learning-management systems export.

Nothing here follows a symbolic link: a link is refused with a reason (the
grader would otherwise read its target with its own rights). Sizes are capped
before anything is unpacked. Student ids follow one policy (``safe_id``); an id
outside it is reported and recorded under a safe name derived from it.
"""

import hashlib
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.text import clean

#: Entries of a submissions folder that are never submissions.
JUNK = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store", ".git", ".svn", "Thumbs.db"}
#: Longest student id kept as it is.
MAX_ID = 100
#: Separators an id may contain besides letters and digits (never as its first character).
ID_SEPARATORS = "_-.'@"


class SubmissionsError(Exception):
    """SUBMISSIONS cannot be read at all."""


@dataclass
class InputLimits:
    """Caps on what is read from the class: per notebook, the whole zip, its member count."""

    notebook_bytes: int = 20 * 2**20
    total_bytes: int = 500 * 2**20
    members: int = 50_000


@dataclass
class Submission:
    student_id: str                                  # the id recorded (safe_id of raw_id)
    notebooks: dict = field(default_factory=dict)    # source notebook name -> path
    problem: str = ""                                # why nothing can be graded (status zero)
    refused: dict = field(default_factory=dict)      # notebook name -> why the grader refused it (error)
    notes: list = field(default_factory=list)        # renamed id, duplicate id, ...
    raw_id: str = ""
    origin: str = ""                                 # "folder X/" or "file X.ipynb", for messages


@dataclass
class Opened:
    """A class folder to read, and what was refused on the way (zip members)."""

    root: Path
    refused: dict = field(default_factory=dict)      # path on disk (placeholder) -> reason
    warnings: list = field(default_factory=list)


def _id_char(char):
    return unicodedata.category(char)[0] in "LMN" or char in ID_SEPARATORS


def valid_id(text):
    """Letters of any script, digits and ``_-.'@``; starts with a letter or digit; at most MAX_ID."""
    return (0 < len(text) <= MAX_ID and unicodedata.category(text[0])[0] in "LN"
            and all(_id_char(c) for c in text) and text == unicodedata.normalize("NFC", text))


def safe_id(raw):
    """(id to record, '' or a note saying why ``raw`` was renamed); the same ``raw`` always maps alike.

    An id in the policy is kept (in Unicode NFC form). Anything else (``..``, a
    leading ``=``, ``+``, ``-`` or ``@``, a slash, control characters, ANSI
    escapes) keeps its allowed characters and gets a short hash of the raw name.
    """
    nfc = unicodedata.normalize("NFC", raw)
    if valid_id(nfc):
        return nfc, ""
    base = re.sub(r"_+", "_", "".join(c if _id_char(c) else "_" for c in nfc))
    base = base.lstrip(ID_SEPARATORS)[:60] or "student"
    tag = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    safe = f"{base}-{tag}"
    return safe, (f"the name {clean(repr(raw), 200, False)} is not a valid student id (letters, digits "
                  f"and {ID_SEPARATORS}, starting with a letter or digit); recorded as {safe}")


def open_submissions(path, workdir, limits=None):
    """An ``Opened`` class: ``path`` itself, or the zip ``path`` safely unpacked under ``workdir``."""
    path, limits = Path(path), limits or InputLimits()
    if path.is_dir():
        return Opened(path)
    if not path.exists():
        raise SubmissionsError(f"{path} does not exist")
    if not zipfile.is_zipfile(path):
        raise SubmissionsError(f"{path} is neither a folder nor a zip file")
    target = Path(tempfile.mkdtemp(prefix="submissions-", dir=workdir))
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        if len(infos) > limits.members:
            raise SubmissionsError(f"{path} has {len(infos)} entries; the limit is {limits.members}")
        total = sum(i.file_size for i in infos if i.filename.endswith(".ipynb"))
        if total > limits.total_bytes:
            raise SubmissionsError(f"the notebooks in {path} unpack to {total / 2**20:.0f} MB; the limit is "
                                   f"{limits.total_bytes / 2**20:g} MB (grade --max-total-mb)")
        opened = Opened(target)
        for info in infos:
            _unpack(zf, info, target, limits, opened)
    return opened


def _unpack(zf, info, target, limits, opened):
    """Unpack one member: folders and notebooks only; links and oversized ones become refused placeholders."""
    name = info.filename
    try:
        dest = Path(os.path.normpath(target / name))
        if not dest.is_relative_to(target) or dest == target:
            opened.warnings.append(f"zip entry {clean(repr(name), 200, False)} points outside the class; skipped")
            return
        if info.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            return
        dest.parent.mkdir(parents=True, exist_ok=True)
        why = _refuse_member(info, limits, dest)
        if why:
            dest.write_bytes(b"")  # a placeholder, so the layout (and the student) stays visible
            opened.refused[dest] = why
        elif name.endswith(".ipynb"):
            with zf.open(info) as src:
                data = src.read(limits.notebook_bytes + 1)
            if len(data) > limits.notebook_bytes:
                dest.write_bytes(b"")
                opened.refused[dest] = _too_big(dest.name, limits)
            else:
                dest.write_bytes(data)
    except (OSError, ValueError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
        opened.warnings.append(f"zip entry {clean(repr(name), 200, False)} could not be unpacked "
                               f"({clean(exc, 200, False)}); skipped")


def _refuse_member(info, limits, dest):
    """Why a zip member is refused ('' if it is not)."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"{dest.name} is a symbolic link in the zip; links are never followed (submit the notebook itself)"
    if dest.exists():
        return f"{dest.name} appears more than once in the zip; neither copy is graded"
    if info.filename.endswith(".ipynb") and info.file_size > limits.notebook_bytes:
        return _too_big(dest.name, limits)
    return ""


def _too_big(name, limits):
    return (f"{name} is larger than the limit of {limits.notebook_bytes / 2**20:g} MB "
            "(grade --max-notebook-mb raises it)")


def find(opened, assignment, notebook_names):
    """The class's submissions under ``opened`` (an Opened or a folder), sorted by recorded id."""
    if not isinstance(opened, Opened):
        opened = Opened(Path(opened))
    refused = opened.refused
    root = _unwrap(opened.root, assignment, refused)
    found = []
    for path in sorted(_entries(root)):
        try:
            if path.name.endswith(".ipynb") and not _is_dir(path):
                found.append(_from_file(path, notebook_names, refused))
            elif _is_dir(path) or path.is_symlink() or path in refused:
                found.append(_from_folder(path, assignment, notebook_names, refused))
        except OSError as exc:  # one unreadable entry is that student's problem, not the class's
            raw = path.name.removesuffix(".ipynb")
            why = f"cannot read {clean(path.name, 200, False)}: {exc.strerror or exc}"
            found.append(Submission(raw, raw_id=raw, origin=f"entry {clean(path.name, 200, False)}",
                                    refused={n: why for n in notebook_names}))
    return _assign_ids(found)


def _entries(folder):
    return [p for p in folder.iterdir() if p.name not in JUNK]


def _is_dir(path):
    """A real folder: never true for a link to one."""
    return path.is_dir() and not path.is_symlink()


def _link_or_refused(path, refused):
    """Why ``path`` must not be read ('' if it may)."""
    if path in refused:
        return refused[path]
    if path.is_symlink():
        return f"{clean(path.name, 200, False)} is a symbolic link; links are never followed (submit the file itself)"
    return ""


def _unwrap(root, assignment, refused):
    """Step into a lone wrapping folder (``submitted/``, the zip's top folder), never through a link."""
    while True:
        entries = _entries(root)
        if (len(entries) == 1 and _is_dir(entries[0]) and entries[0] not in refused
                and not _is_dir(entries[0] / assignment)):
            root = entries[0]
        else:
            return root


def _from_file(path, names, refused):
    raw = path.name[: -len(".ipynb")]
    sub = Submission(raw, raw_id=raw, origin=f"file {clean(path.name, 200, False)}")
    why = _link_or_refused(path, refused)
    if why:
        sub.refused = {n: why for n in names}
    elif len(names) != 1:
        sub.problem = "a loose notebook cannot answer an assignment of several notebooks"
    else:
        sub.notebooks[names[0]] = path
    return sub


def _from_folder(folder, assignment, names, refused):
    sub = Submission(folder.name, raw_id=folder.name, origin=f"folder {clean(folder.name, 200, False)}/")
    base = folder / assignment
    why = _link_or_refused(folder, refused) or _link_or_refused(base, refused)
    if why:
        sub.refused = {n: why for n in names}
        return sub
    if not _is_dir(base):
        sub.problem = f"no folder {assignment}/ in this submission"
        return sub
    present = sorted(p for p in base.iterdir() if p.name.endswith(".ipynb") and not _is_dir(p))
    for path in present:
        if path.stem in names:
            _take(sub, path.stem, path, refused)
    unmatched = [p for p in present if p.stem not in names]
    if len(names) == 1 and not sub.notebooks and not sub.refused and len(unmatched) == 1:
        _take(sub, names[0], unmatched[0], refused)  # a renamed notebook is still the answer
    if not present:
        sub.problem = f"no notebook in {assignment}/"
    return sub


def _take(sub, name, path, refused):
    why = _link_or_refused(path, refused)
    if why:
        sub.refused[name] = why
    else:
        sub.notebooks[name] = path


def _assign_ids(subs):
    """Give every submission a distinct safe id; report renamed and duplicate ids, drop none."""
    for sub in subs:
        sub.student_id, note = safe_id(sub.raw_id)
        if note:
            sub.notes.append(note)
    holder = {}
    # Ids kept as they are claim their name first, folders before loose files.
    order = sorted(subs, key=lambda s: (s.student_id != unicodedata.normalize("NFC", s.raw_id),
                                        not s.origin.startswith("folder"), s.student_id, s.origin))
    for sub in order:
        wanted, n = sub.student_id, 1
        while sub.student_id in holder:
            n += 1
            sub.student_id = f"{wanted}-{n}"
        holder[sub.student_id] = sub
        if n > 1:
            first = holder[wanted]
            said = f"two submissions have the id {wanted} ({first.origin} and {sub.origin})"
            sub.notes.append(f"{said}; this one is recorded as {sub.student_id}")
            first.notes.append(f"{said}; the other one is recorded as {sub.student_id}")
    return sorted(subs, key=lambda s: s.student_id)
