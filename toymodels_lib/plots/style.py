"""The book's one figure style: rc settings, colour maps, sizes, generated labels and the axis helpers every figure shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import torch

from .._validate import as_weights
from ..models import MODEL_KINDS

__all__ = [
    "FIGSIZE",
    "GRAM_CMAP",
    "INVERSE_DENSITY_LABEL",
    "STYLE",
    "SUPERPOSITION_CMAP",
    "density_label",
    "kind_label",
    "model_title",
]

STYLE: dict[str, Any] = {
    "figure.dpi": 110,
    "savefig.dpi": 110,
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
