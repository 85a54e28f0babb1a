"""Figures of the geometry of superposition: dimensions per feature, feature dimensionalities, the polytopes features form, and what each polytope saves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from .. import metrics
from .._types import Weights
from .._validate import as_weights, check_real
from .style import (
    COLUMN_WIDTH_IN,
    FIGSIZE,
    INVERSE_DENSITY_LABEL,
    STYLE,
    bare_square,
    densities,
    fraction_lines,
    panel_layout,
    weights_stack,
)

__all__ = [
    "plot_dimensionality_histogram",
    "plot_dimensions_per_feature",
    "plot_feature_dimensionality",
    "plot_polytope_benefit",
    "plot_polytopes",
]

_SHAPE_COLOURS = {
    "dedicated dimension": "black",
    "tetrahedron": "tab:purple",
    "triangle": "tab:green",
    "digon": "tab:blue",
    "pentagon": "tab:orange",
    "square": "tab:cyan",
    "hexagon": "tab:brown",
    "octahedron": "tab:pink",
    "cube": "tab:red",
}


def plot_dimensions_per_feature(W: Weights, *, density: Any, title: str | None = None) -> Figure:
    """``D* = m / ‖W‖_F²`` against ``1/(1 − S)`` for a sweep of models ``W`` ``[models, m, n]``.

    Reference lines at 1 (a dimension per feature), 1/2 (antipodal pairs) and ``m/n``
    (every feature represented).
    """
    w = weights_stack(W)
    d = densities(density, w.shape[0])
    m, n = w.shape[1], w.shape[2]
    d_star = metrics.dimensions_per_feature(w).numpy()
    x = 1.0 / d
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        for value, label in ((1.0, "1"), (0.5, "1/2"), (m / n, f"m/n = {m / n:.3g}")):
            ax.axhline(value, color="gray", lw=0.8, ls=":")
            ax.text(x.max(), value, label, ha="right", va="bottom", fontsize=8, color="dimgray")
        ax.plot(x, d_star, "o-", color="black", ms=4)
        ax.set_xscale("log")
        ax.set_ylim(0, 1.1)
        ax.set_xlabel(INVERSE_DENSITY_LABEL)
        ax.set_ylabel(r"dimensions per feature $D^* = m/\|W\|_F^2$")
        ax.set_title(title or f"Uniform superposition, ReLU output model: n = {n}, m = {m}, uniform importance")
    return fig


def plot_feature_dimensionality(
    W: Weights, *, density: Any, min_dimensionality: float = 0.02, title: str | None = None
) -> Figure:
    """Each feature's dimensionality ``D_i`` against ``1/(1 − S)`` (one dot per feature and model).

    Dots are coloured by the feature's norm ``‖W_i‖`` (colour bar on the right), so features
    that are represented (``‖W_i‖ > 0.5``) stand out from weakly embedded ones; the line is
    ``D*``, labelled in a legend placed where the dots are not; dotted lines mark the
    polytope fractions 1, 3/4, 2/3, 1/2, 2/5, 3/8. Features with ``D_i`` below
    ``min_dimensionality`` are left out.
    """
    w = weights_stack(W)
    d = densities(density, w.shape[0])
    m, n = w.shape[1], w.shape[2]
    dims = metrics.feature_dimensionality(w).numpy()
    norms = metrics.feature_norms(w).numpy()
    d_star = metrics.dimensions_per_feature(w).numpy()
    x = 1.0 / d
    rng = np.random.default_rng(0)
    top = max(1.0, float(np.ceil(10 * norms.max()) / 10))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 4.2), layout="constrained")
        fraction_lines(ax)
        dots = None
        for k in range(w.shape[0]):
            keep = dims[k] > min_dimensionality
            jitter = np.exp(rng.uniform(-0.04, 0.04, keep.sum()))
            dots = ax.scatter(x[k] * jitter, dims[k][keep], s=6, alpha=0.5, c=norms[k][keep],
                              cmap="viridis", vmin=0, vmax=top, linewidths=0)
        ax.plot(x, d_star, "-", color="black", lw=1.2, label=r"$D^* = m/\|W\|_F^2$")
        ax.set_xscale("log")
        ax.set_ylim(0, 1.1)
        ax.set_xlabel(INVERSE_DENSITY_LABEL)
        ax.set_ylabel(r"feature dimensionality $D_i$")
        _legend_off_the_data(ax, x, dims, min_dimensionality)
        if dots is not None:
            bar = fig.colorbar(dots, ax=ax, pad=0.06, fraction=0.04)  # room for the fraction labels
            bar.solids.set_alpha(1.0)
            bar.set_label(r"feature norm $\|W_i\|$ (dot colour)")
        ax.set_title(title or f"Feature dimensionalities, n = {n}, m = {m}, uniform importance")
    return fig


def _legend_off_the_data(ax: Any, x: np.ndarray, dims: np.ndarray, floor: float) -> None:
    """Put the legend in the corner of the axes (of four) that holds the fewest dots."""
    xs = np.repeat(np.log(x)[:, None], dims.shape[1], axis=1)[dims > floor]
    ys = dims[dims > floor]
    span = np.log(x.max() / x.min()) or 1.0
    u = (xs - np.log(x.min())) / span
    v = ys / 1.1
    corners = {
        "upper right": (u > 0.55) & (v > 0.6),
        "upper left": (u < 0.45) & (v > 0.6),
        "lower right": (u > 0.55) & (v < 0.4),
        "lower left": (u < 0.45) & (v < 0.4),
    }
    best = min(corners, key=lambda c: int(corners[c].sum()))
    ax.legend(frameon=False, loc=best)


def plot_dimensionality_histogram(
    W: Weights,
    *,
    threshold: float = 0.5,
    bins: int = 60,
    density: Any = None,
    band: tuple[float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """Histogram of the feature dimensionalities ``D_i`` of the models ``W`` ``[models, m, n]``.

    Only represented features (``‖W_i‖ > threshold``, the book's 0.5) are counted;
    dotted lines mark the polytope fractions. With ``density`` (one per model) and
    ``band=(low, high)``, the features of the models with ``low ≤ 1/(1 − S) ≤ high`` and
    those of the other models are stacked in two colours, so the reader sees where each
    peak comes from.
    """
    w = weights_stack(W)
    th = check_real("threshold", threshold, low=0.0)
    all_dims = metrics.feature_dimensionality(w).numpy()
    all_dims = np.where(metrics.feature_norms(w).numpy() > th, all_dims, np.nan)
    if band is not None:
        if density is None:
            raise ValueError("band needs density= (one value per model) to tell which models it holds")
        if (not isinstance(band, (tuple, list)) or len(band) != 2
                or not all(isinstance(b, (int, float)) for b in band) or not 1 <= band[0] <= band[1]):
            raise ValueError(f"band must be (low, high) with 1 <= low <= high (values of 1/(1-S)), got {band!r}")
        inv = 1.0 / densities(density, w.shape[0])
        inside = (inv >= band[0]) & (inv <= band[1])
        parts = [(all_dims[inside], f"1/(1−S) from {band[0]:g} to {band[1]:g}", "tab:orange"),
                 (all_dims[~inside], "other models", "tab:blue")]
    else:
        parts = [(all_dims, None, "tab:blue")]
    series = [(v[np.isfinite(v)], label, colour) for v, label, colour in parts]
    total = sum(v.size for v, _, _ in series)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
        fraction_lines(ax, vertical=True)
        ax.hist([v for v, _, _ in series], bins=bins, range=(0, 1.05), stacked=True,
                color=[c for _, _, c in series], alpha=0.85,
                label=[lab or "" for _, lab, _ in series])
        ax.set_yscale("log")
        ax.set_xlabel(r"feature dimensionality $D_i$")
        ax.set_ylabel("number of features")
        if band is not None:
            ax.legend(frameon=False, loc="upper right", bbox_to_anchor=(1.0, 0.93), fontsize=8)
        ax.set_title(
            title or f"{total} represented features of {w.shape[0]} models "
            f"(n = {w.shape[2]}, m = {w.shape[1]})",
            pad=14,
        )
    return fig


def plot_polytopes(
    vectors: Sequence[Any],
    *,
    titles: Sequence[str] | None = None,
    dimensionality: Sequence[Any] | None = None,
    suptitle: str | None = None,
) -> Figure:
    """Pictures of groups of features, each drawn in its own subspace.

    ``vectors`` is a list with one ``[m, k]`` matrix per group: the columns ``W_i`` of
    the group's features (``W[:, group]`` with a group from
    :func:`toymodels_lib.metrics.feature_groups`; groups may come from different models).
    Each group is drawn in the 2-D or 3-D span of its vectors (found with an SVD): arrows
    from the origin to each ``W_i``, with edges between the tips. ``dimensionality`` (one
    ``[k]`` array per group, the features' ``D_i`` in their model) is printed under each title.
    """
    if isinstance(vectors, (torch.Tensor, np.ndarray)) or not isinstance(vectors, Sequence) or not vectors:
        raise TypeError("vectors must be a non-empty list of [m, k] matrices, one per group")
    mats = []
    for c, v in enumerate(vectors):
        # a group's columns from a larger model: usually fewer features than hidden dimensions
        w = as_weights(f"vectors[{c}]", v.detach().cpu() if isinstance(v, torch.Tensor) else v,
                       max_dim=2, allow_expansion=True)
        if w.shape[1] < 2:
            raise ValueError(f"vectors[{c}] must be an [m, k] matrix with k >= 2 features, got shape {tuple(w.shape)}")
        mats.append(w)
    for name, seq in (("titles", titles), ("dimensionality", dimensionality)):
        if seq is not None and len(seq) != len(mats):
            raise ValueError(f"{name} has {len(seq)} entries for {len(mats)} groups")
    with plt.rc_context(STYLE):
        nrows, ncols, size = panel_layout(len(mats), 3.0)
        fig = plt.figure(figsize=(size * ncols, (size + 0.4) * nrows), layout="constrained")
        for c, w in enumerate(mats):
            k = w.shape[1]
            d = 2 if np.linalg.matrix_rank(w.numpy(), tol=0.05 * float(w.norm(dim=0).max())) <= 2 else 3
            coords = metrics.group_coordinates(w, range(k), d, allow_expansion=True).numpy()
            label = titles[c] if titles else f"{k} features in {d} dimensions"
            if dimensionality is not None:
                di = np.asarray(dimensionality[c], dtype=np.float64)
                label += f"\n$D_i$ = {di.mean():.2f} ± {di.std():.2f}"
            if d == 2:
                ax = fig.add_subplot(nrows, ncols, c + 1)
                order = np.argsort(np.arctan2(coords[1], coords[0]))
                ring = np.append(order, order[0])
                ax.plot(coords[0, ring], coords[1, ring], color="lightgray", lw=1)
                for i in range(k):
                    ax.annotate("", xy=coords[:, i], xytext=(0, 0),
                                arrowprops={"arrowstyle": "->", "color": "tab:blue", "lw": 1.5})
                bare_square(ax, 1.15 * max(1e-6, float(np.abs(coords).max())))
            else:
                ax = fig.add_subplot(nrows, ncols, c + 1, projection="3d")
                for i in range(k):
                    ax.plot([0, coords[0, i]], [0, coords[1, i]], [0, coords[2, i]], color="tab:blue", lw=1.8)
                    for j in range(i + 1, k):
                        ax.plot(*[[coords[a, i], coords[a, j]] for a in range(3)], color="lightgray", lw=0.8)
                ax.scatter(*coords, color="tab:blue", s=12)
                ax.set_xticks([])
                ax.set_yticks([])
                ax.set_zticks([])
                ax.set_box_aspect((1, 1, 1))
            ax.set_title(label)
        if suptitle:
            fig.suptitle(suptitle)
    return fig


def plot_polytope_benefit(inverse_density: Any, benefit: dict[str, Any], *, title: str | None = None) -> Figure:
    """Loss saved per hidden dimension by each polytope against ``1/(1 − S)``.

    ``benefit`` maps a polytope name to its values at ``inverse_density`` (from
    :func:`toymodels_lib.theory.polytope_benefit`, relative to a dedicated dimension).
    The strip along the top marks, at each sparsity, which of the given shapes saves the most.
    """
    x = np.asarray(inverse_density, dtype=np.float64)
    if x.ndim != 1 or x.size < 2 or np.any(x < 1):
        raise ValueError(f"inverse_density must be a 1-D array of at least two values >= 1, got shape {x.shape}")
    if not isinstance(benefit, dict) or not benefit:
        raise TypeError("benefit must be a non-empty dict: polytope name -> values at inverse_density")
    names = list(benefit)
    values = []
    for name in names:
        v = np.asarray(benefit[name].detach().cpu() if isinstance(benefit[name], torch.Tensor) else benefit[name],
                       dtype=np.float64)
        if v.shape != x.shape:
            raise ValueError(f"benefit[{name!r}] has shape {v.shape}, expected {x.shape} (one value per 1/(1-S))")
        values.append(v)
    table = np.stack(values)
    winner = table.argmax(0)
    mids = np.sqrt(x[1:] * x[:-1])
    edges = np.concatenate([[x[0]], mids, [x[-1]]])  # cell k spans edges[k]..edges[k+1]
    band = x <= 2.0
    panels = [(np.ones_like(x, dtype=bool), "all sparsities")]
    if band.sum() >= 2 and (~band).any():
        panels.append((band, "zoom: 1/(1−S) ≤ 2"))
    with plt.rc_context(STYLE):
        nrows, ncols, size = panel_layout(len(panels), 3.4)
        fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, 4.0 * nrows), layout="constrained",
                                 squeeze=False)
        for ax, (keep, label) in zip(axes.flat, panels, strict=True):
            lo, hi = float(table[:, keep].min()), float(table[:, keep].max())
            pad = 0.06 * (hi - lo) + 1e-3
            strip = hi + pad
            for i, name in enumerate(names):
                colour = _SHAPE_COLOURS.get(name, f"C{i}")
                ax.plot(x[keep], values[i][keep], color=colour, lw=1.8, label=name)
            idx = np.flatnonzero(keep)
            start = idx[0]
            for k in idx:  # the winner at each sparsity, as a bar along the top (one piece per run)
                if k == idx[-1] or winner[k + 1] != winner[k]:
                    right = min(edges[k + 1], x[keep].max())
                    ax.hlines(strip, max(edges[start], x[keep].min()), right, lw=7,
                              color=_SHAPE_COLOURS.get(names[winner[k]], f"C{winner[k]}"))
                    start = k + 1
            ax.set_xscale("log")
            ticks = [t for t in (1, 1.2, 1.5, 2, 3, 4, 6, 8, 10, 20, 50, 100) if x[keep].min() <= t <= x[keep].max()]
            ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
            ax.minorticks_off()
            ax.set_ylim(lo - pad, strip + pad)
            ax.set_xlabel(INVERSE_DENSITY_LABEL)
            ax.set_title(label)
        axes[0, 0].set_ylabel("loss saved per hidden dimension\n(dedicated dimension = 1)")
        axes[0, 0].legend(loc="upper left", bbox_to_anchor=(0.0, 0.92), fontsize=8, frameon=False)
        fig.suptitle(title or "Which shape fills the hidden space best? (bar along the top: the winner)")
    return fig
