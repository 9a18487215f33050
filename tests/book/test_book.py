"""The book builds from scratch with every chapter executed, and reads offline.

Built once into a temporary folder with a clean execution cache. A headless
Chromium then loads pages over 127.0.0.1 and must find rendered math
(``mjx-container``) although the machine has no route to a CDN: MathJax has to
come from the build itself.
"""

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from helpers.book_build import shared_book
from helpers.book_pages import (CHROMIUM_FLAGS, chromium, correction_boxes, correction_index_problems,
                                 toc_files)
from helpers.nbval_run import nbval, summary
from helpers.paths import ROOT

def _env(bin_dir, home):
    """A clean environment; one BLAS/OpenMP thread per kernel, as `make` sets (no spinning threads)."""
    return {"PATH": bin_dir + ":/usr/bin:/bin", "HOME": str(home), "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    """Build the book (all chapters executed) and return its html folder.

    The one build of the session, shared with tests/book/test_book_ko.py: the Korean edition is built
    right after, from the same execution cache, into html/ko (tests/book_build.py)."""
    out, result = shared_book(tmp_path_factory)
    assert result["en"]["returncode"] == 0, result["en"]["log"]
    return out / "_build" / "html"


@pytest.mark.slow
def test_every_page_is_built(html):
    for page in toc_files():
        assert (html / f"{page}.html").is_file(), page


@pytest.mark.slow
def test_chapters_reproduce_every_output_under_nbval(html):
    """nbval re-executes every notebook the build executed (_build/jupyter_execute) and compares
    each output with the stored one, so every number a chapter prints and its prose quotes comes
    out again; only timings, progress bars and memory addresses are sanitized (see test_nbval.py)."""
    notebooks = sorted((html.parent / "jupyter_execute").rglob("*.ipynb"))
    chapters = {p.stem for p in CHAPTER_SOURCES}
    assert chapters <= {p.stem for p in notebooks}, sorted(chapters - {p.stem for p in notebooks})
    done = nbval(notebooks, lax=False, env=_env(str(Path(sys.executable).parent), html.parent.parent))
    assert done.returncode == 0, summary(done)


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in toc_files() if p.startswith("chapters/") and re.match(r".*/\d\d_", p)])
def test_chapter_has_embedded_figures_and_no_errors(html, page):
    text = (html / f"{page}.html").read_text()
    images = re.findall(r'<img[^>]+src="([^"]+)"', text)
    assert images, f"{page} has no figure"
    for src in images:
        assert not src.startswith(("http:", "https:", "//")), src
        assert (html / page).parent.joinpath(src).resolve().is_file(), src
    assert "Traceback (most recent call last)" not in text
    assert "exercises/" in text or "_downloads" in text, "the chapter links its exercise"


@pytest.mark.slow
def test_mathjax_is_local(html):
    text = (html / "chapters/01_perceptron/01_perceptron.html").read_text()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', text)
    mathjax = [s for s in scripts if "mathjax" in s.lower() or "tex-" in s]
    assert mathjax and all(not s.startswith(("http", "//")) for s in mathjax), mathjax
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()


@pytest.fixture(scope="module")
def server(html):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.slow
def test_math_renders_offline_in_a_browser(server, tmp_path):
    url = f"{server}/chapters/01_perceptron/01_perceptron.html"
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path}", "--dump-dom", url],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.count("<mjx-container") >= 5, done.stderr[-2000:]
    assert "job offer" in done.stdout


@pytest.mark.slow
def test_screenshot_of_a_chapter(server, tmp_path):
    shot = tmp_path / "page.png"
    subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                    f"--screenshot={shot}", "--window-size=1200,1600",
                    f"{server}/chapters/01_perceptron/01_perceptron.html"],
                   capture_output=True, timeout=120)
    assert shot.is_file() and shot.stat().st_size > 20_000


# --- no printed answers ---------------------------------------------------------------------

def _no_space(text):
    return re.sub(r"\s+", "", text)


def _body_variants(source):
    """The body of the first function in ``source``, without its docstring: as written and
    without comments, whitespace removed (a page shows code with other line breaks)."""
    import ast

    fn = next(node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef))
    body = fn.body[1:] if (fn.body and isinstance(fn.body[0], ast.Expr)
                          and isinstance(fn.body[0].value, ast.Constant)
                          and isinstance(fn.body[0].value.value, str)) else fn.body
    if not body:
        return set()
    lines = source.splitlines()[body[0].lineno - 1: body[-1].end_lineno]
    text = "\n".join(lines)
    bare = "\n".join(line.split("#")[0] for line in lines)
    return {_no_space(v) for v in (text, bare) if _no_space(v)}


def graded_functions():
    """{name: solution-cell source} of every function defined in a solution cell of solutions/*/*.ipynb."""
    import ast

    import nbformat

    found = {}
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("solution"):
                continue
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef):
                    found[node.name] = ast.get_source_segment(cell.source, node)
    return found


def answer_bodies():
    """{label: set of normalised bodies}: each graded function's solution and its ref_numpy twins."""
    import importlib
    import inspect
    import pkgutil

    import autograder.ref_numpy as ref_numpy

    modules = [importlib.import_module(f"autograder.ref_numpy.{m.name}")
               for m in pkgutil.iter_modules(ref_numpy.__path__)]
    bodies = {}
    for name, solution in graded_functions().items():
        bodies[f"{name} (solution cell)"] = _body_variants(solution)
        for module in modules:
            fn = getattr(module, name, None)
            if inspect.isfunction(fn) and fn.__module__ == module.__name__:
                bodies[f"{name} ({module.__name__})"] = _body_variants(inspect.getsource(fn))
    return {label: variants for label, variants in bodies.items() if variants}


def page_text(html_source):
    """The text a reader sees (tags dropped, entities decoded), whitespace removed."""
    import html as html_lib

    text = re.sub(r"<(script|style)\b.*?</\1>", "", html_source, flags=re.S)
    return _no_space(html_lib.unescape(re.sub(r"<[^>]+>", "", text)))


def leaked(html_source, bodies):
    """Labels of the bodies that appear in the page."""
    text = page_text(html_source)
    return sorted(label for label, variants in bodies.items() if any(v in text for v in variants))


def test_matcher_finds_a_body_in_a_highlighted_page():
    """The matcher sees a body through syntax-highlighting spans, entities and other line breaks."""
    bodies = {"perceptron (solution cell)": _body_variants(
        'def perceptron(X, w, b):\n    """doc."""\n    z = X @ w + b  # the sums\n    return (z > 0).astype(float)\n')}
    page = ('<div class="highlight"><pre><span class="n">z</span> <span class="o">=</span> X '
            '<span class="o">@</span> w + b  <span class="c1"># the sums</span>\n'
            '<span class="k">return</span> (z &gt; 0).astype(float)</pre></div>')
    assert leaked(page, bodies) == ["perceptron (solution cell)"]
    assert leaked(page.replace("&gt; 0", "&gt;= 0"), bodies) == []
    assert leaked("<p>z = X w + b, then the step</p>", bodies) == []


def test_graded_functions_are_collected_from_every_solution():
    graded = graded_functions()
    assert {"perceptron", "dense_forward", "mlp_forward", "mse"} <= set(graded)
    bodies = answer_bodies()
    assert "perceptron (autograder.ref_numpy.perceptron)" in bodies
    assert "sigmoid (solution cell)" not in bodies  # a provided helper lives in the setup cell


@pytest.mark.slow
def test_no_graded_function_body_in_any_page(html):
    bodies = answer_bodies()
    pages = [p for p in html.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) >= len(toc_files())
    leaks = {str(p.relative_to(html)): found for p in pages if (found := leaked(p.read_text(), bodies))}
    assert not leaks, f"graded function bodies printed in the book: {leaks}"


# --- cross-references are checked ------------------------------------------------------------

def _tiny_book(folder, page_text_):
    """A two-page book with the course's _config.yml (nothing to execute)."""
    folder.mkdir()
    shutil.copy(ROOT / "_config.yml", folder / "_config.yml")
    shutil.copytree(ROOT / "_ext", folder / "_ext")               # the book's local extension
    (folder / "node_modules").symlink_to(ROOT / "node_modules")   # and the font it serves
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: page\n")
    (folder / "intro.md").write_text("(intro-label)=\n# Intro\n\nSee {doc}`page`.\n")
    (folder / "page.md").write_text("# Page\n\n" + page_text_ + "\n")
    return folder


def _build(folder):
    bin_dir = str(Path(sys.executable).parent)
    return subprocess.run([str(Path(bin_dir) / "jupyter-book"), "build", str(folder), "--warningiserror",
                           "--keep-going"], capture_output=True, text=True, timeout=600,
                          env=_env(bin_dir, folder))


@pytest.mark.slow
def test_dangling_references_fail_the_build(tmp_path):
    """A dangling {doc}, {ref} and Markdown link each warn, and --warningiserror fails the build;
    the same book with valid references builds."""
    good = _build(_tiny_book(tmp_path / "good", "Back to {doc}`intro`, {ref}`intro-label` and [intro](intro.md)."))
    assert good.returncode == 0, good.stdout[-3000:] + good.stderr[-3000:]
    bad = _build(_tiny_book(tmp_path / "bad", "See {doc}`nope`, {ref}`no-such-label` and [x](../nope.md)."))
    out = bad.stdout + bad.stderr
    assert bad.returncode != 0
    assert "unknown document: 'nope'" in out
    assert "undefined label: 'no-such-label'" in out
    assert "cross-reference target not found: '../nope.md'" in out


# --- the Sources page indexes every correction box ---------------------------------------------

# English sources only: the Korean twins (NN_slug.ko.md) are checked by tests/book/test_book_ko.py.
CHAPTER_SOURCES = sorted(p for p in (ROOT / "chapters").glob("[0-9][0-9]_*/[0-9][0-9]_*.md")
                         if not p.name.endswith(".ko.md"))
