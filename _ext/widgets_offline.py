"""Sphinx extension: the scripts that draw the progress bars, served by the build, never a CDN.

A chapter's tqdm bar is an ipywidgets widget; myst-nb stores its final state in the page and,
by default, loads require.js from cdnjs and ``@jupyter-widgets/html-manager``'s ``embed-amd.js``
from jsdelivr to draw it (``nb_ipywidgets_js``). Offline those never arrive and the bars show
nothing. Both scripts come from npm packages instead (``requirejs`` and
``@jupyter-widgets/html-manager``, pinned in package.json / package-lock.json, installed into
``node_modules/`` by ``npm ci``, which ``make book`` runs). At build time this extension copies
them into ``_static/widgets/`` (with the icon fonts the embedder's stylesheet points at, so
nothing 404s), and ``_config.yml`` points ``nb_ipywidgets_js`` at those copies.

html-manager's embedder bundles ``@jupyter-widgets/base``, ``controls`` and ``output``, the only
modules tqdm's widgets use; any other widget module it would fetch from the URL of the
``data-jupyter-widgets-cdn`` attribute (jsdelivr by default). So the build fails when
``nb_ipywidgets_js`` names a network URL, or when a page's widget state names a module that
is not bundled (it could not be drawn offline).
"""

import json
import re
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

OUT_DIR = "widgets"                     # below _static/ of the built site
MANAGER = Path("node_modules") / "@jupyter-widgets" / "html-manager"
# (package folder, file inside it, name in _static/widgets/)
SCRIPTS = [(Path("node_modules") / "requirejs", "require.js", "require.js"),
           (MANAGER, "dist/embed-amd.js", "embed-amd.js")]
# Modules that embed-amd.js carries itself (html-manager's loadClass), never fetched.
BUNDLED = {"@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/output"}
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# A global ``require`` object set before require.js loads is its configuration. embed-amd.js
# takes webpack's public path (where its icon fonts are) from the URL requirejs gives the module
# ``@jupyter-widgets/html-manager/dist/libembed-amd``: by default a folder below the page (404).
REQUIRE_CONFIG_JS = (
    "// Written by _ext/widgets_offline.py: requirejs maps html-manager's modules to this folder,\n"
    "// so embed-amd.js finds its icon fonts here (_static/widgets/), not below the page.\n"
    "var require = {paths: {'@jupyter-widgets/html-manager/dist':\n"
    "  new URL('.', document.currentScript.src).href.replace(/\\/$/, '')}};\n")


def network_urls(js_files):
    """The keys of an ``nb_ipywidgets_js`` mapping, or values of its attributes, that are network URLs."""
    found = []
    for path, attrs in js_files.items():
        found += [v for v in [path, *attrs.values()] if re.match(r"(?i)\s*(https?:)?//", str(v))]
    return found


def unbundled_modules(state):
    """Sorted widget modules of a notebook's widget state (``metadata.widgets[WIDGET_STATE]``)
    that embed-amd.js does not carry."""
    models = (state or {}).get("state", {}).values()
    return sorted({m.get("model_module", "") for m in models} - BUNDLED - {""})


def _copy_scripts(app):
    out = Path(app.outdir) / "_static" / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for package, inner, name in SCRIPTS:
        src = Path(app.srcdir) / package / inner
        if not src.is_file():
            raise ExtensionError(f"the widget scripts are not installed ({package / inner} is missing): "
                                 "run `npm ci` in the book's folder (make book does)")
        shutil.copyfile(src, out / name)
    # The icon fonts of the embedder's stylesheet; require-config.js (loaded first) points the
    # embedder at this folder for them.
    for font in (Path(app.srcdir) / MANAGER / "dist").iterdir():
        if font.suffix in {".woff2", ".woff"}:
            shutil.copyfile(font, out / font.name)
    (out / "require-config.js").write_text(REQUIRE_CONFIG_JS)
    (out / "NOTICE.txt").write_text(
        "require.js: npm package requirejs (MIT). embed-amd.js and the icon fonts: npm package "
        "@jupyter-widgets/html-manager (BSD-3-Clause; bundles Font Awesome Free, OFL-1.1 fonts).\n"
        "Versions: see package-lock.json of the book's sources.\n")


def _on_builder_inited(app):
    js_files = app.config.nb_ipywidgets_js
    urls = network_urls(js_files)
    if urls:
        raise ExtensionError(f"nb_ipywidgets_js loads from the network ({', '.join(urls)}): "
                             f"point it at _static/{OUT_DIR}/ (see _config.yml)")
    if app.builder.format == "html":
        _copy_scripts(app)


def _on_page_context(app, pagename, templatename, context, doctree):
    """A page whose widgets need a module that is not bundled fails the build (CDN at read time)."""
    js_files = getattr(app.env, "nb_metadata", {}).get(pagename, {}).get("js_files", {})
    _, attrs = js_files.get("ipywidgets_state", (None, {}))
    missing = unbundled_modules(json.loads(attrs["body"])) if attrs.get("body") else []
    if missing:
        raise ExtensionError(f"{pagename}: widgets of {', '.join(missing)} are not bundled in "
                             "embed-amd.js and would load from a CDN when the page is read")


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
