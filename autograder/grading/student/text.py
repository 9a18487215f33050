"""Text that came from student code, made safe to store, print and write.

Everything a worker sends (exception messages, names, reasons) passes through
``clean`` before the grader stores, prints or writes it: lone surrogates would
crash an encoder, control characters would forge terminal lines, and an
unbounded message would bloat the gradebook.
"""

import re

#: Longest text kept from one message (characters).
MESSAGE_CHARS = 2000
#: Longest string stored anywhere in a record (characters).
TEXT_CHARS = 2000

#: C0 and C1 controls, line and paragraph separators, and the invisible marks that reorder or
#: hide text (bidi embeddings, overrides, isolates and marks; zero-width characters; the BOM).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def clean(text, limit=MESSAGE_CHARS, newlines=True):
    """``text`` (any object) as a str of at most ``limit`` characters, safe to print.

    Lone surrogates become ``?``, control characters (ANSI escapes) are shown as
    ``\\xNN``, invisible marks (bidi overrides, zero-width characters) as ``\\uNNNN``;
    newlines and tabs stay only if ``newlines``.
    """
    if not isinstance(text, str):
        text = str(text)
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    if not newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    text = _CONTROL.sub(_escape, text.replace("\r", "\\r"))
    if len(text) > limit:
        text = text[: max(limit - 25, 0)] + f" … [{len(text) - limit + 25} more characters]"
    return text


def _escape(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def short(text, limit=TEXT_CHARS, newlines=True):
    """``text`` cleaned (control characters, lone surrogates) and capped, cheaply even when huge."""
    text = text if isinstance(text, str) else str(text)
    if len(text) > 2 * limit + 100:  # never run the cleaner over megabytes
        return clean(text[:limit], limit + 60, newlines) + f" … [{len(text) - limit} more characters]"
    return clean(text, limit, newlines)
