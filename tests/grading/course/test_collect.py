"""What the grader reads from a class (issue 7, "What broke" 6): links, sizes, ids, duplicates.

No student code runs here: these are the collect step's decisions, with the
reason each refused or renamed submission carries.
"""

import stat
import zipfile

import pytest
from helpers.paths import ROOT
from helpers.grader_attacks import A, SOLUTION, write

from autograder.grading.course import collect
from autograder.grading.course.collect import InputLimits, SubmissionsError, find, open_submissions, safe_id

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
    from autograder.cli import print_summary

    forged = "\x1b[2K\x1b[1Aeve      10/10  graded\r"
    results = {forged: dict(score=0.0, max_score=10.0, status="zero"),
               "bob": dict(score=0.0, max_score=10.0, status="error")}
    print_summary(results)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert "bob" in out and "0/10" not in out.split("bob")[1].splitlines()[0], "an error shows no score"
    assert "1 zero with reason, 1 could not be graded" in out


# Issue 12, item 2: every common layout, and item 1: a class that matches nothing says what it found.

P = "01_perceptron"
PERCEPTRON = (ROOT / "solutions" / P / f"{P}.ipynb").read_bytes()


def put(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PERCEPTRON)
    return path


def test_canvas_download_ids_late_flag_and_highest_resubmission(tmp_path):
    put(tmp_path / f"müller_12345_67890_{P}.ipynb")
    newest = put(tmp_path / f"müller_12345_67891_{P}-2.ipynb")
    put(tmp_path / f"müller_12345_67892_{P}-1.ipynb")
    late = put(tmp_path / f"o'brien_LATE_222_333_{P}.ipynb")
    subs = by_id(find(tmp_path, P, [P]))
    assert set(subs) == {"12345", "222"}
    assert subs["12345"].notebooks == {P: newest} and subs["12345"].resubmission == 2
    assert subs["12345"].name == "müller" and not subs["12345"].late
    assert subs["222"].notebooks == {P: late} and subs["222"].late and subs["222"].name == "o'brien"
    assert all(s.layout == "canvas" for s in subs.values())


def test_canvas_ids_are_the_same_across_assignments(tmp_path):
    put(tmp_path / "a" / f"kim_12345_1_{P}.ipynb")
    put(tmp_path / "b" / "kim_12345_9_02_xor_mlp.ipynb")
    assert [s.student_id for s in find(tmp_path / "a", P, [P])] == ["12345"]
    assert [s.student_id for s in find(tmp_path / "b", "02_xor_mlp", ["02_xor_mlp"])] == ["12345"]


def test_moodle_download_one_folder_per_participant(tmp_path):
    alice = put(tmp_path / "Alice Smith_10000_assignsubmission_file_" / f"{P}.ipynb")
    renamed = put(tmp_path / "Bo Lee_10001_assignsubmission_file_" / "my work.ipynb")
    subs = by_id(find(tmp_path, P, [P]))
    assert set(subs) == {"10000", "10001"}
    assert subs["10000"].notebooks == {P: alice} and subs["10000"].name == "Alice Smith"
    assert subs["10001"].notebooks == {P: renamed} and subs["10001"].layout == "moodle"


def test_student_folder_holding_the_notebook(tmp_path):
    ann = put(tmp_path / "ann" / f"{P}.ipynb")
    put(tmp_path / "bo" / "03_forward_mnist.ipynb")            # another assignment's notebook: not taken
    subs = by_id(find(tmp_path, P, [P]))
    assert subs["ann"].notebooks == {P: ann} and subs["ann"].layout == "folder"
    assert not subs["bo"].notebooks and "03_forward_mnist.ipynb" in subs["bo"].problem


@pytest.mark.parametrize("given", ["ann", f"ann/{P}"])
def test_one_students_folder_is_never_recorded_under_the_assignments_name(tmp_path, given):
    put(tmp_path / "ann" / P / f"{P}.ipynb")
    (tmp_path / "ann" / P / "timestamp.txt").write_text("2026-12-01 10:00:00.123456 UTC")
    [sub] = find(tmp_path / given, P, [P])
    assert sub.student_id == "ann" and P in sub.notebooks
    assert sub.submitted_at == "2026-12-01T10:00:00+00:00" and sub.submitted_from == "timestamp.txt"


def test_a_class_of_another_assignment_says_what_it_found(tmp_path):
    for student in ("ann", "bo", "cy"):
        put(tmp_path / student / "04_softmax_losses" / "04_softmax_losses.ipynb")
    subs = find(tmp_path, P, [P])
    why = collect.no_match(subs, tmp_path, P, [P])
    assert why.startswith("found 3 notebooks") and f"none named {P}.ipynb" in why
    assert "another assignment's class" in why
    (tmp_path / "empty").mkdir()
    assert "is empty" in collect.no_match(find(tmp_path / "empty", P, [P]), tmp_path / "empty", P, [P])
    put(tmp_path / "dee" / P / f"{P}.ipynb")
    assert collect.no_match(find(tmp_path, P, [P]), tmp_path, P, [P]) == ""


def test_work_named_after_the_assignment_beside_students_is_nobodys(tmp_path):
    put(tmp_path / "ann.ipynb")
    put(tmp_path / f"{P}.ipynb")
    put(tmp_path / P / P / f"{P}.ipynb")
    subs = find(tmp_path, P, [P])
    assert "ann" in by_id(subs) and len(subs) == 3
    for sub in subs:
        if sub.student_id != "ann":
            assert not sub.notebooks and "named after the assignment" in sub.refused[P], sub.student_id