def test_sources_page_indexes_every_correction_box():
    chapters = {p.name: p.read_text() for p in CHAPTER_SOURCES}
    assert correction_index_problems(chapters, (ROOT / "chapters" / "sources.md").read_text()) == []
    # the chapters the review found missing from the index all have a box now
    with_box = {name[:2] for name, text in chapters.items() if correction_boxes(text)}
    assert {"07", "09", "10", "11", "14"} <= with_box


def test_correction_index_check_fails_on_a_missing_or_short_entry():
    box = ("```{admonition} Corrections\n:class: warning corrections\n:name: ch99-corrections\n"
           "- The {ref}`M2 notes <src-m2>`: one.\n- The same notes: two.\n```\n")
    full = "(src-corrections)=\n## Index\n\n- {ref}`Chapter 99 <ch99-corrections>`\n  - one\n  - two\n"
    assert correction_index_problems({"99_x.md": box}, full) == []
    short = full.rsplit("  - two\n", 1)[0]
    assert correction_index_problems({"99_x.md": box}, short) == [
        "99_x.md: box ch99-corrections has 2 corrections, the Sources page lists 1"]
    assert "not listed" in correction_index_problems({"99_x.md": box}, "(src-corrections)=\n")[0]
    unnamed = box.replace(":name: ch99-corrections\n", "")
    assert "no :name:" in correction_index_problems({"99_x.md": unnamed}, full)[0]
    uncited = box.replace("{ref}`M2 notes <src-m2>`", "M2 notes")
    assert "names no lecture note" in correction_index_problems({"99_x.md": uncited}, full)[0]
    # a plain warning box is not a correction box
    assert correction_boxes(box.replace("warning corrections", "warning")) == []


