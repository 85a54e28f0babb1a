"""Kernel-free interactive figures: a slider and play button over precomputed frames
(``scrubber``, ``sweep_scrubber``), inlined as base64 PNGs so they work on the static site."""

from __future__ import annotations

import base64
import hashlib
import html
import io
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import Any

__all__ = ["Scrubber", "figure_to_png", "scrubber", "sweep_scrubber"]

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
                 slider_label: str, interval_ms: int, start: int, alt: str,
                 widths: list[int | None] | None = None) -> None:
        self.frames = frames
        # CSS width of each frame: half the pixels of a figure rendered at twice its dpi
        # (sharp on high-density screens), None for PNGs given as bytes (natural size).
        self.widths = list(widths) if widths is not None else [None] * len(frames)
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
            width = f' width="{self.widths[k]}"' if self.widths[k] else ""
            imgs.append(
                f'<img class="tm-frame" data-index="{k}" data-label="{e(label)}"{hidden}{width} '
                f'src="data:image/png;base64,{data}" alt="{e(self.alt)}: {e(label)}" '
                f'style="max-width:100%;height:auto;">'
            )
        title = f'<div class="tm-scrubber-title" style="font-weight:600;margin-bottom:.3em;">{e(self.title)}</div>' if self.title else ""
        n = len(self.frames)
        return f"""<div class="tm-scrubber" id="{sid}" data-frames="{n}" style="margin:.5em 0 1em 0;">
{title}<div class="tm-scrubber-controls" style="display:flex;align-items:center;gap:.6em;flex-wrap:wrap;margin-bottom:.3em;">
<button type="button" class="tm-play" aria-label="Play through the frames" style="min-width:5.5em;padding:.15em .6em;border:1px solid #888;border-radius:4px;background:#f4f4f4;color:#1a1a1a;cursor:pointer;">&#9654; Play</button>
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
    pngs: list[bytes] = []
    widths: list[int | None] = []
    for k, f in enumerate(frames):
        if isinstance(f, (bytes, bytearray)):
            if not bytes(f).startswith(_PNG_MAGIC):
                raise ValueError(f"frames[{k}] is bytes but not a PNG image")
            pngs.append(bytes(f))
            widths.append(None)
        else:
            try:
                png = figure_to_png(f, dpi=2 * float(f.dpi)) if hasattr(f, "dpi") else figure_to_png(f)
                pngs.append(png)
                widths.append(int.from_bytes(png[16:20], "big") // 2)  # the IHDR width, halved
            except TypeError:
                raise TypeError(
                    f"frames[{k}] must be a matplotlib Figure or PNG bytes, got {type(f).__name__}"
                ) from None
    return Scrubber(pngs, labels, title=title, slider_label=slider_label,
                    interval_ms=int(interval_ms), start=int(start), alt=alt, widths=widths)


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


