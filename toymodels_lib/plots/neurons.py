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
from .._validate import as_float_tensor, as_weights, check_positive_int, check_real
from .style import (
    FIGSIZE,
    STYLE,
    SUPERPOSITION_CMAP,
    ResultLike,
    importance_note,
    model_columns,
    model_title,
    panel_layout,
    results_list,
)
from .table import Table, table

__all__ = [
    "neuron_regime_table",
    "plot_basis_alignment",
    "plot_neuron_matrix",
    "plot_neuron_stacks",
    "plot_neuron_weights",
    "plot_relu_activity",
    "plot_transform_loss_changes",
]


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
    shared_scale: bool = True,
) -> Figure:
    """One heat map per layer: neuron ``j`` (row) against feature ``i`` (column), coloured by
    the weight ``W_ji`` (red positive, blue negative, one shared scale). The label of
    each row says whether the neuron is monosemantic (one feature carries at least
    ``threshold`` of its squared weight) or polysemantic. With ``shared_scale=False`` each
    panel gets its own symmetric scale and colour bar (chapter 9: dense models have weights
    near 1, sparse ones up to 5).

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
    if not isinstance(shared_scale, bool):
        raise TypeError(f"shared_scale must be True or False, got {shared_scale!r}")
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
            own = lim if shared_scale else (float(w.abs().max()) or 1.0)
            image = ax.imshow(w.numpy(), cmap="RdBu_r", vmin=-own, vmax=own, aspect="equal")
            if not shared_scale:
                fig.colorbar(image, ax=ax, shrink=0.8, location="bottom", label=r"$W_{ji}$")
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
        if shared_scale:
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


def _one_layer_each(name: str, layers: Any) -> dict[str, torch.Tensor]:
    """``layers`` (label -> one model's weights ``[neurons, features]``), read by the one weight reader."""
    if not isinstance(layers, Mapping) or not layers:
        raise TypeError(f"{name} must be a non-empty dict: label -> one model's weights [neurons, features]")
    out = {}
    for label, W in layers.items():
        w = as_weights(f"{name}[{label!r}]", W.detach().cpu() if isinstance(W, torch.Tensor) else W,
                       min_dim=2, max_dim=2, dtype=torch.float64)
        out[str(label)] = w
    if len({w.shape[1] for w in out.values()}) != 1:
        raise ValueError(f"every model in {name} must have the same number of features")
    return out


def plot_neuron_stacks(
    models: Mapping[str, Any],
    *,
    threshold: float = 0.9,
    columns: int = 5,
    sort_neurons: bool = True,
    title: str | None = None,
) -> Figure:
    """The paper's neuron picture (chapter 9): per model, one stacked bar per neuron.

    ``models`` maps a panel label (a density, say) to one model's weights ``W``
    ``[neurons, features]``. Bar ``j`` stacks neuron ``j``'s weights ``W_ji``: positive
    ones upwards, negative ones downwards, each segment coloured by its feature's
    superposition ``Σ_{k≠i} (Ŵ_i·W_k)²`` on the fixed 0–1 scale of ``SUPERPOSITION_CMAP``
    (dark: a feature with a direction of its own; bright: a feature sharing its direction)
    and labelled with the feature's number where it is tall enough. Under each bar, ``M``
    marks a monosemantic neuron (one feature carries at least ``threshold`` of its squared
    weight) and ``P`` a polysemantic one. Panels wrap after ``columns``, or sooner when the
    row would be wider than the page's column (``style.panel_layout``); each has its own
    symmetric scale. With ``sort_neurons`` the neurons are ordered by their top feature
    (a permutation of neurons changes nothing in a privileged basis).
    """
    layers = _one_layer_each("models", models)
    th = check_real("threshold", threshold, low=0.0, high=1.0)
    cols = check_positive_int("columns", columns)
    if not isinstance(sort_neurons, bool):
        raise TypeError(f"sort_neurons must be True or False, got {sort_neurons!r}")
    cmap = plt.get_cmap(SUPERPOSITION_CMAP)
    norm = matplotlib.colors.Normalize(0.0, 1.0)
    n_panels = len(layers)
    n_rows, n_cols, width = panel_layout(n_panels, 1.45, extra_width=0.9, ncols=min(cols, n_panels))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            n_rows, n_cols, figsize=(0.9 + width * n_cols, 0.6 + 2.5 * n_rows), layout="constrained", squeeze=False
        )
        for ax in axes.flat[n_panels:]:
            ax.set_visible(False)
        for ax, (label, w) in zip(axes.flat, layers.items(), strict=False):
            W = w.numpy()
            m, n = W.shape
            sup = metrics.superposition(w, allow_expansion=True).numpy()
            order = np.arange(m)
            if sort_neurons:
                order = np.lexsort((-np.abs(W).max(1), np.abs(W).argmax(1)))
            frac = metrics.neuron_top_feature_fraction(w, allow_expansion=True).numpy()
            lim = max(1e-6, float(np.maximum(np.clip(W, 0, None).sum(1), np.clip(-W, 0, None).sum(1)).max()))
            for pos, j in enumerate(order):
                up, down = 0.0, 0.0
                for i in np.argsort(-np.abs(W[j])):
                    v = float(W[j, i])
                    if abs(v) < 1e-3:
                        continue
                    bottom = up if v >= 0 else down
                    ax.bar(pos, v, bottom=bottom, color=cmap(norm(min(1.0, float(sup[i])))), width=0.8,
                           edgecolor="white", linewidth=0.5)
                    if abs(v) > 0.12 * lim:
                        brightness = float(sup[i]) > 0.55
                        ax.text(pos, bottom + v / 2, str(int(i)), ha="center", va="center", fontsize=8,
                                color="black" if brightness else "white")
                    if v >= 0:
                        up += v
                    else:
                        down += v
            ax.set_ylim(-1.08 * lim, 1.08 * lim)
            ax.axhline(0, color="gray", lw=0.6)
            ax.set_xticks(range(m), [f"{j}\n{'M' if frac[j] >= th else 'P'}" for j in order])
            ax.tick_params(axis="x", length=0)
            n_mono = int((frac >= th).sum())
            ax.set_title(f"{label}\n{n_mono}/{m} mono", fontsize=9)
        for r in range(n_rows):
            axes[r, 0].set_ylabel(r"$W_{ji}$ stacked")
        sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        fig.colorbar(sm, ax=axes.ravel().tolist(), shrink=0.7, label="feature superposition")
        fig.suptitle(title or "Neurons: weights stacked by feature (M monosemantic, P polysemantic)")
    return fig