# --- code fits the text column ------------------------------------------------------------------

# At a 1280-pixel window the text column is 672 px wide; with _static/book.css's 13 px code
# font it shows 82 characters inside a code block (test_code_and_equations_fit_the_column).
CODE_LINE_LIMIT = 80


def long_code_lines(text, limit=CODE_LINE_LIMIT):
    """[(line number, length)] of the code lines longer than ``limit`` in a MyST source: lines of
    code cells and of plain code fences (```python), not prose, math or other directives."""
    found, in_code = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if not in_code and re.match(r"^```(\{code-cell\}|[A-Za-z0-9_+-]*$)", line) and line != "```":
            in_code = True
        elif in_code and line.rstrip() == "```":
            in_code = False
        elif in_code and len(line) > limit:
            found.append((number, len(line)))
    return found


def test_code_lines_of_every_chapter_fit_the_column():
    too_long = {p.name: lines for p in CHAPTER_SOURCES if (lines := long_code_lines(p.read_text()))}
    assert not too_long, f"code lines over {CODE_LINE_LIMIT} characters (line, length): {too_long}"
    assert len(CHAPTER_SOURCES) >= 14


def included_objects(chapter):
    """[(source file, object name)] of the chapter's ``{literalinclude}`` blocks with ``:pyobject:``."""
    return [((chapter.parent / path.strip()).resolve(), name.strip()) for path, name in
            re.findall(r"```\{literalinclude\} ([^\n]+)\n:pyobject: ([^\n]+)", chapter.read_text())]


