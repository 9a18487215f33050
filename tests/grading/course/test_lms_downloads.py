"""Issue 17: grades that are right from real Canvas and Moodle downloads.

Every test builds its files exactly as Canvas and Moodle write them:
- Canvas (canvas-lms lib/content_zipper.rb): ``<sortable name lowercased, non-word characters removed>_[LATE_]
  <user id>_<file id>_<file>``, ``<name>_<user id>_text.html`` for an online-text entry, ``[LATE_]anon_<id>_...``
  under anonymous grading; every zip member carries the zip's creation time (rubyzip's DOSTime.now).
- Moodle (mod/assign): ``<Full name>_<participant id>_assignsubmission_<plugin>_/<file>`` (no last ``_`` since
  Moodle 4.1), or flat ``..._assignsubmission_file_<file>`` without folders; members stamped with the download time.
Each test failed on the code before issue 17 (the reason is in its docstring).
"""

import csv
import datetime
import io
import json
import unicodedata
import zipfile

import pytest

from autograder.grading.course import collect, late
from autograder.grading.records import feedback, gradebook, lms, report
from autograder.grading.course.collect import find, open_submissions
from autograder.grading.records.gradebook import GradebookError
from helpers.paths import ROOT

A = "01_perceptron"
NAMES = [A]
NB = (ROOT / "solutions" / A / f"{A}.ipynb").read_bytes()
KST = datetime.timezone(datetime.timedelta(hours=9))
DUE = datetime.datetime(2026, 12, 1, 23, 59, tzinfo=KST)
#: The moment the instructor downloaded the zip: two days after the due date.
ZIP_MADE = (2026, 12, 3, 9, 15, 0)


def make_zip(path, members):
    """``members``: {name: bytes or (bytes, date_time)}; default time: the zip's creation time."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            data, when = data if isinstance(data, tuple) else (data, ZIP_MADE)
            zf.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return path


def inner_zip(name, data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name, date_time=ZIP_MADE), data)
    return buffer.getvalue()


def subs_of(tmp_path, members, zone=None):
    limits = collect.InputLimits(zone=zone) if zone else collect.InputLimits()
    opened = open_submissions(make_zip(tmp_path / "download.zip", members), tmp_path, limits)
    return {s.student_id: s for s in find(opened, A, NAMES)}, opened


def entry(score, status="graded", **extra):
    return dict(score=score, max_score=10.0, status=status, reason="", tests=[], problems=[], **extra)


# 1. Canvas zip times are not submission times -------------------------------------------------------------

def test_a_canvas_zip_time_is_never_a_submission_time(tmp_path):
    """Before: every member's zip time (the download's, after the due date) was the submission time."""
    subs, _ = subs_of(tmp_path, {f"kimminsu_12345_901_{A}.ipynb": NB, f"leeann_LATE_34567_903_{A}.ipynb": NB})
    assert subs["12345"].submitted_at == "" and "the time the zip was made" in subs["12345"].time_note
    assert subs["34567"].submitted_at == "" and subs["34567"].submitted_from == "Canvas LATE flag"
    policy = late.LatePolicy(DUE, 10.0, True, "day")
    on_time = late.apply(entry(9.0), policy, subs["12345"].submitted_at, subs["12345"].late)
    flagged = late.apply(entry(9.0), policy, subs["34567"].submitted_at, subs["34567"].late)
    assert on_time["score"] == 9.0 and flagged["score"] == 8.0


def test_canvas_submission_times_from_its_submissions_list(tmp_path):
    """Canvas's Submissions API list gives real times; before, there was no way to give them."""
    times = tmp_path / "submissions.json"
    times.write_text(json.dumps([{"user_id": 12345, "submitted_at": "2026-12-01T14:30:00Z", "late": False},
                                 {"user_id": 34567, "submitted_at": "2026-12-01T16:00:00Z", "late": True},
                                 {"user_id": 45678, "submitted_at": None}]))
    found = late.read_submission_times(times)
    assert found["12345"].at == "2026-12-01T14:30:00+00:00" and not found["12345"].late
    assert found["34567"].late and found["45678"].at == ""
    subs, _ = subs_of(tmp_path, {f"kimminsu_12345_901_{A}.ipynb": NB, f"leeann_LATE_34567_903_{A}.ipynb": NB})
    late.use_times(list(subs.values()), found, times)
    policy = late.LatePolicy(DUE, 10.0, True, "day")
    assert late.penalty(policy, 10.0, subs["12345"].submitted_at, subs["12345"].late)[0] == 0.0  # 23:30 KST
    assert late.penalty(policy, 10.0, subs["34567"].submitted_at, subs["34567"].late)[0] == 1.0  # 1 h 1 min late
    assert "submissions.json" in subs["12345"].submitted_from
    with pytest.raises(ValueError, match="none of the 2 students graded .* is in other.json"):
        (tmp_path / "other.json").write_text(json.dumps([{"user_id": 99, "submitted_at": "2026-12-01T10:00:00Z"}]))
        late.use_times(list(subs.values()), late.read_submission_times(tmp_path / "other.json"), "other.json")
    with pytest.raises(ValueError, match="no id column"):
        (tmp_path / "bad.csv").write_text("name,when\nann,2026-12-01\n")
        late.read_submission_times(tmp_path / "bad.csv")


