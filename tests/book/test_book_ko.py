"""The Korean edition (한국어판): each page is its English twin's translation, built into html/ko.

Source checks (fast): every ``P.ko.md`` runs exactly ``P.md``'s code cells in the same order
(the execution cache keys a notebook by them, so the Korean page reuses the English outputs),
keeps its formulas, labels, directives and cross-reference targets, and links other Korean
pages. Built checks (the one book build of the session, tests/helpers/book_build.py): the Korean pages
declare ``lang="ko"``, carry the theme's Korean words, link to their English twin and back
(hrefs resolved on disk), render math offline in headless Chromium, and were not executed again.
"""

import functools
import http.server
import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
import yaml

from helpers.book_build import shared_book
from helpers.book_pages import CHROMIUM_FLAGS, chromium, correction_index_problems, toc_files
from helpers.paths import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import build_korean  # noqa: E402  (the book's own build helper, in _ext/)
import ko_lockstep  # noqa: E402
import language_switch  # noqa: E402

SKIP = {"_build", "node_modules", ".venv", ".git", "solutions", "exercises", "tests"}
KO_PAGES = sorted(p for p in ROOT.rglob("*.ko.md") if not SKIP.intersection(p.relative_to(ROOT).parts))


def english_twin(path):
    return path.with_name(path.name.removesuffix(".ko.md") + ".md")


def _rel(path):
    return str(path.relative_to(ROOT))


# --- what a translation must keep (from /work/notes/ko_check.py) ---------------------------

FENCE = re.compile(r"^(`{3,}|~{3,})\s*\{([\w:-]+)\}(.*)$")


def blocks(text):
    """[(directive, argument, body)] of every fenced directive, in order (nested ones too)."""
    out, stack, lines = [], [], text.splitlines()
    for i, line in enumerate(lines):
        match = FENCE.match(line.strip()) if line.lstrip().startswith(("```", "~~~")) else None
        if match:
            stack.append((match.group(1), match.group(2), match.group(3).strip(), i))
            continue
        s = line.strip()
        if stack and re.fullmatch(r"(`{3,}|~{3,})", s) and s[0] == stack[-1][0][0] and len(s) >= len(stack[-1][0]):
            _, name, arg, start = stack.pop()
            out.append((name, arg, "\n".join(lines[start + 1:i])))
    return out


def code_cells(text):
    """[(argument, body)] of the ``{code-cell}`` blocks, options (``:tags:``) included in the body."""
    return [(arg, body) for name, arg, body in blocks(text) if name == "code-cell"]


def _blank_text(formula):
    """A formula with the words of ``\\text{...}`` removed: those may be translated."""
    return re.sub(r"\\(text|textrm|mathrm|textbf)\{[^{}]*\}", r"\\\1{}", formula)


def maths(text):
    """Counter of the formulas of a page ($...$, $$...$$, {math} blocks), whitespace-normalised."""
    body = re.sub(r"^(`{3,}|~{3,})\s*\{code-cell\}.*?^\1\s*$", "", text, flags=re.S | re.M)
    body = re.sub(r"`[^`\n]*`", "", body)
    found = re.findall(r"\$\$(.+?)\$\$", body, flags=re.S)
    body = re.sub(r"\$\$(.+?)\$\$", "", body, flags=re.S)
    # inline math may wrap onto the next line, never across a blank line
    found += re.findall(r"(?<![\\$])\$((?:[^$\n]|\n(?!\s*\n))+?)\$", body)
    found += [b for n, _, b in blocks(text) if n == "math"]
    return Counter(_blank_text(" ".join(m.split())) for m in found)


def labels(text):
    return Counter(re.findall(r"^\((\S+)\)=\s*$", text, flags=re.M) + re.findall(r":name:\s*(\S+)", text))


def directives(text):
    keep = ("literalinclude", "glue", "glue:figure", "glue:text", "glue:any", "image", "figure")
    return [(n, a) for n, a, _ in blocks(text) if n in keep] + re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", text)


def _target(role_text):
    return re.sub(r"(?s).*<(.+)>$", r"\1", role_text)


def ref_targets(text):
    return Counter(_target(t) for t in re.findall(r"\{(?:ref|numref|eq)\}`([^`]+)`", text))


