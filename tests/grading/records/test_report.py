"""The class report: histogram, pass rate of each test, commonest failure (hidden tests by kind only)."""

import base64
import re
import subprocess
import sys

import pytest

from autograder.grading.records import gradebook, report
from helpers.paths import ROOT


def _test(gid, points, max_points, message="", hidden=False):
    return dict(grade_id=gid, points=points, max_points=max_points, message=message, hidden=hidden)


def _records():
    """Four students: the class fails test_b (two with one mistake, at different entries)."""
    wrong = "b(x): entry [{}] is 0.5 but should be 0.7 (1 of 4 entries is wrong)"
    return {
        "ann": dict(score=3.0, max_score=3.0, status="graded",
                    tests=[_test("test_a", 1, 1), _test("test_b", 2, 2)]),
        "bob": dict(score=1.0, max_score=3.0, status="graded",
                    tests=[_test("test_a", 1, 1), _test("test_b", 0, 2, wrong.format(1))]),
        "cy": dict(score=1.0, max_score=3.0, status="graded",
                   tests=[_test("test_a", 1, 1), _test("test_b", 0, 2, wrong.format(3))]),
        "dee": dict(score=0.0, max_score=3.0, status="zero",
                    tests=[_test("test_a", 0, 1, "a hidden test failed: wrong shape", hidden=True),
                           _test("test_b", 0, 2, "b is not implemented yet")]),
        "eve": dict(score=0.0, max_score=3.0, status="error", tests=[], reason="layout"),
    }


def test_pass_rates_and_commonest_failure():
    rep = report.build(_records(), "01_x")
    stats = {t.grade_id: t for t in rep.tests}
    assert (stats["test_a"].passed, stats["test_a"].graded) == (3, 4)
    assert (stats["test_b"].passed, stats["test_b"].graded) == (1, 4)
    example, count = stats["test_b"].commonest
    assert count == 2 and example.startswith("b(x): entry [")  # numbers blanked: one mistake, two entries
    assert stats["test_a"].commonest == ("a hidden test failed: wrong shape", 1)
    assert sorted(rep.scores) == [0.0, 1.0, 1.0, 3.0]  # the error record has no score


def test_printed_summary_orders_hardest_first():
    out = report.text(report.build(_records(), "01_x"))
    assert "4 scored (3 graded, 1 zero), 1 could not be graded" in out
    assert out.index("test_b") < out.index("test_a")
    assert "25.0%" in out and "75.0%" in out and "2 x b(x): entry" in out
    assert re.search(r"2\.7-3 +#+ +1", out)  # the one full score in the top bin


def test_html_is_self_contained_with_png(tmp_path):
    path = report.write(report.build(_records(), "01_x"), tmp_path / "report.html")
    page = path.read_text()
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(data).startswith(b"\x89PNG")
    assert "test_b" in page and "http" not in page.replace("http-equiv", "")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left


def test_report_command_reads_gradebook(tmp_path, venv_env):
    csv_path = tmp_path / "grades.csv"
    for sid, rec in _records().items():
        gradebook.record(csv_path, "01_x", sid, rec)
    out = tmp_path / "r.html"
    done = subprocess.run([sys.executable, "-m", "autograder", "report", "01_x", "--gradebook", str(csv_path),
                           "--out", str(out)], capture_output=True, text=True, env=venv_env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "test_b" in done.stdout and out.exists()
    missing = subprocess.run([sys.executable, "-m", "autograder", "report", "02_y", "--gradebook", str(csv_path)],
                             capture_output=True, text=True, env=venv_env, cwd=ROOT)
    assert missing.returncode == 2 and "has no results of 02_y (it has: 01_x)" in missing.stderr


def test_report_never_overwrites_a_foreign_file(tmp_path):
    rep = report.build(_records(), "01_x")
    notes = tmp_path / "notes.html"
    notes.write_text("<p>my notes</p>")
    with pytest.raises(OSError, match="not a class report written by this tool"):
        report.write(rep, notes)
    assert notes.read_text() == "<p>my notes</p>"
    report.write(rep, tmp_path / "r.html")
    report.write(rep, tmp_path / "r.html")  # its own report is replaced


def test_report_page_has_the_usual_permissions(tmp_path):
    """Like the gradebook (0644 under umask 022), not mkstemp's 0600: the course's group reads it."""
    import os
    old = os.umask(0o022)
    try:
        path = report.write(report.build(_records(), "01_x"), tmp_path / "r.html")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_report_target_checked_before_writing(tmp_path):
    with pytest.raises(OSError, match="does not exist"):
        report.check_target(tmp_path / "nothere" / "r.html")
    with pytest.raises(OSError, match="is a folder"):
        report.check_target(tmp_path)
    report.check_target(tmp_path / "r.html")
    assert list(tmp_path.iterdir()) == []


def test_report_target_in_a_place_that_cannot_be_written(tmp_path, monkeypatch):
    """Probed with a temporary file, as the gradebook is: one line naming the page, not a temporary's name."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / ".r.html.x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OSError, match=r"cannot write .*r\.html: Permission denied$"):
        report.check_target(tmp_path / "r.html")