# 2. Time zones ---------------------------------------------------------------------------------------------

def test_naive_times_are_read_in_the_zone_given_not_the_machines(tmp_path):
    """Before: a zip's naive time was read in the grading machine's zone (other grades on a UTC server)."""
    members = {f"ann/{A}.ipynb": (NB, (2026, 12, 1, 23, 0, 0))}
    subs, _ = subs_of(tmp_path, members, zone=KST)
    assert subs["ann"].submitted_at == "2026-12-01T14:00:00+00:00"  # 23:00 in Seoul
    assert late.parse_zone("+09:00").utcoffset(None) == datetime.timedelta(hours=9)
    assert late.parse_zone("Asia/Seoul").utcoffset(datetime.datetime(2026, 12, 1)) == datetime.timedelta(hours=9)
    assert late.parse_due("2026-12-01T23:59", KST) == DUE
    with pytest.raises(ValueError, match="Asia/Seoul"):
        late.parse_zone("Korea time")
    sheet = tmp_path / "worksheet.csv"
    sheet.write_text("Identifier,Full name,Last modified (submission)\n"
                     "Participant 201,Ann Lee,\"Tuesday, 1 December 2026, 11:30 PM\"\n", encoding="utf-8")
    assert late.read_submission_times(sheet, KST)["201"].at == "2026-12-01T23:30:00+09:00"


def test_the_zone_defaults_to_the_due_dates(tmp_path):
    from autograder.cli import _late_policy, parser

    args = parser().parse_args(["grade", A, str(tmp_path), "--due", "2026-12-01T23:59+09:00"])
    args.course = ROOT
    policy, zone = _late_policy(args)
    assert zone.utcoffset(None) == datetime.timedelta(hours=9) and policy.due == DUE
    args = parser().parse_args(["grade", A, str(tmp_path), "--due", "2026-12-01T23:59", "--timezone", "Asia/Seoul"])
    args.course = ROOT
    assert _late_policy(args)[0].due == DUE


# 3. Another assignment's download ---------------------------------------------------------------------------

@pytest.mark.parametrize("members", [
    {"kimminsu_12345_901_04_softmax_losses.ipynb": NB, "leeann_34567_903_04_softmax_losses.ipynb": NB},
    {"Kim Minsu_201_assignsubmission_file_/04_softmax_losses.ipynb": NB,
     "Ann Lee_203_assignsubmission_file/04_softmax_losses.ipynb": NB},
    {"Kim Minsu_201_assignsubmission_file_04_softmax_losses.ipynb": NB}])
def test_another_assignments_lms_download_is_refused(tmp_path, members):
    """Before: a lone notebook of another assignment in an LMS download was taken as the answer (everyone 0)."""
    subs, opened = subs_of(tmp_path, members)
    why = collect.no_match(list(subs.values()), opened.root, A, NAMES)
    assert "another assignment's notebook (04_softmax_losses.ipynb)" in why and "not touched" in why
    members[f"parkcy_56789_905_{A}.ipynb"] = NB
    members[f"raybo_45678_906_{A}.ipynb"] = NB
    members[f"ohjin_67890_907_{A}.ipynb"] = NB
    (tmp_path / "more").mkdir()
    subs, opened = subs_of(tmp_path / "more", members)
    assert collect.no_match(list(subs.values()), opened.root, A, NAMES) == "", "a few mistakes: graded, with reasons"
    wrong = [s for s in subs.values() if s.other_assignment]
    assert wrong and all("another assignment's notebook" in s.problem for s in wrong)


# 4. Moodle: one participant, one student; exports never let a blank or zero win -------------------------------