def object_lines(path, name):
    """The source lines of the top-level function or class ``name`` of ``path``."""
    import ast

    source = path.read_text()
    node = next(n for n in ast.parse(source).body if getattr(n, "name", None) == name)
    return source.splitlines()[node.lineno - 1 - len(node.decorator_list): node.end_lineno]


def test_reference_code_shown_in_the_chapters_fits_the_column():
    """The NumPy reference functions a chapter shows with literalinclude fit as well (the
    PyTorch twins' are the device owners' to wrap: not checked here)."""
    shown = {(path, name) for chapter in CHAPTER_SOURCES for path, name in included_objects(chapter)
             if "ref_numpy" in path.parts}
    assert len(shown) >= 10
    too_long = {f"{path.name}:{name}": [len(line) for line in object_lines(path, name)
                                         if len(line) > CODE_LINE_LIMIT]
                for path, name in shown}
    assert not {k: v for k, v in too_long.items() if v}, too_long


def test_long_code_line_check_sees_cells_and_fences_only():
    long_ = "x = " + "1 + " * 19 + "1"                   # 81 characters
    assert len(long_) == CODE_LINE_LIMIT + 1
    cell = f"Prose.\n\n```{{code-cell}} ipython3\n:tags: [hide-input]\n{long_}\n```\n"
    assert long_code_lines(cell) == [(5, 81)]
    assert long_code_lines(f"```python\n{long_}\n```\n") == [(2, 81)]
    assert long_code_lines(cell.replace(long_, long_[:-2])) == []         # 79 characters pass
    assert long_code_lines(f"{long_}\n\n$$\n{long_}\n$$\n") == []           # prose and math
    assert long_code_lines(f"```{{admonition}} Title\n{long_}\n```\n") == []


# --- Korean renders with the font the build ships ------------------------------------------------

KOREAN_FAMILY = "Noto Sans KR Variable"
KOREAN_PAGE, KOREAN_TERM = "chapters/10_cnn/10_cnn.html", "합성곱"

_FONT_PROBE = """<!doctype html><meta charset="utf-8">
<iframe id="page" src="{page}" style="width:1280px;height:900px"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById("page").addEventListener("load", async () => {{
  const doc = document.getElementById("page").contentDocument;
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  let node = walker.nextNode();
  while (node && !node.data.includes("{term}")) node = walker.nextNode();
  if (!node) {{ document.getElementById("result").textContent = "{{}}"; return; }}
  node.parentElement.scrollIntoView();
  await new Promise(done => setTimeout(done, 500));
  await doc.fonts.ready;
  const faces = [...doc.fonts].filter(f => f.family.replace(/["']/g, "") === "{family}");
  document.getElementById("result").textContent = JSON.stringify({{
    family: doc.defaultView.getComputedStyle(node.parentElement).fontFamily,
    loaded: faces.filter(f => f.status === "loaded").map(f => f.unicodeRange)}});
}});
</script>"""

