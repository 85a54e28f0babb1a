"""Every built page is readable where readers read it: at 1280 px, at phone width (390 px)
and in the theme's dark mode.

For each page (found by globbing the build, so chapters added later are covered):
- 1280 px: no figure is shrunk below its intended size (the figures are drawn for the
  content column with text of at least 11 px: ``tests/unit/plots`` checks that side), no
  printed output or code runs off the right edge, no display equation is wider than its box;
- 390 px: every figure that had to shrink opens at full size on a tap, in an overlay that
  scrolls and closes on Escape; nothing makes the page itself scroll sideways;
- dark mode: text in outputs, notes and admonitions (the live-explorer note, the
  scrubber's Play button, HTML tables) has a contrast of at least 4.5:1 against what is
  behind it;
- chapter pages with exercises: the solution toggles say "Show solution", an opened
  solution shows no BEGIN/END markers, and the page links its student copy (a download
  served by the site, with no solution in it, and the copy in the repository on Colab).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from test_site_browser import PAGES, ROOT, SITE

SHOTS = ROOT / "_build" / "screenshots"

_FIGURES_JS = """() => Array.from(document.querySelectorAll('div.cell_output img'))
  .filter(i => !i.closest('.tm-scrubber') && !i.closest('.tm-browser-explorer'))
  .map(i => ({src: i.src.slice(-40), shown: i.getBoundingClientRect().width,
              intended: parseFloat(i.style.width) || parseFloat(i.getAttribute('width')) || i.naturalWidth, natural: i.naturalWidth}))"""

_OVERFLOW_JS = """() => {
  const bad = [];
  for (const e of document.querySelectorAll('div.cell_output pre, div.cell_input pre')) {
    if (e.scrollWidth > e.clientWidth + 2) bad.push('output/code: ' + e.innerText.split('\\n')[0].slice(0, 60));
  }
  for (const e of document.querySelectorAll('mjx-container[display="true"]')) {
    const box = e.parentElement;
    if (e.scrollWidth > box.clientWidth + 2) bad.push('equation ' + e.scrollWidth + ' px in ' + box.clientWidth + ' px');
  }
  return bad;
}"""

_CONTRAST_JS = """() => {
  function rgb(s) { const m = s.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; }
  function lum(c) { const a = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                    return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2]; }
  function background(e) {
    for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0.5) return c; }
    return [255, 255, 255];
  }
  const bad = [];
  const sel = 'div.cell_output .text_html *, .tm-live-note *, .tm-scrubber *, .tm-student-copy *, div.admonition *';
  for (const e of document.querySelectorAll(sel)) {
    if (e.closest('.tm-browser-explorer') || e.closest('mjx-container')) continue;
    const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    const r = e.getBoundingClientRect();
    if (!own || r.width === 0 || getComputedStyle(e).visibility === 'hidden') continue;
    const fg = rgb(getComputedStyle(e).color), bg = background(e);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < 4.5) bad.push(e.tagName + '.' + (e.className || '') + ' "' + e.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return bad.slice(0, 8);
}"""


def _open(browser, site_url, page, *, width=1280, dark=False):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light")
    context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    p = context.new_page()
    p.goto(f"{site_url}/{page}", wait_until="load")
    p.wait_for_load_state("networkidle")
    p.evaluate("async () => { await Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null))); }")
    if dark:
        p.evaluate("() => { document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'; }")
        p.wait_for_timeout(100)
    return context, p


def _wait_for_math(p):
    p.evaluate("async () => { if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise; }")


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_at_desktop_width(page, site_url, browser):
    context, p = _open(browser, site_url, page)
    try:
        _wait_for_math(p)
        problems = []
        for fig in p.evaluate(_FIGURES_JS):
            if fig["shown"] < 0.97 * min(fig["intended"], fig["natural"]):
                problems.append(f"figure {fig['src']} shrunk to {fig['shown']:.0f} px of {fig['intended']:.0f} px")
            if fig["natural"] < 1.9 * fig["intended"]:
                problems.append(f"figure {fig['src']} has {fig['natural']} pixels for {fig['intended']:.0f} px: blurry on high-density screens")
        problems += p.evaluate(_OVERFLOW_JS)
    finally:
        context.close()
    assert not problems, f"{page} at 1280 px:\n- " + "\n- ".join(problems[:10])


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_on_a_phone(page, site_url, browser):
    context, p = _open(browser, site_url, page, width=390)
    try:
        _wait_for_math(p)
        problems = []
        page_width = p.evaluate("() => document.documentElement.scrollWidth")
        if page_width > 392:
            problems.append(f"the page scrolls sideways: {page_width} px wide")
        shrunk = [f for f in p.evaluate(_FIGURES_JS) if f["shown"] < 0.97 * f["intended"]]
        if shrunk:
            img = p.locator("div.cell_output img.tm-zoomable").first
            img.scroll_into_view_if_needed()
            img.click()
            overlay = p.locator(".tm-zoom-overlay")
            overlay.wait_for(state="visible", timeout=3000)
            big = p.evaluate("() => { const o = document.querySelector('.tm-zoom-overlay'); const i = o.querySelector('img');"
                             " return {w: i.getBoundingClientRect().width, scroll: o.scrollWidth > o.clientWidth}; }")
            first = shrunk[0]
            if big["w"] < 0.97 * first["intended"]:
                problems.append(f"the enlarged figure is {big['w']:.0f} px, not its {first['intended']:.0f} px")
            if not big["scroll"]:
                problems.append("the enlarged figure does not scroll sideways on a phone")
            SHOTS.mkdir(parents=True, exist_ok=True)
            p.screenshot(path=str(SHOTS / f"{page.replace('/', '__')[:-5]}__phone_zoom.png"))
            p.keyboard.press("Escape")
            overlay.wait_for(state="detached", timeout=3000)
    finally:
        context.close()
    assert not problems, f"{page} at 390 px:\n- " + "\n- ".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_in_dark_mode(page, site_url, browser):
    context, p = _open(browser, site_url, page, dark=True)
    try:
        low = p.evaluate(_CONTRAST_JS)
        SHOTS.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(SHOTS / f"{page.replace('/', '__')[:-5]}__dark.png"))
    finally:
        context.close()
    assert not low, f"{page} in dark mode, text with contrast under 4.5:1:\n- " + "\n- ".join(low)


def _has_solutions(page: str) -> bool:
    nb = ROOT / Path(page).with_suffix(".ipynb")
    return nb.is_file() and any("solution" in c.metadata.get("tags", []) for c in nbformat.read(nb, as_version=4).cells)


CHAPTERS_WITH_EXERCISES = [page for page in PAGES if _has_solutions(page)]


@pytest.mark.parametrize("page", CHAPTERS_WITH_EXERCISES)
def test_solutions_are_labelled_and_the_student_copy_is_linked(page, site_url, browser):
    context, p = _open(browser, site_url, page)
    try:
        problems = []
        labels = p.eval_on_selector_all(".cell.tag_solution details summary", "els => els.map(e => e.innerText.trim())")
        if not labels or any(label != "Show solution" for label in labels):
            problems.append(f"solution toggles read {sorted(set(labels))}, not 'Show solution'")
        codes = p.eval_on_selector_all(".cell.tag_solution .cell_input", "els => els.map(e => e.textContent)")
        if any("BEGIN SOLUTION" in c or "END SOLUTION" in c for c in codes):
            problems.append("an opened solution shows the BEGIN/END SOLUTION markers")
        box = p.locator(".tm-student-copy")
        if box.count() != 1:
            problems.append(f"{box.count()} student-copy boxes on the page (expected 1)")
        else:
            href = box.locator("a.tm-student-download").get_attribute("href")
            response = p.request.get(p.url.rsplit("/", 1)[0] + "/" + href)
            if not response.ok:
                problems.append(f"the student copy {href} does not load ({response.status})")
            else:
                nb = json.loads(response.text())
                text = json.dumps(nb["cells"])
                if not nb["metadata"].get("toymodels_book", {}).get("student_copy"):
                    problems.append(f"{href} is not marked as a student copy")
                if "BEGIN SOLUTION" in text or "NotImplementedError" not in text:
                    problems.append(f"{href} still holds solutions or has no stubs")
            name = Path(page).with_suffix(".ipynb").name
            colab = box.locator("a.tm-student-colab").get_attribute("href") or ""
            if not colab.endswith(f"/student/{name}") or "colab.research.google.com/github/" not in colab:
                problems.append(f"the Colab link {colab!r} does not open student/{name}")
            if not (ROOT / "student" / name).is_file():
                problems.append(f"student/{name} is not in the repository, so the Colab link would fail")
    finally:
        context.close()
    assert not problems, f"{page}:\n- " + "\n- ".join(problems)


def test_the_site_has_a_favicon(site_dir):
    html = (SITE / "index.html").read_text() if (SITE / "index.html").is_file() else ""
    target = html
    for page in ("book/intro.html",):
        if (SITE / page).is_file():
            target = (SITE / page).read_text()
    assert 'rel="icon"' in target, "no favicon link in the pages"


def test_search_snippets_show_typeset_math(site_url, browser):
    """A search whose hits quote formulas shows them typeset, not as raw LaTeX."""
    context, p = _open(browser, site_url, "search.html?q=superposition+features")
    try:
        p.wait_for_selector("#search-results li", timeout=20_000)
        p.wait_for_timeout(1500)
        text = p.inner_text("#search-results")
        assert "\\(" not in text and "\\)" not in text, f"raw LaTeX in the search results: {text[:300]!r}"
    finally:
        context.close()
