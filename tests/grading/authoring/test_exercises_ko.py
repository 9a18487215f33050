"""The Korean exercise notebooks (issue 22, item 4): exercises/NN_slug/ko/NN_slug.ipynb.

Made by ``release`` from the English release and solutions/NN_slug/NN_slug.ko-text.md
(autograder/grading/authoring/korean.py): the same graded cells (ids, code, points), every
markdown cell in Korean, and graded, checked and shipped in the kit like the English one.
"""

import copy
import csv
import json
import os
import re
import shutil
from collections import Counter
import subprocess
import sys

import nbformat
import pytest

from helpers.paths import ROOT

from autograder.grading.authoring import korean
from autograder.grading.authoring.validate import korean_errors
from autograder.grading.records import gradebook
from autograder.grading.student.notebook import messages_in, notebook_language

NAMES = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: Hangul syllables a Korean markdown cell has at least (a heading alone has a few).
MIN_HANGUL = 2
#: The exercise graded end to end in both languages (fast checks, a Korean message catalogue).
E2E = "04_softmax_losses"
#: Wrong answers for E2E: (grade_id of the answer cell, its code).
WRONG = {
    "mae": "def mae(pred, target):\n    return float(np.mean(pred - target))\n",
    "rmse": "def rmse(pred, target):\n    return float(np.mean((pred - target) ** 2))\n",
}


def english(name):
    return nbformat.read(ROOT / "exercises" / name / f"{name}.ipynb", as_version=4)


def korean_nb(name):
    return nbformat.read(korean.release_path(ROOT, name), as_version=4)


