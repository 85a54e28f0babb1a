"""Reference pages and links.

Source checks (no build needed): the glossary defines exactly the book's terms, every
{term} and {cite} role in the chapters resolves, the TOC lists the reference pages.
Site checks (``@pytest.mark.site``, after the build): every local link, image and script
of every built page resolves, anchors included, and no page was left out of the build.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

# The terms the chapters rely on: the glossary must keep defining these (it may define more).
CORE_TERMS = {
    "feature", "superposition", "polysemantic", "monosemantic", "privileged basis", "neuron",
    "antipodal pair", "sparsity", "density", "importance", "interference",
    "feature dimensionality", "dimensions per feature", "linear representation hypothesis",
    "phase change", "toy model", "hidden dimension", "feature benefit", "uniform superposition",
    "polytope", "correlated features",
}
REQUIRED_CITATIONS = {"elhage2022superposition", "mikolov2013linguistic", "saxe2014exact"}


def _glossary_terms() -> list[str]:
    text = (ROOT / "book" / "glossary.md").read_text()
    m = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert m, "book/glossary.md must hold a ```{glossary} directive"
    return [ln.strip() for ln in m[1].splitlines() if ln.strip() and not ln.startswith((" ", "\t", ":"))]


def _sources() -> list[tuple[str, str]]:
    """(name, markdown text) of every chapter notebook's markdown cells and every book/*.md."""
    out = []
    for nb_path in sorted((ROOT / "book").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        out.append((nb_path.name, "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")))
    for md in sorted((ROOT / "book").glob("*.md")):
        out.append((md.name, md.read_text()))
    return out


def _role_targets(role_regex: str, text: str) -> list[str]:
    targets = []
    for body in re.findall(role_regex, text):
        m = re.fullmatch(r"(?s).*<([^<>]+)>\s*", body)
        targets.append((m[1] if m else body).strip())
    return targets


GLOSSARY_TERMS = set(_glossary_terms())


def test_glossary_defines_the_book_terms_once_in_order():
    terms = _glossary_terms()
    assert len(terms) == len(set(terms)), f"duplicate glossary entries: {terms}"
    assert CORE_TERMS <= set(terms), f"the glossary lost terms the chapters rely on: {sorted(CORE_TERMS - set(terms))}"
    assert terms == sorted(terms, key=str.lower), "keep the glossary in alphabetical order"


def test_every_term_role_is_defined():
    undefined = []
    for name, text in _sources():
        for target in _role_targets(r"\{term\}`([^`]+)`", text):
            if target not in GLOSSARY_TERMS:
                undefined.append(f"{name}: {{term}}`{target}`")
    assert not undefined, "undefined glossary terms:\n" + "\n".join(undefined)


def test_chapters_link_the_glossary():
    """Every chapter notebook links at least one glossary term."""
    missing = [name for name, text in _sources() if name.endswith(".ipynb") and "{term}`" not in text]
    assert not missing, f"chapters without any {{term}} link: {missing}"


def _bib_keys() -> set[str]:
    return set(re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", (ROOT / "references.bib").read_text()))


def test_references_bib_has_the_required_works():
    assert REQUIRED_CITATIONS <= _bib_keys()


def test_every_citation_resolves():
    keys, missing = _bib_keys(), []
    for name, text in _sources():
        for body in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
            missing += [f"{name}: {k.strip()}" for k in body.split(",") if k.strip() not in keys]
    assert not missing, "citations not in references.bib:\n" + "\n".join(missing)


def test_toc_has_glossary_then_references():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    assert "book/glossary" in files and "book/references" in files
    assert files.index("book/glossary") < files.index("book/references")
    for nb_path in (ROOT / "book").glob("*.ipynb"):
        assert f"book/{nb_path.stem}" in files, f"{nb_path.name} is not in _toc.yml"


# ---------------------------------------------------------------- the built site


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("preconnect", "dns-prefetch")):
                self.refs.append((tag, a[key]))


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(errors="replace"))
    return p


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not any(part.startswith("_") for part in p.relative_to(site).parts))


@pytest.mark.site
def test_every_toc_entry_was_built(site_dir):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    missing = [f for f in files if not (site_dir / f"{f}.html").is_file()]
    assert not missing, f"TOC entries without a built page: {missing}"


@pytest.mark.site
def test_no_broken_local_links(site_dir):
    pages = _pages(site_dir)
    assert pages
    parsed: dict[Path, _Links] = {}
    broken = []
    for page in pages:
        links = parsed.setdefault(page, _parse(page))
        for tag, ref in links.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("//", "data:", "mailto:", "javascript:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site_dir)}: <{tag}> {ref} -> missing {target}")
                continue
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html":
                ids = parsed.setdefault(target, _parse(target)).ids
                if frag not in ids:
                    broken.append(f"{page.relative_to(site_dir)}: <{tag}> {ref} -> no id {frag!r}")
    assert not broken, "broken local links:\n" + "\n".join(broken)


@pytest.mark.site
def test_glossary_terms_are_linked_from_chapters(site_dir):
    glossary = _parse(site_dir / "book" / "glossary.html")
    term_ids = {i for i in glossary.ids if i.startswith("term-")}
    assert len(term_ids) == len(GLOSSARY_TERMS), sorted(term_ids)
    for nb_path in sorted((ROOT / "book").glob("*.ipynb")):
        page = site_dir / "book" / f"{nb_path.stem}.html"
        assert page.is_file(), f"{nb_path.name} has no built page"
        html = page.read_text()
        assert re.search(r'href="glossary\.html#term-[^"]+"', html), f"{nb_path.stem}.html links no glossary term"