def doc_targets(text):
    return [_target(t) for t in re.findall(r"\{doc\}`([^`]+)`", text)]


def translation_problems(english, korean):
    """What makes ``korean`` not a faithful twin of ``english`` (page texts) -> list of problems."""
    problems = []
    ca, cb = code_cells(english), code_cells(korean)
    if ca != cb:
        first = next((i for i, (x, y) in enumerate(zip(ca, cb)) if x != y), min(len(ca), len(cb)))
        problems.append(f"code cells differ from cell {first + 1} ({len(ca)} in English, {len(cb)} in Korean)")
    if english.startswith("---") and english.split("\n---\n")[0] != korean.split("\n---\n")[0]:
        problems.append("front matter differs")
    for name, fn in (("formulas", maths), ("labels", labels), ("ref targets", ref_targets)):
        a, b = fn(english), fn(korean)
        if a != b:
            problems.append(f"{name}: only English {list((a - b).elements())[:5]}, "
                            f"only Korean {list((b - a).elements())[:5]}")
    if directives(english) != directives(korean):
        problems.append("literalinclude/glue/image/figure directives differ")
    da, db = Counter(doc_targets(english)), Counter(t.removesuffix(".ko") for t in doc_targets(korean))
    if da != db:
        only_en, only_ko = list((da - db).elements()), list((db - da).elements())
        problems.append(f"doc targets: only English {only_en}, only Korean {only_ko}")
    if len(re.findall(r"[\uac00-\ud7a3]", korean)) < len(korean) / 20:
        problems.append("hardly any Hangul: is it translated?")
    return problems


def doc_link_problems(path, text, root=ROOT):
    """Every {doc} of a Korean page names a Korean page (``.ko``) whose English twin exists."""
    problems = []
    for target in doc_targets(text):
        resolved = (path.parent / target) if not target.startswith("/") else (root / target.lstrip("/"))
        if not target.endswith(".ko"):
            problems.append(f"{{doc}}`{target}` names an English page (write {target}.ko)")
        elif not Path(str(resolved).removesuffix(".ko") + ".md").is_file():
            problems.append(f"{{doc}}`{target}`: no such page")
    return problems


@pytest.mark.parametrize("path", KO_PAGES, ids=_rel)
def test_korean_page_keeps_the_english_code_formulas_and_targets(path):
    assert english_twin(path).is_file(), f"{_rel(path)} has no English twin"
    assert translation_problems(english_twin(path).read_text(), path.read_text()) == []


@pytest.mark.parametrize("path", KO_PAGES, ids=_rel)
def test_korean_doc_links_name_korean_pages(path):
    assert doc_link_problems(path, path.read_text()) == []


PAGE = """---
jupytext:
  text_representation: {format_name: myst}
---
# Title

(sec-a)=
## Part

Text $x^2$ and {ref}`the other <sec-b>`, see {doc}`../02_b/02_b`.

```{code-cell} ipython3
:tags: [hide-input]
import numpy as np
print(np.ones(2))  # a comment
```

```{math}
:label: eq-a
y = \\text{sum of} x
```
"""
KOREAN = (PAGE.replace("# Title", "# 제목").replace("## Part", "## 부분 부분 부분 부분")
          .replace("Text", "본문 본문 본문 본문").replace("the other", "다른 쪽")
          .replace("../02_b/02_b", "../02_b/02_b.ko").replace("sum of", "합"))


def test_translation_check_passes_a_faithful_page_and_fails_tampered_ones():
    assert translation_problems(PAGE, KOREAN) == []
    tampered = {
        "code": KOREAN.replace("# a comment", "# 주석"),
        "cell option": KOREAN.replace(":tags: [hide-input]\n", ""),
        "formula": KOREAN.replace("$x^2$", "$x^3$"),
        "label": KOREAN.replace("(sec-a)=", "(sec-가)="),
        "ref": KOREAN.replace("<sec-b>", "<sec-c>"),
        "doc": KOREAN.replace("../02_b/02_b.ko", "../03_c/03_c.ko"),
        "front matter": KOREAN.replace("format_name: myst", "format_name: md"),
        "untranslated": PAGE,
    }
    for what, text in tampered.items():
        assert translation_problems(PAGE, text), what
    reordered = PAGE + "```{code-cell} ipython3\nx = 1\n```\n"
    swapped = KOREAN.replace("```{code-cell}", "```{code-cell} ipython3\nx = 1\n```\n\n```{code-cell}", 1)
    assert translation_problems(reordered, swapped), "cells in another order"