def nbg(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("name", NAMES)
def test_korean_notebook_exists_with_metadata(name):
    assert korean.text_path(ROOT, name).is_file(), f"no Korean text solutions/{name}/{name}.ko-text.md"
    nb = korean_nb(name)
    assert nb.metadata["dlcourse"] == {"language": "ko"}
    assert notebook_language(nb) == "ko" and notebook_language(english(name)) == "en"


@pytest.mark.parametrize("name", NAMES)
def test_graded_cells_identical(name):
    """Same cells in the same order: ids, types, nbgrader metadata; code byte for byte, except the
    checks cell, which only gains set_language("ko") first."""
    en, ko = english(name), korean_nb(name)
    assert [c.id for c in ko.cells] == [c.id for c in en.cells]
    assert [c.cell_type for c in ko.cells] == [c.cell_type for c in en.cells]
    graded = 0
    for e, k in zip(en.cells, ko.cells):
        ek, kk = dict(nbg(e)), dict(nbg(k))
        ek.pop("checksum", None), kk.pop("checksum", None)
        assert kk == ek, f"{name} {e.id}: nbgrader metadata differs"
        if e.cell_type != "code":
            continue
        if str(ek.get("grade_id", "")).startswith("checks"):
            assert k.source == korean.with_language(e.source)
            assert k.source.index('set_language("ko")') < k.source.index(f"autograder.checks.ex{name}")
        else:
            assert k.source == e.source, f"{name} {e.id}: code differs"
            graded += bool(ek.get("grade") or ek.get("solution"))
        if ek.get("grade"):
            assert nbg(k)["points"] == ek["points"] and nbg(k)["checksum"] == nbg(e)["checksum"]
    assert graded >= 2


@pytest.mark.parametrize("name", NAMES)
def test_every_markdown_cell_in_korean(name):
    """Every text cell translated: Hangul in it, and not the English text; formulas kept."""
    en, ko = english(name), korean_nb(name)
    for e, k in zip(en.cells, ko.cells):
        if e.cell_type != "markdown":
            continue
        assert len(HANGUL.findall(k.source)) >= MIN_HANGUL, f"{name} {nbg(e)['grade_id']} is not in Korean"
        assert k.source != e.source
        shown = [sorted(re.findall(r"\$\$.+?\$\$", text, re.S)) for text in (e.source, k.source)]
        assert shown[0] == shown[1], f"{name} {nbg(e)['grade_id']}: a displayed formula differs from the English one"


def _inline(text):
    """Inline formulas and inline code of a markdown text (displayed formulas left out), counted."""
    text = re.sub(r"\$\$.+?\$\$", "", text, flags=re.S)
    return Counter(re.findall(r"\$[^$\n]+\$", text)) + Counter(re.findall(r"`[^`\n]+`", text))


@pytest.mark.parametrize("name", NAMES)
def test_formulas_and_code_kept(name):
    """Every inline formula and inline code of an English cell is in its Korean cell, unchanged (the
    Korean may repeat one to explain a phrase of a formula)."""
    for e, k in zip(english(name).cells, korean_nb(name).cells):
        if e.cell_type == "markdown":
            lost = _inline(e.source) - _inline(k.source)
            assert not lost, f"{name} {nbg(e)['grade_id']}: changed or missing in Korean: {sorted(lost)}"


def test_inline_counts_the_changed_formula():
    assert not Counter({"$x$": 1}) - _inline("값 $x$와 `f(x)`")
    assert Counter({"$x_1$": 1}) - _inline("값 $x1$")


@pytest.mark.parametrize("name", NAMES)
def test_korean_notebook_in_step(name):
    """The Korean notebook is what release makes of the English release and the current .ko-text.md,
    whose hashes match the English cells (else: translate, stamp, release)."""
    assert korean_errors(ROOT, name) == []


def _course_copy(tmp_path, names):
    course = tmp_path / "course"
    for name in names:
        for top in ("solutions", "exercises"):
            shutil.copytree(ROOT / top / name, course / top / name)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    return course


def test_texts_are_not_book_pages():
    """The book takes every ``*.ko.md`` for a Korean page with an English twin (_ext/ko_lockstep.py):
    the exercises' Korean texts are named otherwise."""
    assert not list((ROOT / "solutions").rglob("*.ko.md"))
    assert all(korean.text_path(ROOT, name).name.endswith(".ko-text.md") for name in NAMES)


def test_stale_korean_text_and_notebook_are_found(tmp_path):
    """Two-sided: an English cell edited without its Korean, or a hand-edited Korean notebook, is an error."""
    name = "01_perceptron"
    course = _course_copy(tmp_path, [name])
    assert korean_errors(course, name) == []
    path = korean.release_path(course, name)
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n추가"
    nbformat.write(nb, path)
    assert "is not what release makes" in korean_errors(course, name)[0]
    release = course / "exercises" / name / f"{name}.ipynb"
    nb = nbformat.read(release, as_version=4)
    gid = nbg(nb.cells[0])["grade_id"]
    nb.cells[0].source += "\nA new English sentence."
    nbformat.write(nb, release)
    assert korean_errors(course, name) == [
        f"{name}: {korean.text_path(course, name)}: {gid}: the English cell changed since it was "
        "translated (translate it, then stamp)"]


def test_parse_and_render_round_trip():
    sections = {"md_1": ("0123456789ab", "# 제목\n\n본문 $x$."), "md_2": ("ba9876543210", "둘째")}
    assert korean.parse(korean.render(sections)) == sections
    with pytest.raises(korean.KoreanError):
        korean.parse(korean.render(sections) + "<!-- md_1 en:0123456789ab -->\n다시\n")


def test_with_language_inside_try():
    code = "try:\n    from autograder.checks.ex01_perceptron import check\nexcept ImportError:\n    pass"
    assert korean.with_language(code).startswith(
        'try:\n    from autograder.checks.messages import set_language\n    set_language("ko")\n    from')
    assert korean.with_language("import x").startswith("from autograder.checks.messages import set_language\n")


@pytest.mark.slow
def test_release_writes_both_and_keeps_the_text_out(tmp_path, venv_env):
    """``release`` regenerates the English and the Korean notebook, both equal to the committed ones;
    the .ko-text.md source is not copied into the release; a Korean text that does not fit is a one-line error."""
    name = "01_perceptron"
    course = _course_copy(tmp_path, [name])
    shutil.rmtree(course / "exercises")
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "release", name,
                           "--no-validate"], capture_output=True, text=True, env=venv_env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert json.loads(korean.release_path(course, name).read_text()) == \
        json.loads(korean.release_path(ROOT, name).read_text())
    assert json.loads((course / "exercises" / name / f"{name}.ipynb").read_text()) == \
        json.loads((ROOT / "exercises" / name / f"{name}.ipynb").read_text())
    assert sorted(p.relative_to(course / "exercises").as_posix() for p in (course / "exercises").rglob("*")
                  if p.is_file()) == [f"{name}/{name}.ipynb", f"{name}/ko/{name}.ipynb"]
    text = korean.text_path(course, name)
    text.write_text(text.read_text().replace("<!-- md_2 ", "<!-- md_99 "))
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "release", name,
                           "--no-validate"], capture_output=True, text=True, env=venv_env, cwd=ROOT, timeout=600)
    assert done.returncode != 0
    assert "the Korean notebook" in done.stderr and "md_2: no Korean text" in done.stderr
    assert "Traceback" not in done.stderr


