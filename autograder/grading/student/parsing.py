"""Parsing Python in the grader: one thread at a time, and each trusted cell once.

CPython 3.11 (3.11.2 and 3.11.7 here) has a thread-safety bug in its AST constructor
(CPython issue 106905, fixed in later releases): when a garbage-collector finalizer lets
another thread run while ``ast.parse`` builds its tree, and that thread parses too, the
first one fails with ``SystemError: AST constructor recursion depth mismatch``. The
grader grades students in threads, so every ``ast.parse`` and ``ast.literal_eval`` of
the grading path goes through this module and holds ``LOCK``, the same process-wide lock
that ``wire`` holds when it falls back to NumPy's ``.npy`` header reader (which calls
``ast.literal_eval``). Compiling source text (``compile(text, ...)``) builds no Python
AST objects and needs no lock.

The trusted test cells are the same for every student: what is parsed from them is
cached here (read-only results: tuples and frozensets).
"""

import ast
import importlib
from functools import lru_cache

from autograder.wire import PARSE_LOCK as LOCK

#: Distinct pieces of code whose parse results are kept (trusted cells, a few student cells).
CACHED = 1024


def parse(code, mode="exec"):
    """``ast.parse(code, mode=mode)`` under the process-wide parse lock."""
    with LOCK:
        return ast.parse(code, mode=mode)


def literal_eval(text):
    """``ast.literal_eval(text)`` under the process-wide parse lock."""
    with LOCK:
        return ast.literal_eval(text)


@lru_cache(maxsize=CACHED)
def used_names(code):
    """Every plain name that ``code`` reads or writes (a frozenset); SyntaxError if it does not parse."""
    return frozenset(n.id for n in ast.walk(parse(code)) if isinstance(n, ast.Name))


@lru_cache(maxsize=None)
def preload(name):
    """Import the module ``name`` holding ``LOCK``, once; None if it is not installed.

    Importing torch parses Python (``torch._sources``, 26 ``ast.parse`` calls), so the first
    check that needs a twin must not import it while another grading thread parses.
    """
    with LOCK:
        try:
            return importlib.import_module(name)
        except ImportError:
            return None
