"""Which students handed in alike work: ``python -m autograder similarity ASSIGNMENT SUBMISSIONS``.

Only the students' own work is compared: their solution cells and the cells they
added, never the setup, checks or test cells, and no passage of the code given
to them (the released notebook and the source notebook's cells and lines outside
``### BEGIN/END SOLUTION``: stubs, provided helpers, test calls copied around).
Each cell is reduced to fingerprints that survive renaming, reformatting and
comments (``fingerprint``); an inverted index (a sparse student-by-fingerprint
matrix, whose product with itself visits only the students that share a
fingerprint) gives every pair's shared fingerprints.

Common code is discounted. A fingerprint held by ``df`` students weighs 1 when
``df`` is 1 or 2 and less the more students hold it (``weights``), down to 0 at
``common`` of the class (at least ``MIN_COMMON`` students): beyond that it is the
class's common code, dropped like provided code. The similarity of a pair is the
weighted Jaccard index of their fingerprints (the weight of what both have over
the weight of what either has), between 0 and 1. A pair is flagged when its
similarity reaches the threshold and the weight they share is at least
``MIN_SHARED`` (about two lines held by them alone): two alike one-line answers
are no evidence, nor is a notebook of the answers most of the class wrote.

Student code is never run, nothing is sent anywhere.
"""

import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.course import collect, fingerprint
from autograder.grading.student.notebook import (BrokenNotebook, load_student, split_hidden, student_cells,
                                                  top_level_names)
from autograder.grading.student.text import clean

#: Default threshold: a pair at or above it is flagged.
THRESHOLD = 0.5
#: Default share of the class at which a passage is common code: its weight has fallen to 0.
COMMON = 0.2
#: A passage is common only when at least this many students hold it (small classes).
MIN_COMMON = 4
#: Shared weight a flagged pair needs at least (fingerprints held by the two alone count 1: about two lines).
MIN_SHARED = 6.0
#: Unflagged pairs are listed in the CSV when their similarity reaches this share of the threshold.
SHOW = 0.5
#: At most this many unflagged pairs in the CSV (the most similar).
MAX_UNFLAGGED_ROWS = 500
#: Key of the cells a student added (their position varies: they are compared as one).
ADDED = "+added"


@dataclass
class Options:
    threshold: float = THRESHOLD
    common: float = COMMON
    inputs: collect.InputLimits = field(default_factory=collect.InputLimits)


@dataclass
class Student:
    student_id: str
    cells: dict = field(default_factory=dict)         # cell key -> the student's code
    prints: dict = field(default_factory=dict)        # fingerprint -> (cell key, token position)
    reason: str = ""                                  # why not compared ('' if compared)


@dataclass
class Pair:
    a: str
    b: str
    similarity: float
    shared: float                                     # counted weight of shared fingerprints
    flagged: bool
    cells: list = field(default_factory=list)         # cell keys with shared passages, most first
    counted: frozenset = field(default=frozenset(), repr=False)  # the counted fingerprints both have (for marking)


@dataclass
class Result:
    assignment: str
    options: Options
    students: list                                    # Student, by id
    pairs: list                                       # Pair, flagged first, most similar first
    given: object = None                              # Given (for the HTML's marking)

    @property
    def compared(self):
        return [s for s in self.students if not s.reason]

    @property
    def flagged(self):
        return [p for p in self.pairs if p.flagged]


@dataclass
class Given:
    """What the course gives: names that keep their meaning ({name: spelling}), the provided code."""

    names: dict
    provided: fingerprint.Provided


def given(course, assignment, srcs):
    """The Given of ``assignment``: from its source notebooks ``srcs`` and the released ones."""
    provided, names = [], {}
    for name, src in srcs.items():
        for code in src.setup + src.checks:
            provided.append(code)
            names.update((n, n) for n in top_level_names(code))
            names.update(fingerprint.aliases(code))
        provided += [split_hidden(t.source)[0] for t in src.tests]  # hidden tests are not given
        provided += [_outside_solution(code) for code in src.solutions.values()]
        names.update((n, n) for n in src.deliverables)
        provided += _released_code(Path(course) / "exercises" / assignment / f"{name}.ipynb")
    return Given(names, fingerprint.provided(provided, names))


