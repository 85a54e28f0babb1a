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
3. Version and licences. The book's version is ``toymodels_lib.__version__``, read from
   ``toymodels_lib/__init__.py`` without importing the library. Every page's footer
   (sphinx-book-theme's ``extra_footer``) says "Version X · Code MIT · Text and figures
   CC BY 4.0", linking the changelog and the code licence in the repository of
   ``repository.url`` and the CC BY 4.0 licence. The MyST substitutions
   ``{{ book_version }}`` and ``{{ repository_link }}`` give the same version and the
   repository's address to the pages (the intro page's "How to cite").
"""

from __future__ import annotations

import ast
import html
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


CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"
MIT_URL = "https://opensource.org/license/mit"


def book_version(root: str | Path) -> str:
    """``__version__`` of ``root/toymodels_lib/__init__.py``, read without importing it."""
    path = Path(root) / "toymodels_lib" / "__init__.py"
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            version = ast.literal_eval(node.value)
            if isinstance(version, str) and version:
                return version
    raise ValueError(f"{path} does not assign __version__ a string")


def footer_html(version: str, repository_url: str | None = None, branch: str = "main") -> str:
    """The footer line: version (linking the changelog) and both licences."""
    esc = html.escape
    if repository_url:
        blob = f"{repository_url.rstrip('/')}/blob/{branch}"
        version_html = f'<a href="{esc(blob)}/CHANGELOG.md">{esc(version)}</a>'
        mit_url = f"{blob}/LICENSE"
    else:
        version_html, mit_url = esc(version), MIT_URL
    return (
        f'<p class="book-version">Version {version_html} · '
        f'Code <a rel="license" href="{esc(mit_url)}">MIT</a> · '
        f'Text and figures <a rel="license" href="{CC_BY_URL}">CC BY 4.0</a></p>'
    )


def _add_version_and_licences(app, config) -> None:
    version = book_version(app.srcdir)
    options = dict(config.html_theme_options or {})
    repo = options.get("repository_url")
    footer = footer_html(version, repo, options.get("repository_branch") or "main")
    options["extra_footer"] = "\n".join(x for x in (options.get("extra_footer"), footer) if x)
    config.html_theme_options = options
    config.html_context = {**(config.html_context or {}), "book_version": version}
    # The link's text is the full address, for copying into a reference list; its target
    # ends in "/" so that the theme does not shorten the text to "owner/repo" (it shortens
    # GitHub links whose text equals their target).
    link = f"[{repo.rstrip('/')}]({repo.rstrip('/')}/)" if repo else ""
    config.myst_substitutions = {
        **(config.myst_substitutions or {}),
        "book_version": version,
        "repository_link": link,
    }
    logger.info("site_tweaks: book version %s", version)


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
    app.connect("config-inited", _add_version_and_licences)
    app.connect("html-page-context", _dedupe_scripts, priority=999)  # after the others add scripts
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
