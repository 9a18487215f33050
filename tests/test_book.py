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

from conftest import ROOT

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


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    """Build the book (all chapters executed) and return its html folder."""
    out = tmp_path_factory.mktemp("book")
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run([str(Path(bin_dir) / "jupyter-book"), "build", str(ROOT), "--path-output", str(out),
                           "--warningiserror", "--keep-going"], capture_output=True, text=True,
                          env={"PATH": bin_dir + ":/usr/bin:/bin", "HOME": str(out)})
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    return out / "_build" / "html"


@pytest.mark.slow
def test_every_page_is_built(html):
    for page in toc_files():
        assert (html / f"{page}.html").is_file(), page


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


def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "chromium is required (make test installs it: apt-get install chromium)"
    return exe


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