def answered(nb, solution, wrong=None):
    """A copy of release ``nb`` with the English solution's answer cells, some replaced by ``wrong``."""
    answers = {nbg(c)["grade_id"]: c.source for c in solution.cells if nbg(c).get("solution")}
    answers.update(wrong or {})
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if nbg(cell).get("solution"):
            cell.source = answers[nbg(cell)["grade_id"]]
    return nb


@pytest.fixture(scope="module")
def e2e_class(tmp_path_factory):
    """A class of four graded by ``grade``: right and wrong answers, each in English and in Korean."""
    tmp = tmp_path_factory.mktemp("ko_class")
    solution = nbformat.read(ROOT / "solutions" / E2E / f"{E2E}.ipynb", as_version=4)
    root, out = tmp / "submitted", tmp / "grades.csv"
    for student, release, wrong in (("en_right", english(E2E), None), ("ko_right", korean_nb(E2E), None),
                                    ("en_wrong", english(E2E), WRONG), ("ko_wrong", korean_nb(E2E), WRONG)):
        (root / student / E2E).mkdir(parents=True)
        nbformat.write(answered(release, solution, wrong), root / student / E2E / f"{E2E}.ipynb")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", E2E, str(root), "--out", str(out),
                           "--quiet", "--jobs", "1", "--allow-weak-sandbox"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    rows = {r["student_id"]: r for r in csv.DictReader(out.open())}
    return rows, gradebook.load(gradebook.store_path(out)), tmp


def _tests(store, student):
    """{grade_id: (points, message)} of one student's record in grades.json."""
    record = store[E2E][student]
    return {t["grade_id"]: (t["points"], t.get("message", "")) for t in record["tests"]}


@pytest.mark.slow
def test_same_answers_same_score_in_either_language(e2e_class):
    rows, store, _ = e2e_class
    assert set(rows) == {"en_right", "ko_right", "en_wrong", "ko_wrong"}
    assert float(rows["ko_right"]["score"]) == float(rows["en_right"]["score"]) == float(rows["en_right"]["max_score"])
    assert float(rows["ko_wrong"]["score"]) == float(rows["en_wrong"]["score"]) < float(rows["en_wrong"]["max_score"])
    for pair in (("en_right", "ko_right"), ("en_wrong", "ko_wrong")):
        en, ko = (_tests(store, s) for s in pair)
        assert {g: p for g, (p, _) in en.items()} == {g: p for g, (p, _) in ko.items()}
    assert {g for g, (p, _) in _tests(store, "en_wrong").items() if p == 0} == {"test_mae", "test_rmse"}


@pytest.mark.slow
def test_korean_submission_gets_korean_feedback(e2e_class):
    """The visible test's message of a Korean notebook comes from the Korean catalogue; English stays English."""
    _, store, _ = e2e_class
    en, ko = _tests(store, "en_wrong"), _tests(store, "ko_wrong")
    for gid in WRONG:
        assert not HANGUL.search(en[f"test_{gid}"][1]), en[f"test_{gid}"][1]
        assert len(HANGUL.findall(ko[f"test_{gid}"][1])) >= MIN_HANGUL, ko[f"test_{gid}"][1]


