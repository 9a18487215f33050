"""Finding the submissions of a class: nbgrader folders, a zip of them, loose notebooks, LMS downloads.

Accepted layouts of SUBMISSIONS (a folder or a .zip), optionally inside a top
folder such as ``submitted/``:
- ``<student_id>/<assignment>/<notebook>.ipynb`` (nbgrader's submitted layout;
  its ``timestamp.txt`` is read);
- ``<student_id>/<notebook>.ipynb``;
- ``<student_id>.ipynb`` files side by side;
- Canvas's submission download ``<name>_[LATE_]<user id>_<file id>_<file>[-<n>].ipynb``
  (canvas-lms ``lib/content_zipper.rb``): the student id is the Canvas user id, the
  LATE flag, the file id and the resubmission number ``n`` are kept, and only the
  highest resubmission is graded; ``<name>_<user id>_text.html`` (an online-text entry)
  and any other file keep the student listed with a reason; an anonymous-grading
  download (``[LATE_]anon_<anonymous id>_<file id>_<file>``) is recorded under ``anon_<id>``;
- Moodle's download, in folders ``<Full Name>_<participant id>_assignsubmission_<plugin>[_]/<file>``
  or flat ``<Full Name>_<participant id>_assignsubmission_<plugin>_<file>``: one student
  per participant id, whatever mix of ``file`` and ``onlinetext`` entries it has;
- one student's folder (``<student>/`` holding ``<assignment>/`` or the notebook):
  recorded under the student's name, never under the assignment's.

Nothing here follows a symbolic link: a link is refused with a reason (the
grader would otherwise read its target with its own rights). Sizes are capped
before anything is unpacked. Student ids follow one policy (``safe_id``); an id
outside it is reported and recorded under a safe name derived from it, and ids
that differ only in case or character width are made distinct (feedback folders
on a case-insensitive file system, LMS matching). A notebook saved as ``.ipynb.txt``
is read as a notebook, and a zip that a student handed in inside an LMS download is
opened for its notebook (capped as the class is). An LMS download's file times are
the download's, not the submissions' (Canvas's and Moodle's zippers stamp every member
with the time the zip was made): they are never believed (see ``late``). A class that came from students
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

from autograder.grading.student.text import clean

#: Entries of a submissions folder that are never submissions.
JUNK = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store", ".git", ".svn", "Thumbs.db"}
#: Longest student id kept as it is.
MAX_ID = 100
#: Separators an id may contain besides letters and digits (never as its first character).
ID_SEPARATORS = "_-.'@"
#: A Canvas submission download: name, LATE flag, user id, then the file id and the student's file name,
#: or ``text.html`` / ``link.html`` for an online-text or URL entry (canvas-lms lib/content_zipper.rb).
CANVAS = re.compile(r"(?P<name>[^/]+?)_(?:(?P<late>LATE)_)?(?P<uid>\d+)_"
                    r"(?:(?P<att>\d+)_(?P<file>.+)|(?P<online>text|link)\.html)", re.S)
#: Canvas's anonymous-grading download: no name, ``anon_<anonymous id>`` instead of the user id.
CANVAS_ANON = re.compile(r"(?:(?P<late>LATE)_)?(?P<uid>anon_[A-Za-z0-9]+)_"
                         r"(?:(?P<att>\d+)_(?P<file>.+)|(?P<online>text|link)\.html)", re.S)
#: A resubmitted file's name in a Canvas download: ``file-2.ipynb`` (Canvas numbers same-named uploads).
RESUBMITTED = re.compile(r"(?P<stem>.+?)-(?P<resub>\d+)(?P<ext>\.ipynb(?:\.txt)?)", re.S)
#: A Moodle submission folder (``_`` at the end before Moodle 4.1): the participant's full name and id.
MOODLE = re.compile(r"(?P<name>.+?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?", re.S)
#: A file of a Moodle download made without folders: the same prefix, then the student's file name.
MOODLE_FLAT = re.compile(r"(?P<name>.+?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)", re.S)
#: What Moodle's ``Participant <id>`` name means (blind marking): no name to show.
MOODLE_BLIND = "Participant"
#: Most notebooks unpacked from a zip a student handed in (each capped like any notebook).
INNER_NOTEBOOKS = 5
#: Endings read as a notebook: ``.ipynb.txt`` is one that Windows saved with its extension hidden.
NOTEBOOK_ENDINGS = (".ipynb", ".ipynb.txt")
#: Why an LMS download's file times are not submission times (checked in each LMS's source).
UNTRUSTED_TIMES = {
    "canvas": "Canvas's download zip stamps every file with the time the zip was made",
    "moodle": "Moodle's download zip stamps every file with the time of the download"}
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
    #: The zone of times written without one (zip member times, timestamp.txt); None: this machine's.
    zone: datetime.tzinfo | None = None


@dataclass
class Submission:
    student_id: str                                  # the id recorded (safe_id of raw_id)
    notebooks: dict[str, Path | None] = field(default_factory=dict)  # source notebook name -> path
    problem: str = ""                                # why nothing can be graded (status zero)
    refused: dict[str, str] = field(default_factory=dict)  # notebook name -> why the grader refused it (error)
    notes: list[str] = field(default_factory=list)   # renamed id, duplicate id, ...
    raw_id: str = ""
    origin: str = ""                                 # "folder X/" or "file X.ipynb", for messages
    name: str = ""                                   # the student's name, for display (Canvas, Moodle)
    layout: str = ""                                 # nbgrader, folder, loose, canvas, moodle, single
    late: bool = False                               # the LMS flagged the submission late (Canvas)
    resubmission: int = 0                            # Canvas's resubmission number graded
    submitted_at: str = ""                           # ISO time of submission, "" if unknown
    submitted_from: str = ""                         # where submitted_at comes from
    time_note: str = ""                              # why no time is believed (said once in the summary)
    lms_file: str = ""                               # the LMS's id of the graded file (Canvas file id)
    other_assignment: str = ""                       # another assignment's notebook is all that was handed in


@dataclass
class Opened:
    """A class folder to read, and what was refused on the way (zip members)."""

    root: Path
    refused: dict = field(default_factory=dict)      # path on disk (placeholder) -> reason
    warnings: list = field(default_factory=list)
    zips: list = field(default_factory=list)         # zip files inside the class (never unpacked)
    workdir: Path | None = None                      # where a student's zipped notebook may be unpacked
    limits: InputLimits | None = None


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
        return Opened(path, zips=sorted(p.name for p in path.glob("*.zip") if not p.is_symlink()),
                      workdir=Path(workdir), limits=limits)
    if not path.exists():
        raise SubmissionsError(f"{path} does not exist")
    if path.name.endswith(NOTEBOOK_ENDINGS) and path.is_file() and not path.is_symlink():
        return _one_file(path, workdir, limits)
    if not zipfile.is_zipfile(path):
        raise SubmissionsError(f"{path} is neither a folder, a zip file nor a notebook")
    crowded = zip_directory_problem(path, limits)
    if crowded:
        raise SubmissionsError(crowded)
    try:
        with zipfile.ZipFile(path) as zf:
            opened = _unpack_all(path, zf, workdir, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError) as exc:
        raise SubmissionsError(f"{path} cannot be read as a zip file ({clean(exc, 200, False)})") from None
    opened.workdir, opened.limits = Path(workdir), limits
    return opened


def _one_file(path, workdir, limits):
    """A single notebook given as the class (a file e-mailed for a regrade): a class of that one loose file."""
    if path.stat().st_size > limits.notebook_bytes:
        raise SubmissionsError(_too_big(path.name, limits))
    if ASSIGNMENT_NAME.fullmatch(_stem(path.name)):
        raise SubmissionsError(f"{path.name} is named after an assignment, not a student: copy it to "
                               "<student id>.ipynb (the id in the gradebook, e.g. the Canvas user id) and grade that")
    target = Path(tempfile.mkdtemp(prefix="submissions-", dir=workdir))
    copy = target / path.name
    copy.write_bytes(path.read_bytes())
    os.utime(copy, (path.stat().st_mtime, path.stat().st_mtime))
    return Opened(target, workdir=Path(workdir), limits=limits)


def _unpack_all(path, zf, workdir, limits):
    """An Opened class: the members of ``zf`` (the zip ``path``) unpacked under a new folder in ``workdir``."""
    infos = zf.infolist()
    if len(infos) > limits.members:
        raise SubmissionsError(f"{path} has {len(infos)} entries; the limit is {limits.members}")
    total = sum(i.file_size for i in infos if _keeps_content(i.filename.replace("\\", "/")))
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
        elif _keeps_content(name):
            with zf.open(info) as src:
                data = src.read(limits.notebook_bytes + 1)
            if len(data) > limits.notebook_bytes:
                dest.write_bytes(b"")
                opened.refused[dest] = _too_big(dest.name, limits)
            else:
                dest.write_bytes(data)
                _keep_zip_time(dest, info, limits.zone)
        elif dest.name == "timestamp.txt":
            with zf.open(info) as src:
                dest.write_bytes(src.read(TIMESTAMP_BYTES + 1))  # a longer one is refused when read
        elif _lms_name(name):
            dest.write_bytes(b"")  # a PDF, an online-text page: only its name is read (the student stays listed)
            _keep_zip_time(dest, info, limits.zone)
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


def _lms_name(name):
    """True if the zip member ``name`` (``/``-separated) is a file of a Canvas or Moodle download."""
    parts = name.rstrip("/").split("/")
    base = unicodedata.normalize("NFC", parts[-1])
    return bool(CANVAS.fullmatch(base) or CANVAS_ANON.fullmatch(base) or MOODLE_FLAT.fullmatch(base)
                or any(MOODLE.fullmatch(unicodedata.normalize("NFC", p)) for p in parts[:-1]))


def _keeps_content(name):
    """True if a zip member is unpacked with its content: notebooks, and a zip a student handed in
    through an LMS (opened later for its notebook); other files are kept as empty placeholders."""
    return name.endswith(NOTEBOOK_ENDINGS) or (name.lower().endswith(".zip") and _lms_name(name))


def _keep_zip_time(dest, info, zone=None):
    """Give an unpacked file the time stored in the zip, read in ``zone`` (zip times have none;
    None: this machine's zone)."""
    try:
        when = datetime.datetime(*info.date_time)
        stamp = (when.replace(tzinfo=zone) if zone else when).timestamp()
        os.utime(dest, (stamp, stamp))
    except (ValueError, OverflowError, OSError):
        pass


def _refuse_member(info, limits, dest):
    """Why a zip member is refused ('' if it is not)."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"{dest.name} is a symbolic link in the zip; links are never followed (submit the notebook itself)"
    if dest.exists():
        return f"{dest.name} appears more than once in the zip; neither copy is graded"
    if _keeps_content(info.filename) and info.file_size > limits.notebook_bytes:
        return _too_big(dest.name, limits)
    return ""


def _too_big(name, limits):
    return (f"{name} is larger than the limit of {limits.notebook_bytes / 2**20:g} MB "
            "(grade --max-notebook-mb raises it)")


def find(opened, assignment, notebook_names):
    """The class's submissions under ``opened`` (an Opened or a folder), sorted by recorded id."""
    if not isinstance(opened, Opened):
        opened = Opened(Path(opened))
    refused, zone = opened.refused, (opened.limits or InputLimits()).zone
    single = _single_student(opened.root, assignment, notebook_names, refused, zone)
    if single:
        return _assign_ids([single])
    root = _unwrap(opened.root, assignment, refused)
    single = _single_student(root, assignment, notebook_names, refused, zone)
    if single:
        return _assign_ids([single])
    found, canvas, moodle = [], {}, {}
    for path in sorted(_entries(root)):
        try:
            kind, match = _lms_entry(path, refused)
            if kind == "canvas":
                canvas.setdefault(match["uid"], []).append((path, match))
            elif kind == "moodle":
                moodle.setdefault(match["pid"], []).append((path, match))
            elif path.name.endswith(NOTEBOOK_ENDINGS) and not _is_dir(path):
                found.append(_from_file(path, notebook_names, refused, zone))
            elif _is_dir(path) or path.is_symlink() or path in refused:
                found.append(_from_folder(path, assignment, notebook_names, refused, zone=zone))
        except OSError as exc:  # one unreadable entry is that student's problem, not the class's
            raw = _stem(path.name)
            why = f"cannot read {clean(path.name, 200, False)}: {exc.strerror or exc}"
            found.append(Submission(raw, raw_id=raw, origin=f"entry {clean(path.name, 200, False)}",
                                    refused={n: why for n in notebook_names}))
    found += [_from_canvas(uid, files, notebook_names, refused, opened) for uid, files in sorted(canvas.items())]
    found += [_from_moodle(pid, items, notebook_names, refused, opened) for pid, items in sorted(moodle.items())]
    for sub in found:
        if sub.raw_id == assignment or sub.raw_id in notebook_names:
            _no_owner(sub, notebook_names)
    return _assign_ids(found)


def _lms_entry(path, refused):
    """('canvas' | 'moodle' | '', match) for an entry of the class: a Canvas file, a Moodle folder or flat file."""
    name = unicodedata.normalize("NFC", path.name)
    folder = _is_dir(path) or path.is_symlink() or path in refused
    if folder and (match := MOODLE.fullmatch(name)):
        return "moodle", match
    if not _is_dir(path):
        if match := MOODLE_FLAT.fullmatch(name):
            return "moodle", match
        if match := CANVAS_ANON.fullmatch(name) or CANVAS.fullmatch(name):
            return "canvas", match
    return "", None


def _stem(name):
    """A file name without its notebook ending (``ann.ipynb``, ``ann.ipynb.txt``) or other extension."""
    for ending in NOTEBOOK_ENDINGS[::-1]:
        if name.endswith(ending):
            return name[: -len(ending)]
    return name.rsplit(".", 1)[0] if "." in name[1:] else name


def _no_owner(sub, names):
    """A notebook or folder named after the assignment beside students' ones: nobody's id; an error to look at."""
    why = (f"{sub.origin} is named after the assignment, not a student, beside other students' work: "
           "put it in its student's folder or name it <student>.ipynb")
    sub.notebooks, sub.problem = {}, ""
    sub.refused = {n: why for n in names}


def _single_student(root, assignment, names, refused, zone=None):
    """One student's folder given as the class ('' if ``root`` is a class): its Submission.

    ``ann/`` holding ``<assignment>/`` or the notebook itself is the student ann;
    ``ann/<assignment>/`` given directly is ann too (never a student named after the assignment).
    """
    entries = _entries(root)
    own = {assignment, *(f"{n}.ipynb" for n in names)}
    others = [p for p in entries if p.name not in own and (_is_dir(p) or p.suffix == ".ipynb")]
    if root.name == assignment and any(p.suffix == ".ipynb" for p in entries):
        sub = _from_folder(root, assignment, names, refused, raw=root.resolve().parent.name, zone=zone)
    elif any(p.name in own for p in entries) and not others:
        sub = _from_folder(root, assignment, names, refused, raw=root.resolve().name, zone=zone)
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


def _from_file(path, names, refused, zone=None):
    raw = _stem(path.name)
    sub = Submission(raw, raw_id=raw, origin=f"file {clean(path.name, 200, False)}", layout="loose")
    why = _link_or_refused(path, refused)
    if why:
        sub.refused = {n: why for n in names}
    elif len(names) != 1:
        sub.problem = "a loose notebook cannot answer an assignment of several notebooks"
    else:
        sub.notebooks[names[0]] = path
        _note_txt(sub, path)
        _stamp(sub, None, [path])
    return sub


def _from_folder(folder, assignment, names, refused, raw=None, zone=None):
    """``<student>/<assignment>/*.ipynb`` or ``<student>/*.ipynb``."""
    raw = folder.name if raw is None else raw
    sub = Submission(raw, raw_id=raw, origin=f"folder {clean(folder.name, 200, False)}/", layout="folder")
    base = folder / assignment
    why = _link_or_refused(folder, refused) or _link_or_refused(base, refused)
    if why:
        sub.refused = {n: why for n in names}
        return sub
    if _is_dir(base):
        sub.layout = "nbgrader"
        present = _notebooks(base)
        _match(sub, {_stem(p.name): p for p in present}, names, refused, renamed_ok=True)
        if not present:
            sub.problem = f"no notebook in {assignment}/"
        _stamp(sub, base / "timestamp.txt", present, zone)
        return sub
    present = _notebooks(folder)
    if not present:
        found = sorted(p.name for p in folder.iterdir() if _is_dir(p))[:3]
        sub.problem = (f"no folder {assignment}/ and no notebook in this submission"
                       + (f" (found the folders {', '.join(clean(f, 100, False) for f in found)})" if found else ""))
        return sub
    _match(sub, {_stem(p.name): p for p in present}, names, refused, renamed_ok=False)
    if not sub.notebooks and not sub.refused:
        sub.problem = (f"no notebook named {' or '.join(n + '.ipynb' for n in names)} in this folder "
                       f"(found {', '.join(clean(p.name, 100, False) for p in present[:3])})")
    _stamp(sub, folder / "timestamp.txt", present, zone)
    return sub


def _from_canvas(uid, files, names, refused, opened):
    """One Canvas user's files: the highest resubmission of each file name; the LATE flag and file id kept.

    Online-text and URL entries, and files that are no notebook, keep the student listed with a reason;
    a notebook in a zip the student handed in is unpacked and graded."""
    best, online, name = {}, [], ""
    for path, match in files:
        name = name or match.groupdict().get("name") or ""
        if match["online"]:
            online.append(path.name)
            continue
        stem, resub = _canvas_file(match["file"])
        rank = (resub, int(match["att"]))
        if stem not in best or rank > best[stem][0]:
            best[stem] = (rank, path, match)
    anonymous = uid.startswith("anon_")
    sub = Submission(uid, raw_id=uid, origin=f"Canvas files of {'anonymous ' if anonymous else ''}user {uid}",
                     layout="canvas", name=unicodedata.normalize("NFC", name),
                     late=any(m["late"] for _, m in files),
                     resubmission=max((r[0] for r, _, _ in best.values()), default=0))
    if anonymous:
        sub.notes.append("Canvas anonymous grading: recorded under Canvas's anonymous id; Canvas's gradebook "
                         "import cannot match it (grade in SpeedGrader, or download again after unmasking)")
    if sum(1 for _, m in files if not m["online"]) > len(best):
        sub.notes.append(f"Canvas resubmission {sub.resubmission} graded ({len(files)} files submitted)")
    candidates = [(stem, path, rank[1]) for stem, (rank, path, _) in best.items()]
    _lms_choose(sub, candidates, names, refused, opened, online, "Canvas file id")
    chosen = {p: m for _, p, m in best.values()}
    newest = max(best.values(), key=lambda item: item[0])[2]["att"] if best else ""
    sub.lms_file = next((chosen[p]["att"] for p in sub.notebooks.values() if p in chosen), newest)
    _untrusted_time(sub)
    return sub


def _canvas_file(file):
    """(the student's file name without Canvas's resubmission number, that number) of a Canvas file part."""
    match = RESUBMITTED.fullmatch(file)
    return (match["stem"] + match["ext"], int(match["resub"])) if match else (file, 0)


def _from_moodle(pid, items, names, refused, opened):
    """One Moodle participant: every folder (file, onlinetext) and flat file with this participant id."""
    name = unicodedata.normalize("NFC", items[0][1]["name"])
    sub = Submission(pid, raw_id=pid, origin=f"Moodle participant {pid}", layout="moodle",
                     name="" if name == MOODLE_BLIND else name)
    candidates, online = [], []
    for path, match in items:
        plugin = match["plugin"]
        why = _link_or_refused(path, refused)
        if why and plugin == "file":
            sub.refused = {n: why for n in names}
            continue
        if plugin != "file":
            online.append(path.name)
            continue
        flat = match.groupdict().get("file")  # a download without folders: the student's name follows
        for file in [path] if flat else _files(path):
            shown = flat or file.name
            candidates.append((_stem(shown) if shown.endswith(NOTEBOOK_ENDINGS) else shown, file, _mtime(file)))
    if not sub.refused:
        _lms_choose(sub, candidates, names, refused, opened, online, "file time")
    _untrusted_time(sub)
    return sub


def _files(folder):
    """The files of a Moodle submission folder, subfolders included (a student's file area may have them)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
                  and not any(part in JUNK for part in p.relative_to(folder).parts))


def _mtime(path):
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0


def _lms_choose(sub, candidates, names, refused, opened, online, order):
    """Pick the notebooks of an LMS submission from ``candidates`` [(stem or file name, path, rank)].

    A zip handed in is opened for its notebooks. For a one-notebook assignment with several
    notebooks, the newest by ``rank`` (Canvas's file id, else the file time) is graded and the
    row says which; when the ranks cannot tell, the one named as the assignment is, else none.
    Nothing but online text, or no notebook at all, is a zero with the reason (never silently absent).
    """
    notebooks, others = [], []
    for stem, path, rank in candidates:
        if path.name.lower().endswith(".zip"):
            why = _link_or_refused(path, refused)
            if why:  # a link, or a zip over the size limit: the instructor looks at it
                sub.refused = {n: why for n in names}
                continue
            inner = _inner_notebooks(sub, path, opened)
            notebooks += [(_stem(p.name), p, rank) for p in inner]
            others += [] if inner else [path.name]
        elif path.name.endswith(NOTEBOOK_ENDINGS):
            notebooks.append((_stem(stem) if stem.endswith(NOTEBOOK_ENDINGS) else stem, path, rank))
        else:
            others.append(path.name)
    if sub.refused:
        return
    if len(names) == 1 and len(notebooks) > 1:
        notebooks = _newest(sub, notebooks, names[0], order)
    _match(sub, {stem: path for stem, path, _ in notebooks}, names, refused, renamed_ok=True)
    for path in sub.notebooks.values():
        _note_txt(sub, path)
    if sub.notebooks or sub.refused or sub.problem:
        return
    handed = [clean(n, 100, False) for n in others[:3]] + [clean(n, 100, False) for n in online[:2]]
    if sub.other_assignment:
        sub.problem = (f"handed in {sub.other_assignment}, another assignment's notebook, and no "
                       f"{' or '.join(n + '.ipynb' for n in names)}")
    elif online and not notebooks and not others:
        sub.problem = (f"handed in online text only ({', '.join(handed)}), no notebook: nothing to grade "
                       "(ask for the .ipynb file)")
    else:
        sub.problem = (f"no notebook among this student's files ({', '.join(handed) or 'none'}): "
                       "nothing to grade (ask for the .ipynb file)")


def _newest(sub, notebooks, name, order):
    """The one notebook of several to grade: the newest by rank; if ranks tie, the one named ``name``."""
    ranked = sorted(notebooks, key=lambda n: n[2], reverse=True)
    listed = ", ".join(clean(p.name, 80, False) for _, p, _ in ranked[:4])
    if ranked[0][2] > ranked[1][2]:
        sub.notes.append(f"{len(ranked)} notebooks handed in ({listed}): graded {clean(ranked[0][1].name, 80, False)}, "
                         f"the newest by {order}")
        return [ranked[0]]
    named = [n for n in ranked if n[0] == name]
    if len(named) == 1:
        sub.notes.append(f"{len(ranked)} notebooks handed in ({listed}) with the same {order}: graded "
                         f"{clean(named[0][1].name, 80, False)}, the one named as the assignment")
        return named
    why = (f"{len(ranked)} notebooks handed in ({listed}) and nothing tells which is the answer (same {order}): "
           "keep one and grade this student again with --student")
    sub.refused = {name: why}
    return []


#: Largest central directory read per allowed zip member (bytes): room for long names, while a
#: directory of millions of tiny entries is refused before Python builds an object per entry.
DIRECTORY_BYTES_PER_MEMBER = 256


def zip_directory_problem(path, limits):
    """Why the zip at ``path`` has too many entries to parse ('' if it may be opened).

    Read from its end-of-central-directory record (and the zip64 one), before ``zipfile``
    builds a ZipInfo per entry: a 100 MB zip of a million empty entries cost 570 MB and 15 s
    to open before its count was refused. Both the count it states and the directory's size
    are bounded (``zipfile`` reads as many entries as the directory's bytes hold).
    """
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 65_557))  # the record (22 bytes) and the longest comment
            tail = handle.read()
    except OSError:
        return ""
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return ""  # not a zip zipfile can open either: it says so
    count, directory = int.from_bytes(tail[at + 10:at + 12], "little"), int.from_bytes(tail[at + 12:at + 16], "little")
    z64 = tail.rfind(b"PK\x06\x06", 0, at)
    if z64 >= 0 and len(tail) >= z64 + 48:
        count = max(count, int.from_bytes(tail[z64 + 32:z64 + 40], "little"))
        directory = max(directory, int.from_bytes(tail[z64 + 40:z64 + 48], "little"))
    if count > limits.members:
        return f"{path} has {count} entries; the limit is {limits.members}"
    if directory > limits.members * DIRECTORY_BYTES_PER_MEMBER:
        return (f"{path} has a directory of {directory / 2**20:.1f} MB, room for more entries than the limit "
                f"of {limits.members}")
    return ""


def _inner_notebooks(sub, path, opened):
    """The notebooks inside a zip a student handed in, unpacked (capped) under the run's work folder."""
    limits = opened.limits or InputLimits()
    if opened.workdir is None or path.is_symlink() or zip_directory_problem(path, limits):
        return []
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if i.filename.endswith(NOTEBOOK_ENDINGS) and not i.is_dir()
                     and "__MACOSX" not in i.filename and not stat.S_ISLNK(i.external_attr >> 16)]
            target = Path(tempfile.mkdtemp(prefix="inner-", dir=opened.workdir))
            found = []
            for info in infos[:INNER_NOTEBOOKS]:
                if info.file_size > limits.notebook_bytes:
                    continue
                dest = target / f"{len(found)}" / Path(info.filename.replace("\\", "/")).name
                dest.parent.mkdir()
                with zf.open(info) as src:
                    data = src.read(limits.notebook_bytes + 1)
                if len(data) <= limits.notebook_bytes:
                    dest.write_bytes(data)
                    found.append(dest)
    except (OSError, ValueError, zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError):
        return []
    if found:
        sub.notes.append(f"notebook taken from the zip {clean(path.name, 100, False)} the student handed in")
    return found


def _note_txt(sub, path):
    if path.name.endswith(".ipynb.txt"):
        sub.notes.append(f"{clean(path.name, 100, False)} read as a notebook (saved with .txt added, as Windows "
                         "does when extensions are hidden)")


def _untrusted_time(sub):
    """An LMS download: its file times are the download's, never believed; the LATE flag is Canvas's own."""
    sub.submitted_at, sub.submitted_from = "", ("Canvas LATE flag" if sub.late else "")
    sub.time_note = UNTRUSTED_TIMES[sub.layout]


def _notebooks(folder):
    return sorted(p for p in folder.iterdir() if p.name.endswith(NOTEBOOK_ENDINGS) and not _is_dir(p))


def _other(stem, names):
    """True if ``stem`` is named as another assignment of this course (``10_cnn`` beside ``07_...``)."""
    number = re.match(r"(\d\d)_[A-Za-z0-9]", stem)
    ours = {n[:2] for n in names if re.match(r"\d\d_", n)}
    return bool(number and ours and number[1] not in ours)


def _match(sub, present, names, refused, renamed_ok):
    """Take the notebooks named as the source's; a lone renamed one answers a one-notebook assignment,
    unless its name is another assignment's (then that is said)."""
    for stem, path in present.items():
        if stem in names:
            _take(sub, stem, path, refused)
    unmatched = [(s, p) for s, p in present.items() if s not in names]
    foreign = [s for s, _ in unmatched if _other(s, names) or ASSIGNMENT_NAME.fullmatch(s) and not renamed_ok]
    if not sub.notebooks and not sub.refused and foreign:
        sub.other_assignment = f"{foreign[0]}.ipynb"
    mine = [(s, p) for s, p in unmatched if s not in foreign]
    if len(names) == 1 and not sub.notebooks and not sub.refused and len(mine) == 1 and len(unmatched) == 1:
        _take(sub, names[0], mine[0][1], refused)  # a renamed notebook is still the answer


def _take(sub, name, path, refused):
    why = _link_or_refused(path, refused)
    if why:
        sub.refused[name] = why
    else:
        sub.notebooks[name] = path


def _stamp(sub, timestamp_txt, paths, zone=None):
    """When the work was submitted: nbgrader's timestamp.txt, else the newest notebook's file time."""
    if timestamp_txt is not None and timestamp_txt.is_file() and not timestamp_txt.is_symlink():
        try:
            when = _read_timestamp(timestamp_txt, zone)
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


def _read_timestamp(path, zone=None):
    """The time in nbgrader's timestamp.txt (without a zone: in ``zone``); ValueError unless it is short
    text of a time between EARLIEST and the grader's clock (a folder from students is theirs to write)."""
    with open(path, "rb") as handle:  # never read whole: the file may be huge
        raw = handle.read(TIMESTAMP_BYTES + 1)
    if len(raw) > TIMESTAMP_BYTES:
        raise ValueError(f"longer than {TIMESTAMP_BYTES} bytes")
    return _believable(parse_time(raw.decode("utf-8", errors="replace"), zone))


def _believable(when):
    """``when`` if it lies between EARLIEST and the grader's clock (with CLOCK_SLACK), else ValueError."""
    now = datetime.datetime.now(datetime.timezone.utc)
    if not EARLIEST <= when <= now + CLOCK_SLACK:
        raise ValueError(f"{when.isoformat(timespec='seconds')} is {'after now' if when > now else 'before 2000'}")
    return when


def parse_time(text, zone=None):
    """An aware datetime from nbgrader's timestamp ('2026-12-01 23:59:59.123456 UTC') or ISO 8601;
    a time without a zone is in ``zone`` (None: the grading machine's local zone)."""
    text = text.strip().replace(" UTC", "+00:00").replace("Z", "+00:00")
    when = datetime.datetime.fromisoformat(text)
    return localize(when, zone)


def localize(when, zone=None):
    """``when`` if it has a zone, else the same wall-clock time in ``zone`` (None: this machine's zone)."""
    if when.tzinfo:
        return when
    return when.replace(tzinfo=zone) if zone else when.astimezone()


def no_match(subs, root, assignment, names, shown=None, zips=()):
    """A one-line reason why nothing in the class answers ``assignment`` ('' if something does).

    ``zips``: zip files found inside the class (a re-zipped download), which are never unpacked.
    """
    shown = clean(str(shown or root), 300, False)
    others = [s.other_assignment for s in subs if s.other_assignment and not s.notebooks]
    answering = sum(1 for s in subs if s.notebooks)
    if others and len(others) >= answering:  # another assignment's download: grading it would replace real grades
        common = max(set(others), key=others.count)
        return (f"{len(others)} of {len(subs)} students in {shown} handed in another assignment's notebook "
                f"({clean(common, 80, False)}) and {answering} a notebook of "
                f"{' or '.join(f'{n}.ipynb' for n in names)}: is this another assignment's download? "
                "Nothing was graded and the gradebook was not touched")
    if any(s.notebooks or s.refused for s in subs):
        return ""
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


def keep_identity(subs, records):
    """A regrade from a single file (``10003.ipynb`` e-mailed by a student) keeps the identity the
    student's record has from the LMS download: layout, name, LMS file id, and the submission's time
    and LATE flag (an e-mailed file's time is the mail's, not the submission's); in place, said."""
    for sub in subs:
        old = records.get(sub.student_id)
        if sub.layout not in ("loose", "single", "folder") or not isinstance(old, dict):
            continue
        if old.get("layout") not in ("canvas", "moodle"):
            continue
        sub.layout, sub.name = old["layout"], old.get("name") or sub.name
        sub.lms_file = old.get("lms_file", "")
        sub.submitted_at, sub.submitted_from = old.get("submitted_at", ""), old.get("submitted_from", "")
        sub.late = bool(old.get("late_flag"))
        sub.time_note = old.get("time_note", "")
        lms = "Canvas user" if sub.layout == "canvas" else "Moodle participant"
        sub.notes.append(f"regraded from {sub.origin}; kept {lms} {sub.student_id}"
                         f"{f' ({sub.name})' if sub.name else ''} and the submission's time from the earlier record")


def same_name(text):
    """A name or id as typed and as stored compared alike: NFKC, case-folded, single spaces
    (``--student müllerzoë`` typed in NFC finds the decomposed name of a macOS zip)."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


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