_GLYPH_PROBE = """<!doctype html><meta charset="utf-8">{links}
<style>div {{ position: absolute; width: 100px; height: 100px; font-size: 64px;
  line-height: 100px; text-align: center; color: #000; background: #fff; }}</style>
<body style="margin:0;background:#fff">{cells}</body>"""


def _in_ranges(char, unicode_range):
    """Whether ``char`` lies in a CSS unicode-range value such as 'U+AC00-AC05, U+D569'."""
    for part in unicode_range.replace(" ", "").split(","):
        lo, _, hi = part[2:].partition("-")
        if int(lo, 16) <= ord(char) <= int(hi or lo, 16):
            return True
    return False


def korean_font_report(html_dir, base_url, tmp_path, page=KOREAN_PAGE, term=KOREAN_TERM):
    """{family: computed font-family of the term's element, loaded: unicode-ranges of the
    loaded faces of KOREAN_FAMILY} for the first occurrence of ``term`` in ``page``."""
    import json

    probe = Path(html_dir) / "_font_probe.html"
    probe.write_text(_FONT_PROBE.format(page=page, term=term, family=KOREAN_FAMILY), encoding="utf-8")
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'font'}",
                           "--dump-dom", f"{base_url}/_font_probe.html"],
                          capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="result">(.*?)</pre>', done.stdout, re.S)
    assert found and found.group(1) != "pending", done.stderr[-2000:]
    import html as html_lib

    return json.loads(html_lib.unescape(found.group(1)))


def glyph_images(html_dir, base_url, tmp_path, chars, family_css, page=KOREAN_PAGE):
    """One greyscale image per character, drawn 64 px high with the stylesheets of ``page``
    and ``font-family: family_css``."""
    from PIL import Image

    page_text = (Path(html_dir) / page).read_text(encoding="utf-8")
    prefix = "/" + str(Path(page).parent) + "/"
    tags = re.findall(r"<link\b[^>]*>", page_text)
    hrefs = [re.search(r'href="([^"]+)"', tag).group(1) for tag in tags if 'rel="stylesheet"' in tag]
    links = "".join(f'<link rel="stylesheet" href="{prefix}{href}">' for href in hrefs)
    cells = "".join(f'<div style="left:{110 * i}px;top:0;font-family:{family_css}">{c}</div>'
                    for i, c in enumerate(chars))
    probe = Path(html_dir) / "_glyph_probe.html"
    probe.write_text(_GLYPH_PROBE.format(links=links, cells=cells), encoding="utf-8")
    tmp_path.mkdir(parents=True, exist_ok=True)
    shot = tmp_path / "glyphs.png"
    subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'glyph'}",
                    f"--screenshot={shot}", f"--window-size={110 * len(chars)},400",
                    "--force-device-scale-factor=1", f"{base_url}/_glyph_probe.html"],
                   capture_output=True, timeout=120)
    image = Image.open(shot).convert("L")
    return [image.crop((110 * i, 0, 110 * i + 100, 100)) for i in range(len(chars))]


def _differ(a, b, min_pixels=50):
    """Whether two glyph images differ in at least ``min_pixels`` pixels (by more than 64/255)."""
    return sum(abs(p - q) > 64 for p, q in zip(a.tobytes(), b.tobytes())) >= min_pixels


def _has_system_cjk_font():
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    out = subprocess.run([fc_list, ":lang=ko"], capture_output=True, text=True).stdout
    return bool(out.strip())


@pytest.mark.slow
def test_korean_term_is_set_in_the_shipped_font(html, server, tmp_path):
    """The computed font of a Korean term starts with the shipped family, and the face that
    covers its first syllable was loaded from the build (not a system font)."""
    report = korean_font_report(html, server, tmp_path)
    assert report.get("family", "").replace('"', "").startswith(KOREAN_FAMILY), report
    assert any(_in_ranges(KOREAN_TERM[0], r) for r in report["loaded"]), report
    assert (html / "_static" / "korean-font" / "korean-font.css").is_file()


