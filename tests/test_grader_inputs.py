"""What the grader reads from a class (issue 7, "What broke" 6): links, sizes, ids, duplicates.

No student code runs here: these are the collect step's decisions, with the
reason each refused or renamed submission carries.
"""

import stat
import zipfile

import pytest
from grader_attacks import A, SOLUTION, write

from autograder.grading import collect
from autograder.grading.collect import InputLimits, SubmissionsError, find, open_submissions, safe_id

NAMES = [A]


def by_id(subs):
    return {s.student_id: s for s in subs}


def test_links_in_a_folder_are_refused_never_followed(tmp_path, root):
    target = root / "solutions" / A / f"{A}.ipynb"
    (tmp_path / "eve" / A).mkdir(parents=True)
    (tmp_path / "eve" / A / f"{A}.ipynb").symlink_to(target)          # nbgrader layout
    (tmp_path / "mal.ipynb").symlink_to(target)                         # loose layout
    (tmp_path / "dirlink").symlink_to(root / "solutions")               # a student folder that is a link
    (tmp_path / "ok" / A).mkdir(parents=True)
    (tmp_path / "ok" / A / "link_dir").symlink_to(root / "solutions" / A, target_is_directory=True)
    write(tmp_path / "ok" / A, SOLUTION)
    subs = by_id(find(tmp_path, A, NAMES))
    for sid in ("eve", "mal", "dirlink"):
        assert not subs[sid].notebooks and "symbolic link" in subs[sid].refused[A], sid
    assert subs["ok"].notebooks == {A: tmp_path / "ok" / A / f"{A}.ipynb"} and not subs["ok"].refused


def _zip_link(zf, name, target):
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    zf.writestr(info, target)


def test_links_in_a_zip_are_refused_and_the_student_is_still_listed(tmp_path):
    zpath = tmp_path / "class.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        _zip_link(zf, f"eve/{A}/{A}.ipynb", f"../../../solutions/{A}/{A}.ipynb")
        _zip_link(zf, "mal.ipynb", f"../solutions/{A}/{A}.ipynb")
        zf.writestr(f"ann/{A}/{A}.ipynb", "{}")
    opened = open_submissions(zpath, tmp_path)
    subs = by_id(find(opened, A, NAMES))
    assert set(subs) == {"ann", "eve", "mal"}
    for sid in ("eve", "mal"):
        assert "symbolic link in the zip" in subs[sid].refused[A] and not subs[sid].notebooks
    assert not any(p.is_symlink() for p in opened.root.rglob("*"))


def test_zip_sizes_are_capped_before_unpacking(tmp_path):
    zpath = tmp_path / "class.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"big/{A}/{A}.ipynb", " " * 3 * 2**20)   # 3 MB, a few KB zipped
        zf.writestr(f"ann/{A}/{A}.ipynb", "{}")
    subs = by_id(find(open_submissions(zpath, tmp_path, InputLimits(notebook_bytes=2**20)), A, NAMES))
    assert "larger than the limit of 1 MB" in subs["big"].refused[A]
    assert A in subs["ann"].notebooks
    with pytest.raises(SubmissionsError, match="the limit is 2 MB"):
        open_submissions(zpath, tmp_path, InputLimits(total_bytes=2 * 2**20))


@pytest.mark.parametrize("raw", ["ann", "kim.minsu", "o'brien", "Müller", "élève", "한글학생", "s-01_x",
                                 "kim@uni.edu"])
def test_ids_in_the_policy_are_kept(raw):
    assert safe_id(raw) == (raw, "")


@pytest.mark.parametrize("raw", ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "..", ".", ".hidden", "a/b",
                                 "\x1b[2K\x1b[1Aann  10/10  graded", "tab\there", "\u202eevil", "x" * 300])
def test_ids_outside_the_policy_get_a_safe_name_and_a_note(raw):
    safe, note = safe_id(raw)
    assert collect.valid_id(safe) and safe[0].isalnum()
    assert safe == safe_id(raw)[0], "deterministic"
    assert note and safe in note and "\x1b" not in note and "\t" not in note and "\u202e" not in note


def test_distinct_unsafe_ids_stay_distinct():
    raws = ["=a", "+a", "-a", "@a", "a/", ".a"]
    assert len({safe_id(r)[0] for r in raws}) == len(raws)


def test_three_dots_notebook_and_ansi_folder_are_renamed_and_reported(tmp_path):
    write(tmp_path, SOLUTION, name="..")                     # ...ipynb: the id would be ".."
    ansi = "\x1b[2K\x1b[1Aann 10 of 10"
    write(tmp_path / ansi / A, SOLUTION)
    write(tmp_path / "=cmd" / A, SOLUTION)
    subs = find(tmp_path, A, NAMES)
    assert len(subs) == 3
    for sub in subs:
        assert collect.valid_id(sub.student_id) and sub.notes and A in sub.notebooks
        assert "\x1b" not in " ".join(sub.notes) and not sub.student_id.startswith(("=", "."))


def test_duplicate_ids_are_both_kept_and_reported(tmp_path):
    write(tmp_path, SOLUTION, name="ann")                     # loose ann.ipynb
    write(tmp_path / "ann" / A, SOLUTION)                     # and folder ann/
    write(tmp_path / "e\u0301le\u0300ve" / A, SOLUTION)        # NFD, as macOS writes it
    write(tmp_path / "\u00e9l\u00e8ve" / A, SOLUTION)          # NFC
    subs = by_id(find(tmp_path, A, NAMES))
    assert set(subs) == {"ann", "ann-2", "élève", "élève-2"}
    assert subs["ann"].origin.startswith("folder") and subs["ann-2"].origin.startswith("file")
    for sid in subs:
        assert any("two submissions have the id" in n for n in subs[sid].notes), sid


def test_a_wrapping_link_is_not_stepped_into(tmp_path, root):
    (tmp_path / "submitted").symlink_to(root / "solutions")
    subs = find(tmp_path, A, NAMES)
    assert [s.student_id for s in subs] == ["submitted"] and "symbolic link" in subs[0].refused[A]


def test_the_printed_summary_cannot_be_forged(capsys):
    from autograder.grading.cli import print_summary

    forged = "\x1b[2K\x1b[1Aeve      10/10  graded\r"
    results = {forged: dict(score=0.0, max_score=10.0, status="zero"),
               "bob": dict(score=0.0, max_score=10.0, status="error")}
    print_summary(results)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert "bob" in out and "0/10" not in out.split("bob")[1].splitlines()[0], "an error shows no score"
    assert "1 zero with reason, 1 could not be graded" in out
