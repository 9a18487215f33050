"""The language a student's notebook is written in, and the checks' messages in it while it is graded.

A Korean exercise notebook (exercises/NN_slug/ko/NN_slug.ipynb) says so in its metadata,
``{"dlcourse": {"language": "ko"}}``. The checks run in the grader's process (never in the
student's worker), so the grader shows their messages in that language while it runs the
notebook's visible tests: per thread (``messages.speaking``), because the grader grades several
students at once in threads, an English and a Korean notebook side by side. Only ``check``'s
plain path, one student in a child process, speaks through the environment (``DLCOURSE_LANG``).
"""

import os
from contextlib import contextmanager

#: The notebook languages besides English.
KNOWN = ("ko",)


def notebook_language(nb):
    """"ko" for a notebook (dict) whose metadata says ``dlcourse.language: ko``, else "en"
    (malformed metadata, as a student may leave it, counts as English)."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    course = meta.get("dlcourse") if isinstance(meta, dict) else None
    lang = course.get("language") if isinstance(course, dict) else None
    return lang if lang in KNOWN else "en"


@contextmanager
def messages_in(lang):
    """The checks speak ``lang`` while the block runs, in this thread only; None leaves the language as it
    is (the environment's: a student may ask for Korean with DLCOURSE_LANG=ko)."""
    if lang is None:
        yield
        return
    from autograder.checks.messages import speaking

    with speaking(lang):
        yield


@contextmanager
def child_messages_in(lang):
    """``DLCOURSE_LANG=lang`` while the block runs, for a child process it starts (``check``'s plain
    path: one student, one thread); None leaves the environment as it is."""
    if lang is None:
        yield
        return
    old = os.environ.get("DLCOURSE_LANG")
    os.environ["DLCOURSE_LANG"] = lang
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("DLCOURSE_LANG", None)
        else:
            os.environ["DLCOURSE_LANG"] = old