@pytest.mark.slow
def test_korean_glyphs_are_not_boxes(html, server, tmp_path):
    """Three different syllables give three different pictures in the book's font; the same
    three in a font without Hangul give identical boxes here (so the comparison can fail)."""
    chars = list(KOREAN_TERM)
    shipped = glyph_images(html, server, tmp_path, chars, "var(--pst-font-family-base)")
    assert all(_differ(shipped[i], shipped[j]) for i, j in [(0, 1), (0, 2), (1, 2)])
    assert all(sum(p < 128 for p in img.tobytes()) > 100 for img in shipped), "blank glyphs"
    if not _has_system_cjk_font():
        boxes = glyph_images(html, server, tmp_path / "control", chars, "'DejaVu Sans', serif")
        assert not any(_differ(boxes[i], boxes[j]) for i, j in [(0, 1), (0, 2), (1, 2)])


def _ext_module(name):
    """The book's own Sphinx extension ``_ext/<name>.py``, loaded as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _korean_font_module():
    return _ext_module("korean_font")


def test_korean_font_subset_keeps_only_the_books_characters():
    kf = _korean_font_module()
    css = ("@font-face { src: url(./files/a.woff2) format('woff2'); unicode-range: U+AC00-AC0F,U+D569; }\n"
           "@font-face { src: url(./files/b.woff2) format('woff2'); unicode-range: U+C131; }\n"
           "@font-face { src: url(./files/latin.woff2) format('woff2'); unicode-range: U+0000-00FF; }\n")
    faces = kf.parse_faces(css)
    assert [name for name, _ in faces] == ["a.woff2", "b.woff2", "latin.woff2"]
    chars = kf.korean_chars("합성 convolution (합성곱)")      # Latin letters are not Korean
    assert chars == {ord("합"), ord("성"), ord("곱")}
    text, files = kf.subset_css(faces, chars)
    assert files == ["a.woff2", "b.woff2"]                  # 곱 is in neither face: no file for it
    assert "unicode-range: U+D569;" in text and "unicode-range: U+C131;" in text
    assert "U+AC00" not in text and "latin" not in text


def test_korean_font_missing_package_is_a_clear_build_error(tmp_path):
    from types import SimpleNamespace

    from sphinx.errors import ExtensionError

    kf = _korean_font_module()
    app = SimpleNamespace(srcdir=str(tmp_path), outdir=str(tmp_path / "out"))
    with pytest.raises(ExtensionError, match="npm ci"):
        kf._write_subset(app)
    (tmp_path / "book.md").write_text("# 합성곱\n", encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    kf._write_subset(app)
    css = (tmp_path / "out" / "_static" / "korean-font" / "korean-font.css").read_text()
    assert css.count("@font-face") == len(list((tmp_path / "out" / "_static" / "korean-font").glob("*.woff2")))
    assert "U+D569" in css


_FIT_PROBE = """<!doctype html><meta charset="utf-8">
<iframe id="page" src="{page}" style="width:1280px;height:900px"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById("page").addEventListener("load", async () => {{
  const win = document.getElementById("page").contentWindow, doc = win.document;
  await new Promise(done => setTimeout(done, 3000));   // MathJax typesets, fit-math.js runs
  const pre = doc.querySelector("div.cell_input pre"), style = win.getComputedStyle(pre);
  const probe = doc.createElement("span");
  probe.textContent = "x".repeat(100);
  pre.appendChild(probe);
  const charWidth = probe.getBoundingClientRect().width / 100;
  probe.remove();
  const inner = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const maths = [...doc.querySelectorAll('mjx-container[display="true"]')];
  document.getElementById("result").textContent = JSON.stringify({{
    columns: inner / charWidth, equations: maths.length,
    too_wide: maths.filter(m => m.firstElementChild &&
      m.firstElementChild.getBoundingClientRect().width > m.clientWidth + 1).length}});
}});
</script>"""


@pytest.mark.slow
@pytest.mark.parametrize("page", ["chapters/05_backprop/05_backprop.html", "chapters/10_cnn/10_cnn.html",
                                  "chapters/12_lstm/12_lstm.html"])
def test_code_and_equations_fit_the_column(html, server, tmp_path, page):
    """At a 1280-pixel window a code block shows CODE_LINE_LIMIT characters, and no display
    equation is wider than the column once fit-math.js has run."""
    import html as html_lib
    import json

    (html / "_fit_probe.html").write_text(_FIT_PROBE.format(page=page), encoding="utf-8")
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path}", "--dump-dom",
                           f"{server}/_fit_probe.html"], capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="result">(.*?)</pre>', done.stdout, re.S)
    assert found and found.group(1) != "pending", done.stderr[-2000:]
    report = json.loads(html_lib.unescape(found.group(1)))
    assert report["columns"] >= CODE_LINE_LIMIT, report
    assert report["equations"] > 0 and report["too_wide"] == 0, report


def hangul_in_math(text):
    """Math spans ($...$, $$...$$) of a MyST source that contain Hangul: MathJax sizes their
    text before any web font loads and draws it blank, so Korean belongs in the prose."""
    spans = re.finditer(r"\$\$(.*?)\$\$|\$([^$\n]+)\$", text, re.S)
    return [m.group(0)[:60] for m in spans if re.search("[\uac00-\ud7af]", m.group(0))]


def test_no_korean_inside_formulas():
    found = {p.name: spans for p in [*CHAPTER_SOURCES, ROOT / "intro.md"] if (spans := hangul_in_math(p.read_text()))}
    assert not found, found
    assert hangul_in_math(r"$$\text{forget gate (망각 게이트)}$$") and not hangul_in_math("망각 게이트 $f_t$")


# --- offline: no script, stylesheet or font from the network; the progress bars still draw ----

NETWORK = r"""(?:https?:)?//"""


