"""Sphinx extension: a link on every page to the same page in the other edition of the book.

The English book is built into ``_build/html`` and the Korean one into ``_build/html/ko``
(see ``_ext/build_korean.py``). A page ``P.md`` has its Korean twin ``P.ko.md`` in the same
folder, so the English page ``P.html`` and the Korean page ``ko/P.ko.html`` name each other.
The link is relative (it works from ``file://`` and under any server path) and is added only
where the twin exists: a page that is not translated yet links nowhere rather than to a 404.

The link goes at the top of the article body and as ``<link rel="alternate" hreflang>`` in
the page head, so search engines and the tests find it the same way.

In the Korean build, a ``{doc}`` to a Korean page that does not exist yet (``P.ko`` with no
``P.ko.md``) but whose English page does is resolved to the English page (a relative link
into the English site, marked ``english-only``) instead of a dangling reference: pages are
translated one by one, and a link starts pointing at the Korean page once it exists.
"""

from pathlib import Path

KO_SUFFIX = ".ko"      # docname suffix of a Korean page: chapters/glossary.ko
KO_DIR = "ko"          # the Korean site's folder below the English one
LABEL = {"ko": "한국어", "en": "English"}
TITLE = {"ko": "이 쪽의 한국어판", "en": "This page in English"}


def twin_href(docname, korean):
    """Relative URL from the page ``docname`` to its twin in the other edition.

    ``docname`` is a Sphinx docname without suffix (``chapters/05_backprop/05_backprop`` or,
    in the Korean build, ``chapters/05_backprop/05_backprop.ko``); ``korean`` says which
    edition ``docname`` belongs to.
    """
    depth = docname.count("/")
    if korean:
        return "../" * (depth + 1) + docname.removesuffix(KO_SUFFIX) + ".html"
    return "../" * depth + f"{KO_DIR}/{docname}{KO_SUFFIX}.html"


def twin_source(srcdir, docname, korean):
    """The twin's Markdown source, or None when the other edition has no such page."""
    if korean:
        if not docname.endswith(KO_SUFFIX):
            return None
        path = Path(srcdir) / (docname.removesuffix(KO_SUFFIX) + ".md")
    else:
        path = Path(srcdir) / (docname + KO_SUFFIX + ".md")
    return path if path.is_file() else None


def _on_page_context(app, pagename, templatename, context, doctree):
    if doctree is None or "body" not in context:
        return
    korean = (app.config.language or "").startswith("ko")
    if twin_source(app.srcdir, pagename, korean) is None:
        return
    other = "en" if korean else "ko"
    href = twin_href(pagename, korean)
    link = (f'<nav class="language-switch" aria-label="{TITLE[other]}">'
            f'<a class="language-switch-link" href="{href}" hreflang="{other}" lang="{other}" '
            f'title="{TITLE[other]}">{LABEL[other]}</a></nav>\n')
    context["body"] = link + context["body"]
    context["metatags"] = (context.get("metatags", "")
                           + f'\n<link rel="alternate" hreflang="{other}" href="{href}" />')


def _on_missing_reference(app, env, node, contnode):
    """Korean build: resolve ``{doc}`P.ko``` to the English ``P.html`` while P.ko.md is missing."""
    if node.get("reftype") != "doc" or not (app.config.language or "").startswith("ko"):
        return None
    from docutils import nodes
    from sphinx.util import docname_join

    refdoc = node.get("refdoc", "")
    target = docname_join(refdoc, node["reftarget"])
    if not target.endswith(KO_SUFFIX) or not (Path(app.srcdir) / (target.removesuffix(KO_SUFFIX) + ".md")).is_file():
        return None
    href = "../" * (refdoc.count("/") + 1) + target.removesuffix(KO_SUFFIX) + ".html"
    ref = nodes.reference("", "", internal=False, refuri=href, reftitle="영어판 (아직 번역되지 않은 쪽)",
                          classes=["english-only"])
    ref += contnode
    return ref


def setup(app):
    app.connect("html-page-context", _on_page_context)
    app.connect("missing-reference", _on_missing_reference)
    app.add_css_file("language-switch.css")
    app.connect("builder-inited", _write_css)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


CSS = """/* The link to the other edition of the book (_ext/language_switch.py). */
nav.language-switch { float: right; margin: 0 0 0.5em 1em; font-size: 0.9em; }
nav.language-switch a { border: 1px solid var(--pst-color-border, #ccc); border-radius: 4px;
                        padding: 0.15em 0.6em; text-decoration: none; }
"""


def _write_css(app):
    if app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        (static / "language-switch.css").write_text(CSS)
