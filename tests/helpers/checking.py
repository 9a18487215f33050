"""Helpers of the check tests: a check passes the reference and fails a mutant in words."""

import contextlib
import os
import re

import pytest

from autograder.checks import messages
from helpers.paths import ROOT

HANGUL = re.compile("[\uac00-\ud7a3]")



def numbers(text):
    """The numbers a message shows, sorted (a Korean message may put them in another order)."""
    return sorted(re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", text))

@contextlib.contextmanager
def in_korean():
    """The checks speak Korean, strictly: a message without a Korean form raises KeyError."""
    saved, strict = messages._chosen, os.environ.get("DLCOURSE_LANG_STRICT")
    messages._chosen, os.environ["DLCOURSE_LANG_STRICT"] = "ko", "1"
    try:
        yield
    finally:
        messages._chosen = saved
        if strict is None:
            del os.environ["DLCOURSE_LANG_STRICT"]
        else:
            os.environ["DLCOURSE_LANG_STRICT"] = strict



def messages_in_both(call):
    """(English message, Korean message) of ``call()``, a check that must fail in both languages."""
    with pytest.raises(AssertionError) as english:
        call()
    with in_korean(), pytest.raises(AssertionError) as korean:
        call()
    return str(english.value), str(korean.value)

def fails(check, *fns, match, **kwargs):
    """``check(*fns, **kwargs)`` raises an AssertionError whose message matches ``match`` (a regex),
    and in Korean an AssertionError in Korean (every message the tests reach has a Korean form).

    The one way the check tests say "this wrong answer is caught, in these words":
    ``fails(ex.check_softmax, wrong_softmax, match="axis=-1")``; ``fns`` are what the check takes.
    """
    with pytest.raises(AssertionError, match=match):
        check(*fns, **kwargs)
    with in_korean(), pytest.raises(AssertionError) as korean:
        check(*fns, **kwargs)
    assert HANGUL.search(str(korean.value)), f"not in Korean: {korean.value}"


def passes(check, *fns, capsys, **kwargs):
    """``check(*fns, **kwargs)`` succeeds and prints its one line starting with ✓, in Korean too;
    -> the English line.

    capsys: pytest's fixture of the calling test (the printed lines are read from it).
    """
    check(*fns, **kwargs)
    english = capsys.readouterr().out
    assert english.startswith("\N{CHECK MARK}")
    with in_korean():
        check(*fns, **kwargs)
    line = capsys.readouterr().out
    assert line.startswith("\N{CHECK MARK}") and HANGUL.search(line), line
    return english


def solution_namespace(slug, **replaced):
    """The namespace a notebook has after running the answer cells of ``solutions/<slug>``.

    replaced: {grade_id: code} runs a student's version of that answer cell instead. The
    functions' globals are this namespace, as in a notebook, so a function calls its neighbours.
    """
    import json

    nb = json.loads((ROOT / "solutions" / slug / f"{slug}.ipynb").read_text())
    ns = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and not meta.get("grade"):  # setup, checks and answer cells
            code = replaced.get(meta.get("grade_id"), "".join(cell["source"]))
            exec(compile(code, f"<{meta.get('grade_id')}>", "exec"), ns)
    return ns
