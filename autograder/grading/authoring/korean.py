"""The Korean exercise notebooks (한국어 연습 노트북): the English notebook's code, Korean text.

One source of code: ``solutions/NN_slug/NN_slug.ipynb``. The Korean text of its markdown cells
sits beside it in ``solutions/NN_slug/NN_slug.ko-text.md`` (nbgrader_config.py keeps ``*.ko-text.md`` out
of the release), one section per markdown cell, keyed by the cell's grade_id and the hash of the
English text it translates::

    <!-- md_1 en:3f2a9c1b7d0e -->
    # 연습 05 · 역전파(backpropagation)
    ...

``release`` writes ``exercises/NN_slug/ko/NN_slug.ipynb`` from the English release it has just
made: every markdown cell replaced by its Korean text, nothing else changed but two things that
make it Korean: the notebook's metadata ``{"dlcourse": {"language": "ko"}}`` and, first in the
locked checks cell, ``set_language("ko")`` (the checks' messages in Korean). Same cell ids,
grade_ids, test code and points, so the grader grades either the same, and the file has the
English one's name, so every submission layout (nbgrader folders, Canvas, Moodle) takes it.

When an English markdown cell changes, its section's hash no longer matches (``stale``, tested):
translate the change, then ``python -m autograder.grading.authoring.korean stamp NN_slug``.
"""

import copy
import hashlib
import re
import sys
from pathlib import Path

#: The folder of an exercise's release that holds its Korean notebook.
KO_FOLDER = "ko"
#: Inserted first in the Korean notebook's checks cell (inside its ``try:`` where it has one).
LANGUAGE_LINES = ("from autograder.checks.messages import set_language", 'set_language("ko")')
#: A section's head in a .ko-text.md file.
SECTION = re.compile(r"^<!-- (?P<gid>[\w.-]+) en:(?P<hash>[0-9a-f]{12}|-+) -->$", re.M)


class KoreanError(Exception):
    """A Korean text file that does not fit its English notebook (the message is one line)."""


def text_path(course, name):
    """``solutions/NAME/NAME.ko-text.md``: the Korean text of assignment ``name``."""
    return Path(course) / "solutions" / name / f"{name}.ko-text.md"


def release_path(course, name):
    """``exercises/NAME/ko/NAME.ipynb``: the Korean student notebook (same file name as the English)."""
    return Path(course) / "exercises" / name / KO_FOLDER / f"{name}.ipynb"


def digest(text):
    """The first 12 hex digits of the SHA-256 of an English cell's text: what a section translates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _grade_id(cell):
    nbg = cell.get("metadata", {}).get("nbgrader", {})
    return nbg.get("grade_id") if isinstance(nbg, dict) else None


def english_texts(nb):
    """{grade_id: text} of a notebook's markdown cells, in order; KoreanError for one without a grade_id."""
    texts = {}
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            gid = _grade_id(cell)
            if not gid:
                raise KoreanError(f"markdown cell {i} has no nbgrader grade_id to key its Korean text by")
            texts[gid] = _source(cell)
    return texts


def parse(text):
    """{grade_id: (hash of the English it translates, Korean text)} of a .ko-text.md file's sections."""
    heads = list(SECTION.finditer(text))
    sections = {}
    for head, after in zip(heads, heads[1:] + [None]):
        body = text[head.end():after.start() if after else len(text)].strip("\n")
        if head["gid"] in sections:
            raise KoreanError(f"the section {head['gid']} appears twice")
        sections[head["gid"]] = (head["hash"], body)
    return sections


def render(sections):
    """The .ko-text.md text of {grade_id: (hash, Korean text)} (the inverse of ``parse``)."""
    return "\n\n".join(f"<!-- {gid} en:{h} -->\n{body.strip()}" for gid, (h, body) in sections.items()) + "\n"


def read_texts(course, name):
    """The parsed Korean text of ``name``; None where the exercise has no .ko-text.md yet."""
    path = text_path(course, name)
    return parse(path.read_text(encoding="utf-8")) if path.exists() else None


def stale(english, sections):
    """One line per section that does not translate the current English: missing, left over, or
    written for another version of its cell (its hash)."""
    problems = [f"{gid}: no Korean text" for gid in english if gid not in sections]
    problems += [f"{gid}: no such markdown cell in the English notebook" for gid in sections if gid not in english]
    problems += [f"{gid}: the English cell changed since it was translated (translate it, then stamp)"
                 for gid, text in english.items() if gid in sections and sections[gid][0] != digest(text)]
    return problems


def koreanize(nb, sections):
    """A copy of notebook ``nb`` (an nbformat node or dict) in Korean: markdown cells from ``sections``,
    the language in the metadata and in the checks cell; code cells untouched but that one."""
    from nbgrader.utils import compute_checksum

    ko = copy.deepcopy(nb)
    ko["metadata"]["dlcourse"] = {"language": "ko"}
    for cell in ko["cells"]:
        gid = _grade_id(cell)
        if cell["cell_type"] == "markdown":
            cell["source"] = sections[gid][1]
        elif gid and gid.startswith("checks"):
            cell["source"] = with_language(_source(cell))
        else:
            continue
        if "checksum" in cell["metadata"].get("nbgrader", {}):  # nbgrader's record of the locked cell's text
            cell["metadata"]["nbgrader"]["checksum"] = compute_checksum(cell)
    return ko


def with_language(code):
    """The checks cell's code with ``set_language("ko")`` first (inside its leading ``try:``)."""
    if code.startswith("try:\n"):
        return "try:\n" + "".join(f"    {line}\n" for line in LANGUAGE_LINES) + code[len("try:\n"):]
    return "".join(f"{line}\n" for line in LANGUAGE_LINES) + code


def write_release(course, name):
    """Write ``exercises/NAME/ko/NAME.ipynb`` from the English release; its path, or None where the
    exercise has no Korean text yet. KoreanError if the text does not fit the English notebook."""
    import nbformat

    sections = read_texts(course, name)
    if sections is None:
        return None
    english = nbformat.read(Path(course) / "exercises" / name / f"{name}.ipynb", as_version=4)
    problems = stale(english_texts(english), sections)
    if problems:
        raise KoreanError(f"{text_path(course, name)} does not fit the English notebook: " + "; ".join(problems))
    path = release_path(course, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(koreanize(english, sections), path)
    return path


def stamp(course, name):
    """Record the current English cells' hashes in ``name``'s .ko-text.md (after translating a change);
    a section for a new cell gets the English text to translate, one for a removed cell goes."""
    import nbformat

    english = english_texts(nbformat.read(Path(course) / "solutions" / name / f"{name}.ipynb", as_version=4))
    old = read_texts(course, name) or {}
    fresh = {gid: (digest(text), old[gid][1] if gid in old else text) for gid, text in english.items()}
    text_path(course, name).write_text(render(fresh), encoding="utf-8")
    return [gid for gid in english if gid not in old]


def main(argv=None):
    """``python -m autograder.grading.authoring.korean stamp NN_slug [...]``."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2 or argv[0] != "stamp":
        print("usage: python -m autograder.grading.authoring.korean stamp NN_slug [NN_slug ...]", file=sys.stderr)
        return 2
    for name in argv[1:]:
        new = stamp(".", name)
        print(f"stamped {text_path('.', name)}" + (f" (new, still English: {', '.join(new)})" if new else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