def test_doc_link_check_wants_existing_korean_targets(tmp_path):
    (tmp_path / "02_b").mkdir()
    (tmp_path / "02_b" / "02_b.md").write_text("# B\n")
    (tmp_path / "01_a").mkdir()
    page = tmp_path / "01_a" / "01_a.ko.md"
    assert doc_link_problems(page, "{doc}`../02_b/02_b.ko`", tmp_path) == []
    assert doc_link_problems(page, "{doc}`../02_b/02_b`", tmp_path)           # English target
    assert doc_link_problems(page, "{doc}`x <../09_z/09_z.ko>`", tmp_path)    # no such page


# --- the generated Korean table of contents -----------------------------------------------------

TOC = {"format": "jb-book", "root": "intro",
       "parts": [{"caption": "One", "chapters": [{"file": "a"}, {"file": "b"}]},
                 {"caption": "Two", "chapters": [{"file": "c"}]}]}


def test_korean_toc_swaps_translated_pages_and_leaves_out_the_rest(tmp_path):
    for name in ("intro.ko.md", "b.ko.md", "a.md", "b.md", "c.md", "intro.md"):
        (tmp_path / name).write_text("# x\n")
    toc = build_korean.korean_toc(TOC, {"One": "하나", "Two": "둘"}, tmp_path)
    assert toc == {"format": "jb-book", "root": "intro.ko",
                   "parts": [{"caption": "하나", "chapters": [{"file": "b.ko"}]}]}
    assert build_korean.untranslated(TOC, tmp_path) == ["a", "c"]
    with pytest.raises(ValueError, match="caption"):
        build_korean.korean_toc(TOC, {"Two": "둘"}, tmp_path)
    (tmp_path / "intro.ko.md").unlink()
    with pytest.raises(ValueError, match="root"):
        build_korean.korean_toc(TOC, {"One": "하나", "Two": "둘"}, tmp_path)


def test_every_korean_page_has_an_english_page_in_the_toc_and_a_korean_caption():
    english = set(toc_files())
    orphans = [_rel(p) for p in KO_PAGES if _rel(english_twin(p)).removesuffix(".md") not in english]
    assert orphans == []
    captions = yaml.safe_load((ROOT / "_toc.ko.yml").read_text())["captions"]
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert {p["caption"] for p in toc["parts"]} <= set(captions), "a part of _toc.yml has no Korean caption"
    assert all(re.search(r"[\uac00-\ud7a3]", c) for c in captions.values())
    built = build_korean.korean_toc(toc, captions, ROOT)
    files = [built["root"]] + [c["file"] for p in built.get("parts", []) for c in p["chapters"]]
    assert sorted(files) == sorted(_rel(p).removesuffix(".md") for p in KO_PAGES)


def test_every_english_page_has_a_korean_twin():
    """The whole course is in Korean: every page of _toc.yml has its .ko.md (the reverse is above)."""
    missing = [f for f in toc_files() if not (ROOT / f"{f}.ko.md").exists()]
    assert missing == []


def test_every_korean_page_translates_the_current_english_page():
    """Lockstep: each .ko.md records the SHA-256 of the English page it translates (_ext/ko_lockstep.py);
    an English page changed since is named here, with the command that re-stamps it."""
    assert [p for p in map(ko_lockstep.problem, KO_PAGES) if p] == []
    assert sorted(ko_lockstep.korean_pages()) == KO_PAGES


def test_lockstep_names_a_changed_english_page_and_a_missing_stamp(tmp_path):
    english, korean = tmp_path / "a.md", tmp_path / "a.ko.md"
    english.write_text("---\njupytext: {}\n---\n\n# One\n")
    korean.write_text("---\njupytext: {}\n---\n\n# 하나\n")
    assert "0 '% translates' lines" in ko_lockstep.problem(korean)
    ko_lockstep.stamp(korean)
    assert ko_lockstep.problem(korean) is None
    assert korean.read_text().startswith("---\njupytext: {}\n---\n% translates a.md sha256:")
    english.write_text(english.read_text() + "\nA new paragraph.\n")
    assert "a.md changed since it was translated" in ko_lockstep.problem(korean)
    ko_lockstep.stamp(korean)  # after the translation is brought up to date
    assert ko_lockstep.problem(korean) is None and korean.read_text().count("% translates") == 1


