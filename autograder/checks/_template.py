"""A check module to copy: the shape of ``autograder/checks/exNN_slug.py``, in the checks' vocabulary.

It checks the ``double(x)`` of chapters/writing_exercises.md. Copy it to
``autograder/checks/exNN_slug.py`` and keep its parts:

- every message a student reads (a hint, a named mistake, the ✓ line) is an English template
  shown through :func:`~autograder.checks.messages.say`, filled with named fields;
- a named mistake is a pair ``{hint: the wrong value}`` for :func:`~autograder.checks.compare.diagnose`;
  several live in ``_<check>_mistakes(...)``;
- a hint shared by several checks is an upper-case constant ``<WHAT>_HINT``, used only as
  ``say(<WHAT>_HINT)`` (the language is chosen after import);
- hints are written without "Hint: ": :func:`~autograder.checks.compare.assert_close` adds it.

The Korean forms go in ``autograder/checks/ko/exNN_slug.py`` (same module name), in the order
the messages appear here::

    '''한국어 메시지: checks/exNN_slug.py.'''

    MESSAGES = {
        "x has shape (N,); return an array of the same shape.":
            "x의 모양은 (N,)입니다. 같은 모양의 배열을 반환하세요.",
        "twice x, not x squared.": "x를 제곱하지 말고 두 배 하세요.",
        "double every entry: 2 * x, not x + 2.": "모든 항목을 두 배 하세요: x + 2가 아니라 2 * x입니다.",
        "double matches on {n} random numbers": "double이 무작위 수 {n}개에서 일치합니다",
    }

tests/checks/test_messages.py then checks that every template has its Korean form with the same fields
(it reads compare.py and the exNN modules, not this one). Run this example with
``python -m autograder.checks._template``.
"""

import numpy as np

from autograder.checks.compare import F64, assert_close, call, describe, diagnose, ok
from autograder.checks.messages import say

#: A hint several checks share: an English template, shown only through say(SHAPE_HINT).
SHAPE_HINT = "x has shape (N,); return an array of the same shape."


def _double_mistakes(x):
    """{hint: the wrong value} of the plausible wrong answers of double(x).

    A real check computes them from the reference or its twin on changed inputs where it can:
    a formula written out here ships to students with the checks.
    """
    return {
        say("twice x, not x squared."): x * x,
        say("double every entry: 2 * x, not x + 2."): x + 2,
    }


def check_double(double, seed=0, n=5):
    """double(x) -> 2 x for a seeded x of shape (n,)."""
    x = np.random.default_rng(seed).normal(size=n)
    label = describe("double(x)", x=x)  # not a message (the call, as code); reads "double(x) for x of shape (5,)"
    got = call(double, label, say(SHAPE_HINT), x=x)  # the hint follows an exception the student's code raises
    hint = diagnose(got, _double_mistakes(x))
    # a real check compares with ref_numpy (F64), then with the PyTorch twin (compare.torch_twin, DEVICE)
    assert_close(label, got, 2 * x, F64, hint or say(SHAPE_HINT))
    ok(say("double matches on {n} random numbers", n=n))


if __name__ == "__main__":  # the ✓ line of a right answer, then the message of a named mistake
    check_double(lambda x: 2 * x)
    try:
        check_double(lambda x: x * x)
    except AssertionError as exc:
        print(exc)