def _outside_solution(code):
    """A solution cell's lines outside ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (given to students)."""
    kept, inside = [], False
    for line in code.splitlines():
        mark = line.strip()
        if mark.startswith("### BEGIN SOLUTION"):
            inside = True
        elif mark.startswith("### END SOLUTION"):
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def _released_code(path):
    """The code cells of the released notebook at ``path`` ([] if it is missing or unreadable)."""
    try:
        nb = load_student(path)
    except BrokenNotebook:
        return []
    codes = []
    for cell in nb["cells"]:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            codes.append("".join(source) if isinstance(source, list) else str(source))
    return codes


def _key(srcs, notebook, gid):
    """A cell's key: its grade_id, prefixed by the notebook where an assignment has several."""
    return gid if len(srcs) == 1 else f"{notebook}/{gid}"


def student_work(sub, srcs, max_bytes):
    """A Student: the solution cells and added cells of each of ``sub``'s notebooks, or a reason."""
    student = Student(sub.student_id)
    problems = []
    for name, src in srcs.items():
        path = sub.notebooks.get(name)
        if name in sub.refused or path is None:
            problems.append(sub.refused.get(name) or f"notebook {name}.ipynb was not submitted")
            continue
        try:
            nb = load_student(path, max_bytes)
        except BrokenNotebook as exc:
            problems.append(str(exc))
            continue
        cells = student_cells(src, nb)[0]  # as the grader reads them: setup first, then the student's
        added = []
        for label, code in cells[len(src.setup):]:
            gid = label[len("cell "):]
            if label.startswith("cell ") and gid in src.solutions:
                student.cells[_key(srcs, name, gid)] = code
            else:
                added.append(code)
        if added:
            student.cells[_key(srcs, name, ADDED)] = "\n".join(added)
    if sub.problem:
        problems.insert(0, sub.problem)
    if not student.cells:  # a student with part of the work readable is compared on that part
        student.reason = "; ".join(clean(p, 300, False) for p in problems) or "no answer cell found"
    return student


def collect_class(assignment, submissions, srcs, workdir, inputs, warn=None):
    """[Student] of the class under ``submissions`` (any layout ``grade`` reads), read under ``workdir``."""
    opened = collect.open_submissions(submissions, workdir, inputs)
    for line in opened.warnings:
        if warn:
            warn(f"similarity: {line}")
    subs = collect.find(opened, assignment, list(srcs))
    why = collect.no_match(subs, opened.root, assignment, list(srcs), shown=submissions, zips=opened.zips)
    if why:
        raise collect.SubmissionsError(why)
    return [student_work(sub, srcs, inputs.notebook_bytes) for sub in subs]


def fingerprint_class(students, gift):
    """Fill each compared student's ``prints``; one with no fingerprint left (stubs only) gets a reason."""
    memo = {}
    for student in students:
        if student.reason:
            continue
        names = dict(gift.names)
        for code in student.cells.values():
            names.update(fingerprint.aliases(code))
        own = tuple(sorted(set(names.items()) - set(gift.names.items())))
        for key, code in student.cells.items():
            memo_key = (key, code, own)  # the same cell (a stub, an exact copy) is fingerprinted once
            if memo_key not in memo:
                memo[memo_key] = fingerprint.fingerprints({key: code}, names, gift.provided)
            for value, where in memo[memo_key].items():
                student.prints.setdefault(value, where)
        if not student.prints:
            student.reason = "nothing of their own to compare (only the code given in the released notebook)"


def weights(df, n, common):
    """The weight of fingerprints held by ``df`` of ``n`` students (an array): between 0 and 1.

    1 for a fingerprint of one or two students; ``log(cut / df) / log(cut / 2)``
    above, falling to 0 at ``cut = max(MIN_COMMON, common * n)`` students: beyond
    that it is the class's common code, like the code given to everyone.
    """
    import numpy as np

    cut = max(MIN_COMMON, common * n)
    falling = np.log(cut / np.maximum(df, 2)) / math.log(cut / 2)
    return np.clip(np.where(df <= 2, 1.0, falling), 0.0, 1.0)


