"""The checks' message catalogue: every message a check can show has a Korean form, and nothing else is in it.

Read from the checks' source (AST): every prose string (one with a space) of a check module is the
template of a ``say(...)`` call, written as a literal; its Korean form in ``autograder/checks/ko/<module>.py``
fills the same fields. Then the catalogue at work: a wrong answer reads in Korean when the student asks.
"""

import ast
import importlib
import re
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import compare, messages
from autograder.checks.messages import fields, say

CHECKS = Path(compare.__file__).parent
#: Modules whose strings are messages: compare.py and one module per exercise.
MODULES = sorted(p.stem for p in CHECKS.glob("*.py") if p.stem == "compare" or re.match(r"ex\d\d_", p.stem))
#: Grading modules with a few lines a student reads (their other strings are the instructor's):
#: only their say() templates are read.
SPOKEN = {"judge": CHECKS.parent / "grading" / "student" / "judge.py",
          "student_check": CHECKS.parent / "grading" / "student" / "student_check.py"}
#: A line whose prose string is not shown to a student (kept rare; each one says why).
NOT_A_MESSAGE = "# not a message"
HANGUL = re.compile("[\uac00-\ud7a3]")


def _docstrings(tree):
    """The ids of the string nodes that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _is_say(node):
    """say(...) or messages.say(...)."""
    if not isinstance(node, ast.Call):
        return False
    fn = node.func
    return (isinstance(fn, ast.Name) and fn.id == "say") or (
        isinstance(fn, ast.Attribute) and fn.attr == "say" and isinstance(fn.value, ast.Name)
        and fn.value.id == "messages")


def read_module(stem):
    """(templates {template: line}, problems [str]) of checks/<stem>.py."""
    path = SPOKEN.get(stem, CHECKS / f"{stem}.py")
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    skip, templates, problems = _docstrings(tree), {}, []
    # the literal parts of an f-string are judged with the f-string (below), not one by one
    skip |= {id(v) for f in ast.walk(tree) if isinstance(f, ast.JoinedStr) for v in f.values}
    constants = _template_constants(tree)
    for node in ast.walk(tree):
        if _is_say(node):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Name) and first.id in constants:  # say(SHAPES_HINT)
                first = constants[first.id]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                problems.append(f"{stem}.py:{node.lineno}: say()'s template must be one literal string")
                continue
            skip.add(id(first))
            named = {k.arg for k in node.keywords}
            if named != fields(first.value) or len(node.args) != 1:
                problems.append(f"{stem}.py:{node.lineno}: say() fills {sorted(named)} but its template names "
                                f"{sorted(fields(first.value))}")
            templates.setdefault(first.value, node.lineno)
    for node in ast.walk(tree) if stem not in SPOKEN else ():
        if NOT_A_MESSAGE in lines[getattr(node, "lineno", 1) - 1]:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if " " in node.value.strip():
                problems.append(f"{stem}.py:{node.lineno}: prose outside say(): {node.value[:60]!r}")
        elif isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if re.search(r"[A-Za-z]{2,}\s+[A-Za-z]", literal):
                problems.append(f"{stem}.py:{node.lineno}: an f-string message: write say('...{{x}}...', x=...)")
    for node in ast.walk(tree):  # a template constant is read only by say(), at the moment of the message
        if isinstance(node, ast.Name) and node.id in constants and isinstance(node.ctx, ast.Load):
            if not any(_is_say(c) and c.args and c.args[0] is node for c in ast.walk(tree)):
                problems.append(f"{stem}.py:{node.lineno}: {node.id} is a template: use it as say({node.id}, ...)")
    return templates, problems


def _template_constants(tree):
    """{NAME: its string node} of the module-level ``NAME = "prose"`` templates (upper-case names)."""
    found = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.isupper() and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str) and " " in node.value.value):
            found[node.targets[0].id] = node.value
    return found


def korean(stem):
    """The Korean forms of checks/<stem>.py's messages (empty when its catalogue module is missing)."""
    try:
        return importlib.import_module(f"autograder.checks.ko.{stem}").MESSAGES
    except ModuleNotFoundError:
        return {}


@pytest.mark.parametrize("stem", MODULES)
def test_every_message_goes_through_the_catalogue(stem):
    _, problems = read_module(stem)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("stem", MODULES + sorted(SPOKEN))
def test_every_message_has_a_korean_form_with_the_same_fields(stem):
    templates, _ = read_module(stem)
    ko = korean(stem)
    missing = [f"line {line}: {t!r}" for t, line in templates.items() if t not in ko]
    assert not missing, f"{len(missing)} messages of {stem}.py lack a Korean form:\n" + "\n".join(missing[:20])
    wrong = [t for t in templates if fields(ko[t]) != fields(t)]
    assert not wrong, f"Korean forms that fill other fields than their template: {wrong[:5]}"
    english = [t for t in templates if re.search("[A-Za-z]{3,}", _words(t)) and not HANGUL.search(ko[t])]
    assert not english, f"Korean forms without Korean words: {english[:5]}"


@pytest.mark.parametrize("stem", MODULES + sorted(SPOKEN))
def test_the_catalogue_holds_only_messages_in_use(stem):
    templates, _ = read_module(stem)
    stale = [t for t in korean(stem) if t not in templates]
    assert not stale, f"ko/{stem}.py has Korean forms of messages no longer used: {stale[:5]}"