def network_assets(page_html):
    """Network URLs a page loads as a script (``src``), a stylesheet (``<link rel=stylesheet>``,
    ``@import``) or a font (``url()`` of an ``@font-face``, ``<link rel=preload as=font>``)."""
    found = re.findall(rf"""<script\b[^>]*\bsrc\s*=\s*["']?({NETWORK}[^"'\s>]+)""", page_html, re.I)
    for tag in re.findall(r"<link\b[^>]*>", page_html, re.I):
        href = re.search(rf"""\bhref\s*=\s*["']?({NETWORK}[^"'\s>]+)""", tag, re.I)
        if href and re.search(r"""\brel\s*=\s*["']?[^"'>]*\b(stylesheet|preload)\b""", tag, re.I):
            found.append(href.group(1))
    found += re.findall(rf"""@import\s+(?:url\()?\s*["']?({NETWORK}[^"')\s;]+)""", page_html, re.I)
    for face in re.findall(r"@font-face\s*\{[^}]*\}", page_html, re.I):
        found += re.findall(rf"""url\(\s*["']?({NETWORK}[^"')\s]+)""", face, re.I)
    return found


def test_network_asset_check_catches_cdn_scripts_styles_and_fonts():
    local = ('<script src="_static/widgets/require.js"></script><link rel="stylesheet" href="_static/a.css">'
             '<a href="https://example.org/paper.pdf">a cited paper</a>'
             "<style>@font-face{font-family:X;src:url(./x.woff2)}</style>")
    assert network_assets(local) == []
    planted = {
        '<script src="https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/dist/embed-amd.js">'
        "</script>": "https://cdn.jsdelivr.net",
        "<script async src='//cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js'></script>":
            "//cdnjs",
        '<link href="https://fonts.googleapis.com/css?family=Roboto" rel="stylesheet">': "fonts.googleapis",
        "<style>@import url('https://fonts.googleapis.com/css');</style>": "fonts.googleapis",
        "<style>@font-face{font-family:X;src:url(https://fonts.gstatic.com/x.woff2)}</style>": "gstatic",
    }
    for snippet, host in planted.items():
        found = network_assets(local + snippet)
        assert len(found) == 1 and host in found[0], (snippet, found)


