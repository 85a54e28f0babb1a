"""Publishing and reuse: one version everywhere, the licences, the citation, `make publish`.

The version's single source is ``__version__`` in ``toymodels_lib/__init__.py``;
``pyproject.toml`` reads it, and ``CITATION.cff``, the newest ``CHANGELOG.md`` entry and the
site's footer (``_ext/site_tweaks.py``) must agree with it. Site checks
(``@pytest.mark.site``) look at the built pages: the footer of every page and the intro
page's "How to cite".
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

import toymodels_lib

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"].get("branch", "main")
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"
PAPER_URL = "https://transformer-circuits.pub/2022/toy_model/index.html"
SEMVER = re.compile(r"\d+\.\d+\.\d+")


def _site_tweaks():
    spec = importlib.util.spec_from_file_location("site_tweaks_under_test", ROOT / "_ext" / "site_tweaks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text())


def _changelog_entries() -> list[tuple[str, str]]:
    """(version, date or note) of every ``## X.Y.Z — ...`` heading, newest first."""
    text = (ROOT / "CHANGELOG.md").read_text()
    return re.findall(r"^## (\d+\.\d+\.\d+) — (.+)$", text, re.M)


VERSION = _site_tweaks().book_version(ROOT)


# ---------------------------------------------------------------- one version


def test_version_is_semver_and_the_library_reports_it():
    assert SEMVER.fullmatch(VERSION), VERSION
    # Under PYTHONPATH=<checkout> (or an install of this checkout) the imported library agrees.
    if Path(toymodels_lib.__file__).resolve().parent == ROOT / "toymodels_lib":
        assert toymodels_lib.__version__ == VERSION


def test_pyproject_reads_the_version_from_the_library():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"], "one source: the version lives in toymodels_lib/__init__.py"
    assert "version" in project["project"].get("dynamic", [])
    attr = project["tool"]["setuptools"]["dynamic"]["version"]
    assert attr == {"attr": "toymodels_lib.__version__"}, attr


def test_citation_cff_has_the_version_title_and_repository():
    cff = _citation()
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == VERSION, f"CITATION.cff says {cff['version']}, toymodels_lib says {VERSION}"
    assert cff["title"] == CONFIG["title"]
    assert cff["repository-code"].rstrip("/") == REPO_URL
    assert cff["license"] == "MIT"
    assert cff["type"] == "software"
    assert {"name": CONFIG["author"]} in cff["authors"]
    assert "CC BY 4.0" in cff["message"] and "LICENSE-CONTENT.md" in cff["message"]
    dt.date.fromisoformat(str(cff["date-released"]))
    paper = [r for r in cff["references"] if r.get("url") == PAPER_URL]
    assert paper, "CITATION.cff must reference the paper"
    assert paper[0]["title"] == "Toy Models of Superposition" and paper[0]["year"] == 2022
    assert paper[0]["authors"][0] == {"family-names": "Elhage", "given-names": "Nelson"}
    assert len(paper[0]["authors"]) == 16


def test_changelog_newest_entry_is_this_version():
    entries = _changelog_entries()
    assert entries, "CHANGELOG.md needs '## X.Y.Z — YYYY-MM-DD' headings"
    newest, when = entries[0]
    assert newest == VERSION, f"the newest CHANGELOG.md entry is {newest}, the library is {VERSION}"
    versions = [tuple(map(int, v.split("."))) for v, _ in entries]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert when.split()[0] == str(_citation()["date-released"]), (
        "CITATION.cff's date-released must be the date of this version's CHANGELOG.md entry"
    )


# ---------------------------------------------------------------- the footer (as configured)


def _configured(theme_options: dict, substitutions: dict | None = None):
    """Run site_tweaks' config-inited handler on a stand-in Sphinx config."""
    tweaks = _site_tweaks()
    config = SimpleNamespace(
        html_theme_options=dict(theme_options), html_context={"default_mode": "auto"},
        myst_substitutions=dict(substitutions or {}),
    )
    tweaks._add_version_and_licences(SimpleNamespace(srcdir=str(ROOT)), config)
    return config


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


