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
4. The book's own styles and script (``_ext/static``): printed outputs and code wrap in the
   column, wide display math scrolls in its own box, HTML outputs and the live-explorer note
   follow the dark theme, every figure opens at full size on click, tap or Enter, math in
   search-result snippets is typeset (MathJax is loaded on the search page too); the favicon.
5. Solutions. A code cell tagged ``solution`` collapses behind "Show solution" (not the
   generic "Show code cell source" of the setup cell), and its ``# BEGIN SOLUTION`` /
   ``# END SOLUTION`` marker lines are not shown.
6. Student copies. After a successful build every chapter with exercises has its student
   copy (``toymodels_lib.coursework.student_notebook``: solutions replaced by
   ``NotImplementedError(hint)``) at ``_static/student/<chapter>.ipynb``; the chapter's page
   opens with a box linking that download, the copy in the repository's ``student/``
   folder on Colab, and the same on Binder (``make student`` writes ``student/``; a test
   keeps it equal to what the chapters give).
7. The ``tm-explorer`` directive puts the live explorer that trains the 5-in-2 model in the
   reader's browser (``toymodels_lib.widgets.browser_explorer``) on a Markdown page (the
   intro's opening figure), with options ``n``, ``density``, ``decay``, ``seeds``,
   ``steps``, ``title`` and ``id``.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

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


STATIC_DIR = Path(__file__).resolve().parent / "static"
STUDENT_DIR = "student"  # in the repository (Colab, Binder) and under _static/ on the site
_MARKER = re.compile(r"^\s*# (BEGIN|END) SOLUTION\s*$")


def _add_static(app, config) -> None:
    config.html_static_path = list(config.html_static_path) + [str(STATIC_DIR)]
    if not config.html_favicon:
        config.html_favicon = str(STATIC_DIR / "favicon.svg")


def _without_markers(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not _MARKER.match(line))


class DescribeFigures(SphinxPostTransform):
    """Figures in cell outputs get an alt text that says where they are ("Figure 2 of the
    section 'Adding a ReLU…'") instead of their file name."""

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs) -> None:
        counts: dict[str, int] = {}
        for image in self.document.findall(nodes.image):
            alt = image.get("alt", "")
            if alt and not alt.endswith((".png", ".jpg", ".svg")):
                continue
            section = next((a for a in _ancestors(image) if isinstance(a, nodes.section)), None)
            title = section.next_node(nodes.title).astext() if section is not None else "this page"
            counts[title] = counts.get(title, 0) + 1
            image["alt"] = f"Figure {counts[title]} of the section \u201c{title}\u201d (select it to enlarge)"


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


class LabelSolutions(SphinxPostTransform):
    """Solution cells: "Show solution"/"Hide solution", and no BEGIN/END marker lines.

    Runs before myst-nb's ``HideInputCells`` (priority 199), which builds the toggle from the
    cell's ``prompt_show``/``prompt_hide``."""

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for node in self.document.findall(nodes.container):
            if node.get("nb_element") != "cell_code" or "tag_solution" not in node.get("classes", []):
                continue
            if node.get("hide_mode"):
                node["prompt_show"] = "Show solution"
                node["prompt_hide"] = "Hide solution"
            for block in node.findall(nodes.literal_block):
                text = block.astext()
                if _MARKER.search(text) or any(_MARKER.match(x) for x in text.split("\n")):
                    clean = _without_markers(text)
                    block.children = [nodes.Text(clean)]
                    block.rawsource = clean


def _notebook_source(app, pagename: str) -> Path | None:
    path = Path(app.srcdir) / f"{pagename}.ipynb"
    return path if path.is_file() else None


def _has_exercises(path: Path) -> bool:
    return '"solution"' in path.read_text(encoding="utf-8")


def _repo_parts(app) -> tuple[str | None, str]:
    options = app.config.html_theme_options or {}
    url = (options.get("repository_url") or "").rstrip("/")
    return (url or None), options.get("repository_branch") or "main"


