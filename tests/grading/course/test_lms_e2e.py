"""One class, downloaded from Canvas and from Moodle exactly as each writes its download, graded end to
end through the command line: grade --due --late-penalty, a --student regrade from an e-mailed file,
report, feedback and export (canvas with --column, moodle with --roster); every exported number is
checked against the grade computed by hand below.

01_perceptron's tests: perceptron 3, gates 3, perceptron_update 2, train_perceptron 2 points (10).
A student's notebook solves some functions (the solution's cells) and leaves the others as released.
Due 2026-12-01T23:59+09:00, 10 %/day (1 point per started day).
"""

import csv
import datetime
import io
import json
import subprocess
import sys
import unicodedata
import zipfile

import pytest

from helpers.paths import ROOT

A = "01_perceptron"
DUE = "2026-12-01T23:59+09:00"
#: Canvas made its zip on 3 December, after the due date: every member carries that time (rubyzip's
#: DOSTime.now), on-time students included. The old grader took 2 days' penalty from everyone.
ZIP_MADE = (2026, 12, 3, 9, 15, 0)
ALL = ["perceptron", "gates", "perceptron_update", "train_perceptron"]


def notebook(solved):
    """The released notebook with the solution cells of ``solved`` (grade ids) filled in."""
    sol = json.loads((ROOT / "solutions" / A / f"{A}.ipynb").read_text())
    out = json.loads((ROOT / "exercises" / A / f"{A}.ipynb").read_text())
    cells = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in sol["cells"]}
    for cell in out["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in solved:
            cell["source"] = cells[meta["grade_id"]]["source"]
    return json.dumps(out).encode()


def member(zf, name, data, when=ZIP_MADE):
    zf.writestr(zipfile.ZipInfo(name, date_time=when), data)


def zipped(name, data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as inner:
        member(inner, name, data)
    return buffer.getvalue()


def canvas_download(path):
    """Canvas's 'Download Submissions': <sortable name, lowercased, non-word characters removed>_[LATE_]
    <user id>_<file id>_<file>; online text as <name>_<user id>_text.html; a macOS re-zip keeps NFD names."""
    nfd = unicodedata.normalize("NFD", "müllerzoë")
    with zipfile.ZipFile(path, "w") as zf:
        member(zf, f"김민수_LATE_12345_9001_{A}.ipynb", notebook(ALL))                       # 10, LATE: 9
        member(zf, f"{nfd}_23456_9002_{A}.ipynb", notebook(["perceptron", "gates"]))          # 6, on time
        member(zf, f"leeann_LATE_34567_9003_{A}.ipynb", notebook([]))                          # 0, LATE: 0
        member(zf, "raybo_45678_text.html", b"<p>my answer is in colab</p>")                  # text only: 0
        member(zf, f"parkcy_56789_9005_{A}.zip",                                              # zipped: 7
               zipped(f"{A}.ipynb", notebook(["train_perceptron", "perceptron", "perceptron_update"])))


def moodle_download(path):
    """Moodle's 'Download all submissions' in folders: <Full name>_<participant id>_assignsubmission_<plugin>_/;
    Moodle 4 writes the folder without the last underscore. Kim's name is family-name first."""
    with zipfile.ZipFile(path, "w") as zf:
        member(zf, f"김 민수_201_assignsubmission_file_/{A}.ipynb", notebook(ALL))              # 10
        member(zf, "김 민수_201_assignsubmission_onlinetext_/onlinetext.html", b"<p>done</p>")  # the same person
        member(zf, f"Zoë Müller_202_assignsubmission_file/{A}.ipynb", notebook(["perceptron", "gates"]))  # 6, late: 5
        member(zf, f"Ann Lee_203_assignsubmission_file_/{A}.ipynb", notebook([]),               # older: not graded
               (2026, 11, 30, 10, 0, 0))
        member(zf, f"Ann Lee_203_assignsubmission_file_/{A} (1).ipynb", notebook(["perceptron"]),  # newest: 3
               (2026, 12, 1, 20, 0, 0))
        member(zf, "Bo Ray_204_assignsubmission_onlinetext_/onlinetext.html", b"<p>see colab</p>")  # 0
        member(zf, f"Cy Park_205_assignsubmission_file_/{A}.ipynb.txt", notebook(["perceptron_update"]))  # 2


#: Moodle's grading worksheet (View all submissions > Download grading worksheet), as Excel re-saves it.
WORKSHEET = ("\ufeffIdentifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
             "Last modified (submission),Online text,Last modified (grade),Feedback comments\r\n"
             "Participant 201,김 민수,kim@uni.example,Submitted for grading,,10,Yes,"
             "\"Tuesday, 1 December 2026, 10:00 PM\",,-,\r\n"
             "Participant 202,Zoë Müller,zoe@uni.example,Submitted for grading,,10,Yes,"
             "\"Wednesday, 2 December 2026, 1:30 AM\",,-,\r\n"
             "Participant 203,Ann Lee,ann@uni.example,Submitted for grading,,10,Yes,"
             "\"Tuesday, 1 December 2026, 8:00 PM\",,-,\r\n"
             "Participant 204,Bo Ray,bo@uni.example,Submitted for grading,,10,Yes,"
             "\"Monday, 30 November 2026, 9:00 AM\",,-,\r\n"
             "Participant 205,Cy Park,cy@uni.example,Submitted for grading,,10,Yes,-,,-,\r\n")
#: Moodle's participants export, saved by Excel as "CSV UTF-8" (byte-order mark, CRLF).
ROSTER = ("\ufeffFirst name,Last name,ID number,Username,Email address\r\n"
          "민수,김,,kimm,kim@uni.example\r\nZoë,Müller,,zoem,zoe@uni.example\r\nAnn,Lee,,annl,ann@uni.example\r\n"
          "Bo,Ray,,bor,bo@uni.example\r\nCy,Park,,cyp,cy@uni.example\r\n")
#: By hand: Canvas (LATE flag = one started day = 1 point; lee regraded from the mailed file: 5 - 1).
CANVAS_GRADES = {"12345": 9.0, "23456": 6.0, "34567": 4.0, "45678": 0.0, "56789": 7.0}
#: By hand: Moodle, times from the worksheet in the due date's zone (Zoë 1 h 31 min late: 6 - 1).
MOODLE_GRADES = {"kim@uni.example": 10.0, "zoe@uni.example": 5.0, "ann@uni.example": 3.0,
                 "bo@uni.example": 0.0, "cy@uni.example": 2.0}
TOLERANCE = 1e-9


def run(*args, cwd):
    done = subprocess.run([sys.executable, "-m", "autograder", *args, "--course", str(ROOT)], cwd=cwd,
                          capture_output=True, text=True)
    return done


def rows(path, skip=0):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[skip:]


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("canvas")
    canvas_download(tmp / "submissions.zip")
    done = run("grade", A, "submissions.zip", "--out", "grades.csv", "--quiet", "--due", DUE,
               "--late-penalty", "10%/day", cwd=tmp)
    return tmp, done


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("moodle")
    moodle_download(tmp / "download.zip")
    (tmp / "worksheet.csv").write_text(WORKSHEET, encoding="utf-8", newline="")
    done = run("grade", A, "download.zip", "--out", "grades.csv", "--quiet", "--due", DUE, "--late-penalty",
               "10%/day", "--submission-times", "worksheet.csv", cwd=tmp)
    return tmp, done


def test_canvas_download_grade_regrade_report_feedback_export(canvas):
    tmp, done = canvas
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "12345 (김민수)" in out and "Canvas LATE flag" in out
    assert out.count("submission time unknown for 5 students") == 1, out  # said once, not per row
    record = json.loads((tmp / "grades.json").read_text())[A]
    assert set(record) == set(CANVAS_GRADES), "every student of the download has a row"
    assert record["23456"]["name"] == "müllerzoë" and "penalty" not in record["23456"], "a zip time costs nothing"
    assert record["45678"]["status"] == "zero" and "online text only" in record["45678"]["reason"]
    assert "no points taken" in record["34567"]["reason"] and "1 point" not in record["34567"]["reason"]

    (tmp / "mail").mkdir()
    (tmp / "mail" / "34567.ipynb").write_bytes(notebook(["perceptron", "perceptron_update"]))
    again = run("grade", A, "mail/34567.ipynb", "--student", "34567", "--out", "grades.csv", "--quiet",
                "--due", DUE, "--late-penalty", "10%/day", cwd=tmp)
    assert again.returncode == 0, again.stdout + again.stderr
    lee = json.loads((tmp / "grades.json").read_text())[A]["34567"]
    assert (lee["layout"], lee["name"], lee["lms_file"]) == ("canvas", "leeann", "9003"), "identity kept"
    assert lee["score_before_penalty"] == 5.0 and lee["score"] == 4.0

    report = run("report", A, "--gradebook", "grades.csv", "--out", "report.html", cwd=tmp)
    assert report.returncode == 0 and "5 scored (4 graded, 1 zero)" in report.stdout, report.stdout

    feedback = run("feedback", A, "--gradebook", "grades.csv", "--out", "feedback", cwd=tmp)
    assert feedback.returncode == 0, feedback.stderr
    page = (tmp / "feedback" / "12345" / f"{A}.html").read_text()
    assert "<b>김민수</b> (12345)" in page and "UTC+09:00" in page and "+00:00" not in page
    with zipfile.ZipFile(tmp / "feedback" / f"canvas_feedback_{A}.zip") as zf:
        assert f"김민수_12345_9001_{A}_feedback.html" in zf.namelist()
        assert f"leeann_34567_9003_{A}_feedback.html" in zf.namelist()

    (tmp / "canvas_gradebook.csv").write_text("Student,ID,SIS User ID,SIS Login ID,Section,Perceptron (4711)\n"
                                              "    Points Possible,,,,,10\n\"Kim, Minsu\",12345,,,,\n")
    refused = run("export", "--gradebook", "grades.csv", "--format", "canvas", "--out", "canvas_gradebook.csv",
                  "--column", f"{A}=Perceptron (4711)", cwd=tmp)
    assert refused.returncode == 2 and "not an export of this tool" in refused.stderr
    assert "Kim, Minsu" in (tmp / "canvas_gradebook.csv").read_text(), "the TA's download is untouched"
    done = run("export", "--gradebook", "grades.csv", "--format", "canvas", "--out", "canvas_import.csv",
               "--column", f"{A}=Perceptron (4711)", cwd=tmp)
    assert done.returncode == 0, done.stderr
    header, points, *body = rows(tmp / "canvas_import.csv")
    assert header[1] == "ID" and header[5] == "Perceptron (4711)" and points[5] == "10"
    exported = {r[1]: float(r[5]) for r in body}
    assert set(exported) == set(CANVAS_GRADES)
    for uid, grade in CANVAS_GRADES.items():
        assert exported[uid] == pytest.approx(grade, abs=TOLERANCE), uid
    again = run("export", "--gradebook", "grades.csv", "--format", "canvas", "--out", "canvas_import.csv",
                "--column", f"{A}=Perceptron (4711)", cwd=tmp)
    assert again.returncode == 0, "its own export, unchanged, may be written again"


def test_moodle_download_grade_report_feedback_export(moodle):
    tmp, done = moodle
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((tmp / "grades.json").read_text())[A]
    assert set(record) == {"201", "202", "203", "204", "205"}, "one participant, one student"
    assert record["201"]["score"] == 10.0 and record["201"]["submitted_at"] == "2026-12-01T22:00:00+09:00"
    assert "worksheet.csv" in record["202"]["submitted_from"] and record["202"]["penalty"] == 1.0
    assert f"graded {A} (1).ipynb, the newest" in record["203"]["reason"]
    assert "online text only" in record["204"]["reason"] and record["204"]["status"] == "zero"
    assert ".ipynb.txt" in record["205"]["reason"] and record["205"]["score"] == 2.0
    assert done.stdout.count("submission time unknown for 1 student") == 1

    report = run("report", A, "--gradebook", "grades.csv", cwd=tmp)
    assert report.returncode == 0 and "5 scored (4 graded, 1 zero)" in report.stdout
    feedback = run("feedback", A, "--gradebook", "grades.csv", "--out", "feedback", cwd=tmp)
    assert feedback.returncode == 0, feedback.stderr
    with zipfile.ZipFile(tmp / "feedback" / f"moodle_feedback_{A}.zip") as zf:
        assert f"Zoë Müller_202_assignsubmission_file_/{A}_feedback.html" in zf.namelist()

    (tmp / "users.csv").write_text(ROSTER, encoding="utf-8", newline="")
    done = run("export", "--gradebook", "grades.csv", "--format", "moodle", "--roster", "users.csv",
               "--out", "moodle_import.csv", cwd=tmp)
    assert done.returncode == 0, done.stderr
    header, *body = rows(tmp / "moodle_import.csv")
    assert header == ["Email address", "Full name", A]
    exported = {r[0]: float(r[2]) for r in body}
    assert set(exported) == set(MOODLE_GRADES), "one row per person"
    for email, grade in MOODLE_GRADES.items():
        assert exported[email] == pytest.approx(grade, abs=TOLERANCE), email


def test_another_assignments_download_is_refused_and_the_gradebook_untouched(canvas, moodle):
    """A download of 04_softmax_losses graded as 01_perceptron: one line, exit 2, gradebooks unchanged."""
    other = "04_softmax_losses"
    data = (ROOT / "exercises" / other / f"{other}.ipynb").read_bytes()
    for (tmp, _), names in ((canvas, [f"kimminsu_12345_9101_{other}.ipynb", f"leeann_34567_9103_{other}.ipynb"]),
                            (moodle, [f"김 민수_201_assignsubmission_file_/{other}.ipynb",
                                      f"Ann Lee_203_assignsubmission_file/{other}.ipynb"])):
        with zipfile.ZipFile(tmp / "other.zip", "w") as zf:
            for name in names:
                member(zf, name, data)
        before = (tmp / "grades.json").read_bytes()
        done = run("grade", A, "other.zip", "--out", "grades.csv", "--quiet", cwd=tmp)
        assert done.returncode == 2 and f"another assignment's notebook ({other}.ipynb)" in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert (tmp / "grades.json").read_bytes() == before
    assert datetime.datetime(*ZIP_MADE) > datetime.datetime(2026, 12, 1, 23, 59)