def test_a_moodle_participant_with_file_and_online_text_is_one_student(tmp_path):
    """Before: the onlinetext folder became a second student 201-2 with 0."""
    subs, _ = subs_of(tmp_path, {f"김 민수_201_assignsubmission_file_/{A}.ipynb": NB,
                                 "김 민수_201_assignsubmission_onlinetext_/onlinetext.html": b"<p>hi</p>"})
    assert list(subs) == ["201"] and subs["201"].notebooks and subs["201"].name == "김 민수"


def test_an_export_never_lets_a_row_without_a_grade_override_a_graded_one(tmp_path):
    """Before: the phantom 201-2 (zero) was merged over the real 201 (9 and 10): exported 0 and 0."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "201", entry(9.0, name="Alice Smith", layout="moodle"))
    gradebook.record(out, "01_a", "201-2", entry(0.0, "zero", name="Alice Smith", layout="moodle"))
    gradebook.record(out, "02_b", "305", entry(10.0, name="Alice Smith", layout="moodle"))
    gradebook.record(out, "02_b", "305-2", entry(0.0, "error", name="Alice Smith", layout="moodle"))
    roster = tmp_path / "users.csv"
    roster.write_text("First name,Last name,Email address\nAlice,Smith,alice@x\n", encoding="utf-8")
    lms.export(out, tmp_path / "m.csv", "moodle", roster=roster)
    header, row = list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert dict(zip(header, row)) == {"Email address": "alice@x", "Full name": "Alice Smith", "01_a": "9",
                                      "02_b": "10"}
    said = []
    lms.export(out, tmp_path / "m.csv", "moodle", roster=roster, warn=said.append)
    assert len(said) == 1 and "201 (Alice Smith) and 201-2 (Alice Smith)" in said[0] and "one person" in said[0]
    gradebook.record(out, "01_a", "201-2", entry(4.0, name="Alice Smith", layout="moodle"))
    with pytest.raises(GradebookError, match="two grades in 01_a"):
        lms.export(out, tmp_path / "m2.csv", "moodle", roster=roster)


# 5. Nobody silently absent --------------------------------------------------------------------------------

def test_zipped_txt_and_online_text_submissions_are_all_listed(tmp_path):
    """Before: these three Canvas students got no row and no warning."""
    subs, _ = subs_of(tmp_path, {
        f"parkcy_56789_905_{A}.zip": inner_zip(f"{A}.ipynb", NB),
        f"ohjin_67890_907_{A}.ipynb.txt": NB,
        "raybo_45678_text.html": b"<p>my answer</p>",
        "kimminsu_12345_908_report.pdf": b"%PDF"})
    assert set(subs) == {"56789", "67890", "45678", "12345"}
    assert subs["56789"].notebooks and "from the zip" in " ".join(subs["56789"].notes)
    assert subs["67890"].notebooks and ".ipynb.txt" in " ".join(subs["67890"].notes)
    assert not subs["45678"].notebooks and "online text only" in subs["45678"].problem
    assert not subs["12345"].notebooks and "report.pdf" in subs["12345"].problem
    (tmp_path / "big").mkdir()
    opened = open_submissions(make_zip(tmp_path / "big" / "d.zip", {f"parkcy_56789_905_{A}.zip": b"x" * 2000}),
                              tmp_path / "big", collect.InputLimits(notebook_bytes=1000))
    [big] = find(opened, A, NAMES)
    assert "larger than the limit" in big.refused[A], "a handed-in zip over the limit is an error, not a zero"


# 6. No command replaces a file it did not write ------------------------------------------------------------

def test_export_never_replaces_an_lms_export_or_a_roster_that_starts_like_ours(tmp_path):
    """Before: Canvas's own gradebook export (same first columns) and any CSV starting with student_id were
    taken for ours and overwritten."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "12345", entry(7.0, name="kim", layout="canvas"))
    theirs = {"canvas": "Student,ID,SIS User ID,SIS Login ID,Section,Perceptron (4711)\n\"Kim, Minsu\",12345,,,,8\n",
              "plain": "student_id,email\nann,a@x\n"}
    for fmt, text in theirs.items():
        target = tmp_path / f"{fmt}.csv"
        target.write_text(text)
        with pytest.raises(GradebookError, match="not an export of this tool"):
            lms.export(out, target, fmt)
        assert target.read_text() == text
    mine = tmp_path / "mine.csv"
    lms.export(out, mine, "canvas")
    lms.export(out, mine, "canvas")  # its own file, unchanged: replaced
    mine.write_text(mine.read_text() + "edited by the TA\n")
    with pytest.raises(GradebookError, match="not an export of this tool"):
        lms.export(out, mine, "canvas")
    assert lms.export(out, mine, "canvas", force=True) == 1


