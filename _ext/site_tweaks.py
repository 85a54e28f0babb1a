"""Sphinx extension with the website's small fixes (listed in _config.yml, local_extensions).

1. Offline MathJax. `make book` and `make test` vendor MathJax 3 into
   ``_build/vendor/mathjax`` (``npm pack mathjax@3``; the Makefile's ``mathjax`` target).
   When that folder exists, ``_build/vendor`` joins ``html_static_path`` and ``mathjax_path``
   points at ``_static/mathjax/tex-chtml.js``: the built site typesets math with no
   internet (as the browser tests need) and keeps doing so when it is published. Without
   the folder the build keeps Sphinx's default CDN MathJax.
2. No duplicate inline scripts. sphinx-thebe registers its ``const THEBE_JS_URL = ...``
   snippet twice in this Jupyter Book version, which throws "Identifier 'THEBE_JS_URL' has
   already been declared" in every page's console; identical scripts are kept once.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

VENDOR_DIR = Path("_build") / "vendor"
ENTRY = "mathjax/tex-chtml.js"


def _use_vendored_mathjax(app, config) -> None:
    vendor = Path(app.srcdir) / VENDOR_DIR
    if (vendor / ENTRY).is_file():
        config.html_static_path = list(config.html_static_path) + [str(vendor)]
        config.mathjax_path = ENTRY
        logger.info("site_tweaks: serving MathJax from _static/%s", ENTRY)
    else:
        logger.info("site_tweaks: %s not found; using the CDN MathJax", vendor / ENTRY)


def _script_key(js) -> tuple:
    attrs = getattr(js, "attributes", {}) or {}
    # An inline script's filename is None or '' depending on who registered it.
    return (getattr(js, "filename", None) or "", tuple(sorted((k, str(v)) for k, v in attrs.items())))


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        key = _script_key(js)
        if key in seen:
            continue
        seen.add(key)
        kept.append(js)
    if len(kept) != len(scripts):
        scripts[:] = kept  # in place: it is the builder's list, later handlers may add to it


def setup(app):
    app.connect("config-inited", _use_vendored_mathjax)
    app.connect("html-page-context", _dedupe_scripts, priority=999)  # after the others add scripts
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
