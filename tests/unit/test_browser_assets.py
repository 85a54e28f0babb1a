"""widgets.browser_explorer and the static files it inlines (no browser needed).

The HTML must carry the trainer, the explorer and their CSS inline (the website makes no
request for them), give every call its own element id, and refuse bad arguments with a
message that names the argument, the value and what is allowed. Where Node is installed,
the JavaScript is also parsed and a tiny model trained with it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from toymodels_lib import widgets
from toymodels_lib.widgets import BROWSER_ASSETS, BrowserExplorer, browser_asset, browser_explorer

ROOT = Path(__file__).resolve().parents[2]
STATIC = resources.files("toymodels_lib").joinpath("static")
NODE = shutil.which("node")


def _ids(html_text: str) -> list[str]:
    return re.findall(r'\bid="([^"]+)"', html_text)


def test_assets_are_package_files_covered_by_package_data():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["toymodels_lib"]
    for name in BROWSER_ASSETS:
        assert STATIC.joinpath(name).is_file(), name
        assert any(Path("static", name).match(p) for p in patterns), f"{name} is not package data: {patterns}"


def test_html_inlines_every_asset_and_mounts_the_widget():
    w = browser_explorer()
    assert isinstance(w, BrowserExplorer)
    assert w._repr_html_() == w.html
    for name in BROWSER_ASSETS:
        assert browser_asset(name).strip() in w.html, name
    assert w.html.count("<script>") == 3 and w.html.count("</script>") == 3
    assert w.html.count("<style>") == 1
    assert f'document.getElementById("{w.id}")' in w.html
    assert "ToyExplorer.mount(" in w.html
    assert "<noscript>" in w.html
    # nothing is fetched: no src/href attributes, no URLs
    assert not re.search(r"\b(src|href)\s*=", w.html)
    text = w.html.replace('"http://www.w3.org/2000/svg"', "")  # the SVG namespace is a name, not a request
    assert "http://" not in text and "https://" not in text


def test_options_reach_the_javascript():
    w = browser_explorer(n=7, density=0.2, decay=0.8, seeds=2, steps=500, batch=64, autorun=False)
    call = re.search(r"ToyExplorer\.mount\(target, (\{.*?\})\);", w.html)
    assert call, "no mount call"
    opts = json.loads(call.group(1))
    assert opts == {"n": 7, "density": 0.2, "decay": 0.8, "seeds": 2, "steps": 500, "batch": 64,
                    "autorun": False}
    assert w.options == opts
    assert "n=7" in repr(w) and "density=0.2" in repr(w)


def test_every_call_gets_a_unique_id():
    made = [browser_explorer() for _ in range(5)] + [browser_explorer(n=3) for _ in range(3)]
    ids = [w.id for w in made]
    assert len(set(ids)) == len(ids)
    for w in made:
        assert _ids(w.html).count(w.id) == 1
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", w.id)
    # ids inside one widget's HTML are unique too (the JavaScript makes the rest at mount time)
    page = "".join(w.html for w in made)
    assert len(_ids(page)) == len(set(_ids(page)))


def test_explicit_element_id():
    w = browser_explorer(element_id="my-explorer_1")
    assert w.id == "my-explorer_1"
    assert 'id="my-explorer_1"' in w.html


def test_title_cannot_break_out_of_the_script():
    w = browser_explorer(title="</script><script>alert(1)</script>")
    assert w.html.count("</script>") == 3
    assert "alert(1)" in w.html  # kept as data, escaped
    assert "\\u003c/script\\u003e" in w.html


@pytest.mark.parametrize("name", BROWSER_ASSETS)
def test_assets_can_be_inlined(name):
    text = browser_asset(name)
    assert len(text) > 1000
    assert "</script" not in text.lower() and "</style" not in text.lower() and "<!--" not in text


def test_browser_asset_rejects_unknown_names():
    with pytest.raises(ValueError, match=r"name must be one of 'toytrainer.js'.*got 'nope.js'"):
        browser_asset("nope.js")


def test_javascript_makes_no_requests_and_uses_no_dom_in_the_trainer():
    trainer = browser_asset("toytrainer.js")
    for word in ("fetch(", "XMLHttpRequest", "import(", "document.", "window.", "localStorage"):
        assert word not in trainer, word
    explorer = browser_asset("explorer.js")
    for word in ("fetch(", "XMLHttpRequest", "import(", "localStorage", "innerHTML"):
        assert word not in explorer, word


def test_css_uses_theme_variables_not_light_colours():
    css = browser_asset("explorer.css")
    for var in ("--pst-color-text-base", "--pst-color-background", "--pst-color-border",
                "--pst-color-text-muted", "--pst-color-primary"):
        assert f"var({var}" in css, var
    assert 'html[data-theme="dark"] .tmx' in css
    # the only literal colours are the feature palettes (checked for contrast in the browser test)
    literal = re.findall(r"(?<![\w-])(#[0-9a-fA-F]{3,8}\b|white(?![\w-])|rgba?\(|hsla?\()", css)
    palette = re.findall(r"--tmx-c\d: (#[0-9a-f]{6});", css)
    assert len(palette) == 16
    assert sorted(literal) == sorted(palette)


BAD_ARGUMENTS = [
    ("n", 1, ValueError, r"n must be an integer in \[2, 8\], got 1"),
    ("n", 9, ValueError, r"n must be an integer in \[2, 8\], got 9"),
    ("n", 5.0, TypeError, r"n must be an integer in \[2, 8\], got 5\.0"),
    ("n", True, TypeError, r"n must be an integer in \[2, 8\], got True"),
    ("density", 0.0, ValueError, r"density \(1 − S\) must be a number in \[0\.01, 1\], got 0\.0"),
    ("density", 1.5, ValueError, r"density \(1 − S\) must be a number in \[0\.01, 1\], got 1\.5"),
    ("density", float("nan"), ValueError, r"density \(1 − S\) must be a number in \[0\.01, 1\], got nan"),
    ("density", "0.1", TypeError, r"density \(1 − S\) must be a number in \[0\.01, 1\], got '0\.1'"),
    ("decay", 0.4, ValueError, r"decay \(importance I_i = decay\*\*i\) must be a number in \[0\.5, 1\], got 0\.4"),
    ("decay", None, TypeError, r"decay .* must be a number in \[0\.5, 1\], got None"),
    ("seeds", 0, ValueError, r"seeds must be an integer in \[1, 16\], got 0"),
    ("seeds", 17, ValueError, r"seeds must be an integer in \[1, 16\], got 17"),
    ("steps", 10, ValueError, r"steps must be an integer in \[100, 20000\], got 10"),
    ("batch", 8, ValueError, r"batch must be an integer in \[16, 4096\], got 8"),
    ("batch", "256", TypeError, r"batch must be an integer in \[16, 4096\], got '256'"),
    ("autorun", "yes", TypeError, r"autorun must be True or False, got 'yes'"),
    ("title", 3, TypeError, r"title must be a string or None, got 3"),
    ("element_id", 7, TypeError, r"element_id must be a string or None, got 7"),
    ("element_id", "1abc", ValueError, r"element_id must start with a letter.*got '1abc'"),
    ("element_id", "a b", ValueError, r"element_id must start with a letter.*got 'a b'"),
    ("element_id", 'x"><script>', ValueError, r"element_id must start with a letter"),
    ("element_id", "x" * 65, ValueError, r"at most 64 characters"),
]


@pytest.mark.parametrize(("name", "value", "error", "message"), BAD_ARGUMENTS,
                         ids=[f"{a[0]}={a[1]!r}"[:40] for a in BAD_ARGUMENTS])
def test_bad_arguments_are_refused_clearly(name, value, error, message):
    with pytest.raises(error, match=message):
        browser_explorer(**{name: value})


def test_only_keyword_arguments():
    with pytest.raises(TypeError):
        browser_explorer(5)  # type: ignore[misc]


def test_exported():
    for name in ("BrowserExplorer", "browser_explorer", "browser_asset", "BROWSER_ASSETS"):
        assert name in widgets.__all__


# ------------------------------------------------------------------ the JavaScript under Node

needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def _node(code: str) -> str:
    done = subprocess.run([NODE, "-e", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@needs_node
@pytest.mark.parametrize("name", ["toytrainer.js", "explorer.js"])
def test_javascript_parses(name):
    done = subprocess.run([NODE, "--check", str(STATIC.joinpath(name))], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@needs_node
def test_trainer_under_node_returns_the_documented_fields():
    path = json.dumps(str(STATIC.joinpath("toytrainer.js")))
    out = json.loads(_node(
        f"const T = require({path});"
        "const r = T.train({n: 4, m: 2, density: 0.5, importanceDecay: 0.9, steps: 200, batch: 64, seeds: 2});"
        "const g = T.train({n: 4, m: 2, density: 0.5, importanceDecay: 0.9, steps: 200, batch: 64, seeds: 2,"
        " kernel: 'generic'});"
        "const again = T.train({n: 4, m: 2, density: 0.5, importanceDecay: 0.9, steps: 200, batch: 64, seeds: 2});"
        "const ev = T.evaluateLoss({W: r.W, b: r.b, density: 0.5, importanceDecay: 0.9});"
        "let bad = null; try { T.train({n: 3, m: 4}); } catch (e) { bad = e.name + ': ' + e.message; }"
        "console.log(JSON.stringify({r, g, again, ev, bad, keys: Object.keys(T)}));"
    ))
    r = out["r"]
    assert len(r["W"]) == 2 and all(len(row) == 4 for row in r["W"]) and len(r["b"]) == 4
    assert r["history"] and len(r["history"]) == len(r["historySteps"]) and r["historySteps"][-1] == 199
    assert len(r["seedLosses"]) == 2 and r["loss"] == min(r["seedLosses"])
    assert 0 < r["loss"] < r["history"][0]
    assert out["ev"] == pytest.approx(r["loss"], rel=1e-12)  # same evaluation batch
    assert out["again"]["W"] == r["W"]  # seeded: reproducible
    assert out["g"]["W"] == r["W"]  # the m = 2 loop and the general loop give the same numbers
    assert out["bad"] == "RangeError: m must be an integer in [1, 3], got 4"
    assert {"train", "createTrainer", "createBestTrainer", "evaluateLoss", "makeRng"} <= set(out["keys"])


@needs_node
def test_random_numbers_are_uniform_and_normal():
    path = json.dumps(str(STATIC.joinpath("toytrainer.js")))
    out = json.loads(_node(
        f"const T = require({path}); const r = T.makeRng(12345); const N = 200000;"
        "let s = 0, s2 = 0, lo = 1, hi = 0, zs = 0, zs2 = 0, z4 = 0;"
        "for (let i = 0; i < N; i++) { const u = r(); s += u; s2 += u * u; lo = Math.min(lo, u); hi = Math.max(hi, u);"
        " const z = r.normal(); zs += z; zs2 += z * z; z4 += z ** 4; }"
        "const other = T.makeRng(12346)();"
        "console.log(JSON.stringify({mean: s / N, var: s2 / N - (s / N) ** 2, lo, hi,"
        " zmean: zs / N, zvar: zs2 / N, zkurt: z4 / N, first: T.makeRng(12345)(), other}));"
    ))
    assert out["mean"] == pytest.approx(0.5, abs=0.005)
    assert out["var"] == pytest.approx(1 / 12, abs=0.002)
    assert 0 <= out["lo"] < 1e-4 and 1 - 1e-4 < out["hi"] < 1
    assert out["zmean"] == pytest.approx(0.0, abs=0.01)
    assert out["zvar"] == pytest.approx(1.0, abs=0.02)
    assert out["zkurt"] == pytest.approx(3.0, abs=0.1)
    assert out["first"] != out["other"]
