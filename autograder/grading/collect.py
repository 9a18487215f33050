"""Finding the submissions of a class: nbgrader folders, a zip of them, loose notebooks, LMS downloads.

Accepted layouts of SUBMISSIONS (a folder or a .zip), optionally inside a top
folder such as ``submitted/``:
- ``<student_id>/<assignment>/<notebook>.ipynb`` (nbgrader's submitted layout;
  its ``timestamp.txt`` is read);
- ``<student_id>/<notebook>.ipynb``;
- ``<student_id>.ipynb`` files side by side;
- Canvas's submission download ``<name>_[LATE_]<user id>_<file id>_<file>[-<n>].ipynb``:
  the student id is the Canvas user id, the LATE flag and the resubmission
  number ``n`` are kept, and only the highest resubmission is graded;
- Moodle's download ``<Full Name>_<participant id>_assignsubmission_file_/<notebook>.ipynb``:
  the student id is the participant id, the name is kept for display;
- one student's folder (``<student>/`` holding ``<assignment>/`` or the notebook):
  recorded under the student's name, never under the assignment's.

Nothing here follows a symbolic link: a link is refused with a reason (the
grader would otherwise read its target with its own rights). Sizes are capped
before anything is unpacked. Student ids follow one policy (``safe_id``); an id
outside it is reported and recorded under a safe name derived from it, and ids
that differ only in case or character width are made distinct (feedback folders
on a case-insensitive file system, LMS matching). A class that came from students
is theirs to write: timestamp.txt is believed only if it is short and lies between
2000 and the grader's clock (a year-1 time would escape any late penalty).
"""

import datetime
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
#: A Canvas submission download: name, LATE flag, user id, file id, the student's file name, resubmission.
CANVAS = re.compile(r"(?P<name>.+?)_(?:(?P<late>LATE)_)?(?P<uid>\d+)_(?P<att>\d+)_(?P<file>.+?)"
                    r"(?:-(?P<resub>\d+))?\.ipynb", re.S)
#: A Moodle submission folder: the participant's full name and id.
MOODLE = re.compile(r"(?P<name>.+)_(?P<pid>\d+)_assignsubmission_[a-z]+_?", re.S)
#: A notebook name that is an assignment of this course (another one's, when it is not ours).
ASSIGNMENT_NAME = re.compile(r"\d\d_[A-Za-z0-9_]+")
#: The longest timestamp.txt read (nbgrader writes about 30 bytes); a longer one is not a time.
TIMESTAMP_BYTES = 100
#: A submission time before this is not believed (zip times start in 1980; this course in the 2020s).
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
#: How far past the grader's clock a submission time may lie (clock skew between machines).
CLOCK_SLACK = datetime.timedelta(days=1)


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
    name: str = ""                                   # the student's name, for display (Canvas, Moodle)
    layout: str = ""                                 # nbgrader, folder, loose, canvas, moodle, single
    late: bool = False                               # the LMS flagged the submission late (Canvas)
    resubmission: int = 0                            # Canvas's resubmission number graded
    submitted_at: str = ""                           # ISO time of submission, "" if unknown
    submitted_from: str = ""                         # where submitted_at comes from


@dataclass
class Opened:
    """A class folder to read, and what was refused on the way (zip members)."""

    root: Path
    refused: dict = field(default_factory=dict)      # path on disk (placeholder) -> reason
    warnings: list = field(default_factory=list)
    zips: list = field(default_factory=list)         # zip files inside the class (never unpacked)


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
        return Opened(path, zips=sorted(p.name for p in path.glob("*.zip") if not p.is_symlink()))
    if not path.exists():
        raise SubmissionsError(f"{path} does not exist")
    if not zipfile.is_zipfile(path):
        raise SubmissionsError(f"{path} is neither a folder nor a zip file")
    try:
        with zipfile.ZipFile(path) as zf:
            return _unpack_all(path, zf, workdir, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError) as exc:
        raise SubmissionsError(f"{path} cannot be read as a zip file ({clean(exc, 200, False)})") from None


