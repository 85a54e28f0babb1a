"""Interactive figures: one mechanism for every chapter.

Two kinds of interactivity, so that the book works both as a static website and in a
running kernel:

* :func:`scrubber` (and :func:`sweep_scrubber`) turn a list of precomputed frames (matplotlib
  figures or PNG bytes) into a self-contained HTML/JavaScript snippet: an image, a slider
  (``<input type=range>``) and a play button that step through the frames. It needs no
  kernel and no internet (the frames are inlined as base64 PNGs), so it works on the
  website, in JupyterLab, on Binder and on Colab alike.
* :func:`live_explorer` builds ipywidgets controls (sliders for ``n``, ``m``, the sparsity
  and the importance decay, a *Retrain* button and a progress bar) that retrain a toy
  model when a kernel runs. Its output also carries a ``text/html`` fallback: the website
  (which shows no widget views, see ``_config.yml``) prints a line saying how to launch the
  live version instead of dead controls.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import Any

__all__ = [
    "LIVE_NOTE",
    "LiveExplorer",
    "Scrubber",
    "figure_to_png",
    "live_explorer",
    "scrubber",
    "sweep_scrubber",
]

LIVE_NOTE = (
    "<b>Live explorer.</b> This cell retrains the model with the <i>n</i>, <i>m</i>, sparsity "
    "and importance you choose. It needs a running Python kernel: launch this page on "
    "<b>Binder</b> or <b>Colab</b> with the rocket button at the top of the page (or open the "
    "notebook locally with <code>make lab</code>) and run the cell. On the website, the "
    "slider figure above shows precomputed results."
)
"""The line shown in place of the live controls where no kernel runs (the website)."""

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def figure_to_png(fig: Any, *, dpi: float | None = None, close: bool = True) -> bytes:
    """Render a matplotlib ``Figure`` to PNG bytes (and close it unless ``close=False``)."""
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if dpi is not None and (isinstance(dpi, bool) or not isinstance(dpi, Real) or not dpi > 0):
        raise ValueError(f"dpi must be a positive number or None, got {dpi!r}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return buf.getvalue()


class Scrubber:
    """A kernel-free slider over precomputed PNG frames; displays as HTML.

    Build it with :func:`scrubber`. ``.html`` is the snippet; Jupyter and MyST-NB display
    it through ``_repr_html_``.
    """

    def __init__(self, frames: list[bytes], labels: list[str], *, title: str | None,
                 slider_label: str, interval_ms: int, start: int, alt: str) -> None:
        self.frames = frames
        self.labels = labels
        self.title = title
        self.slider_label = slider_label
        self.interval_ms = interval_ms
        self.start = start
        self.alt = alt
        digest = hashlib.sha1()
        for f in frames:
            digest.update(f)
        digest.update("\x00".join(labels).encode())
        # Deterministic id (rebuilds give identical pages); unique per content.
        self.id = "tm-scrubber-" + digest.hexdigest()[:12]
        self.html = self._render()

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"Scrubber({len(self.frames)} frames: {', '.join(self.labels)})"

    def _repr_html_(self) -> str:
        return self.html

    def _render(self) -> str:
        e = html.escape
        sid = self.id
        imgs = []
        for k, (png, label) in enumerate(zip(self.frames, self.labels, strict=True)):
            data = base64.b64encode(png).decode("ascii")
            hidden = "" if k == self.start else " hidden"
            imgs.append(
                f'<img class="tm-frame" data-index="{k}" data-label="{e(label)}"{hidden} '
                f'src="data:image/png;base64,{data}" alt="{e(self.alt)}: {e(label)}" '
                f'style="max-width:100%;height:auto;">'
            )
        title = f'<div class="tm-scrubber-title" style="font-weight:600;margin-bottom:.3em;">{e(self.title)}</div>' if self.title else ""
        n = len(self.frames)
        return f"""<div class="tm-scrubber" id="{sid}" data-frames="{n}" style="margin:.5em 0 1em 0;">
{title}<div class="tm-scrubber-controls" style="display:flex;align-items:center;gap:.6em;flex-wrap:wrap;margin-bottom:.3em;">
<button type="button" class="tm-play" aria-label="Play through the frames" style="min-width:5.5em;padding:.15em .6em;border:1px solid #888;border-radius:4px;background:#f4f4f4;cursor:pointer;">&#9654; Play</button>
<label style="display:flex;align-items:center;gap:.4em;margin:0;">{e(self.slider_label)}
<input type="range" class="tm-slider" min="0" max="{n - 1}" step="1" value="{self.start}" aria-label="{e(self.slider_label)}" style="width:16em;">
</label>
<span class="tm-frame-label" aria-live="polite" style="font-family:monospace;">{e(self.labels[self.start])}</span>
</div>
<div class="tm-scrubber-frames">
{chr(10).join(imgs)}
</div>
<noscript><div>JavaScript is off: only the first frame is shown.</div></noscript>
</div>
<script>
(function () {{
  var root = document.getElementById("{sid}");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  var frames = root.querySelectorAll("img.tm-frame");
  var slider = root.querySelector("input.tm-slider");
  var label = root.querySelector(".tm-frame-label");
  var play = root.querySelector("button.tm-play");
  var timer = null;
  function show(k) {{
    k = ((k % frames.length) + frames.length) % frames.length;
    for (var i = 0; i < frames.length; i++) {{ frames[i].hidden = (i !== k); }}
    slider.value = String(k);
    label.textContent = frames[k].dataset.label;
    root.dataset.current = String(k);
  }}
  function stop() {{
    if (timer !== null) {{ clearInterval(timer); timer = null; }}
    play.innerHTML = "&#9654; Play";
  }}
  slider.addEventListener("input", function () {{ stop(); show(parseInt(slider.value, 10)); }});
  slider.addEventListener("change", function () {{ stop(); show(parseInt(slider.value, 10)); }});
  play.addEventListener("click", function () {{
    if (timer !== null) {{ stop(); return; }}
    play.innerHTML = "&#10074;&#10074; Pause";
    show(parseInt(slider.value, 10) + 1);
    timer = setInterval(function () {{ show(parseInt(slider.value, 10) + 1); }}, {self.interval_ms});
  }});
  show({self.start});
}})();
</script>"""


def _check_labels(labels: Any, n: int) -> list[str]:
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"labels must be a list of strings, one per frame, got {labels!r}")
    labels = list(labels)
    if len(labels) != n:
        raise ValueError(f"labels must have one entry per frame ({n}), got {len(labels)}")
    for lab in labels:
        if not isinstance(lab, str):
            raise TypeError(f"labels must be strings, got {lab!r}")
    return labels


def scrubber(
    frames: Sequence[Any],
    labels: Sequence[str],
    *,
    title: str | None = None,
    slider_label: str = "frame",
    interval_ms: int = 900,
    start: int = 0,
    alt: str = "figure",
) -> Scrubber:
    """A slider and play button over precomputed frames, working without a kernel.

    Parameters
    ----------
    frames:
        matplotlib ``Figure`` objects (rendered to PNG and closed) or PNG ``bytes``.
    labels:
        one short text per frame, shown next to the slider (e.g. ``"1 − S = 0.03"``).
    title:
        optional heading above the figure.
    slider_label:
        what the slider moves through (e.g. ``"density 1 − S"``).
    interval_ms:
        time between frames when playing.
    start:
        index of the frame shown first.
    alt:
        alternative text of the images (the frame's label is appended).

    >>> scrub = scrubber([fig_a, fig_b], ["1 − S = 1", "1 − S = 0.1"], slider_label="density")
    >>> scrub  # in a notebook: displays the slider
    """
    if isinstance(frames, (str, bytes)) or not isinstance(frames, Sequence):
        raise TypeError(f"frames must be a list of matplotlib Figures or PNG bytes, got {type(frames).__name__}")
    if len(frames) == 0:
        raise ValueError("frames must hold at least one frame, got an empty list")
    labels = _check_labels(labels, len(frames))
    if isinstance(interval_ms, bool) or not isinstance(interval_ms, Integral) or interval_ms < 50:
        raise ValueError(f"interval_ms must be an integer >= 50 (milliseconds), got {interval_ms!r}")
    if isinstance(start, bool) or not isinstance(start, Integral) or not 0 <= start < len(frames):
        raise ValueError(f"start must be a frame index in [0, {len(frames)}), got {start!r}")
    for name, value in (("slider_label", slider_label), ("alt", alt)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, got {value!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {title!r}")
    pngs = []
    for k, f in enumerate(frames):
        if isinstance(f, (bytes, bytearray)):
            if not bytes(f).startswith(_PNG_MAGIC):
                raise ValueError(f"frames[{k}] is bytes but not a PNG image")
            pngs.append(bytes(f))
        else:
            try:
                pngs.append(figure_to_png(f))
            except TypeError:
                raise TypeError(
                    f"frames[{k}] must be a matplotlib Figure or PNG bytes, got {type(f).__name__}"
                ) from None
    return Scrubber(pngs, labels, title=title, slider_label=slider_label,
                    interval_ms=int(interval_ms), start=int(start), alt=alt)


def sweep_scrubber(
    items: Sequence[Any],
    plot: Callable[[Any], Any],
    labels: Sequence[str],
    **kwargs: Any,
) -> Scrubber:
    """:func:`scrubber` over ``plot(item)`` for each item of a sweep.

    ``plot`` returns a matplotlib ``Figure`` for one item (for example one trained model,
    ``result.select([k])``); keep the axes limits fixed across items so that only the data
    moves. Extra keyword arguments go to :func:`scrubber`.

    >>> sweep_scrubber([relu.select([k]) for k in range(7)], plots.plot_superposition_grid,
    ...                [f"1 − S = {d}" for d in densities], slider_label="density 1 − S")
    """
    if not callable(plot):
        raise TypeError(f"plot must be a function item -> matplotlib Figure, got {plot!r}")
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence) or len(items) == 0:
        raise ValueError(f"items must be a non-empty list, got {items!r}")
    _check_labels(labels, len(items))
    return scrubber([plot(item) for item in items], labels, **kwargs)


class LiveExplorer:
    """ipywidgets controls that retrain a toy model; see :func:`live_explorer`.

    Attributes: ``n``, ``m``, ``density``, ``decay`` (sliders), ``button``, ``progress``,
    ``output`` (where the figure goes), ``widget`` (the whole box), ``result`` (the last
    :class:`~toymodels_lib.train.TrainResult`, or ``None`` before the first run).
    """

    def __init__(self, *, kind: str, n: int, m: int, density: float, decay: float,
                 steps: int, seed: int, plot: Callable[[Any], Any] | None,
                 n_range: tuple[int, int], m_range: tuple[int, int], title: str | None) -> None:
        import ipywidgets as W

        self.kind = kind
        self.steps = steps
        self.seed = seed
        self.plot = plot
        self.result = None
        style = {"description_width": "11em"}
        layout = W.Layout(width="30em")
        self.n = W.IntSlider(value=n, min=n_range[0], max=n_range[1], description="features n",
                             style=style, layout=layout, continuous_update=False)
        self.m = W.IntSlider(value=m, min=m_range[0], max=min(m_range[1], n), description="hidden dims m",
                             style=style, layout=layout, continuous_update=False)
        self.density = W.FloatLogSlider(value=density, base=10, min=-3, max=0, step=0.1,
                                        description="density 1 − S", readout_format=".3g",
                                        style=style, layout=layout, continuous_update=False)
        self.decay = W.FloatSlider(value=decay, min=0.5, max=1.0, step=0.01,
                                   description="importance decay r", readout_format=".2f",
                                   style=style, layout=layout, continuous_update=False)
        self.button = W.Button(description="Retrain", button_style="primary", icon="refresh",
                               tooltip=f"train a {kind} model for {steps} steps")
        self.progress = W.IntProgress(value=0, min=0, max=steps, description="training",
                                      style=style, layout=layout)
        self.status = W.HTML(value="Set the sliders and press <b>Retrain</b>.")
        self.output = W.Output()
        self.n.observe(self._on_n, names="value")
        self.button.on_click(lambda _b: self.retrain())
        head = [W.HTML(value=f"<b>{html.escape(title)}</b>")] if title else []
        self.widget = W.VBox(head + [self.n, self.m, self.density, self.decay,
                                     W.HBox([self.button, self.status]), self.progress, self.output])

    def _on_n(self, change: dict) -> None:
        self.m.max = max(self.m.min, min(change["new"], 10_000))

    @property
    def sparsity(self) -> float:
        """``S = 1 − density`` of the current slider setting."""
        return 1.0 - float(self.density.value)

    def retrain(self) -> Any:
        """Train one model with the current slider values and draw it; returns the result."""
        import matplotlib.pyplot as plt

        from . import plots
        from .data import importance_decay
        from .train import TrainConfig, train_models

        n, m = int(self.n.value), int(self.m.value)
        self.button.disabled = True
        self.progress.value = 0
        self.progress.bar_style = ""
        self.status.value = f"training n = {n}, m = {m}, 1 − S = {self.density.value:.3g} ..."

        def hook(step: int, model: Any, losses: Any) -> None:
            self.progress.value = min(int(step), self.steps)

        try:
            result = train_models(
                self.kind, n, m, sparsity=[self.sparsity],
                importance=importance_decay(n, float(self.decay.value)),
                config=TrainConfig(steps=self.steps, seed=self.seed), hooks=[hook],
            )
        except Exception as err:  # show the message in the widget, do not lose the UI
            self.status.value = f"<span style='color:#b00'>failed: {html.escape(str(err))}</span>"
            self.progress.bar_style = "danger"
            self.button.disabled = False
            raise
        self.result = result
        self.progress.value = self.steps
        self.progress.bar_style = "success"
        self.status.value = (f"done in {result.seconds:.1f} s, loss {float(result.losses[0]):.4g}, "
                             f"||W||_F^2 = {float((result.W[0] ** 2).sum()):.2f}")
        fig = (self.plot or plots.plot_superposition_grid)(result)
        self.output.outputs = ()  # replace the previous figure (works with or without a kernel)
        self.output.append_display_data(fig)
        plt.close(fig)
        self.button.disabled = False
        return result

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = f'<div class="tm-live-note admonition tip"><p>{LIVE_NOTE}</p></div>'
        bundle["text/plain"] = "Live explorer (needs a running kernel with ipywidgets)"
        return bundle


def live_explorer(
    *,
    kind: str = "relu",
    n: int = 20,
    m: int = 5,
    density: float = 0.03,
    decay: float = 0.7,
    steps: int = 1500,
    seed: int = 0,
    plot: Callable[[Any], Any] | None = None,
    n_range: tuple[int, int] = (2, 40),
    m_range: tuple[int, int] = (1, 10),
    title: str | None = None,
) -> LiveExplorer:
    """Sliders for ``n``, ``m``, density ``1 − S`` and importance decay ``r``
    (``I_i = r**i``), a *Retrain* button and a progress bar.

    Pressing *Retrain* trains one ``kind`` model (``"linear"``, ``"relu"``, ...) for
    ``steps`` steps and draws it with ``plot(result)`` (default:
    :func:`~toymodels_lib.plots.plot_superposition_grid`). Nothing trains until the button
    is pressed, so building the website costs nothing. Where widgets cannot run (the
    static website) the output shows :data:`LIVE_NOTE` instead of controls.

    >>> live_explorer(kind="relu", n=20, m=5, density=0.03)
    """
    from .models import MODEL_KINDS

    if not isinstance(kind, str) or kind not in MODEL_KINDS:
        raise ValueError(f"kind must be one of {sorted(MODEL_KINDS)}, got {kind!r}")
    for name, rng in (("n_range", n_range), ("m_range", m_range)):
        if (not isinstance(rng, (tuple, list)) or len(rng) != 2
                or not all(isinstance(v, Integral) and not isinstance(v, bool) for v in rng)
                or not 1 <= rng[0] <= rng[1]):
            raise ValueError(f"{name} must be a pair of integers (low, high) with 1 <= low <= high, got {rng!r}")
    for name, value, (lo, hi) in (("n", n, n_range), ("m", m, m_range)):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise TypeError(f"{name} must be an integer, got {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{name} must be in [{lo}, {hi}] ({name}_range), got {value}")
    if m > n:
        raise ValueError(f"m must be <= n (the hidden layer compresses), got n={n}, m={m}")
    if isinstance(density, bool) or not isinstance(density, Real) or not 1e-3 <= density <= 1:
        raise ValueError(f"density (1 − S) must be a number in [0.001, 1], got {density!r}")
    if isinstance(decay, bool) or not isinstance(decay, Real) or not 0.5 <= decay <= 1:
        raise ValueError(f"decay (importance I_i = decay**i) must be in [0.5, 1], got {decay!r}")
    if isinstance(steps, bool) or not isinstance(steps, Integral) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    if plot is not None and not callable(plot):
        raise TypeError(f"plot must be None or a function result -> Figure, got {plot!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {title!r}")
    return LiveExplorer(kind=kind, n=int(n), m=int(m), density=float(density), decay=float(decay),
                        steps=int(steps), seed=int(seed), plot=plot, n_range=tuple(n_range),
                        m_range=tuple(m_range), title=title)


# --------------------------------------------------------------------------- in-browser explorer
# A third kind of interactivity: the model trains in the reader's browser, in JavaScript
# (toymodels_lib/static/toytrainer.js), so the live explorer works on the static website
# with no kernel. The JavaScript, its CSS and the call that mounts the widget are inlined
# in the HTML: no request leaves the page.

__all__ += ["BROWSER_ASSETS", "BrowserExplorer", "browser_asset", "browser_explorer"]

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
    import hashlib
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
