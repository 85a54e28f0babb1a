"""The live explorer that trains in the reader's browser: a dependency-free JavaScript
trainer of the ReLU-output model (``static/toytrainer.js``) inlined in the page
(``browser_explorer``), so the static site can retrain the small models."""

from __future__ import annotations

import hashlib
import html
from numbers import Integral, Real
from typing import Any

BROWSER_ASSETS = ("toytrainer.js", "explorer.js", "explorer.css")
"""The files of ``toymodels_lib/static`` that :func:`browser_explorer` inlines."""

_ELEMENT_ID_PATTERN = r"[A-Za-z][A-Za-z0-9_-]{0,63}"
_BROWSER_IDS: dict[str, int] = {}


def browser_asset(name: str) -> str:
    """The text of one file of ``toymodels_lib/static`` (one of :data:`BROWSER_ASSETS`)."""
    from importlib import resources

    if name not in BROWSER_ASSETS:
        options = ", ".join(repr(a) for a in BROWSER_ASSETS)
        raise ValueError(f"name must be one of {options}, got {name!r}")
    text = resources.files("toymodels_lib").joinpath("static", name).read_text(encoding="utf-8")
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in text.lower() or "<!--" in text:
        raise RuntimeError(f"static/{name} contains {closing!r} or '<!--' and cannot be inlined in HTML")
    return text


class BrowserExplorer:
    """A live explorer that trains the ReLU-output model in the browser; displays as HTML.

    Build it with :func:`browser_explorer`. ``.html`` is the snippet, ``.id`` the id of the
    element the widget mounts into, ``.options`` the settings passed to the JavaScript.
    """

    def __init__(self, html_text: str, element_id: str, options: dict[str, Any]) -> None:
        self.html = html_text
        self.id = element_id
        self.options = dict(options)

    def __repr__(self) -> str:
        o = self.options
        return (f"BrowserExplorer(id={self.id!r}, n={o['n']}, density={o['density']:g}, "
                f"decay={o['decay']:g}, seeds={o['seeds']}, steps={o['steps']}, batch={o['batch']})")

    def _repr_html_(self) -> str:
        return self.html


def _check_int_in(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer in [{lo}, {hi}], got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {value}")
    return int(value)


def _check_real_in(name: str, value: Any, lo: float, hi: float, what: str = "") -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name}{what} must be a number in [{lo:g}, {hi:g}], got {value!r}")
    x = float(value)
    if not lo <= x <= hi:  # also rejects NaN
        raise ValueError(f"{name}{what} must be a number in [{lo:g}, {hi:g}], got {value!r}")
    return x


def browser_explorer(
    *,
    n: int = 5,
    density: float = 0.05,
    decay: float = 1.0,
    seeds: int = 4,
    steps: int = 2000,
    batch: int = 256,
    autorun: bool = True,
    title: str | None = None,
    element_id: str | None = None,
) -> BrowserExplorer:
    """A live explorer of the ReLU-output model with ``m = 2`` that trains in the browser.

    Sliders for the feature density ``1 − S`` (log scale, 0.01 to 1), the importance decay
    ``r`` (``I_i = r**i``, 0.5 to 1) and the number of features ``n`` (2 to 8), a *Train*
    button and a progress bar; the trained model is drawn as spokes (one direction per
    feature) with a table of importances, lengths ``‖W_i‖`` and biases ``b_i``, and its
    loss. Each run trains ``seeds`` models (``steps`` Adam steps of ``batch`` samples,
    lr 1e-2 with cosine decay) and keeps the one with the lowest loss on a fixed evaluation
    batch. The JavaScript (``static/toytrainer.js``, ``static/explorer.js``) is inlined, so
    the output works on the static website, in JupyterLab and on Colab, with no kernel.

    With ``autorun`` the starting settings train as soon as the widget comes into view.
    ``element_id`` names the element the widget mounts into (default: a fresh id per call).

    >>> browser_explorer(n=5, density=0.05)  # in a notebook: displays the widget
    """
    import json
    import re

    n = _check_int_in("n", n, 2, 8)
    density = _check_real_in("density", density, 0.01, 1.0, " (1 − S)")
    decay = _check_real_in("decay", decay, 0.5, 1.0, " (importance I_i = decay**i)")
    seeds = _check_int_in("seeds", seeds, 1, 16)
    steps = _check_int_in("steps", steps, 100, 20_000)
    batch = _check_int_in("batch", batch, 16, 4096)
    if not isinstance(autorun, bool):
        raise TypeError(f"autorun must be True or False, got {autorun!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {title!r}")
    options: dict[str, Any] = {"n": n, "density": density, "decay": round(decay, 2), "seeds": seeds,
                               "steps": steps, "batch": batch, "autorun": autorun}
    if title is not None:
        options["title"] = title
    payload = json.dumps(options, sort_keys=True)
    if element_id is None:
        # deterministic (a rebuilt page is identical) and unique: settings digest + call count
        base = "tm-explorer-" + hashlib.sha1(payload.encode()).hexdigest()[:8]
        _BROWSER_IDS[base] = _BROWSER_IDS.get(base, 0) + 1
        element_id = f"{base}-{_BROWSER_IDS[base]}"
    elif not isinstance(element_id, str):
        raise TypeError(f"element_id must be a string or None, got {element_id!r}")
    elif not re.fullmatch(_ELEMENT_ID_PATTERN, element_id):
        raise ValueError(
            "element_id must start with a letter and hold only letters, digits, '-' and '_' "
            f"(at most 64 characters), got {element_id!r}"
        )
    # JSON inside <script>: escape what could end the script or open a comment
    js_options = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    css = browser_asset("explorer.css")
    trainer_js = browser_asset("toytrainer.js")
    explorer_js = browser_asset("explorer.js")
    e = html.escape
    html_text = f"""<div class="tm-browser-explorer" id="{e(element_id)}" data-n="{n}" data-density="{density:g}">
<noscript>This explorer trains a toy model in your browser and needs JavaScript.</noscript>
</div>
<style>
{css}
</style>
<script>
{trainer_js}
</script>
<script>
{explorer_js}
</script>
<script>
(function () {{
  var target = document.getElementById("{element_id}");
  if (target && window.ToyExplorer) {{
    window.ToyExplorer.mount(target, {js_options});
  }}
}})();
</script>"""
    return BrowserExplorer(html_text, element_id, options)