def _check(path, env=None):
    return subprocess.run([sys.executable, "-m", "autograder", "check", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.mark.slow
def test_check_works_on_the_korean_notebook(tmp_path):
    """``check`` recognizes a renamed Korean notebook as its exercise, scores it as the English one,
    and says what is wrong in Korean."""
    solution = nbformat.read(ROOT / "solutions" / E2E / f"{E2E}.ipynb", as_version=4)
    outputs = {}
    for lang, release in (("en", english(E2E)), ("ko", korean_nb(E2E))):
        path = tmp_path / f"my_{lang}.ipynb"
        nbformat.write(answered(release, solution, WRONG), path)
        done = _check(path)
        assert done.returncode in (0, 1), done.stderr
        head = {"en": "visible tests", "ko": "보이는 테스트"}[lang]
        assert done.stdout.startswith(f"{E2E}: {head}"), done.stdout + done.stderr
        outputs[lang] = done.stdout
    points = {lang: re.findall(r"(test_\w+)\s+([\d.]+)/", out) for lang, out in outputs.items()}
    assert points["en"] == points["ko"] and ("test_mae", "0") in points["ko"] and ("test_softmax", "3") in points["ko"]
    assert not HANGUL.search(outputs["en"]) and HANGUL.search(outputs["ko"])


def test_find_release_picks_the_language(tmp_path):
    from autograder.grading.student.student_check import find_release

    for lang, nb in (("en", english(E2E)), ("ko", korean_nb(E2E))):
        found = find_release(ROOT, tmp_path / "x.ipynb", json.loads(nbformat.writes(nb)))
        assert found == (korean.release_path(ROOT, E2E) if lang == "ko" else ROOT / "exercises" / E2E / f"{E2E}.ipynb")


def test_messages_in_sets_and_restores(monkeypatch):
    from autograder.checks import messages

    monkeypatch.delenv("DLCOURSE_LANG", raising=False)
    monkeypatch.setattr(messages, "_chosen", None)
    with messages_in("ko"):
        assert messages.language() == "ko"
        assert "DLCOURSE_LANG" not in os.environ  # per thread: the grader grades students side by side
    assert messages.language() == "en"
    monkeypatch.setenv("DLCOURSE_LANG", "ko")
    with messages_in(None):
        assert messages.language() == "ko"
    with messages_in("en"):
        assert messages.language() == "en"
    assert messages.language() == "ko"


def test_language_of_malformed_metadata():
    assert notebook_language({"metadata": {"dlcourse": "ko"}}) == "en"
    assert notebook_language({"metadata": {"dlcourse": {"language": "fr"}}}) == "en"
    assert notebook_language([]) == "en"
    assert notebook_language({"metadata": {"dlcourse": {"language": "ko"}}}) == "ko"


def test_kit_ships_korean_notebooks_and_catalogue(tmp_path):
    from autograder.grading.authoring import student_kit

    out = tmp_path / "kit"
    try:
        shipped = student_kit.build(ROOT, out)
    except (FileNotFoundError, OSError) as exc:  # the course's pins (.ci/constraints.txt)
        pytest.fail(f"the kit could not be built: {exc}")
    for name in NAMES:
        assert f"exercises/{name}/ko/{name}.ipynb" in shipped["notebooks"]
        for folder in (out, out / "autograder"):
            assert (folder / "exercises" / name / "ko" / f"{name}.ipynb").read_bytes() == \
                korean.release_path(ROOT, name).read_bytes()
    assert (out / "autograder" / "checks" / "ko" / "__init__.py").is_file()
    assert list((out / "autograder" / "checks" / "ko").glob("ex*.py"))
    assert "exercises/*/ko/*.ipynb" in (out / "pyproject.toml").read_text()
    assert not list(out.rglob("*.ko-text.md")), "the Korean text sources stay in solutions/"


@pytest.mark.slow
def test_plain_check_speaks_korean_too(tmp_path):
    """Where the worker cannot run (Windows: ``run_plain``), the checks run in the child Python: a Korean
    notebook's messages are Korean there too, an English one's English."""
    import os

    solution = nbformat.read(ROOT / "solutions" / E2E / f"{E2E}.ipynb", as_version=4)
    env = dict(os.environ, DLCOURSE_PLAIN_CHECK="1")
    env.pop("DLCOURSE_LANG", None)
    for lang, release in (("en", english(E2E)), ("ko", korean_nb(E2E))):
        path = tmp_path / f"plain_{lang}.ipynb"
        nbformat.write(answered(release, solution, {"mae": WRONG["mae"]}), path)
        done = _check(path, env)
        failed = [line for line in done.stdout.splitlines() if line.startswith("      ")]
        assert failed, done.stdout + done.stderr
        assert bool(HANGUL.search(failed[0])) == (lang == "ko"), done.stdout