# 7. A regrade from one e-mailed file keeps the student's identity ---------------------------------------------

def test_a_regrade_from_one_file_keeps_the_lms_identity(tmp_path):
    """Before: 10003.ipynb became layout loose with no name, and moved from Canvas's ID to SIS Login ID."""
    (tmp_path / "10003.ipynb").write_bytes(NB)
    opened = open_submissions(tmp_path / "10003.ipynb", tmp_path)
    [sub] = find(opened, A, NAMES)
    assert sub.student_id == "10003" and sub.layout == "loose"
    old = {"10003": dict(layout="canvas", name="kimminsu", lms_file="901", late_flag=True,
                         submitted_from="Canvas LATE flag")}
    collect.keep_identity([sub], old)
    assert (sub.layout, sub.name, sub.lms_file, sub.late) == ("canvas", "kimminsu", "901", True)
    assert "kept Canvas user 10003 (kimminsu)" in sub.notes[-1]
    (tmp_path / f"{A}.ipynb").write_bytes(NB)  # named after the assignment: whose is it?
    with pytest.raises(collect.SubmissionsError, match="<student id>.ipynb"):
        open_submissions(tmp_path / f"{A}.ipynb", tmp_path)


# 8. Spreadsheet-saved files --------------------------------------------------------------------------------

def test_a_gradebook_resaved_by_excel_as_csv_utf8_is_read(tmp_path):
    """Before: the byte-order mark hid the student_id column: every row was 'added by hand', every command blocked."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "김민수", entry(6.0, name="김민수"))
    gradebook.record(out, "01_a", "ann", entry(7.5))
    text = out.read_text(encoding="utf-8").replace("6.0", "6").replace("\r\n", "\n").replace("\n", "\r\n")
    out.write_bytes(text.encode("utf-8-sig"))
    assert gradebook.check_edits(out)["01_a"]["ann"]["score"] == 7.5
    out.write_bytes(text.replace("7.5", "8").encode("utf-8-sig"))
    with pytest.raises(GradebookError, match="ann in 01_a: 8 in the CSV"):
        gradebook.check_edits(out)
    out.write_bytes(text.replace(",6,", ",5,").encode("utf-8-sig"))
    with pytest.raises(GradebookError, match=r"김민수 in 01_a: 5 in the CSV"):  # the id; no name beside itself
        gradebook.check_edits(out)
    out.write_bytes(text.encode("cp949"))  # Korean Excel's plain "CSV"
    assert gradebook.check_edits(out)["01_a"]["김민수"]["score"] == 6.0


def test_a_cp949_roster_is_read_and_an_unreadable_one_is_one_line(tmp_path):
    """Before: a CP949 roster gave a raw codec error."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "201", entry(9.0, name="김 민수", layout="moodle"))
    roster = tmp_path / "users.csv"
    roster.write_bytes("First name,Last name,Email address\r\n민수,김,kim@x\r\n".encode("cp949"))
    lms.export(out, tmp_path / "m.csv", "moodle", roster=roster)
    assert list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))[1][:3] == ["kim@x", "김 민수", "9"]
    roster.write_bytes("First name,Last name,Email address\r\nZo\xe9,M\xfcller,z@x\r\n".encode("latin-1"))
    with pytest.raises(GradebookError, match="CSV UTF-8") as caught:
        lms.export(out, tmp_path / "m.csv", "moodle", roster=roster)
    assert "\n" not in str(caught.value)


# 9. Names ---------------------------------------------------------------------------------------------------

