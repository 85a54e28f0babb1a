"""Paper-style figures. Every function returns a matplotlib ``Figure``.

One style for the whole book (``STYLE``); superposition is always coloured on the fixed
scale 0–1 (``SUPERPOSITION_CMAP``); features are drawn in importance order (feature 0, the
most important, at the top); titles and labels are generated from the configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from . import metrics
from .train import TrainResult

__all__ = [
    "STYLE",
    "SUPERPOSITION_CMAP",
    "density_label",
    "model_title",
    "plot_loss_history",
    "plot_represented_vs_density",
    "plot_superposition_grid",
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
_KIND_LABELS = {"linear": "Linear", "relu": "ReLU output", "hidden_relu": "ReLU hidden"}


def density_label(density: float) -> str:
    """``1−S = 0.001`` style label."""
    return f"1−S = {float(density):.3g}"


def model_title(kind: str, density: float) -> str:
    """Title of one model's column, from its configuration."""
    return f"{_KIND_LABELS.get(kind, kind)}\n{density_label(density)}"


def _columns(results: TrainResult | Sequence[TrainResult]) -> list[tuple[str, np.ndarray, float]]:
    if isinstance(results, TrainResult):
        results = [results]
    if not isinstance(results, Sequence) or not results:
        raise TypeError("results must be a TrainResult or a non-empty list of TrainResult")
    cols = []
    for r in results:
        if not isinstance(r, TrainResult):
            raise TypeError(f"results must hold TrainResult objects, got {type(r).__name__}")
        for k in range(r.n_instances):
            density = float(r.density[k].mean())
            cols.append((r.kind, r.W[k].numpy(), density))
    return cols


def plot_superposition_grid(
    results: TrainResult | Sequence[TrainResult],
    *,
    column_width: float = 1.45,
    title: str | None = None,
) -> Figure:
    """The paper's figure: per model, ``WᵀW`` above the feature norms ``‖W_i‖``.

    Each column is one trained model. Top: ``WᵀW`` (blue positive, red negative, fixed
    scale −1..1). Bottom: a bar per feature, its length ``‖W_i‖``, its colour the
    feature's superposition ``Σ_{j≠i}(Ŵ_i·W_j)²`` on the fixed scale 0–1 (dark: the
    feature has a dimension to itself; yellow: it shares one).
    """
    cols = _columns(results)
    n_features = cols[0][1].shape[1]
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(column_width * len(cols) + 1.0, column_width * 2.5 + 0.6), layout="constrained")
        grid = fig.add_gridspec(2, len(cols) + 1, height_ratios=[1, 1.25], width_ratios=[1] * len(cols) + [0.08])
        norm = Normalize(0, 1)
        cmap = plt.get_cmap(SUPERPOSITION_CMAP)
        gram_im = None
        for c, (kind, W, density) in enumerate(cols):
            gram = W.T @ W
            ax = fig.add_subplot(grid[0, c])
            gram_im = ax.imshow(gram, cmap=GRAM_CMAP, vmin=-1, vmax=1, interpolation="nearest")
            ax.set_title(model_title(kind, density))
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(r"$W^\top W$")
            bars = fig.add_subplot(grid[1, c])
            norms = metrics.feature_norms(W).numpy()
            sup = metrics.superposition(W).numpy()
            y = np.arange(n_features)
            bars.barh(y, norms, color=cmap(norm(np.clip(sup, 0, 1))), height=0.8)
            bars.set_ylim(n_features - 0.5, -0.5)
            bars.set_xlim(0, max(1.1, float(norms.max()) * 1.05))
            bars.set_yticks([])
            bars.set_xlabel(r"$\|W_i\|$")
            if c == 0:
                bars.set_ylabel(f"features 0–{n_features - 1}\n(most important at top)")
        cax = fig.add_subplot(grid[1, -1])
        sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        cb = fig.colorbar(sm, cax=cax, extend="max")
        cb.set_label(r"superposition $\sum_{j\neq i}(\hat W_i\cdot W_j)^2$")
        if gram_im is not None:
            gax = fig.add_subplot(grid[0, -1])
            fig.colorbar(gram_im, cax=gax).set_label(r"$W^\top W$")
        r0 = results if isinstance(results, TrainResult) else results[0]
        fig.suptitle(
            title
            or f"n = {n_features} features, m = {r0.n_hidden} hidden dimensions"
            + _importance_note(r0.importance[0])
        )
    return fig


def _importance_note(importance: torch.Tensor) -> str:
    imp = importance.double()
    if imp.numel() > 1 and imp[0] > 0:
        ratios = imp[1:] / imp[:-1]
        if torch.allclose(ratios, ratios[0].expand_as(ratios), rtol=1e-4):
            r = float(ratios[0])
            return ", uniform importance" if abs(r - 1) < 1e-6 else f", importance $I_i = {r:.3g}^i$"
    return ""


def plot_represented_vs_density(
    result: TrainResult, *, threshold: float = 0.5, cosine: float = -0.9
) -> Figure:
    """Represented features (‖W_i‖ > threshold), those in antipodal pairs, and ``‖W‖_F²`` against density."""
    if not isinstance(result, TrainResult):
        raise TypeError(f"result must be a TrainResult, got {type(result).__name__}")
    density = result.density.mean(-1).numpy()
    order = np.argsort(density)[::-1]
    rep = metrics.n_represented(result.W, threshold).numpy()[order]
    anti = metrics.n_antipodal(result.W, cosine, threshold).numpy()[order]
    frob = (result.W**2).sum(dim=(-2, -1)).numpy()[order]
    d = density[order]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        ax.plot(d, rep, "o-", label=rf"represented ($\|W_i\| > {threshold:g}$)")
        ax.plot(d, anti, "s--", label=f"in antipodal pairs (cos < {cosine:g})")
        ax.plot(d, frob, "^:", label=r"$\|W\|_F^2$")
        ax.axhline(result.n_hidden, color="gray", lw=0.8)
        ax.text(d.min(), result.n_hidden, f" m = {result.n_hidden}", va="bottom", color="gray")
        ax.set_xscale("log")
        ax.invert_xaxis()
        ax.set_xlabel("feature density 1−S (sparser →)")
        ax.set_ylabel("number of features")
        ax.set_ylim(0, result.n_features + 1)
        ax.legend(frameon=False, fontsize=9)
        ax.set_title(
            f"{_KIND_LABELS.get(result.kind, result.kind)} model, n = {result.n_features}, m = {result.n_hidden}"
        )
    return fig


def plot_loss_history(result: TrainResult, *, labels: Sequence[str] | None = None) -> Figure:
    """Training loss per instance against step (log scale)."""
    if not isinstance(result, TrainResult):
        raise TypeError(f"result must be a TrainResult, got {type(result).__name__}")
    hist = result.history.numpy()
    if labels is None:
        labels = [density_label(float(d)) for d in result.density.mean(-1)]
    if len(labels) != hist.shape[1]:
        raise ValueError(f"labels has {len(labels)} entries; there are {hist.shape[1]} instances")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        for k in range(hist.shape[1]):
            ax.plot(result.history_steps, hist[:, k], label=labels[k])
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel("loss (sum over features)")
        ax.set_title(f"Training loss, {_KIND_LABELS.get(result.kind, result.kind)} models")
        ax.legend(frameon=False, fontsize=8, ncol=2)
    return fig
