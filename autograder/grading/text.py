"""Text that came from student code, made safe to store, print and write.

Everything a worker sends (exception messages, names, reasons) passes through
``clean`` before the grader stores, prints or writes it: lone surrogates would
crash an encoder, control characters would forge terminal lines, and an
unbounded message would bloat the gradebook.
"""

import re

#: Longest text kept from one message (characters).
MESSAGE_CHARS = 2000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean(text, limit=MESSAGE_CHARS, newlines=True):
    """``text`` (any object) as a str of at most ``limit`` characters, safe to print.

    Lone surrogates become ``?``, control characters (ANSI escapes, bidi
    overrides) are shown as ``\\xNN``; newlines and tabs stay only if ``newlines``.
    """
    if not isinstance(text, str):
        text = str(text)
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    if not newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text.replace("\r", "\\r"))
    if len(text) > limit:
        text = text[: max(limit - 25, 0)] + f" … [{len(text) - limit + 25} more characters]"
    return text