def test_footer_shows_version_and_both_licences():
    config = _configured({"repository_url": REPO_URL, "repository_branch": BRANCH})
    footer = config.html_theme_options["extra_footer"]
    assert _text(footer) == f"Version {VERSION} · Code MIT · Text and figures CC BY 4.0"
    links = dict(re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', footer))
    assert links == {
        f"{REPO_URL}/blob/{BRANCH}/CHANGELOG.md": VERSION,
        f"{REPO_URL}/blob/{BRANCH}/LICENSE": "MIT",
        CC_BY_URL: "CC BY 4.0",
    }
    assert config.html_context == {"default_mode": "auto", "book_version": VERSION}
    assert config.myst_substitutions == {"book_version": VERSION, "repository_link": f"[{REPO_URL}]({REPO_URL}/)"}


def test_footer_keeps_a_configured_extra_footer_and_works_without_a_repository():
    config = _configured({"extra_footer": "<p>kept</p>"}, {"other": "x"})
    footer = config.html_theme_options["extra_footer"]
    assert footer.startswith("<p>kept</p>") and f"Version {VERSION}" in footer
    assert "https://opensource.org/license/mit" in footer
    assert config.myst_substitutions["other"] == "x"


def test_book_version_reads_the_assignment_without_importing(tmp_path):
    tweaks = _site_tweaks()
    (tmp_path / "toymodels_lib").mkdir()
    (tmp_path / "toymodels_lib" / "__init__.py").write_text('import torch_not_here\n__version__ = "9.8.7"\n')
    assert tweaks.book_version(tmp_path) == "9.8.7"
    (tmp_path / "toymodels_lib" / "__init__.py").write_text("VERSION = '1'\n")
    with pytest.raises(ValueError, match="__version__"):
        tweaks.book_version(tmp_path)


# ---------------------------------------------------------------- licences and citation text


def test_mit_licence_for_the_code():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert f"Copyright (c) {CONFIG['copyright']} {CONFIG['author']}" in text
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_cc_by_licence_for_text_and_figures():
    text = (ROOT / "LICENSE-CONTENT.md").read_text()
    assert "CC BY 4.0" in text and CC_BY_URL in text and f"{CC_BY_URL}legalcode" in text
    assert "Attribution 4.0 International" in text
    assert "text and figures" in text.lower() and "MIT" in text


@pytest.mark.parametrize("path", ["README.md", "book/teaching.md"])
def test_licences_stated_in_readme_and_teaching_guide(path):
    text = (ROOT / path).read_text()
    assert CC_BY_URL in text and "CC BY 4.0" in text and "MIT" in text, path


def test_intro_page_says_how_to_cite_the_book_and_the_paper():
    text = (ROOT / "book" / "intro.md").read_text()
    section = text.split("## How to cite", 1)
    assert len(section) == 2, "book/intro.md needs a '## How to cite' section"
    cite = section[1].split("\n## ", 1)[0]
    assert PAPER_URL in cite and "Elhage" in cite and "2022" in cite
    assert CONFIG["title"] in cite.replace("*", "").replace("\n> ", " ")
    assert "{{ book_version }}" in cite and "{{ repository_link }}" in cite
    assert "CITATION.cff" in cite


# ---------------------------------------------------------------- make publish


def test_ghp_import_is_pinned():
    pins = re.findall(r"^ghp-import==(\S+)\s*$", (ROOT / "requirements.txt").read_text(), re.M)
    assert len(pins) == 1 and SEMVER.fullmatch(pins[0]), pins


def test_make_publish_builds_like_make_test_then_runs_ghp_import():
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", "publish"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    build = [i for i, line in enumerate(out) if "jupyter-book build . -W -n --keep-going" in line]
    push = [i for i, line in enumerate(out) if line.strip().endswith("ghp-import -n -p -f _build/html")]
    assert build and push and build[-1] < push[0], out
    assert any(line.strip() == "rm -rf _build/html" for line in out[: build[-1]]), "publish must start from a clean build"
    readme = (ROOT / "README.md").read_text()
    assert "make publish" in readme and "gh-pages" in readme


# ---------------------------------------------------------------- the built site


class _FooterParser(HTMLParser):
    """Collects the text and links inside ``<div class="extra_footer">``."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in ("br", "img", "meta", "link", "input", "hr")
            if tag == "a":
                self.links.append(attrs.get("href", ""))
        elif tag == "div" and "extra_footer" in (attrs.get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


@pytest.mark.site
def test_every_built_page_has_the_version_and_licence_footer(site_dir):
    pages = [
        p for p in sorted(site_dir.rglob("*.html"))
        if not {"_static", "_sources", "_images"} & set(p.relative_to(site_dir).parts)
        and 'http-equiv="refresh"' not in p.read_text(errors="replace").lower()  # index.html redirects
    ]
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert {str(p.relative_to(site_dir).with_suffix("")) for p in pages} >= set(chapters)
    for page in pages:
        parser = _FooterParser()
        parser.feed(page.read_text(errors="replace"))
        text = re.sub(r"\s+", " ", "".join(parser.text)).strip()
        rel = page.relative_to(site_dir)
        assert text == f"Version {VERSION} · Code MIT · Text and figures CC BY 4.0", f"{rel}: footer {text!r}"
        assert CC_BY_URL in parser.links and f"{REPO_URL}/blob/{BRANCH}/LICENSE" in parser.links, rel


@pytest.mark.site
def test_intro_page_shows_how_to_cite(site_dir):
    html = (site_dir / "book" / "intro.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "How to cite" in text
    assert f"version {VERSION}" in text and REPO_URL in text and PAPER_URL in text
    assert "{{" not in text, "a MyST substitution was left unexpanded"
    assert f'href="{REPO_URL}/">{REPO_URL}</a>' in html, "the repository's full address, as a link"
    assert f'href="{PAPER_URL}">{PAPER_URL}</a>' in html


def test_every_reference_is_cited_and_every_citation_has_a_reference():
    """The reference list shows cited works only (no ``:all:``): each entry of
    references.bib is cited by some page, and each cited key is in references.bib."""
    import re

    bib = (ROOT / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,\s]+),", bib))
    pages = [p.read_text() for p in (ROOT / "book").glob("*.ipynb")] + [p.read_text() for p in (ROOT / "book").glob("*.md")]
    cited = set()
    for text in pages:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
            cited.update(k.strip() for k in group.split(","))
    assert keys - cited == set(), f"references never cited: {sorted(keys - cited)}"
    assert cited - keys == set(), f"cited but not in references.bib: {sorted(cited - keys)}"
    assert ":all:" not in (ROOT / "book" / "references.md").read_text()