def built_pages_and_styles(html):
    """Every page of both editions (html/ko inside html) and every stylesheet the build ships."""
    return sorted(html.rglob("*.html")) + sorted((html / "_static").rglob("*.css")) + \
        sorted((html / "ko" / "_static").rglob("*.css"))


@pytest.mark.slow
def test_no_page_of_either_edition_loads_assets_from_the_network(html, tmp_path):
    files = built_pages_and_styles(html)
    assert any("ko" in f.relative_to(html).parts[:1] for f in files), "the Korean edition was not built"
    found = {str(f.relative_to(html)): urls for f in files
             if (urls := network_assets(f.read_text(encoding="utf-8", errors="replace")))}
    assert not found, found
    # Two-sided on a real page: a copy of a widget chapter with myst-nb's default CDN script is caught.
    page = widget_pages(html)[0]
    text = page.read_text(encoding="utf-8")
    planted = re.sub(r'<script src="[./]*_static/widgets/require\.js',
                     lambda m: '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js'
                               '"></script>\n' + m.group(0), text, count=1)
    assert planted != text and network_assets(planted) == [
        "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js"]


def widget_pages(html):
    """Built pages that hold ipywidgets state (a tqdm bar's final state), English first."""
    return sorted((p for p in html.rglob("*.html") if "application/vnd.jupyter.widget-state+json" in
                   p.read_text(encoding="utf-8", errors="replace")), key=lambda p: ("ko" in p.parts, str(p)))


def _widgets_offline_module():
    return _ext_module("widgets_offline")


def test_widget_scripts_config_is_local_and_bundles_the_bars_modules():
    module = _widgets_offline_module()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["nb_ipywidgets_js"]
    assert config and module.network_urls(config) == []
    from myst_nb.core.config import ipywidgets_js_factory

    assert len(module.network_urls(ipywidgets_js_factory())) == 3   # myst-nb's default: two CDNs + cdn attr
    tqdm_state = {"state": {"a": {"model_module": "@jupyter-widgets/controls"},
                            "b": {"model_module": "@jupyter-widgets/base"}}}
    assert module.unbundled_modules(tqdm_state) == []
    tqdm_state["state"]["c"] = {"model_module": "bqplot"}
    assert module.unbundled_modules(tqdm_state) == ["bqplot"]


def test_widget_scripts_missing_package_or_cdn_config_is_a_clear_build_error(tmp_path):
    from types import SimpleNamespace

    from sphinx.errors import ExtensionError

    module = _widgets_offline_module()
    html_builder = SimpleNamespace(format="html")
    app = SimpleNamespace(srcdir=str(tmp_path), outdir=str(tmp_path / "out"), builder=html_builder,
                          config=SimpleNamespace(nb_ipywidgets_js={"widgets/require.js": {}}))
    with pytest.raises(ExtensionError, match="npm ci"):
        module._on_builder_inited(app)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    module._on_builder_inited(app)
    assert (tmp_path / "out/_static/widgets/embed-amd.js").stat().st_size > 1_000_000
    app.config.nb_ipywidgets_js = {"https://cdn.jsdelivr.net/npm/x/embed-amd.js": {}}
    with pytest.raises(ExtensionError, match="network"):
        module._on_builder_inited(app)


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["en", "ko"])
def test_progress_bars_render_offline_in_a_browser(html, server, tmp_path, edition):
    """The network is closed here: the bar is drawn only if require.js and embed-amd.js come
    from the build (myst-nb's CDN defaults drew nothing)."""
    pages = [p for p in widget_pages(html) if ("ko" in p.relative_to(html).parts[:1]) == (edition == "ko")]
    assert pages, f"no {edition} page has a progress bar"
    url = f"{server}/{pages[0].relative_to(html).as_posix()}"
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path}", "--dump-dom", url],
                          capture_output=True, text=True, timeout=120)
    dom = done.stdout
    assert "jupyter-widgets" in dom and "widget-hprogress" in dom, (url, done.stderr[-2000:])
    assert "100%" in re.sub(r"<script\b.*?</script>", "", dom, flags=re.S), url    # the final state
