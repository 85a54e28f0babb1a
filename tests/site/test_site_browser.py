"""Every built page in a real browser (Debian's Chromium, headless, driven by Playwright).

For each page of _build/html: it loads from a local HTTP server with no console errors and
no request leaving 127.0.0.1; the math is typeset (MathJax is served by the site itself) and
no raw ``$…$`` is left; every image loads; notebook pages carry Colab and Binder launch
links for that notebook; on interactive figures (``toymodels_lib.widgets.scrubber``) moving
the slider and pressing Play change the displayed frame; collapsed solutions open on click;
no ipywidgets control is left dead on the page. A screenshot of each page is saved under
``_build/screenshots/``.

Pages are found by globbing the build, so new chapters are covered with no edit here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def _built_pages() -> list[str]:
    if not SITE.is_dir():
        return []
    pages = [p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")]
    return sorted(p for p in pages if not any(part.startswith("_") for part in p.split("/")))


PAGES = _built_pages()


def _notebook_for(page: str) -> Path | None:
    nb = ROOT / Path(page).with_suffix(".ipynb")
    return nb if nb.is_file() else None


def _expected_launch_urls(notebook: Path) -> dict[str, str]:
    repo = CONFIG["repository"]
    owner, name = urlsplit(repo["url"]).path.strip("/").split("/")[:2]
    branch = repo.get("branch", "main")
    book = repo.get("path_to_book", "").strip("/")
    rel = notebook.relative_to(ROOT / book if book else ROOT).as_posix()
    path = f"{book}/{rel}" if book else rel
    lb = CONFIG["launch_buttons"]
    ui = {"classic": "tree", "jupyterlab": "lab/tree"}[lb.get("notebook_interface", "classic")]
    return {
        "Colab": f"{lb['colab_url'].rstrip('/')}/github/{owner}/{name}/blob/{branch}/{path}",
        "Binder": f"{lb['binderhub_url'].rstrip('/')}/v2/gh/{owner}/{name}/{branch}?urlpath={ui}/{path}",
    }


def test_pages_were_found(site_dir):
    assert PAGES, "no pages in _build/html"
    for nb in sorted((ROOT / "book").glob("*.ipynb")):
        assert f"book/{nb.stem}.html" in PAGES, f"{nb.name} has no built page"


# Text of the page outside code, outputs and scripts, after MathJax ran.
_VISIBLE_TEXT_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const clone = main.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .cell_output, .output, .highlight, .tm-scrubber')
       .forEach(e => e.remove());
  return clone.innerText;
}"""

_MATH_JS = """async () => {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return {loaded: false};
  await MathJax.startup.promise;
  if (MathJax.typesetPromise) { await MathJax.typesetPromise(); }
  const math = Array.from(document.querySelectorAll('.math'));
  const raw = math.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80));
  const errors = Array.from(document.querySelectorAll('mjx-merror, [data-mjx-error]')).map(e => e.textContent);
  return {loaded: true, count: math.length, raw: raw, errors: errors,
          src: (document.querySelector('script[src*="tex-chtml"]') || {}).src || null};
}"""

_IMAGES_JS = """async () => {
  const imgs = Array.from(document.images);
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  return imgs.map(i => ({src: i.currentSrc.slice(0, 100), w: i.naturalWidth, alt: i.alt}));
}"""


def _visible_frame(scrub):
    return scrub.evaluate(
        """el => { const f = el.querySelector('img.tm-frame:not([hidden])');
                   return {index: f ? f.dataset.index : null, n_visible: el.querySelectorAll('img.tm-frame:not([hidden])').length,
                           label: el.querySelector('.tm-frame-label').textContent,
                           src_tail: f ? f.src.slice(-60) : null}; }"""
    )


