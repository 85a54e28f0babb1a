"""Figures of how much a model superposes: the paper's WᵀW grid, feature counts and capacity against density, training loss, and a 1-sparse input passing the ReLU."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from .. import metrics
from .._validate import as_float_tensor, as_weights, check_positive_int, check_real
from .style import (
    COLUMN_WIDTH_IN,
    FIGSIZE,
    GRAM_CMAP,
    STYLE,
    SUPERPOSITION_CMAP,
    ResultLike,
    density_axis,
    density_label,
    importance_note,
    kind_label,
    model_columns,
    model_title,
    panel_layout,
    require_result,
    results_list,
)

__all__ = [
    "plot_capacity_vs_density",
    "plot_loss_history",
    "plot_one_sparse_response",
    "plot_represented_vs_density",
    "plot_superposition_grid",
]


def plot_superposition_grid(
    results: ResultLike | Sequence[ResultLike],
    *,
    column_width: float = 1.45,
    ncols: int | None = None,
    title: str | None = None,
) -> Figure:
    """The paper's figure: per model, ``WᵀW`` above the feature norms ``‖W_i‖``.

    Each column is one trained model. Top: ``WᵀW`` (blue positive, red negative, fixed
    scale −1..1). Bottom: a bar per feature, its length ``‖W_i‖``, its colour the
    feature's superposition ``Σ_{j≠i}(Ŵ_i·W_j)²`` on the fixed scale 0–1 (dark: the
    feature has a dimension to itself; yellow: it shares one). ``ncols`` wraps the models
    into rows of that many columns (default: one row, as in the paper); a narrow page
    reads better with four per row.
    """
    cols = model_columns(results)
    n_features = cols[0][1].shape[1]
    wanted = len(cols) if ncols is None else min(check_positive_int("ncols", ncols), len(cols))
    n_rows, per_row, column_width = panel_layout(len(cols), column_width, extra_width=1.0, ncols=wanted)
    with plt.rc_context(STYLE):
        fig = plt.figure(
            figsize=(column_width * per_row + 1.0, n_rows * (column_width * 2.5 + 0.3) + 0.3),
            layout="constrained",
        )
        grid = fig.add_gridspec(
            2 * n_rows, per_row + 1, height_ratios=[1, 1.25] * n_rows, width_ratios=[1] * per_row + [0.08]
        )
        norm = Normalize(0, 1)
        cmap = plt.get_cmap(SUPERPOSITION_CMAP)
        gram_im = None
        for k, (kind, W, density) in enumerate(cols):
            row, c = 2 * (k // per_row), k % per_row
            gram = W.T @ W
            ax = fig.add_subplot(grid[row, c])
            gram_im = ax.imshow(gram, cmap=GRAM_CMAP, vmin=-1, vmax=1, interpolation="nearest")
            ax.set_title(model_title(kind, density))
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(r"$W^\top W$")
            bars = fig.add_subplot(grid[row + 1, c])
            # a result's weights are [hidden, features] by construction: expansion is real
            norms = metrics.feature_norms(W, allow_expansion=True).numpy()
            sup = metrics.superposition(W, allow_expansion=True).numpy()
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
        r0 = results_list(results)[0]
        fig.suptitle(
            title
            or f"n = {n_features} features, m = {r0.n_hidden} hidden dimensions"
            + importance_note(r0.importance[0])
        )
    return fig


def plot_represented_vs_density(
    result: ResultLike, *, threshold: float = 0.5, cosine: float = -0.9
) -> Figure:
    """Represented features (‖W_i‖ > threshold), those in antipodal pairs, and ``‖W‖_F²`` against density."""
    require_result("result", result)
    density = result.density.mean(-1).numpy()
    order = np.argsort(density)[::-1]
    rep = metrics.n_represented(result.W, threshold, allow_expansion=True).numpy()[order]
    anti = metrics.n_antipodal(result.W, cosine, threshold, allow_expansion=True).numpy()[order]
    frob = (result.W**2).sum(dim=(-2, -1)).numpy()[order]
    d = density[order]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        ax.plot(d, rep, "o-", label=rf"represented ($\|W_i\| > {threshold:g}$)")
        ax.plot(d, anti, "s--", label=f"in antipodal pairs (cos < {cosine:g})")
        ax.plot(d, frob, "^:", label=r"$\|W\|_F^2$")
        ax.axhline(result.n_hidden, color="gray", lw=0.8)
        ax.text(d.min(), result.n_hidden, f" m = {result.n_hidden}", va="bottom", color="gray")
        density_axis(ax)
        ax.set_ylabel("number of features")
        ax.set_ylim(0, result.n_features + 1)
        ax.legend(frameon=False, fontsize=9)
        ax.set_title(f"{kind_label(result.kind)} model, n = {result.n_features}, m = {result.n_hidden}")
    return fig


def plot_loss_history(result: ResultLike, *, labels: Sequence[str] | None = None) -> Figure:
    """Training loss per instance against step (log scale)."""
    require_result("result", result)
    hist = result.history.numpy()
    if labels is None:
        labels = [density_label(float(d)) for d in result.density.mean(-1)]
    if len(labels) != hist.shape[1]:
        raise ValueError(f"labels has {len(labels)} entries; there are {hist.shape[1]} instances")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        for k in range(hist.shape[1]):
            ax.plot(result.history_steps, hist[:, k], label=labels[k])
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel("loss (sum over features)")
        ax.set_title(f"Training loss, {kind_label(result.kind)} models")
        ax.legend(frameon=False, fontsize=8, ncol=2)
    return fig


def plot_capacity_vs_density(
    results: ResultLike | Sequence[ResultLike], *, threshold: float = 0.5
) -> Figure:
    """Features stored per hidden dimension against density, one line per sweep.

    Left: represented features (``‖W_i‖ > threshold``) divided by ``m``; right: ``‖W‖_F² / m``.
    Dividing by ``m`` puts sweeps of different sizes (n = 20, m = 5 and n = 80, m = 20,
    say) on one scale; the dotted line at 1 is what a linear model achieves.
    """
    rs = results_list(results)
    threshold = check_real("threshold", threshold, low=0.0)
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(2, 1, figsize=(COLUMN_WIDTH_IN, 6.4), layout="constrained", sharex=True)
        for r, marker in zip(rs, "os^vD<>" * len(rs), strict=False):
            d = r.density.mean(-1).numpy()
            order = np.argsort(d)[::-1]
            m = r.n_hidden
            rep = metrics.n_represented(r.W, threshold, allow_expansion=True).numpy()[order] / m
            frob = (r.W**2).sum(dim=(-2, -1)).numpy()[order] / m
            label = f"n = {r.n_features}, m = {m}" + importance_note(r.importance[0])
            left.plot(d[order], rep, marker + "-", label=label)
            right.plot(d[order], frob, marker + "-", label=label)
        for ax, ylabel in (
            (left, rf"represented features / m  ($\|W_i\| > {threshold:g}$)"),
            (right, r"$\|W\|_F^2 \,/\, m$"),
        ):
            ax.axhline(1.0, color="gray", lw=0.8, ls=":")
            density_axis(ax)
            ax.set_ylabel(ylabel)
            ax.set_ylim(bottom=0)
        left.set_title("Features with a direction, per hidden dimension")
        right.set_title(r"$\|W\|_F^2$ per hidden dimension")
        right.legend(frameon=False, fontsize=8)
        fig.suptitle(f"{kind_label(rs[0].kind)} models: how many features fit, against sparsity")
    return fig


def plot_one_sparse_response(
    W: Any, b: Any, *, feature: int = 0, n_values: int = 101, title: str | None = None
) -> Figure:
    """Every output of a ReLU-output model when one feature is active alone, against its value.

    ``W`` is one model ``[m, n]`` and ``b`` its biases ``[n]``. With feature ``i`` active at
    value ``x`` (from 0 to 1), output ``j`` is ``ReLU(x W_j·W_i + b_j)``: drawn solid, its
    pre-activation dashed, the active feature's thickest; the dotted diagonal is the target
    for feature ``i``. Legend entries give each ``W_j·W_i``.
    """
    w = as_weights("W", W, min_dim=2, max_dim=2)
    n = w.shape[1]
    bias = as_float_tensor("b", b, min_dim=1, max_dim=1)
    if bias.shape[0] != n:
        raise ValueError(f"b must hold one bias per feature ({n}), got shape {tuple(bias.shape)}")
    i = check_positive_int("feature", feature, minimum=0)
    if i >= n:
        raise ValueError(f"feature must be a feature number in [0, {n}), got {feature}")
    n_values = check_positive_int("n_values", n_values, minimum=2)
    x = torch.linspace(0, 1, n_values)
    gram = w.T @ w
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        for j in range(n):
            pre = x * gram[i, j] + bias[j]
            colour = plt.get_cmap("tab10")(j % 10)
            label = (f"feature {i} (active)" if j == i
                     else f"feature {j}: $W_{j}\\cdot W_{i}$ = {float(gram[i, j]):.2f}")
            ax.plot(x, torch.relu(pre), color=colour, lw=max(0.8, 3.2 - 0.5 * j), label=label)
            ax.plot(x, pre, color=colour, lw=1, ls="--")
        ax.plot(x, x, color="black", lw=0.8, ls=":", label=f"target for feature {i}")
        ax.axhline(0, color="gray", lw=0.6)
        ax.set_xlabel(f"value $x$ of feature {i} (the only active feature)")
        ax.set_ylabel("output $x'_j$ (dashed: before the ReLU)")
        ax.set_title(title or f"n = {n}, m = {w.shape[0]}: feature {i} active alone")
        ax.legend(frameon=False, fontsize=8, loc="upper left")
    return fig
