"""Sphinx extension: a Korean web font served by the build, subset to the Hangul the book uses.

Without a CJK font on the reader's system (headless Chromium here, many Linux machines) the
Korean terms beside the English ones render as empty boxes. The font comes from the npm
package ``@fontsource-variable/noto-sans-kr`` (OFL-1.1), which ``make book`` and ``make test``
install into ``node_modules/`` with ``npm ci`` from ``package-lock.json``; nothing is fetched
when a page is read. Fontsource splits Noto Sans KR into about 120 woff2 files, one per
``unicode-range``. At build time this extension keeps only the files that hold a Korean
character of the book's sources, writes one ``@font-face`` rule per file whose
``unicode-range`` lists exactly those characters (so the face never replaces a Latin glyph),
and links the stylesheet from every page. ``_static/book.css`` puts the family first in the
theme's font stacks.
"""

import re
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

FAMILY = "Noto Sans KR Variable"
PACKAGE = Path("node_modules") / "@fontsource-variable" / "noto-sans-kr"
OUT_DIR = "korean-font"          # below _static/ of the built site
# Hangul Jamo, CJK symbols and punctuation, Hangul compatibility Jamo, CJK ideographs,
# Hangul syllables, and the fullwidth forms: the characters Korean text needs.
KOREAN = [(0x1100, 0x11FF), (0x3000, 0x303F), (0x3130, 0x318F), (0x4E00, 0x9FFF),
          (0xAC00, 0xD7AF), (0xFF00, 0xFFEF)]
SKIP_DIRS = {"node_modules", "_build", ".venv", ".git", "solutions", "exercises", "tests"}


def korean_chars(text):
    """The set of code points of ``text`` that lie in the Korean ranges."""
    return {ord(c) for c in text if any(lo <= ord(c) <= hi for lo, hi in KOREAN)}


def parse_faces(css):
    """[(woff2 file name, [(lo, hi), ...])] of the @font-face rules of a fontsource stylesheet."""
    faces = []
    for block in re.findall(r"@font-face\s*\{(.*?)\}", css, re.S):
        src = re.search(r"url\(\./files/([^)]+\.woff2)\)", block)
        ranges = re.search(r"unicode-range:\s*([^;]+);", block)
        if src and ranges:
            spans = []
            for part in ranges.group(1).split(","):
                lo, _, hi = part.strip()[2:].partition("-")
                spans.append((int(lo, 16), int(hi or lo, 16)))
            faces.append((src.group(1), spans))
    return faces


def _ranges(points):
    """Sorted code points -> a CSS unicode-range value (runs merged)."""
    runs, points = [], sorted(points)
    for p in points:
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return ",".join(f"U+{lo:X}" if lo == hi else f"U+{lo:X}-{hi:X}" for lo, hi in runs)


def subset_css(faces, chars):
    """(stylesheet text, [woff2 files it uses]) for the characters ``chars``."""
    rules, files = [], []
    for name, spans in faces:
        used = {c for c in chars if any(lo <= c <= hi for lo, hi in spans)}
        if used:
            files.append(name)
            rules.append(
                "@font-face {\n"
                f"  font-family: '{FAMILY}';\n  font-style: normal;\n  font-display: swap;\n"
                f"  font-weight: 100 900;\n  src: url(./{name}) format('woff2-variations');\n"
                f"  unicode-range: {_ranges(used)};\n}}\n")
    return "".join(rules), files


def book_chars(srcdir):
    """Korean characters of every Markdown source of the book."""
    chars = set()
    for path in Path(srcdir).rglob("*.md"):
        if not SKIP_DIRS.intersection(path.relative_to(srcdir).parts):
            chars |= korean_chars(path.read_text(encoding="utf-8"))
    return chars


def page_chars(outdir):
    """Korean characters of the built pages: the sources' and also the theme's own words
    (a Korean edition's "검색", "이전", ... come from Sphinx's locale, not from the sources)."""
    chars = set()
    for path in Path(outdir).rglob("*.html"):
        if "_static" not in path.parts:
            chars |= korean_chars(path.read_text(encoding="utf-8", errors="replace"))
    return chars


def _write_subset(app, extra=frozenset()):
    package = Path(app.srcdir) / PACKAGE
    css = package / "index.css"
    if not css.is_file():
        raise ExtensionError(f"the Korean web font is not installed ({PACKAGE} is missing): "
                             "run `npm ci` in the book's folder (make book does)")
    text, files = subset_css(parse_faces(css.read_text()), book_chars(app.srcdir) | set(extra))
    out = Path(app.outdir) / "_static" / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copyfile(package / "files" / name, out / name)
    shutil.copyfile(package / "LICENSE", out / "LICENSE.txt")
    (out / "korean-font.css").write_text(
        f"/* {FAMILY} (OFL-1.1, fontsource), subset to the book's {len(files)} files. */\n" + text)


def _on_builder_inited(app):
    if app.builder.format == "html":
        _write_subset(app)
        app.add_css_file(f"{OUT_DIR}/korean-font.css")


def _on_build_finished(app, exception):
    """Widen the subset to every Korean character the written pages hold."""
    if exception is None and app.builder.format == "html":
        _write_subset(app, page_chars(app.outdir))


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    app.connect("build-finished", _on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