def _unpack_all(path, zf, workdir, limits):
    """An Opened class: the members of ``zf`` (the zip ``path``) unpacked under a new folder in ``workdir``."""
    infos = zf.infolist()
    if len(infos) > limits.members:
        raise SubmissionsError(f"{path} has {len(infos)} entries; the limit is {limits.members}")
    total = sum(i.file_size for i in infos if i.filename.endswith(".ipynb"))
    if total > limits.total_bytes:
        raise SubmissionsError(f"the notebooks in {path} unpack to {total / 2**20:.1f} MB; the limit is "
                               f"{limits.total_bytes / 2**20:g} MB (grade --max-total-mb)")
    target = Path(tempfile.mkdtemp(prefix="submissions-", dir=workdir))
    opened = Opened(target, zips=sorted(i.filename for i in infos if i.filename.lower().endswith(".zip")))
    for info in infos:
        _unpack(zf, info, target, limits, opened)
    return opened


def _unpack(zf, info, target, limits, opened):
    """Unpack one member: folders, notebooks and nbgrader's timestamp.txt only; links, oversized
    notebooks and notebooks that fail to unpack become refused placeholders (the student stays listed)."""
    name, dest = info.filename.replace("\\", "/"), None  # old Windows zippers write \ between folders
    try:
        dest = Path(os.path.normpath(target / name.lstrip("/")))
        if name.startswith("/") or re.match(r"[A-Za-z]:", name):  # absolute, or a drive letter
            dest = target.parent
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
                _keep_zip_time(dest, info)
        elif dest.name == "timestamp.txt":
            with zf.open(info) as src:
                dest.write_bytes(src.read(TIMESTAMP_BYTES + 1))  # a longer one is refused when read
    except (OSError, ValueError, zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        why = f"{clean(repr(info.filename), 200, False)} could not be unpacked ({clean(exc, 200, False)})"
        if dest is not None and name.endswith(".ipynb") and dest.parent.is_dir() and not dest.is_symlink():
            try:
                dest.write_bytes(b"")  # a placeholder: the student is listed, with the reason
                opened.refused[dest] = why
                return
            except OSError:
                pass
        opened.warnings.append(f"zip entry {why}; skipped")


def _keep_zip_time(dest, info):
    """Give an unpacked notebook the time stored in the zip (the submission time when no other is known)."""
    try:
        stamp = datetime.datetime(*info.date_time).timestamp()  # zip times are local, without a zone
        os.utime(dest, (stamp, stamp))
    except (ValueError, OverflowError, OSError):
        pass


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
    single = _single_student(opened.root, assignment, notebook_names, refused)
    if single:
        return _assign_ids([single])
    root = _unwrap(opened.root, assignment, refused)
    single = _single_student(root, assignment, notebook_names, refused)
    if single:
        return _assign_ids([single])
    found, canvas = [], {}
    for path in sorted(_entries(root)):
        try:
            match = CANVAS.fullmatch(path.name)
            if match and not _is_dir(path):
                canvas.setdefault(match["uid"], []).append((path, match))
            elif path.name.endswith(".ipynb") and not _is_dir(path):
                found.append(_from_file(path, notebook_names, refused))
            elif _is_dir(path) or path.is_symlink() or path in refused:
                found.append(_from_folder(path, assignment, notebook_names, refused))
        except OSError as exc:  # one unreadable entry is that student's problem, not the class's
            raw = path.name.removesuffix(".ipynb")
            why = f"cannot read {clean(path.name, 200, False)}: {exc.strerror or exc}"
            found.append(Submission(raw, raw_id=raw, origin=f"entry {clean(path.name, 200, False)}",
                                    refused={n: why for n in notebook_names}))
    found += [_from_canvas(uid, files, notebook_names, refused) for uid, files in sorted(canvas.items())]
    for sub in found:
        if sub.raw_id == assignment or sub.raw_id in notebook_names:
            _no_owner(sub, notebook_names)
    return _assign_ids(found)


def _no_owner(sub, names):
    """A notebook or folder named after the assignment beside students' ones: nobody's id; an error to look at."""
    why = (f"{sub.origin} is named after the assignment, not a student, beside other students' work: "
           "put it in its student's folder or name it <student>.ipynb")
    sub.notebooks, sub.problem = {}, ""
    sub.refused = {n: why for n in names}


def _single_student(root, assignment, names, refused):
    """One student's folder given as the class ('' if ``root`` is a class): its Submission.

    ``ann/`` holding ``<assignment>/`` or the notebook itself is the student ann;
    ``ann/<assignment>/`` given directly is ann too (never a student named after the assignment).
    """
    entries = _entries(root)
    own = {assignment, *(f"{n}.ipynb" for n in names)}
    others = [p for p in entries if p.name not in own and (_is_dir(p) or p.suffix == ".ipynb")]
    if root.name == assignment and any(p.suffix == ".ipynb" for p in entries):
        sub = _from_folder(root, assignment, names, refused, raw=root.resolve().parent.name)
    elif any(p.name in own for p in entries) and not others:
        sub = _from_folder(root, assignment, names, refused, raw=root.resolve().name)
    else:
        return None
    sub.layout = "single"
    sub.notes.append(f"the folder given holds one student's submission; recorded as {sub.raw_id}")
    return sub


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
    if path.name.endswith(".ipynb") and not stat.S_ISREG(path.lstat().st_mode):
        return f"{clean(path.name, 200, False)} is not a regular file (a pipe or a device); it is never read"
    return ""


def _unwrap(root, assignment, refused):
    """Step into a lone wrapping folder (``submitted/``, the zip's top folder), never through a link,
    never into a student's folder (one holding the assignment) or the assignment's folder itself."""
    while True:
        entries = _entries(root)
        if (len(entries) == 1 and _is_dir(entries[0]) and entries[0] not in refused
                and entries[0].name != assignment and not MOODLE.fullmatch(entries[0].name)
                and not _is_dir(entries[0] / assignment)):
            root = entries[0]
        else:
            return root


def _from_file(path, names, refused):
    raw = path.name[: -len(".ipynb")]
    sub = Submission(raw, raw_id=raw, origin=f"file {clean(path.name, 200, False)}", layout="loose")
    why = _link_or_refused(path, refused)
    if why:
        sub.refused = {n: why for n in names}
    elif len(names) != 1:
        sub.problem = "a loose notebook cannot answer an assignment of several notebooks"
    else:
        sub.notebooks[names[0]] = path
        _stamp(sub, None, [path])
    return sub


def _from_folder(folder, assignment, names, refused, raw=None):
    """``<student>/<assignment>/*.ipynb``, ``<student>/*.ipynb`` or a Moodle participant's folder."""
    raw = folder.name if raw is None else raw
    sub = Submission(raw, raw_id=raw, origin=f"folder {clean(folder.name, 200, False)}/", layout="folder")
    moodle = MOODLE.fullmatch(folder.name)
    if moodle:
        sub.raw_id, sub.name, sub.layout = moodle["pid"], moodle["name"], "moodle"
    base = folder / assignment
    why = _link_or_refused(folder, refused) or _link_or_refused(base, refused)
    if why:
        sub.refused = {n: why for n in names}
        return sub
    if _is_dir(base):
        sub.layout = "nbgrader" if sub.layout == "folder" else sub.layout
        present = _notebooks(base)
        _match(sub, {p.stem: p for p in present}, names, refused, renamed_ok=True)
        if not present:
            sub.problem = f"no notebook in {assignment}/"
        _stamp(sub, base / "timestamp.txt", present)
        return sub
    present = _notebooks(folder)
    if not present:
        found = sorted(p.name for p in folder.iterdir() if _is_dir(p))[:3]
        sub.problem = (f"no folder {assignment}/ and no notebook in this submission"
                       + (f" (found the folders {', '.join(clean(f, 100, False) for f in found)})" if found else ""))
        return sub
    _match(sub, {p.stem: p for p in present}, names, refused, renamed_ok=sub.layout == "moodle")
    if not sub.notebooks and not sub.refused:
        sub.problem = (f"no notebook named {' or '.join(n + '.ipynb' for n in names)} in this folder "
                       f"(found {', '.join(clean(p.name, 100, False) for p in present[:3])})")
    _stamp(sub, folder / "timestamp.txt", present)
    return sub


def _from_canvas(uid, files, names, refused):
    """One Canvas user's files: the highest resubmission of each file name; the LATE flag kept."""
    best = {}
    for path, match in files:
        rank = (int(match["resub"] or 0), int(match["att"]))
        if match["file"] not in best or rank > best[match["file"]][0]:
            best[match["file"]] = (rank, path, match)
    chosen = [m for _, _, m in best.values()]
    sub = Submission(uid, raw_id=uid, origin=f"Canvas files of user {uid}", layout="canvas",
                     name=chosen[0]["name"], late=any(m["late"] for m in chosen),
                     resubmission=max(r[0] for r, _, _ in best.values()))
    if len(files) > len(best):
        sub.notes.append(f"Canvas resubmission {sub.resubmission} graded ({len(files)} files submitted)")
    _match(sub, {stem: path for stem, (_, path, _) in best.items()}, names, refused, renamed_ok=True)
    if not sub.notebooks and not sub.refused:
        sub.problem = (f"no notebook named {' or '.join(n + '.ipynb' for n in names)} among this student's "
                       f"files ({', '.join(clean(p.name, 100, False) for _, p, _ in best.values())})")
    _stamp(sub, None, [p for _, p, _ in best.values()])
    return sub


def _notebooks(folder):
    return sorted(p for p in folder.iterdir() if p.name.endswith(".ipynb") and not _is_dir(p))


def _match(sub, present, names, refused, renamed_ok):
    """Take the notebooks named as the source's; a lone renamed one answers a one-notebook assignment,
    unless its name is another assignment's."""
    for stem, path in present.items():
        if stem in names:
            _take(sub, stem, path, refused)
    unmatched = [(s, p) for s, p in present.items() if s not in names]
    if (len(names) == 1 and not sub.notebooks and not sub.refused and len(unmatched) == 1
            and (renamed_ok or not ASSIGNMENT_NAME.fullmatch(unmatched[0][0]))):
        _take(sub, names[0], unmatched[0][1], refused)  # a renamed notebook is still the answer


def _take(sub, name, path, refused):
    why = _link_or_refused(path, refused)
    if why:
        sub.refused[name] = why
    else:
        sub.notebooks[name] = path


def _stamp(sub, timestamp_txt, paths):
    """When the work was submitted: nbgrader's timestamp.txt, else the newest notebook's file time."""
    if timestamp_txt is not None and timestamp_txt.is_file() and not timestamp_txt.is_symlink():
        try:
            when = _read_timestamp(timestamp_txt)
            sub.submitted_at, sub.submitted_from = when.isoformat(timespec="seconds"), "timestamp.txt"
            return
        except (OSError, ValueError, OverflowError) as exc:
            sub.notes.append(f"timestamp.txt not believed ({clean(exc, 150, False)}); file time used")
    times = [p.lstat().st_mtime for p in paths if p.exists() and not p.is_symlink()]
    if times:
        when = datetime.datetime.fromtimestamp(max(times), datetime.timezone.utc)
        try:
            _believable(when)
        except ValueError as exc:  # a zip's times are the zipper's to set: no escaping a due date either
            sub.notes.append(f"the notebook's file time is not believed ({exc}); submission time unknown")
            return
        sub.submitted_at, sub.submitted_from = when.isoformat(timespec="seconds"), "file time"


def _read_timestamp(path):
    """The time in nbgrader's timestamp.txt; ValueError unless it is short text of a time between
    EARLIEST and the grader's clock (a folder from students is theirs to write: no escaping a due date)."""
    with open(path, "rb") as handle:  # never read whole: the file may be huge
        raw = handle.read(TIMESTAMP_BYTES + 1)
    if len(raw) > TIMESTAMP_BYTES:
        raise ValueError(f"longer than {TIMESTAMP_BYTES} bytes")
    return _believable(parse_time(raw.decode("utf-8", errors="replace")))


def _believable(when):
    """``when`` if it lies between EARLIEST and the grader's clock (with CLOCK_SLACK), else ValueError."""
    now = datetime.datetime.now(datetime.timezone.utc)
    if not EARLIEST <= when <= now + CLOCK_SLACK:
        raise ValueError(f"{when.isoformat(timespec='seconds')} is {'after now' if when > now else 'before 2000'}")
    return when


def parse_time(text):
    """An aware datetime from nbgrader's timestamp ('2026-12-01 23:59:59.123456 UTC') or ISO 8601;
    a time without a zone is the grading machine's local time."""
    text = text.strip().replace(" UTC", "+00:00").replace("Z", "+00:00")
    when = datetime.datetime.fromisoformat(text)
    return when if when.tzinfo else when.astimezone()


def no_match(subs, root, assignment, names, shown=None, zips=()):
    """A one-line reason why nothing in the class answers ``assignment`` ('' if something does).

    ``zips``: zip files found inside the class (a re-zipped download), which are never unpacked.
    """
    if any(s.notebooks or s.refused for s in subs):
        return ""
    shown = clean(str(shown or root), 300, False)
    if zips:
        listed = ", ".join(clean(z, 80, False) for z in zips[:3]) + (", ..." if len(zips) > 3 else "")
        return (f"{shown} holds no notebook the grader reads but zip files ({listed}), which are not unpacked "
                "inside a class: unzip the outer one, or pass the inner zip to grade")
    if not subs:
        return f"{shown} is empty: no student folder, notebook or zip entry found"
    notebooks = sorted({p.name for p in root.rglob("*.ipynb") if not p.is_symlink()})
    wanted = " or ".join(f"{n}.ipynb" for n in names)
    if not notebooks:
        return f"found {len(subs)} entries but no notebook (.ipynb) in {shown}"
    listed = ", ".join(clean(n, 80, False) for n in notebooks[:3]) + (", ..." if len(notebooks) > 3 else "")
    count = sum(1 for p in root.rglob("*.ipynb") if not p.is_symlink())
    return (f"found {count} notebooks in {shown} ({listed}), none named {wanted} in a layout the grader reads: "
            f"is this another assignment's class?")


def _same_key(student_id):
    """What two ids must not share: their NFKC case-folded form (``Ann``, ``ann``, full-width ``ａｎｎ``)."""
    return unicodedata.normalize("NFKC", student_id).casefold()


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
        while _same_key(sub.student_id) in holder:
            n += 1
            sub.student_id = f"{wanted}-{n}"
        holder[_same_key(sub.student_id)] = sub
        if n > 1:
            first = holder[_same_key(wanted)]
            said = (f"two submissions have the id {wanted}" if first.student_id == wanted else
                    f"the ids {first.student_id} and {wanted} differ only in case or character width, which "
                    "a case-insensitive file system (feedback folders) or an LMS cannot tell apart")
            said += f" ({first.origin} and {sub.origin})"
            sub.notes.append(f"{said}; this one is recorded as {sub.student_id}")
            first.notes.append(f"{said}; the other one is recorded as {sub.student_id}")
    return sorted(subs, key=lambda s: s.student_id)
