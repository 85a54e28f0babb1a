"""Live explorers for a running kernel: ipywidgets sliders and a *Retrain* button that
retrain a toy model (``live_explorer``); on the static site a note says how to launch one."""

from __future__ import annotations

import html
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any

__all__ = ["LIVE_NOTE", "LiveExplorer", "live_explorer"]

LIVE_NOTE = (
    "<b>Live explorer.</b> This cell retrains the model with the <i>n</i>, <i>m</i>, sparsity "
    "and importance you choose. It needs a running Python kernel: launch this page on "
    "<b>Binder</b> or <b>Colab</b> with the rocket button at the top of the page (or open the "
    "notebook locally with <code>make lab</code>) and run the cell. On the website, the "
    "slider figure above shows precomputed results."
)
"""The line shown in place of the live controls where no kernel runs (the website)."""

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

        from .. import plots
        from ..data import importance_decay
        from ..train import TrainConfig, train_models

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
    from ..models import MODEL_KINDS

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