def plot_relu_activity(
    fractions: Mapping[str, Any],
    *,
    title: str | None = None,
) -> Figure:
    """How often each neuron's ReLU is on (chapter 9): grouped bars, one group per neuron.

    ``fractions`` maps a model's label to its neurons' active fractions (``[neurons]``,
    numbers in [0, 1]: the share of inputs on which the neuron's input is positive, from
    ``HiddenReLUModel.active_fraction``). A fraction near 1 means the ReLU almost never
    cuts: for that neuron the layer is linear. At most six models: the first three are drawn
    in shades of blue, the next three in shades of orange (two groups of three densities).
    """
    table = _labelled_values("fractions", fractions)
    if len(table) > 6:
        raise ValueError(f"fractions may hold at most 6 models, got {len(table)}")
    sizes = {v.size for v in table.values()}
    if len(sizes) != 1:
        raise ValueError(f"every model in fractions must have the same number of neurons, got {sorted(sizes)}")
    for k, v in table.items():
        if np.any((v < 0) | (v > 1)):
            raise ValueError(f"fractions[{k!r}] must hold numbers in [0, 1], got {v.tolist()}")
    m = sizes.pop()
    colours = ["#0072B2", "#56B4E9", "#A6CEE3", "#D55E00", "#E69F00", "#F0E442"]  # two groups of three shades
    width = 0.8 / len(table)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        for k, (label, v) in enumerate(table.items()):
            ax.bar(np.arange(m) + (k - (len(table) - 1) / 2) * width, v, width=width * 0.95,
                   color=colours[k % len(colours)], label=label)
        ax.set_ylim(0, 1.0)
        ax.set_xticks(range(m))
        ax.set_xlabel("neuron j")
        ax.set_ylabel("share of inputs with the ReLU on")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
        ax.set_title(title or "How often each neuron's ReLU passes its input on")
    return fig


def neuron_regime_table(
    models: Mapping[str, Any],
    *,
    threshold: float = 0.9,
    min_weight: float = 0.5,
    caption: str = "",
) -> Table:
    """Neurons against features, one row per model (chapter 9).

    ``models`` maps a row label (a density) to one model's weights ``[neurons, features]``.
    Columns: features represented (``‖W_i‖ > 0.5``), monosemantic neurons (``threshold``),
    the features with a neuron of their own (:func:`~toymodels_lib.metrics.dedicated_features`),
    the sizes of the neuron blocks (:func:`~toymodels_lib.metrics.neuron_blocks`: 1 is a
    neuron on its own, 2 a pair of neurons sharing features) and the regime
    (:func:`~toymodels_lib.metrics.neuron_regime`).
    """
    layers = _one_layer_each("models", models)
    th = check_real("threshold", threshold, low=0.0, high=1.0)
    mw = check_real("min_weight", min_weight, low=0.0, low_open=True)
    rows = []
    for label, w in layers.items():
        m = w.shape[0]
        blocks = metrics.neuron_blocks(w, mw)
        ded = metrics.dedicated_features(w, th, mw)
        rows.append([
            label,
            int(metrics.n_represented(w)),
            f"{int(metrics.n_monosemantic(w, th))} of {m}",
            ", ".join(str(i) for i in ded) or "none",
            " + ".join(str(len(b)) for b in blocks),
            metrics.neuron_regime(w, th, mw),
        ])
    columns = ["model", "features represented", "monosemantic neurons", "features with a neuron of their own",
               "neuron blocks (sizes)", "regime"]
    return table(columns, rows, caption=caption or None)
