"""The one record type (records/record.py) and the one safe writer (records/files.py) of issue 21."""

import os
import stat

import pytest

from autograder.grading.records import files
from autograder.grading.records.record import Record, max_score, now


class Source:
    def __init__(self, points):
        self.max_score = points


def test_a_record_round_trips_through_json_with_its_extra_fields():
    record = Record(score=2.0, max_score=3.0, status="graded", tests=[{"grade_id": "t", "points": 2.0}],
                    about={"name": "Kim", "penalty": 1.0})
    data = record.to_json()
    assert data["name"] == "Kim" and data["penalty"] == 1.0 and "about" not in data
    assert set(data) >= {"score", "max_score", "status", "reason", "sandbox", "graded_at", "tests", "problems"}
    assert Record.from_json(data) == record
    assert Record.from_json(dict(data, score=1.0)) != record


def test_every_record_spells_its_time_and_max_score_one_way():
    assert len(now()) == len("2026-12-06T10:00:00+00:00") and now().endswith("+00:00")
    assert max_score({"a": Source(2.5), "b": Source(1.5)}) == 4.0
    assert max_score({}) == 0


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.html"
    target.write_text("old")

    def broken(handle):
        handle.write("half")
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        files.atomic_write(target, broken)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]
    files.atomic_write(target, lambda handle: handle.write("new"))
    assert target.read_text() == "new"


def test_atomic_write_follows_the_umask_not_mkstemps_private_mode(tmp_path):
    old = os.umask(0o027)
    try:
        path = files.atomic_write(tmp_path / "a.csv", lambda handle: handle.write("x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_ours_to_replace(tmp_path):
    path = tmp_path / "report.html"
    assert files.ours_to_replace(path, lambda p: False), "a missing file may be written"
    path.write_text("someone else's")
    assert not files.ours_to_replace(path, lambda p: p.read_text().startswith("<title>"))
    assert files.ours_to_replace(path, lambda p: False, force=True)
    path.write_text("<title>ours")
    assert files.ours_to_replace(path, lambda p: p.read_text().startswith("<title>"))


def test_the_private_folder_is_refused_when_it_is_a_link(tmp_path):
    assert stat.S_IMODE(files.private_dir(tmp_path / "a").stat().st_mode) == 0o700
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / files.PRIVATE).symlink_to(tmp_path)
    with pytest.raises(files.NotPrivate):
        files.private_dir(tmp_path / "b")
