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
