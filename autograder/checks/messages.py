"""The words of the checks in the student's language: one catalogue, looked up, never translated at run time.

A check writes every message as an English template with named fields, through :func:`say`::

    fail(say("{label} has shape {got} but should have shape {want}.", label=label, got=got.shape, want=shape))

In English the template is filled as it is. In Korean its Korean form comes from the catalogue, the
package ``autograder.checks.ko`` (one module per check module, with the same name, each holding
``MESSAGES = {English template: Korean template}``), and is filled with the same fields. A template
is always filled with ``str.format``, so a literal brace is written ``{{`` or ``}}``.

The language is, in this order: the one of the enclosing :func:`speaking` block (the grader grades
several students at once in threads, each in its notebook's language, so this one is per thread),
else the one set by :func:`set_language` (the Korean exercise notebooks call ``set_language("ko")``
in their checks cell), else the environment variable ``DLCOURSE_LANG`` (``ko``, ``ko_KR.UTF-8``,
``en``), else English.

tests/checks/test_messages.py checks that every template in the checks has a Korean form with the same
fields, and that the catalogue holds nothing else. With ``DLCOURSE_LANG_STRICT=1`` a template without
a Korean form raises instead of falling back to English (the tests run the checks that way).
"""

import contextlib
import contextvars
import functools
import importlib
import os
import pkgutil
import string

#: The languages a student can read the checks in.
LANGUAGES = ("en", "ko")

# A module global, not a ContextVar: ipykernel runs each cell in a copy of the context, so a
# ContextVar set in the checks cell would be forgotten by the next cell.
_chosen = None
#: The grader's choice for the notebook it grades in this thread (see :func:`speaking`).
_speaking = contextvars.ContextVar("speaking", default=None)


def set_language(code):
    """Show the checks' messages in ``code`` ("en" or "ko") from now on in this process."""
    global _chosen
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}: choose one of {', '.join(LANGUAGES)}")
    _chosen = code


@contextlib.contextmanager
def speaking(code):
    """Messages in ``code`` within the block, in this thread (and context) only."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}: choose one of {', '.join(LANGUAGES)}")
    token = _speaking.set(code)
    try:
        yield
    finally:
        _speaking.reset(token)


@contextlib.contextmanager
def set_language_kept():
    """Undo any :func:`set_language` made within the block (the grader runs a Korean notebook's checks
    cell, which calls it, and must not leave the whole process speaking Korean)."""
    global _chosen
    kept = _chosen
    try:
        yield
    finally:
        _chosen = kept


def language():
    """The language the messages are shown in now: "en" or "ko"."""
    if _speaking.get() is not None:
        return _speaking.get()
    if _chosen is not None:
        return _chosen
    asked = os.environ.get("DLCOURSE_LANG", "").strip().lower()
    return "ko" if asked.startswith("ko") else "en"


def say(template, /, **fields):
    """``template`` in the current language, filled with ``fields`` (``str.format``)."""
    text = template
    if language() == "ko":
        text = catalogue().get(template)
        if text is None:
            if os.environ.get("DLCOURSE_LANG_STRICT"):
                raise KeyError(f"no Korean form in autograder/checks/ko/ for the message {template!r}")
            text = template
    return text.format(**fields)


@functools.cache
def catalogue():
    """{English template: Korean template} of every module in ``autograder.checks.ko``."""
    from autograder.checks import ko

    merged = {}
    for module in sorted(info.name for info in pkgutil.iter_modules(ko.__path__)):
        merged.update(importlib.import_module(f"autograder.checks.ko.{module}").MESSAGES)
    return merged


def fields(template):
    """The set of field names a template fills: ``fields("{a} and {b:.2f}") == {"a", "b"}``."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
