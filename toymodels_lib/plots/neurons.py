"""Figures of privileged bases: which features each neuron carries, how much a model's loss changes when its hidden space is rotated or permuted, and how basis-aligned its features are."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .. import metrics
from .style import STYLE, ResultLike, importance_note, model_columns, model_title, results_list

__all__ = ["plot_neuron_weights"]


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
    cmap = plt.get_cmap("viridis")
    colours = [cmap(0.9 * i / max(1, n_features - 1)) for i in range(n_features)]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            1, len(cols), figsize=(1.0 + 1.9 * len(cols), 3.4), layout="constrained", squeeze=False
        )
        for c, (kind, W, density) in enumerate(cols):
            ax = axes[0, c]
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
            mono = int(metrics.n_monosemantic(W))
            ax.set_title(f"{model_title(kind, density)}\n{mono}/{m} monosemantic")
            ax.axhline(0, color="gray", lw=0.6)
            ax.set_xticks(range(m))
            ax.set_xlabel("neuron")
            if c == 0:
                ax.set_ylabel(r"weights $W_{ji}$, stacked by feature")
        handles = [matplotlib.patches.Patch(color=colours[i], label=f"{i}") for i in range(n_features)]
        fig.legend(
            handles=handles, title="feature (0 = most important)", loc="outside right center", frameon=False, fontsize=8
        )
        r0 = results_list(results)[0]
        fig.suptitle(
            title
            or f"Neuron weights: n = {n_features} features, m = {r0.n_hidden} neurons"
            + importance_note(r0.importance[0])
        )
    return fig