def test_korean_config_only_changes_the_language_title_and_cache(tmp_path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    overrides = yaml.safe_load((ROOT / "_config.ko.yml").read_text())
    merged = build_korean.korean_config(config, overrides, ROOT, tmp_path / ".jupyter_cache")
    assert merged["sphinx"]["config"]["language"] == "ko"
    assert merged["execute"]["cache"] == str((tmp_path / ".jupyter_cache").resolve())
    assert "sphinx-mathjax-offline" in merged["sphinx"]["extra_extensions"]
    assert set(merged["sphinx"]["local_extensions"]) >= {"korean_font", "language_switch"}
    assert all(Path(p).is_absolute() for p in merged["sphinx"]["local_extensions"].values())
    # everything else is the English book's configuration
    for key in ("execute", "sphinx", "title", "author"):
        merged.pop(key), config.pop(key)
    assert merged == config


def test_sources_ko_indexes_every_korean_correction_box():
    sources = ROOT / "chapters" / "sources.ko.md"
    if not sources.is_file():
        pytest.skip("chapters/sources.ko.md is not translated yet")
    chapters = {p.name: p.read_text() for p in KO_PAGES if re.match(r"\d\d_", p.name)}
    assert correction_index_problems(chapters, sources.read_text()) == []


# --- the language switch --------------------------------------------------------------------------

def test_twin_hrefs_point_at_each_other():
    for docname in ("intro", "chapters/glossary", "chapters/05_backprop/05_backprop"):
        english_page = Path("/site") / f"{docname}.html"
        to_korean = language_switch.twin_href(docname, korean=False)
        korean_page = (english_page.parent / to_korean).resolve()
        assert korean_page == Path("/site/ko") / f"{docname}.ko.html"
        back = language_switch.twin_href(f"{docname}.ko", korean=True)
        assert (korean_page.parent / back).resolve() == english_page
    assert language_switch.twin_href("intro", korean=False) != language_switch.twin_href("intro.ko", korean=True)


# --- the built Korean edition ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(English html folder, build results) of the session's one build of both editions."""
    out, result = shared_book(tmp_path_factory)
    assert result["en"]["returncode"] == 0, result["en"]["log"]
    assert result["ko"]["returncode"] == 0, result["ko"]["log"]
    return out / "_build" / "html", result


def _switch_href(html_text):
    found = re.findall(r'<a class="language-switch-link" href="([^"]+)"', html_text)
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.slow
def test_korean_pages_are_built_in_korean_and_link_their_english_twin(built):
    html, _ = built
    assert KO_PAGES, "no Korean page"
    for source in KO_PAGES:
        page = html / "ko" / (_rel(source).removesuffix(".md") + ".html")
        text = page.read_text()
        assert '<html lang="ko"' in text, page
        href = _switch_href(text)
        assert href, f"{page} has no link to English"
        english = (page.parent / href).resolve()
        assert english == (html / (_rel(english_twin(source)).removesuffix(".md") + ".html")).resolve()
        back = _switch_href(english.read_text())
        assert back and (english.parent / back).resolve() == page.resolve(), f"{english} does not link back"
    assert (html / "ko" / "index.html").is_file() and "intro.ko.html" in (html / "ko" / "index.html").read_text()


@pytest.mark.slow
def test_links_to_untranslated_pages_open_the_english_page(built):
    """A {doc} to a Korean page that does not exist yet (P.ko) goes to the English P.html."""
    html, _ = built
    checked = 0
    for page in (html / "ko").rglob("*.ko.html"):
        for href in re.findall(r'<a class="english-only reference external" href="([^"]+)"', page.read_text()):
            target = (page.parent / href).resolve()
            assert target.is_file() and html / "ko" not in target.parents, (page, href)
            assert not (ROOT / (str(target.relative_to(html)).removesuffix(".html") + ".ko.md")).is_file()
            checked += 1
    untranslated = build_korean.untranslated(yaml.safe_load((ROOT / "_toc.yml").read_text()), ROOT)
    assert checked or not untranslated, "intro.ko.md links the untranslated pages"


@pytest.mark.slow
def test_untranslated_english_pages_have_no_language_link(built):
    html, _ = built
    translated = {_rel(english_twin(p)).removesuffix(".md") for p in KO_PAGES}
    for page in toc_files():
        text = (html / f"{page}.html").read_text()
        assert '<html lang="en"' in text
        assert (_switch_href(text) is not None) == (page in translated), page


@pytest.mark.slow
def test_korean_theme_words_and_font(built):
    html, _ = built
    text = (html / "ko" / "intro.ko.html").read_text()
    assert "PDF로 인쇄" in text and "검색" in text     # sphinx-book-theme's and Sphinx's ko locales
    assert "Print to PDF" not in text
    assert "korean-font/korean-font.css" in text
    assert list((html / "ko" / "_static" / "korean-font").glob("*.woff2"))


def _covered(css):
    """Code points that the unicode-range lists of a stylesheet cover."""
    points = set()
    for ranges in re.findall(r"unicode-range:\s*([^;]+);", css):
        for part in ranges.split(","):
            lo, _, hi = part.strip()[2:].partition("-")
            points |= set(range(int(lo, 16), int(hi or lo, 16) + 1))
    return points


@pytest.mark.slow
def test_shipped_font_covers_every_korean_character_of_the_korean_pages(built):
    """Also the theme's words, which come from Sphinx's ko locale and not from the sources."""
    html, _ = built
    pages = [p for p in (html / "ko").rglob("*.html") if "_static" not in p.parts]
    used = {ord(c) for p in pages for c in p.read_text() if "\uac00" <= c <= "\ud7a3"}
    missing = used - _covered((html / "ko" / "_static" / "korean-font" / "korean-font.css").read_text())
    assert not missing, "".join(sorted(map(chr, missing)))[:80]


@pytest.mark.slow
def test_korean_pages_were_not_executed_again(built):
    """The Korean build took every chapter's outputs from the English build's cache."""
    _, result = built
    assert result["ko"]["executed"] == [], result["ko"]["executed"]
    notebooks = [p for p in KO_PAGES if code_cells(p.read_text())]
    assert sorted(Path(p).name for p in result["ko"]["cached"]) == sorted(p.name for p in notebooks)
    print(f"\nbuild seconds: English {result['en']['seconds']}, Korean {result['ko']['seconds']}")


@pytest.fixture(scope="module")
def server(built):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built[0]))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _math_page():
    """The Korean page with Korean words in its formulas, else the one with the most formulas."""
    return HANGUL_MATH_PAGE or max(KO_PAGES, key=lambda p: sum(maths(p.read_text()).values()))


