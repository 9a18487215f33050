"""Helpers of the check tests: a check passes the reference and fails a mutant in words."""

import pytest


def fails(check, fn, match, **kwargs):
    """``check(fn, **kwargs)`` raises an AssertionError whose message matches ``match`` (a regex)."""
    with pytest.raises(AssertionError, match=match):
        check(fn, **kwargs)


def passes(check, fn, capsys, **kwargs):
    """``check(fn, **kwargs)`` succeeds and prints its one line starting with ✓."""
    check(fn, **kwargs)
    assert capsys.readouterr().out.startswith("\N{CHECK MARK}")


def solution_namespace(slug, **replaced):
    """The namespace a notebook has after running the answer cells of ``solutions/<slug>``.

    replaced: {grade_id: code} runs a student's version of that answer cell instead. The
    functions' globals are this namespace, as in a notebook, so a function calls its neighbours.
    """
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[1] / "solutions" / slug / f"{slug}.ipynb").read_text())
    ns = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and not meta.get("grade"):  # setup, checks and answer cells
            code = replaced.get(meta.get("grade_id"), "".join(cell["source"]))
            exec(compile(code, f"<{meta.get('grade_id')}>", "exec"), ns)
    return ns