def score(students, options):
    """Every pair worth showing: [Pair], flagged first, most similar first.

    The similarity of students A and B is the weighted Jaccard index of their
    fingerprints: the weight of what both have over the weight of what either has.
    """
    import numpy as np
    from scipy import sparse

    compared = [s for s in students if s.prints]
    n = len(compared)
    if n < 2:
        return []
    # One entry per (student, fingerprint): rows (entries,), values (entries,); df (fingerprints,).
    rows = np.repeat(np.arange(n), [len(s.prints) for s in compared])
    values = np.fromiter((v for s in compared for v in s.prints), dtype=np.int64, count=len(rows))
    uniq, cols, df = np.unique(values, return_inverse=True, return_counts=True)
    weight = weights(df, n, options.common)
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(uniq)))
    sizes = matrix @ weight                               # the weight of each student's fingerprints
    shared_cols = (df >= 2) & (weight > 0)
    held = matrix[:, shared_cols]
    # The inverted index: this product visits, for each fingerprint, only the students who hold it.
    both = (held @ sparse.diags(weight[shared_cols]) @ held.T).tocoo()  # (n, n), nonzero where they share
    keep = both.row < both.col
    a, b, shared = both.row[keep], both.col[keep], both.data[keep]
    union = sizes[a] + sizes[b] - shared
    similarity = np.where(union > 0, shared / np.maximum(union, 1e-12), 0.0)
    shown = similarity >= options.threshold * SHOW
    pairs = []
    for i, j, sim, got in zip(a[shown].tolist(), b[shown].tolist(), similarity[shown].tolist(), shared[shown].tolist()):
        first, second = sorted((compared[i].student_id, compared[j].student_id))
        pairs.append(Pair(first, second, min(1.0, sim), got, sim >= options.threshold and got >= MIN_SHARED))
    pairs.sort(key=lambda p: (not p.flagged, -p.similarity, p.a, p.b))
    flagged = [p for p in pairs if p.flagged]
    pairs = flagged + [p for p in pairs if not p.flagged][:MAX_UNFLAGGED_ROWS]
    _shared_cells(pairs, {s.student_id: s for s in compared}, dict(zip(uniq.tolist(), weight.tolist())))
    return pairs


def _shared_cells(pairs, by_id, weights):
    """Name, for each pair, the cells whose counted fingerprints they share, most shared first."""
    for pair in pairs:
        mine, theirs = by_id[pair.a].prints, by_id[pair.b].prints
        per_cell = {}
        for value in mine.keys() & theirs.keys():
            if weights.get(value, 0.0) > 0:
                key = mine[value][0]
                per_cell[key] = per_cell.get(key, 0.0) + weights[value]
        pair.cells = sorted(per_cell, key=lambda k: (-per_cell[k], k))
        if pair.flagged:
            pair.counted = frozenset(v for v in mine.keys() & theirs.keys() if weights.get(v, 0.0) > 0)


def compare(assignment, submissions, course, options=None, warn=None):
    """The Result of comparing the class ``submissions`` of ``assignment`` (nothing is written)."""
    from autograder.grading.student.grade import sources

    options = options or Options()
    srcs = sources(course, assignment)
    gift = given(course, assignment, srcs)
    with tempfile.TemporaryDirectory(prefix="dlcourse-similarity-") as work:
        students = collect_class(assignment, submissions, srcs, work, options.inputs, warn)
    fingerprint_class(students, gift)
    pairs = score(students, options)
    return Result(assignment, options, students, pairs, gift)


def summary_line(result):
    """One line for the terminal: how many compared, not compared, flagged."""
    skipped = len(result.students) - len(result.compared)
    return (f"similarity of {result.assignment}: {len(result.compared)} students compared"
            f"{f', {skipped} not compared (reasons in the CSV)' if skipped else ''}; "
            f"{len(result.flagged)} pair{'' if len(result.flagged) == 1 else 's'} flagged at threshold "
            f"{result.options.threshold:g}")