def test_each_catalogue_module_has_its_check_module():
    ko = {p.stem for p in (CHECKS / "ko").glob("*.py")} - {"__init__"}
    assert ko <= set(MODULES) | set(SPOKEN), ko - set(MODULES) - set(SPOKEN)


def test_the_grading_modules_say_their_student_lines_through_the_catalogue():
    """A template of judge.py / student_check.py is found (the reader sees messages.say), so the two-sided
    Korean tests above hold for them too."""
    assert "a hidden test failed: {kind}" in read_module("judge")[0]
    assert "Visible tests: {score:g}/{total:g} points" in read_module("student_check")[0]


def test_the_same_template_reads_the_same_in_every_module():
    seen = {}
    for stem in MODULES + sorted(SPOKEN):
        for english, hangul in korean(stem).items():
            assert seen.setdefault(english, hangul) == hangul, f"two Korean forms of {english!r}"


def _words(template):
    """The template without its fields and code spans (what a translator translates)."""
    return re.sub(r"`[^`]*`|\{[^}]*\}", "", template)


# --- the catalogue at work ------------------------------------------------------------------

@pytest.fixture
def in_korean(monkeypatch):
    """Korean messages, strictly: a message without a Korean form raises."""
    monkeypatch.setenv("DLCOURSE_LANG_STRICT", "1")
    monkeypatch.setattr(messages, "_chosen", "ko")


def test_the_language_comes_from_the_call_then_the_environment(monkeypatch):
    monkeypatch.setattr(messages, "_chosen", None)
    monkeypatch.delenv("DLCOURSE_LANG", raising=False)
    assert messages.language() == "en"
    monkeypatch.setenv("DLCOURSE_LANG", "ko_KR.UTF-8")
    assert messages.language() == "ko"
    messages.set_language("en")
    assert messages.language() == "en"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        messages.set_language("fr")


def test_a_speaking_block_holds_in_its_own_thread_only(monkeypatch):
    """The grader grades an English and a Korean notebook at once, in two threads."""
    import threading

    monkeypatch.setattr(messages, "_chosen", None)
    monkeypatch.delenv("DLCOURSE_LANG", raising=False)
    inside, beside, entered, read = [], [], threading.Event(), threading.Event()

    def korean_student():
        with messages.speaking("ko"):
            entered.set()
            read.wait(10)  # still inside while the English student's thread reads its language
            inside.append(messages.language())

    thread = threading.Thread(target=korean_student)
    thread.start()
    entered.wait(10)
    beside.append(messages.language())
    read.set()
    thread.join(10)
    assert inside == ["ko"] and beside == ["en"] and messages.language() == "en"
    with pytest.raises(ValueError):
        with messages.speaking("jp"):
            pass


def test_english_fills_the_template_as_written(monkeypatch):
    monkeypatch.setattr(messages, "_chosen", "en")
    assert say("{label} is {value}", label="f(x)", value=3) == "f(x) is 3"
    assert say("a literal {{brace}}") == "a literal {brace}"


def test_a_missing_korean_form_raises_when_strict_and_falls_back_otherwise(monkeypatch, in_korean):
    with pytest.raises(KeyError, match="no Korean form"):
        say("a message nobody translated {x}", x=1)
    monkeypatch.delenv("DLCOURSE_LANG_STRICT")
    assert say("a message nobody translated {x}", x=1) == "a message nobody translated 1"


def test_a_wrong_value_reads_in_korean_with_the_same_numbers(in_korean):
    with pytest.raises(compare.CheckFailed) as korean_failure:
        compare.assert_close("f(x)", np.array([1.0, 2.5]), np.array([1.0, 2.0]))
    text = str(korean_failure.value)
    assert HANGUL.search(text) and "2.5" in text and "f(x)" in text
    messages.set_language("en")
    with pytest.raises(compare.CheckFailed) as english_failure:
        compare.assert_close("f(x)", np.array([1.0, 2.5]), np.array([1.0, 2.0]))
    assert not HANGUL.search(str(english_failure.value)) and "2.5" in str(english_failure.value)


def test_a_hidden_failure_reads_in_the_notebooks_language(in_korean):
    """What a student reads of a failed hidden test: its kind, in Korean for a Korean notebook."""
    from autograder.grading.student import judge
    from autograder.grading.student.notebook import Test

    test = Test("test_f", 2.0, "check_f(f)")
    wrong = compare.CheckFailed("f(x): entry [1] is 2.5 but should be 2 (1 of 2 entries is wrong)")
    korean_line = judge.failed(test, wrong, hidden=True).message
    assert korean_line == "숨겨진 테스트 실패: 값이 틀렸습니다" and "2.5" not in korean_line
    with messages.speaking("en"):
        assert judge.failed(test, wrong, hidden=True).message == "a hidden test failed: wrong value"


def test_a_korean_checks_cell_run_by_the_grader_leaves_the_process_in_its_language(monkeypatch):
    """The grader builds a test's namespace from the release's checks cell; a Korean release's cell calls
    set_language("ko"), which must not make every later student of the process read Korean."""
    from pathlib import Path

    from autograder.grading.authoring import korean
    from autograder.grading.student import judge
    from autograder.grading.student.notebook import load_source

    monkeypatch.setattr(messages, "_chosen", None)
    monkeypatch.delenv("DLCOURSE_LANG", raising=False)
    root = Path(compare.__file__).resolve().parents[2]
    source = load_source(korean.release_path(root, "05_backprop"))
    assert any("set_language" in code for code in source.checks)
    judge.trusted_namespace(source)
    assert messages.language() == "en"