def test_roster_names_match_in_both_orders_and_any_normal_form(tmp_path):
    """Before: only 'First Last' matched, and an NFD name from a macOS zip matched no NFC roster."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "201", entry(9.0, name="김 민수", layout="moodle"))           # family name first
    gradebook.record(out, "01_a", "202", entry(8.0, name=unicodedata.normalize("NFD", "Zoë Müller"),
                                                    layout="moodle"))
    roster = tmp_path / "users.csv"
    roster.write_text("First name,Last name,Email address\n민수,김,kim@x\nZoë,Müller,zoe@x\n", encoding="utf-8")
    lms.export(out, tmp_path / "m.csv", "moodle", roster=roster)
    rows = {r[0]: r[2] for r in list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))[1:]}
    assert rows == {"kim@x": "9", "zoe@x": "8"}


def test_student_choice_compares_normalized_names():
    """Before: --student müllerzoë typed in NFC did not find the NFD name from the zip."""
    from autograder.grading.course.classroom import chosen

    nfd = collect.Submission("23456", raw_id="23456", name=unicodedata.normalize("NFD", "müllerzoë"))
    other = collect.Submission("12345", raw_id="12345", name="kimminsu")
    assert chosen([nfd, other], ("müllerzoë",)) == [nfd]
    assert chosen([nfd, other], ("KimMinsu",)) == [other]
    with pytest.raises(collect.SubmissionsError, match=r"12345 \(kimminsu\)"):
        chosen([nfd, other], ("nobody",))


def test_canvas_names_from_a_macos_zip_are_stored_in_nfc(tmp_path):
    subs, _ = subs_of(tmp_path, {unicodedata.normalize("NFD", f"müllerzoë_23456_902_{A}.ipynb"): NB})
    assert subs["23456"].name == unicodedata.normalize("NFC", "müllerzoë")


# 10. Moodle details, flat downloads, Canvas anonymous grading ------------------------------------------------

def test_two_notebooks_in_a_moodle_folder_the_newest_is_graded_and_said(tmp_path):
    """Before: the older one (named as the assignment) was graded silently."""
    older = (NB, (2026, 11, 30, 10, 0, 0))
    newer = (NB, (2026, 12, 1, 20, 0, 0))
    subs, _ = subs_of(tmp_path, {f"Ann Lee_203_assignsubmission_file_/{A}.ipynb": older,
                                 f"Ann Lee_203_assignsubmission_file_/{A} (1).ipynb": newer})
    sub = subs["203"]
    assert sub.notebooks[A].name == f"{A} (1).ipynb" and f"graded {A} (1).ipynb, the newest" in sub.notes[-1]
    same = {f"Bo Ray_204_assignsubmission_file_/{A}.ipynb": NB, "Bo Ray_204_assignsubmission_file_/try.ipynb": NB}
    (tmp_path / "x").mkdir()
    subs, _ = subs_of(tmp_path / "x", same)
    assert subs["204"].notebooks[A].name == f"{A}.ipynb" and "the one named as the assignment" in subs["204"].notes[-1]


def test_a_flat_moodle_download_and_a_canvas_anonymous_one_are_recognized(tmp_path):
    """Before: both were read as loose files with made-up ids."""
    subs, _ = subs_of(tmp_path, {f"Ann Lee_203_assignsubmission_file_{A}.ipynb": NB,
                                 "Ann Lee_203_assignsubmission_onlinetext_onlinetext.html": b"x"})
    assert list(subs) == ["203"] and subs["203"].layout == "moodle" and subs["203"].name == "Ann Lee"
    (tmp_path / "b").mkdir()
    subs, _ = subs_of(tmp_path / "b", {f"anon_Xy3z9_905_{A}.ipynb": NB, f"LATE_anon_Qp7Rt_906_{A}.ipynb": NB})
    assert set(subs) == {"anon_Xy3z9", "anon_Qp7Rt"} and subs["anon_Qp7Rt"].late
    assert all(s.layout == "canvas" and "anonymous" in s.notes[0] for s in subs.values())
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "anon_Xy3z9", entry(7.0, layout="canvas"))
    with pytest.raises(GradebookError, match="anonymous"):
        lms.export(out, tmp_path / "c.csv", "canvas")


# 11. Numbers and words ---------------------------------------------------------------------------------------

def test_scores_are_stored_rounded_and_one_binning_draws_both_histograms(tmp_path, monkeypatch):
    """Before: 4.199999999999999 was stored, and the PNG histogram binned scores apart from the text one."""
    out = tmp_path / "grades.csv"
    tests = [dict(grade_id="t", points=1.4, max_points=1.4), dict(grade_id="u", points=2.8, max_points=2.8)]
    gradebook.record(out, "01_a", "ann", dict(entry(1.4 + 2.8), tests=tests))
    stored = gradebook.load(gradebook.store_path(out))["01_a"]["ann"]
    assert stored["score"] == 4.2 and repr(stored["score"]) == "4.2"
    rep = report.build({"ann": dict(stored, max_score=10.0), "bo": entry(3.0)}, "01_a")
    counts, _ = report._bins(rep.scores, rep.max_score)
    assert counts[4] == 1 and counts[3] == 1
    drawn = []
    monkeypatch.setattr("matplotlib.axes.Axes.bar", lambda self, x, h, **k: drawn.append(list(h)))
    report.histogram_png(rep)
    assert drawn == [counts]


def test_a_late_stub_is_not_told_points_were_taken():
    """Before: a late stub's reason said '1 point taken' with nothing taken."""
    policy = late.LatePolicy(DUE, 10.0, True, "day")
    stub = late.apply(entry(0.0, "zero"), policy, "", True)
    assert stub["score"] == 0.0 and stub["penalty"] == 0.0
    assert "no points taken" in stub["problems"][0] and "point taken" not in stub["problems"][0]
    some = late.apply(entry(0.5), policy, "", True)
    assert some["penalty"] == 0.5 and "0.5 points taken" in some["problems"][0]


