"""The "Does it reproduce?" page agrees with the chapters.

Each chapter prints one line per claim it checks (``✔ claim <id>: <value> (claimed …)``)
in the output of the cell after the figure. The claims page lists every registered claim
with the value measured in this build. This test reads both from the built HTML: every
claim a chapter printed appears on the claims page with the same value and status, every
row of the page links to its chapter, and every registered claim has a row.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from toymodels_lib import claims

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"

_LINE = re.compile(r"([✔✘]) claim (ch\d\d\.[\w.-]+?): (.*?) \(claimed ")
_ROW = re.compile(r'<tr[^>]*id="claim-(ch\d\d-[\w-]+)"[^>]*>(.*?)</tr>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return html.unescape(_TAGS.sub(" ", fragment)).replace("\xa0", " ")


def _printed_by_chapters(site: Path) -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    for page in sorted((site / "book").glob("[0-9][0-9]_*.html")):
        for mark, cid, value in _LINE.findall(_text(page.read_text(encoding="utf-8"))):
            out[cid] = (mark, " ".join(value.split()), page.name)
    return out


def _rows(site: Path) -> dict[str, str]:
    page = (site / "book" / "claims.html").read_text(encoding="utf-8")
    return {cid: row for cid, row in _ROW.findall(page)}


def test_every_registered_claim_has_a_row(site_dir):
    rows = _rows(site_dir)
    expected = {cid.replace(".", "-") for cid in claims.REGISTRY}
    assert expected <= set(rows), f"claims without a row: {sorted(expected - set(rows))}"


def test_page_values_are_the_chapters_values(site_dir):
    printed = _printed_by_chapters(site_dir)
    assert printed, "no chapter printed a claim line"
    rows = _rows(site_dir)
    for cid, (mark, value, page) in printed.items():
        row = rows.get(cid.replace(".", "-"))
        assert row is not None, f"{cid} (printed in {page}) has no row on the claims page"
        cells = " ".join(_text(row).split())
        assert value in cells, f"{cid}: {page} printed {value!r}, the claims page says {cells!r}"
        assert ("✔ holds" if mark == "✔" else "✘ fails") in cells, f"{cid}: status differs"
        assert f'href="{page}' in row, f"{cid}: the row does not link to {page}"


def test_every_claim_a_chapter_checks_is_measured_in_the_build(site_dir):
    """A chapter page that calls claims.check has its lines; none of them failed."""
    printed = _printed_by_chapters(site_dir)
    failed = [cid for cid, (mark, _, _) in printed.items() if mark != "✔"]
    assert not failed, f"claims that failed in the build: {failed}"


def test_every_chapter_page_checks_claims_and_every_registered_claim_is_measured(site_dir):
    """Each chapter page (new ones included) prints claim lines, and every claim of the
    registry that a chapter owns is measured by that chapter in the build, so the claims
    page has no row without a value from this build."""
    pages = sorted((site_dir / "book").glob("[0-9][0-9]_*.html"))
    assert pages, "no chapter pages in the build"
    printed = _printed_by_chapters(site_dir)
    for page in pages:
        assert any(p == page.name for _, _, p in printed.values()), f"{page.name} checks no claim"
    built = {int(p.name[:2]) for p in pages}
    unmeasured = sorted(cid for cid, c in claims.REGISTRY.items() if c.chapter in built and cid not in printed)
    assert not unmeasured, f"registered claims no chapter page measured: {unmeasured}"


def test_claims_page_lists_at_least_30_claims_each_linked_to_its_chapter(site_dir):
    rows = _rows(site_dir)
    assert len(rows) >= 30, f"the claims page lists {len(rows)} claims"
    for cid, row in rows.items():
        chapter = cid[2:4]
        assert re.search(rf'href="{chapter}_[\w-]+\.html', row), f"{cid}: no link to chapter {chapter}"


def test_chapter_4_embeds_the_browser_explorer(site_dir):
    page = (site_dir / "book" / "04_superposition_and_sparsity.html").read_text(encoding="utf-8")
    assert 'class="tm-browser-explorer' in page, "chapter 4 lost its in-browser explorer"
