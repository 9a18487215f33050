"""What the book's pages are and how the tests look at them: the table of contents, the browser,
the Sources page's index of correction boxes. Shared by tests/book/test_book.py and test_book_ko.py.
"""

import re
import shutil

import yaml

from helpers.paths import ROOT

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-quic", "--virtual-time-budget=15000"]


def toc_files():
    """Every page of _toc.yml (root and chapters), as paths without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "chromium is required (make test installs it: apt-get install chromium)"
    return exe


_ADMONITION = re.compile(r"^```\{admonition\}[^\n]*\n((?::[a-z_-]+:[^\n]*\n)*)(.*?)^```$", re.S | re.M)


def correction_boxes(text):
    """[(name, number of corrections, body)] of the admonitions of class ``corrections``."""
    boxes = []
    for match in _ADMONITION.finditer(text):
        options = dict(re.findall(r"^:([a-z_-]+):[ \t]*(.*)$", match.group(1), re.M))
        if "corrections" in options.get("class", "").split():
            body = match.group(2)
            count = max(len(re.findall(r"^- ", body, re.M)), 1)
            boxes.append((options.get("name"), count, body))
    return boxes


def indexed_corrections(sources_text):
    """{box label: number of one-line entries} of the Sources page's index section."""
    assert "(src-corrections)=" in sources_text, "the Sources page has no index of corrections"
    index, current = {}, None
    for line in sources_text.split("(src-corrections)=", 1)[1].splitlines():
        entry = re.match(r"- \{ref\}`[^`<]*<([^>`]+)>`", line)
        if entry:
            current = entry.group(1)
            index[current] = 0
        elif current and line.startswith("  - "):
            index[current] += 1
        elif line.startswith("#") and index:
            break  # the next section
    return index


def correction_index_problems(chapters, sources_text):
    """What keeps the Sources page from being the complete index of the chapters' correction boxes.

    chapters: {chapter file name: source text}. -> list of one-line problems (empty: complete).
    """
    problems, index = [], indexed_corrections(sources_text)
    for chapter, text in chapters.items():
        for name, count, body in correction_boxes(text):
            if not name:
                problems.append(f"{chapter}: a correction box has no :name:")
            elif name not in index:
                problems.append(f"{chapter}: box {name} is not listed on the Sources page")
            elif index[name] != count:
                problems.append(f"{chapter}: box {name} has {count} corrections, "
                                f"the Sources page lists {index[name]}")
            if "<src-" not in body:
                problems.append(f"{chapter}: box {name} names no lecture note (a {{ref}} to src-...)")
    return problems