# 12. Feedback pages --------------------------------------------------------------------------------------------

def test_feedback_shows_the_name_one_zone_and_packs_lms_upload_zips(tmp_path):
    """Before: the LMS id only, times in two zones, no way back through the LMS."""
    out = tmp_path / "grades.csv"
    policy = late.LatePolicy(DUE, 10.0, True, "day")
    kim = late.apply(entry(9.0, name="김민수", layout="canvas", lms_file="901",
                           graded_at="2026-12-03T01:00:00+00:00", submitted_at="2026-12-02T00:30:00+00:00"),
                     policy, "2026-12-02T00:30:00+00:00")
    gradebook.record(out, A, "12345", kim)
    gradebook.record(out, A, "201", entry(7.0, name="Zoë Müller", layout="moodle", graded_at="2026-12-03T01:00:00Z"))
    pages = feedback.write_feedback(out, A, tmp_path / "fb")
    page = (tmp_path / "fb" / "12345" / f"{A}.html").read_text()
    assert "<b>김민수</b> (12345)" in page
    assert "2026-12-03 10:00 UTC+09:00" in page and "2026-12-02 09:30 UTC+09:00" in page and "+00:00" not in page
    lines = feedback.lms_feedback(out, A, tmp_path / "fb", pages)
    assert any("Upload Submissions" in line for line in lines) and any("feedback files" in line for line in lines)
    with zipfile.ZipFile(tmp_path / "fb" / f"canvas_feedback_{A}.zip") as zf:
        assert zf.namelist() == [f"김민수_12345_901_{A}_feedback.html"]
    with zipfile.ZipFile(tmp_path / "fb" / f"moodle_feedback_{A}.zip") as zf:
        assert zf.namelist() == [f"Zoë Müller_201_assignsubmission_file_/{A}_feedback.html"]
    (tmp_path / "fb" / f"canvas_feedback_{A}.zip").write_bytes(b"someone else's")
    with pytest.raises(GradebookError, match="not a feedback zip of this tool"):
        feedback.lms_feedback(out, A, tmp_path / "fb", pages)


def test_a_student_the_grader_fails_on_keeps_the_name_and_lms_identity(tmp_path, monkeypatch):
    """Before: an error record had no name or layout: the summary showed a bare id, and the Canvas export
    moved the student to SIS Login ID (and a later regrade from a file had no identity to keep)."""
    from autograder.grading.course import classroom

    sub = collect.Submission("12345", raw_id="12345", name="kimminsu", layout="canvas", lms_file="901")
    monkeypatch.setattr(classroom, "grade_student", lambda *args: 1 / 0)
    src = type("Source", (), {"max_score": 10.0})()
    plan = classroom.RunPlan(A, ".", tmp_path / "g.csv", {A: src}, None, classroom.Grading(mode="test"))
    results = classroom._grade_all(plan, [sub], 1, False)
    rec = results["12345"]
    assert rec["status"] == "error" and (rec["name"], rec["layout"], rec["lms_file"]) == ("kimminsu", "canvas", "901")


def test_a_hand_edit_names_the_student_beside_the_lms_id(tmp_path):
    """Before: '12345 in 01_a: ...' only; a TA with 300 students looks for the name."""
    out = tmp_path / "grades.csv"
    gradebook.record(out, "01_a", "12345", entry(6.0, name="kimminsu", layout="canvas"))
    out.write_text(out.read_text(encoding="utf-8").replace(",6.0,", ",7,"), encoding="utf-8")
    with pytest.raises(GradebookError, match=r"12345 \(kimminsu\) in 01_a: 7 in the CSV"):
        gradebook.check_edits(out)