@pytest.mark.parametrize("page", PAGES)
def test_page_in_browser(page, site_url, browser):
    problems: list[str] = []
    console_errors: list[str] = []
    blocked: list[str] = []
    failed: list[str] = []

    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(r):
        host = urlsplit(r.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    p = context.new_page()
    p.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: console_errors.append(f"uncaught: {e}"))
    p.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    try:
        resp = p.goto(f"{site_url}/{page}", wait_until="load")
        assert resp is not None and resp.ok, f"{page}: HTTP {resp.status if resp else None}"
        p.wait_for_load_state("networkidle")

        # ---- math: typeset, from the local MathJax, no raw $...$ left
        math = p.evaluate(_MATH_JS)
        has_math_markup = p.locator(".math").count() > 0
        if has_math_markup:
            if not math["loaded"]:
                problems.append("MathJax did not load")
            else:
                if math["raw"]:
                    problems.append(f"{len(math['raw'])} math elements not typeset, e.g. {math['raw'][:3]}")
                if math["errors"]:
                    problems.append(f"MathJax errors: {math['errors'][:3]}")
                if math["src"] and urlsplit(math["src"]).hostname not in ("127.0.0.1", "localhost"):
                    problems.append(f"MathJax comes from {math['src']}, not the site")
        text = p.evaluate(_VISIBLE_TEXT_JS)
        raw_dollars = re.findall(r"\$[^$\n]{1,80}\$", text)
        if raw_dollars:
            problems.append(f"raw $...$ in the text: {raw_dollars[:3]}")
        raw_latex = re.findall(r"\\\(|\\\[|\\frac|\\sum|\\mathbb", text)
        if raw_latex:
            problems.append(f"raw LaTeX in the text: {raw_latex[:3]}")

        # ---- images
        for img in p.evaluate(_IMAGES_JS):
            if img["w"] == 0:
                problems.append(f"image did not load: {img['src']} (alt {img['alt']!r})")

        # ---- launch buttons on notebook pages
        nb = _notebook_for(page)
        if nb is not None:
            for what, url in _expected_launch_urls(nb).items():
                hrefs = p.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
                if url not in hrefs:
                    near = [h for h in hrefs if what.lower() in h.lower()]
                    problems.append(f"no {what} launch link {url} (found {near})")
            launch = p.locator(".dropdown-launch-buttons button, button[aria-label='Launch interactive content']")
            if launch.count() == 0:
                problems.append("no launch-buttons menu in the header")
            else:
                launch.first.click()
                colab = p.locator(f"a[href='{_expected_launch_urls(nb)['Colab']}']").first
                colab.wait_for(state="visible", timeout=3000)
                # close the menu again (it opens on click or hover) so screenshots show the page
                p.keyboard.press("Escape")
                p.mouse.move(640, 880)
                p.evaluate("() => document.body.click()")  # a click outside closes a Bootstrap dropdown
                try:
                    colab.wait_for(state="hidden", timeout=2000)
                except Exception:
                    pass

        # ---- no dead ipywidgets controls; live explorers show how to launch them
        dead = p.evaluate(
            """() => Array.from(document.querySelectorAll('.cell_output input, .cell_output button, .cell_output select, .cell_output textarea'))
                 .filter(e => !e.closest('.tm-scrubber') && !e.closest('.tm-browser-explorer') && !e.classList.contains('copybtn')).map(e => e.outerHTML.slice(0, 80))"""
        )
        if dead:
            problems.append(f"controls that need a kernel on the static page: {dead[:3]}")
        if nb is not None and any(
            c["cell_type"] == "code" and "live_explorer(" in "".join(c["source"])
            for c in json.loads(nb.read_text())["cells"]
        ):
            if p.locator(".tm-live-note").count() == 0:
                problems.append("the notebook uses live_explorer but the page shows no launch note")

        # ---- interactive figures: the slider and Play change the displayed frame
        scrubbers = p.locator(".tm-scrubber")
        for k in range(scrubbers.count()):
            scrub = scrubbers.nth(k)
            scrub.scroll_into_view_if_needed()
            before = _visible_frame(scrub)
            if before["n_visible"] != 1:
                problems.append(f"scrubber {k}: {before['n_visible']} frames visible at once")
            slider = scrub.locator("input.tm-slider")
            slider.focus()
            p.keyboard.press("ArrowRight")
            after = _visible_frame(scrub)
            if after["index"] == before["index"] or after["src_tail"] == before["src_tail"]:
                problems.append(f"scrubber {k}: the slider did not change the frame ({before} -> {after})")
            if after["label"] == before["label"]:
                problems.append(f"scrubber {k}: the frame label did not change")
            SHOTS.mkdir(parents=True, exist_ok=True)
            scrub.screenshot(path=str(SHOTS / f"{page.replace('/', '__')[:-5]}__scrubber{k}.png"))
            play = scrub.locator("button.tm-play")
            play.click()
            try:
                p.wait_for_function(
                    "([el, i]) => el.querySelector('img.tm-frame:not([hidden])').dataset.index !== i",
                    arg=[scrub.element_handle(), after["index"]], timeout=5000,
                )
            except Exception:
                problems.append(f"scrubber {k}: Play did not advance the frame")
            play.click()  # pause

        # ---- collapsed solutions open on click
        if nb is not None and any(
            "solution" in c.metadata.get("tags", []) for c in nbformat.read(nb, as_version=4).cells
        ):
            sol = p.locator(".cell.tag_solution details")
            if sol.count() == 0:
                problems.append("solution cells are not collapsed (no <details> in .tag_solution)")
            else:
                first = sol.first
                first.scroll_into_view_if_needed()
                code = first.locator(".cell_input, .highlight").first
                if first.evaluate("d => d.open") or code.is_visible():
                    problems.append("the first solution is not collapsed")
                first.locator("summary").click()
                p.wait_for_timeout(300)
                if not first.evaluate("d => d.open") or not code.is_visible():
                    problems.append("clicking the solution toggle did not show the code")
                elif "BEGIN SOLUTION" not in code.inner_text() and "def " not in code.inner_text():
                    problems.append("the opened solution shows no code")

        SHOTS.mkdir(parents=True, exist_ok=True)
        p.evaluate("() => window.scrollTo(0, 0)")
        p.screenshot(path=str(SHOTS / f"{page.replace('/', '__')[:-5]}.png"), full_page=True)
    finally:
        context.close()

    if blocked:
        problems.append(f"requests to the internet (blocked): {sorted(set(blocked))[:5]}")
    local_failed = [f for f in failed if urlsplit(f.split(" ")[0]).hostname in ("127.0.0.1", "localhost")]
    if local_failed:
        problems.append(f"failed local requests: {local_failed[:5]}")
    if console_errors:
        problems.append(f"console errors: {console_errors[:5]}")
    assert not problems, f"{page}:\n- " + "\n- ".join(problems)