def student_links(app, pagename: str) -> dict[str, str] | None:
    """The student copy's links for a chapter page: download (relative), Colab and Binder."""
    path = _notebook_source(app, pagename)
    if path is None or not _has_exercises(path):
        return None
    depth = pagename.count("/")
    links = {"download": "../" * depth + f"_static/{STUDENT_DIR}/{path.name}"}
    repo, branch = _repo_parts(app)
    if repo and repo.startswith("https://github.com/"):
        slug = repo[len("https://github.com/"):]
        links["colab"] = f"https://colab.research.google.com/github/{slug}/blob/{branch}/{STUDENT_DIR}/{path.name}"
        links["binder"] = f"https://mybinder.org/v2/gh/{slug}/{branch}?urlpath=tree/{STUDENT_DIR}/{path.name}"
    return links


def _student_box(links: dict[str, str]) -> str:
    esc = html.escape
    parts = [f'<a class="tm-student-download" href="{esc(links["download"])}" download>download it (.ipynb)</a>']
    if "colab" in links:
        parts.append(f'<a class="tm-student-colab" href="{esc(links["colab"])}">open it in Colab</a>')
    if "binder" in links:
        parts.append(f'<a class="tm-student-binder" href="{esc(links["binder"])}">open it on Binder</a>')
    return (
        '<div class="admonition tip tm-student-copy"><p class="admonition-title">Doing the exercises?</p>'
        "<p>This page shows the solutions (collapsed). The <strong>student copy</strong> of this chapter "
        "has each solution replaced by a hint that stops the notebook until you write it: "
        + " · ".join(parts)
        + ". The launch buttons at the top open the full version, with the solutions.</p></div>"
    )


def _mathjax_on_search_page(app, pagename, templatename, context, doctree) -> None:
    """The search page quotes raw math in its snippets; load MathJax there so that
    ``tm-site.js`` can typeset them (Sphinx loads it only on pages with math)."""
    if pagename != "search" or not app.config.mathjax_path:
        return
    app.add_js_file(app.config.mathjax_path, priority=800, defer="defer")


def _insert_student_box(app, pagename, templatename, context, doctree) -> None:
    links = student_links(app, pagename)
    body = context.get("body")
    if not links or not body:
        return
    end = body.find("</h1>")
    at = end + len("</h1>") if end >= 0 else 0
    context["body"] = body[:at] + _student_box(links) + body[at:]


def _write_student_copies(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    from toymodels_lib.coursework import student_notebook

    out = Path(app.outdir) / "_static" / STUDENT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for docname in sorted(app.env.found_docs):
        path = _notebook_source(app, docname)
        if path is None or not _has_exercises(path):
            continue
        nb = nbformat.read(str(path), as_version=4)
        nbformat.write(student_notebook(nb, path.name), str(out / path.name))
    logger.info("site_tweaks: student copies in %s", out)


class ExplorerDirective(SphinxDirective):
    """``tm-explorer``: the in-browser live explorer, as raw HTML (the static site runs it)."""

    has_content = False
    option_spec = {
        "n": directives.nonnegative_int,
        "density": float,
        "decay": float,
        "seeds": directives.nonnegative_int,
        "steps": directives.nonnegative_int,
        "title": directives.unchanged,
        "id": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        from toymodels_lib.widgets import browser_explorer

        opts = dict(self.options)
        element_id = opts.pop("id", None)
        try:
            widget = browser_explorer(element_id=element_id, **opts)
        except (TypeError, ValueError) as err:
            raise self.error(f"tm-explorer: {err}") from None
        return [nodes.raw("", widget.html, format="html")]


def setup(app):
    app.add_directive("tm-explorer", ExplorerDirective)
    app.connect("config-inited", _add_static)
    app.add_css_file("tm-site.css")
    app.add_js_file("tm-site.js", defer="defer")
    app.add_post_transform(LabelSolutions)
    app.add_post_transform(DescribeFigures)
    app.connect("html-page-context", _insert_student_box)
    app.connect("html-page-context", _mathjax_on_search_page)
    app.connect("build-finished", _write_student_copies)
    app.connect("config-inited", _use_vendored_mathjax)
    app.connect("config-inited", _add_version_and_licences)
    app.connect("html-page-context", _dedupe_scripts, priority=999)  # after the others add scripts
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
