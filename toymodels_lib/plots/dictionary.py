"""Sparse dictionary learning figures (chapter 11): a 2-D toy model's features with an SAE's
decoder directions, and the reconstruction/sparsity trade-off of a sweep."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .style import FIGSIZE, STYLE, bare_square

__all__ = ["plot_feature_recovery", "plot_sae_directions", "plot_sae_tradeoff"]

_OK = "#0072B2"  # blue: a decoder direction within 0.95 cosine of a true feature
_OFF = "#D55E00"  # vermillion: a live latent that matches no feature
_DEAD = "#999999"


def _sae_result(obj: Any) -> Any:
    # Plots do not import the trainers (toymodels_lib.sae trains): a result is recognised by
    # the attributes the figures read, as style.ResultLike does for TrainResult.
    if not all(hasattr(obj, a) for a in ("W_dec", "W_true", "metrics", "n_instances")):
        raise TypeError(f"result must be an SAEResult (from train_sae), got {type(obj).__name__}")
    return obj


def plot_sae_directions(
    result: Any, instances: Sequence[int], *, titles: Sequence[str] | None = None, threshold: float = 0.95
) -> Figure:
    """One panel per SAE instance of a model with a 2-D hidden space (chapter 11).

    Grey arrows: the toy model's features ``W_i``. Lines from the origin: the SAE's unit
    decoder directions, blue where the direction is within ``threshold`` cosine of a true
    feature, vermillion where it matches none, dotted grey for dead latents (from
    ``result.metrics``; call :func:`toymodels_lib.sae.evaluate_sae` first).
    """
    result = _sae_result(result)
    if result.W_true.shape[0] != 2:
        raise ValueError(f"plot_sae_directions needs a 2-D hidden space, got {result.W_true.shape[0]} dimensions")
    if not result.metrics:
        raise ValueError("result has no metrics yet: call evaluate_sae(result) first")
    idx = [int(i) for i in instances]
    if not idx or any(i < 0 or i >= result.n_instances for i in idx):
        raise ValueError(f"instances must be indices in [0, {result.n_instances}), got {list(instances)}")
    if titles is not None and len(titles) != len(idx):
        raise ValueError(f"titles must have one entry per instance ({len(idx)}), got {len(titles)}")
    W = result.W_true.numpy()
    Wu = W / np.maximum(np.linalg.norm(W, axis=0, keepdims=True), 1e-12)
    dead_mask = _dead_mask(result)
    cols = min(4, len(idx))
    rows = -(-len(idx) // cols)
    with plt.rc_context(STYLE):
        height = 1.95 * rows + 0.75
        fig, axes = plt.subplots(rows, 4 if cols > 1 else 1, figsize=(6.6 if cols > 1 else 2.2, height), squeeze=False)
        for p, ax in enumerate(axes.flat):
            if p >= len(idx):
                ax.axis("off")
                continue
            k = idx[p]
            D = result.W_dec[k].numpy()
            for i in range(W.shape[1]):
                ax.annotate("", xy=(W[0, i], W[1, i]), xytext=(0, 0),
                            arrowprops=dict(arrowstyle="-|>", color="0.55", lw=2.2))
            best = (D.T @ Wu).max(axis=1)  # each latent's best cosine with a feature
            for j in range(D.shape[1]):
                if dead_mask[k, j]:
                    style = dict(color=_DEAD, ls=":", lw=1.2)
                else:
                    style = dict(color=_OK if best[j] > threshold else _OFF, lw=1.6)
                ax.plot([0, 1.15 * D[0, j]], [0, 1.15 * D[1, j]], **style)
            bare_square(ax, 1.25)
            rec = int(result.metrics["recovered"][k])
            head = titles[p] if titles is not None else f"instance {k}"
            ax.set_title(f"{head}\n{rec}/{int((np.linalg.norm(W, axis=0) > 0.5).sum())} features found", fontsize=9)
        handles = [
            Line2D([], [], color="0.55", lw=2.2, label="true feature"),
            Line2D([], [], color=_OK, lw=1.6, label=f"latent, cos > {threshold:g}"),
            Line2D([], [], color=_OFF, lw=1.6, label="latent, no match"),
            Line2D([], [], color=_DEAD, ls=":", lw=1.2, label="dead latent"),
        ]
        fig.legend(handles=handles, loc="lower center", ncol=2 if cols == 1 else 4, frameon=False, fontsize=8.5)
        fig.subplots_adjust(left=0.02, right=0.98, top=1 - 0.5 / height, bottom=(0.55 if cols > 1 else 0.75) / height,
                            wspace=0.08, hspace=0.5)
    return fig


def _dead_mask(result: Any) -> np.ndarray:
    """Which latents never fire on the evaluation samples, ``[instances, latents]``."""
    return np.asarray(result.metrics["dead_mask"])


def plot_sae_tradeoff(points: Mapping[int, Mapping[str, Sequence[float]]], *, n_features: int) -> Figure:
    """Reconstruction against sparsity for SAEs of several dictionary sizes (chapter 11).

    ``points[d]`` holds, for dictionary size ``d``, equal-length sequences along an L1
    sweep: ``"l0"`` (mean active latents per input), ``"fvu"`` (fraction of variance
    unexplained) and ``"full"`` (the fraction of seeds that recovered all ``n_features``
    features, 0 to 1). One line per size; a marker's fill is that fraction (hollow: no
    seed recovered them all; solid: every seed did).
    """
    if not isinstance(points, Mapping) or not points:
        raise ValueError("points must be a non-empty mapping {dictionary size: {'l0', 'fvu', 'full'}}")
    for d, p in points.items():
        for key in ("l0", "fvu", "full"):
            if key not in p:
                raise ValueError(f"points[{d}] lacks {key!r}")
        if len({len(p[key]) for key in ("l0", "fvu", "full")}) != 1:
            raise ValueError(f"points[{d}]'s sequences 'l0', 'fvu' and 'full' must have the same length")
        full = np.asarray(p["full"], float)
        if ((full < 0) | (full > 1)).any():
            raise ValueError(f"points[{d}]['full'] must be fractions in [0, 1], got {full.tolist()}")
    colors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE)
        for c, (d, p) in enumerate(sorted(points.items())):
            col = np.asarray(to_rgb(colors[c % len(colors)]))
            l0, fvu = np.asarray(p["l0"], float), np.asarray(p["fvu"], float)
            ax.plot(l0, fvu, color=col, lw=1.2, label=f"{d} latents")
            for x, y, f in zip(l0, fvu, np.asarray(p["full"], float), strict=True):
                face = f * col + (1 - f) * np.ones(3)
                ax.scatter([x], [y], facecolor=[face], edgecolor=[col], s=40, lw=1.4, zorder=3)
        ax.set_yscale("log")
        ax.set_xlabel("L0: latents active per input (sparser ←)")
        ax.set_ylabel("fraction of variance unexplained")
        ax.scatter([], [], color="0.3", s=40, label=f"every seed finds all {n_features}")
        ax.scatter([], [], facecolor="white", edgecolor="0.3", s=40, label="no seed does")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=9)
        fig.tight_layout()
    return fig


def plot_feature_recovery(results: Mapping[str, Any], *, threshold: float = 0.95) -> Figure:
    """Each true feature's best cosine with a decoder direction, one panel per model (chapter 11).

    ``results`` maps a label to an evaluated :class:`~toymodels_lib.sae.SAEResult`. Along x the
    features the toy model represents (``‖W_i‖ > 0.5``); one dot per SAE instance (seed); a
    dashed line at ``threshold``.
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty mapping {label: SAEResult}")
    for label, r in results.items():
        _sae_result(r)
        if not r.metrics:
            raise ValueError(f"results[{label!r}] has no metrics yet: call evaluate_sae first")
    colors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"]
    with plt.rc_context(STYLE):
        widths = [max(3, int((np.linalg.norm(r.W_true.numpy(), axis=0) > 0.5).sum())) for r in results.values()]
        fig, axes = plt.subplots(1, len(results), figsize=(FIGSIZE[0], 2.9), squeeze=False,
                                 gridspec_kw={"width_ratios": widths}, sharey=True)
        for ax, (label, r) in zip(axes[0], results.items(), strict=True):
            cos = r.metrics["max_cos"].numpy()
            rep = np.flatnonzero(np.linalg.norm(r.W_true.numpy(), axis=0) > 0.5)
            for k in range(cos.shape[0]):
                ax.scatter(np.arange(len(rep)) + (k - (cos.shape[0] - 1) / 2) * 0.15, cos[k, rep], s=10,
                           color=colors[k % r.n_seeds % len(colors)], label=f"seed {k % r.n_seeds}")
            ax.axhline(threshold, color="0.4", ls="--", lw=1)
            ax.set_title(f"{label}\n{len(rep)} features represented", fontsize=9)
            ax.set_xlabel("represented feature")
            step = max(1, len(rep) // 8)
            ax.set_xticks(np.arange(0, len(rep), step), [str(i) for i in rep[::step]])
        axes[0, 0].set_ylabel("best cosine with a latent")
        handles, labels = axes[0, 0].get_legend_handles_labels()
        uniq = dict(zip(labels, handles, strict=True))
        fig.legend(uniq.values(), uniq.keys(), loc="lower center", ncol=len(uniq), frameon=False, fontsize=9)
        fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig
