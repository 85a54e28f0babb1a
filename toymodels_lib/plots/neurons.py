"""Figures of privileged bases: which features each neuron carries, how much a model's loss changes when its hidden space is rotated or permuted, and how basis-aligned its features are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from .. import metrics
from .._validate import as_float_tensor, check_real
from .style import (
    FIGSIZE,
    STYLE,
    ResultLike,
    importance_note,
    model_columns,
    model_title,
    panel_layout,
    results_list,
)

__all__ = ["plot_basis_alignment", "plot_neuron_matrix", "plot_neuron_weights", "plot_transform_loss_changes"]


def plot_neuron_weights(
    results: ResultLike | Sequence[ResultLike],
    *,
    sort_neurons: bool = True,
    title: str | None = None,
) -> Figure:
    """Per model, one stacked bar per neuron: the weights ``W_ji`` of its features.

    Each panel is one trained model (its title gives the model and density). Bar ``j`` is
    neuron ``j``: its positive weights stacked upwards and negative ones downwards, one
    colour per feature (feature 0, the most important, darkest). A neuron whose bar is one
    colour is monosemantic; a bar of many colours is polysemantic. With ``sort_neurons``
    neurons are ordered by their largest feature. Each panel has its own (symmetric) scale:
    sparse models have much larger weights than dense ones.
    """
    if not isinstance(sort_neurons, bool):
        raise TypeError(f"sort_neurons must be True or False, got {sort_neurons!r}")
    cols = model_columns(results)
    n_features = cols[0][1].shape[1]
    if n_features <= 10:  # categorical colours that can be told apart
        colours = [plt.get_cmap("tab10")(i) for i in range(n_features)]
    else:
        colours = [plt.get_cmap("viridis")(0.9 * i / max(1, n_features - 1)) for i in range(n_features)]
    nrows, ncols, size = panel_layout(len(cols), 1.9, extra_width=0.5)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(0.5 + size * ncols, 3.0 * nrows + 0.9), layout="constrained", squeeze=False
        )
        for ax in axes.flat[len(cols):]:
            ax.set_visible(False)
        for c, (kind, W, density) in enumerate(cols):
            ax = axes.flat[c]
            m = W.shape[0]
            order = np.arange(m)
            lim = 0.0
            if sort_neurons:
                top = np.abs(W).argmax(1)
                order = np.lexsort((-np.abs(W).max(1), top))
            for pos, j in enumerate(order):
                up, down = 0.0, 0.0
                for i in range(n_features):
                    w = float(W[j, i])
                    if w >= 0:
                        ax.bar(pos, w, bottom=up, color=colours[i], width=0.75, edgecolor="white", linewidth=0.3)
                        up += w
                    else:
                        ax.bar(pos, w, bottom=down, color=colours[i], width=0.75, edgecolor="white", linewidth=0.3)
                        down += w
                lim = max(lim, up, -down)
            ax.set_ylim(-1.08 * max(lim, 1e-6), 1.08 * max(lim, 1e-6))
            mono = int(metrics.n_monosemantic(W, allow_expansion=True))  # a result's own layout
            ax.set_title(f"{model_title(kind, density)}\n{mono}/{m} monosemantic")
            ax.axhline(0, color="gray", lw=0.6)
            ax.set_xticks(range(m))
            ax.set_xlabel("neuron")
            if c % ncols == 0:
                ax.set_ylabel(r"weights $W_{ji}$, stacked by feature")
        handles = [matplotlib.patches.Patch(color=colours[i], label=f"{i}") for i in range(n_features)]
        fig.legend(
            handles=handles, title="feature (0 = most important)", loc="outside lower center", frameon=False, fontsize=8,
            ncol=min(n_features, 10)
        )
        r0 = results_list(results)[0]
        fig.suptitle(
            title
            or f"Neuron weights: n = {n_features} features, m = {r0.n_hidden} neurons"
            + importance_note(r0.importance[0])
        )
    return fig


def plot_neuron_matrix(
    layers: Mapping[str, Any],
    *,
    threshold: float = 0.9,
    title: str | None = None,
) -> Figure:
    """One heat map per layer: neuron ``j`` (row) against feature ``i`` (column), coloured by
    the weight ``W_ji`` (red positive, blue negative, one shared scale). The label of
    each row says whether the neuron is monosemantic (one feature carries at least
    ``threshold`` of its squared weight) or polysemantic.

    ``layers`` maps a label to a weight matrix ``[neurons, features]``; all must have the
    same shape.
    """
    if not isinstance(layers, Mapping) or not layers:
        raise TypeError("layers must be a non-empty dict: label -> weights [neurons, features]")
    th = check_real("threshold", threshold, low=0.0, high=1.0)
    mats = {}
    for label, W in layers.items():
        w = as_float_tensor(f"layers[{label!r}]", W, dtype=torch.float64)
        if w.dim() != 2:
            raise ValueError(f"layers[{label!r}] must be one layer's weights [neurons, features], got shape {tuple(w.shape)}")
        mats[str(label)] = w
    shapes = {tuple(w.shape) for w in mats.values()}
    if len(shapes) != 1:
        raise ValueError(f"every layer must have the same shape [neurons, features], got {sorted(shapes)}")
    m, n = shapes.pop()
    lim = max(float(w.abs().max()) for w in mats.values()) or 1.0
    with plt.rc_context(STYLE):
        nrows, ncols, size = panel_layout(len(mats), 2.4, extra_width=0.9)
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(0.9 + size * ncols, (1.6 + 0.3 * m) * nrows), layout="constrained", squeeze=False
        )
        for ax in axes.flat[len(mats):]:
            ax.set_visible(False)
        image = None
        for c, (label, w) in enumerate(mats.items()):
            ax = axes.flat[c]
            image = ax.imshow(w.numpy(), cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="equal")
            ax.set_xticks(range(n))
            ax.set_xlabel("feature i")
            if c == 0:
                ax.set_ylabel("neuron j")
            top = metrics.neuron_top_feature_fraction(w, allow_expansion=True)
            words = ["mono" if float(top[j]) >= th else "poly" for j in range(m)]
            ax.set_yticks(range(m), [f"{j} {word}" for j, word in enumerate(words)])
            n_mono = int((top >= th).sum())
            ax.set_title(f"{label}\n{n_mono}/{m} monosemantic")
            for spine in ax.spines.values():
                spine.set_visible(False)
        fig.colorbar(image, ax=axes.flat[: len(mats)], shrink=0.8, label=r"weight $W_{ji}$")
        fig.suptitle(title or "Which features each neuron reads")
    return fig


def _labelled_values(name: str, table: Any) -> dict[str, np.ndarray]:
    """``table`` (label -> number or list of numbers) as label -> 1-D float array; errors name ``name``."""
    if not isinstance(table, Mapping) or not table:
        raise TypeError(f"{name} must be a non-empty dict: label -> values")
    return {str(k): as_float_tensor(f"{name}[{k!r}]", v, max_dim=1, dtype=torch.float64).reshape(-1).numpy()
            for k, v in table.items()}


def plot_transform_loss_changes(
    changes: Mapping[str, Sequence[float]],
    *,
    floor: float = 1e-17,
    ylabel: str = "|loss after − loss before| / loss before",
    title: str | None = None,
) -> Figure:
    """Relative loss changes under transformations of the hidden space, one column of dots per kind.

    ``changes`` maps a label (``"linear, rotation"``, say) to the relative changes
    ``|L(QW) − L(W)| / L(W)`` for a set of transformations ``Q``. The y axis is logarithmic;
    exact zeros (a loss that does not change at all) are drawn at ``floor``, marked by a
    dotted line. A model whose basis is not privileged changes only by rounding under a
    rotation; a privileged basis shows changes of order 1.
    """
    values = _labelled_values("changes", changes)
    floor = check_real("floor", floor, low=0.0, low_open=True)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        for k, vals in enumerate(values.values()):
            jitter = np.linspace(-0.15, 0.15, len(vals))
            ax.plot(k + jitter, np.maximum(vals, floor), "o", alpha=0.7)
        ax.axhline(floor, color="gray", lw=0.6, ls=":")
        ax.text(0.5, floor * 3, f"exactly 0 (drawn at {floor:.0e})", ha="center", va="bottom", fontsize=8,
                color="gray")
        ax.set_yscale("log")
        ax.set_xticks(range(len(values)), list(values))
        ax.set_ylabel(ylabel)
        ax.set_title(title or "Relative change of the loss under transformations of the hidden space")
    return fig


def plot_basis_alignment(
    alignment: Mapping[str, float],
    *,
    colours: Sequence[str] | None = None,
    xlabel: str = r"mean over represented features of $\max_j W_{ji}^2 / \sum_j W_{ji}^2$",
    title: str | None = None,
) -> Figure:
    """Mean basis alignment of several models (or baselines), one horizontal bar each, first at the top.

    ``alignment`` maps a label to a number in [0, 1] (from
    :func:`toymodels_lib.metrics.basis_alignment`: 1 when features lie along neurons);
    ``colours`` gives one colour per bar (default all ``tab:blue``).
    """
    values = _labelled_values("alignment", alignment)
    if any(v.size != 1 for v in values.values()):
        raise ValueError("alignment must map each label to one number")
    if colours is None:
        colours = ["tab:blue"] * len(values)
    if isinstance(colours, str) or len(colours) != len(values):
        raise ValueError(f"colours must list {len(values)} colours (one per bar), got {colours!r}")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 3.2), layout="constrained")
        ax.barh(range(len(values)), [float(v[0]) for v in values.values()], color=list(colours))
        ax.set_yticks(range(len(values)), list(values))
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(xlabel)
        ax.set_title(title or "Basis alignment")
    return fig