HANGUL_MATH_PAGE = next((p for p in KO_PAGES if re.search(r"\\text\{[^}]*[\uac00-\ud7a3]", p.read_text())), None)


@pytest.mark.slow
def test_korean_math_renders_offline_in_a_browser(built, server, tmp_path):
    page = _math_page()
    url = f"{server}/ko/{_rel(page).removesuffix('.md')}.html"
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path}", "--dump-dom", url],
                          capture_output=True, text=True, timeout=120)
    expected = min(5, sum(maths(page.read_text()).values()))
    assert done.stdout.count("<mjx-container") >= expected >= 1, done.stderr[-2000:]
    assert 'lang="ko"' in done.stdout
    # Korean words of \text{...} in a formula are set in the page's fonts (MathJax's have no Hangul)
    mtexts = re.findall(r"<mjx-mtext([^>]*)>(.*?)</mjx-mtext>", done.stdout, re.S)
    korean = [attrs for attrs, body in mtexts if re.search("[\uac00-\ud7a3]", body)]
    if HANGUL_MATH_PAGE == page:
        assert korean, "no Korean \\text in the formulas of " + _rel(page)
    assert all("Noto Sans KR Variable" in attrs for attrs in korean), korean[:2]
    built_page = built[0] / "ko" / f"{_rel(page).removesuffix('.md')}.html"
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', built_page.read_text())
    mathjax = [s for s in scripts if "mathjax" in s.lower() or "tex-" in s]
    assert mathjax and all(not s.startswith(("http", "//")) for s in mathjax), mathjax
    assert (built_page.parent / mathjax[0].split("?")[0]).resolve().is_file()
