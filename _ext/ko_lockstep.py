"""Keep each Korean page in step with the English page it translates.

Every ``X.ko.md`` carries one MyST comment line (not rendered), right after its front matter
or as its first line when it has none::

    % translates X.md sha256:0123456789abcdef

naming the English twin and the first 16 hex digits of the SHA-256 of the English file as it
was when the page was translated (or last brought up to date). When the English page
changes, the hash no longer matches and ``check`` (and tests/book/test_book_ko.py) names the
Korean page to update. After updating the translation::

    .venv/bin/python _ext/ko_lockstep.py stamp chapters/05_backprop/05_backprop.ko.md
    .venv/bin/python _ext/ko_lockstep.py check          # every Korean page current: exit 0

``git diff <old>..HEAD -- X.md`` shows what changed in English since the stamped version
(``git log -S<hash>`` is no help: the hash is of the file, not of a commit).
"""

import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = re.compile(r"^% translates (?P<name>\S+\.md) sha256:(?P<digest>[0-9a-f]{16})$", re.M)


def english_twin(korean):
    """The English page that ``X.ko.md`` translates (``X.md`` in the same folder)."""
    korean = Path(korean)
    return korean.with_name(korean.name[: -len(".ko.md")] + ".md")


def digest(path):
    """First 16 hex digits of the SHA-256 of the file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def korean_pages(root=ROOT):
    """Every Korean page of the book: ``*.ko.md`` outside build, package and dependency folders."""
    skip = ("_build", "node_modules", ".venv", ".git")
    return sorted(p for p in Path(root).rglob("*.ko.md") if not set(p.relative_to(root).parts) & set(skip))


def problem(korean):
    """Why ``korean`` is not in step with its English twin, or None."""
    english = english_twin(korean)
    if not english.exists():
        return f"{korean}: no English page {english.name} beside it"
    found = STAMP.findall(Path(korean).read_text(encoding="utf-8"))
    if len(found) != 1:
        return f"{korean}: {len(found)} '% translates' lines (want one)"
    name, recorded = found[0]
    if name != english.name:
        return f"{korean}: says it translates {name}, its twin is {english.name}"
    if recorded != digest(english):
        return (f"{korean}: {english.name} changed since it was translated (sha256:{recorded}, now "
                f"sha256:{digest(english)}): update the translation, then stamp it")
    return None


def stamp(korean):
    """Record the English twin's current digest in ``korean`` (replacing an older stamp)."""
    korean = Path(korean)
    english = english_twin(korean)
    line = f"% translates {english.name} sha256:{digest(english)}"
    text = korean.read_text(encoding="utf-8")
    if STAMP.search(text):
        text = STAMP.sub(line, text, count=1)
    elif text.startswith("---\n") and "\n---\n" in text[4:]:
        end = text.index("\n---\n", 4) + len("\n---\n")
        text = text[:end] + line + "\n" + text[end:]
    else:
        text = line + "\n" + text
    korean.write_text(text, encoding="utf-8")


def main(argv):
    if len(argv) < 1 or argv[0] not in ("check", "stamp"):
        print("usage: ko_lockstep.py check | stamp KOREAN_PAGE...", file=sys.stderr)
        return 2
    if argv[0] == "stamp":
        for page in argv[1:]:
            stamp(page)
        return 0
    problems = [p for p in map(problem, korean_pages()) if p]
    print("\n".join(problems) if problems else f"all {len(korean_pages())} Korean pages are in step")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
