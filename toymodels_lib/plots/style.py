"""The book's one figure style: rc settings, colour maps, sizes, generated labels and the axis helpers every figure shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import torch

from .._validate import as_weights
from ..models import MODEL_KINDS

__all__ = [
    "COLUMN_WIDTH_IN",
    "FIGSIZE",
    "GRAM_CMAP",
    "MIN_FONT_PT",
    "INVERSE_DENSITY_LABEL",
    "STYLE",
    "SUPERPOSITION_CMAP",
    "density_label",
    "legibility_problems",
    "panel_layout",
    "use_in_notebook",
    "kind_label",
    "model_title",
]

COLUMN_WIDTH_IN = 6.8
"""Widest figure, in inches: at ``figure.dpi`` 100 it is 680 CSS pixels, the website's content
column (about 690 px at 1280 px), so no figure is shrunk on a desktop screen."""
MIN_FONT_PT = 8.0
"""Smallest text in a figure: 8 pt at 100 dpi is 11 CSS pixels on the page."""

STYLE: dict[str, Any] = {
    # 100 dpi: one inch of figure is 100 CSS pixels on the page; notebooks save PNGs at twice
    # that (``use_in_notebook``: the "retina" format) for high-density screens.
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
}
SUPERPOSITION_CMAP = "plasma"
GRAM_CMAP = "RdBu"
FIGSIZE: tuple[float, float] = (6.4, 3.6)
"""Size of a one-panel line plot."""
INVERSE_DENSITY_LABEL = "1/(1−S)  (sparser →)"
DENSITY_LABEL = "feature density 1−S (sparser →)"


@runtime_checkable
class ResultLike(Protocol):
    """What the figures read from a training result (:class:`toymodels_lib.train.TrainResult`).

    Plots do not import the trainer: a result is recognised by these attributes.
    """

    kind: str
    n_features: int
    n_hidden: int
    W: torch.Tensor
    sparsity: torch.Tensor
    importance: torch.Tensor
    history: torch.Tensor
    history_steps: list[int]

    @property
    def n_instances(self) -> int: ...

    @property
    def density(self) -> torch.Tensor: ...


def is_result(obj: Any) -> bool:
    """True for a training result (anything with a ``TrainResult``'s attributes)."""
    return isinstance(obj, ResultLike)


def require_result(name: str, obj: Any) -> ResultLike:
    """``obj`` if it is a training result, else a ``TypeError`` naming ``name``."""
    if not is_result(obj):
        raise TypeError(f"{name} must be a TrainResult, got {type(obj).__name__}")
    return obj


def results_list(results: Any, name: str = "results") -> list[ResultLike]:
    """One result or a non-empty sequence of results, as a list."""
    rs = [results] if is_result(results) else results
    if isinstance(rs, (str, bytes)) or not isinstance(rs, Sequence) or not rs:
        raise TypeError(f"{name} must be a TrainResult or a non-empty list of TrainResult")
    for r in rs:
        if not is_result(r):
            raise TypeError(f"{name} must hold TrainResult objects, got {type(r).__name__}")
    return list(rs)


def kind_label(kind: str) -> str:
    """The model class's own label for ``kind`` (``"relu"`` -> ``"ReLU output"``); unknown kinds as given."""
    return MODEL_KINDS[kind].label if kind in MODEL_KINDS else kind


def density_label(density: float) -> str:
    """``1−S = 0.001`` style label."""
    return f"1−S = {float(density):.3g}"


def model_title(kind: str, density: float) -> str:
    """Title of one model's column, from its configuration."""
    return f"{kind_label(kind)}\n{density_label(density)}"


def importance_note(importance: torch.Tensor) -> str:
    """``", importance $I_i = 0.7^i$"`` for geometric importance, ``", uniform importance"``, else ``""``."""
    imp = importance.double()
    if imp.numel() > 1 and imp[0] > 0:
        ratios = imp[1:] / imp[:-1]
        if torch.allclose(ratios, ratios[0].expand_as(ratios), rtol=1e-4):
            r = float(ratios[0])
            return ", uniform importance" if abs(r - 1) < 1e-6 else f", importance $I_i = {r:.3g}^i$"
    return ""


def model_columns(results: Any) -> list[tuple[str, np.ndarray, float]]:
    """``(kind, W [m, n], mean density)`` for every instance of one result or a list of results."""
    cols = []
    for r in results_list(results):
        for k in range(r.n_instances):
            cols.append((r.kind, r.W[k].numpy(), float(r.density[k].mean())))
    return cols


def weights_stack(W: Any, name: str = "W") -> torch.Tensor:
    """``W`` as a float tensor ``[models, hidden, features]`` read by the library's one weight
    reader (:func:`~toymodels_lib._validate.as_weights`: finite, not empty, no more hidden
    dimensions than features); a ``ValueError`` or ``TypeError`` naming ``name`` otherwise."""
    w = as_weights(name, W.detach().cpu() if isinstance(W, torch.Tensor) else W, min_dim=3, max_dim=3)
    return w


def densities(density: Any, n_models: int) -> np.ndarray:
    """One density in (0, 1] per model, as a float64 array."""
    d = np.asarray(density, dtype=np.float64).reshape(-1)
    if d.shape[0] != n_models or not np.all((d > 0) & (d <= 1)):
        raise ValueError(f"density must hold {n_models} values in (0, 1] (one per model), got {density!r}")
    return d


def density_axis(ax: Any, label: str = DENSITY_LABEL) -> None:
    """Log x axis of the density ``1−S``, inverted so that sparser is to the right."""
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel(label)


def fraction_lines(ax: Any, *, labels: bool = True, vertical: bool = False) -> None:
    """Dotted lines at the polytope fractions 1, 3/4, 2/3, 1/2, 2/5, 3/8, labelled at the edge."""
    from ..theory import polytope_fractions

    for label, value in polytope_fractions():
        if vertical:
            ax.axvline(value, color="gray", lw=0.7, ls=":", zorder=0)
            if labels:
                ha = "right" if value < 0.39 else "left" if abs(value - 0.4) < 1e-9 else "center"
                ax.text(value, 1.0, label.split(" ")[0], transform=ax.get_xaxis_transform(),
                        ha=ha, va="bottom", fontsize=8, color="dimgray")
        else:
            ax.axhline(value, color="gray", lw=0.7, ls=":", zorder=0)
            if labels:
                ax.text(1.01, value, label.split(" ")[0], transform=ax.get_yaxis_transform(),
                        va="center", fontsize=8, color="dimgray")


def bare_square(ax: Any, lim: float) -> None:
    """An equal-aspect panel from ``-lim`` to ``lim`` without ticks or frame (for arrow pictures)."""
    ax.set_aspect("equal")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def panel_layout(
    n_panels: int, panel_width: float, *, extra_width: float = 0.0, ncols: int | None = None
) -> tuple[int, int, float]:
    """``(nrows, ncols, panel_width)`` for ``n_panels`` panels that fit the content column.

    Panels wrap onto further rows instead of shrinking much: ``ncols`` (default: as many as
    fit) is capped at what fits ``COLUMN_WIDTH_IN`` at 85% of ``panel_width`` inches each, plus
    ``extra_width`` (a colour bar, a legend); when even one panel does not fit, the panel
    width shrinks to the column.
    """
    if isinstance(n_panels, bool) or not isinstance(n_panels, int) or n_panels < 1:
        raise ValueError(f"n_panels must be a positive integer, got {n_panels!r}")
    if not panel_width > 0 or not extra_width >= 0:
        raise ValueError(f"panel_width must be > 0 and extra_width >= 0, got {panel_width!r}, {extra_width!r}")
    room = COLUMN_WIDTH_IN - extra_width
    fit = max(1, int((room + 1e-9) // (0.85 * panel_width)))  # panels may shrink by 15% before wrapping
    cols = min(n_panels, fit if ncols is None else max(1, min(int(ncols), fit)))
    width = min(panel_width, room / cols)
    return -(-n_panels // cols), cols, width


def legibility_problems(fig: Any, *, dpi: float | None = None) -> list[str]:
    """What would make ``fig`` hard to read on the website, as sentences (empty when none).

    A figure is read at 100 CSS pixels per inch (``STYLE['figure.dpi']``): wider than
    ``COLUMN_WIDTH_IN`` it is shrunk to the column, and text below ``MIN_FONT_PT`` is under
    11 px. Visible text only; the tests call this on every figure the plots make.
    """
    problems = []
    width = float(fig.get_size_inches()[0])
    if width > COLUMN_WIDTH_IN + 1e-6:
        problems.append(f"figure is {width:.2f} in wide, wider than the {COLUMN_WIDTH_IN} in column")
    small = sorted(
        {round(float(t.get_fontsize()), 1) for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
         if t.get_visible() and str(t.get_text()).strip() and float(t.get_fontsize()) < MIN_FONT_PT - 1e-6}
    )
    if small:
        problems.append(f"text at {small} pt, below the {MIN_FONT_PT} pt minimum (11 px on the page)")
    return problems


def use_in_notebook() -> bool:
    """In a Jupyter kernel, show figures as PNGs at twice the pixels ("retina"), sized for the
    page at ``STYLE['figure.dpi']``; elsewhere nothing. Called when :mod:`toymodels_lib.plots`
    is imported, so every chapter gets crisp figures on high-density screens. True if set."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return False
    shell = get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return False
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover
        return False
    set_matplotlib_formats("retina")
    return True
