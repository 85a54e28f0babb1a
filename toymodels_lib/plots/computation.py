"""Figures of computation in superposition (chapter 10): the weights of small untied
absolute-value models, stacked neuron plots across sparsity, and motifs."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from .._types import Weights
from .._validate import as_float_tensor
from ..metrics import neuron_top_feature_fraction, normalise_neurons
from .style import GRAM_CMAP, STYLE

__all__ = ["plot_abs_weights", "plot_motif_weights", "plot_neuron_stacks_across_sparsity"]


def _roles(w: torch.Tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Main feature, its sign and its share of the squared input weight, per neuron."""
    top = (w**2).argmax(1)
    sign = torch.sign(w[torch.arange(w.shape[0]), top])
    share = neuron_top_feature_fraction(w, allow_expansion=True)
    return top.numpy(), sign.numpy(), share.numpy()


def _heat(ax, M: np.ndarray, title: str, xlabels: Sequence[str], ylabels: Sequence[str], lim: float) -> None:
    """A weight heat map with the values written in (entries below 0.05 in size left blank)."""
    ax.imshow(M, cmap=GRAM_CMAP, vmin=-lim, vmax=lim, aspect="auto")
    for (r, c), v in np.ndenumerate(M):
        if abs(v) >= 0.05:
            ax.text(c, r, f"{v:.2g}", ha="center", va="center", fontsize=9,
                    color="white" if abs(v) > 0.6 * lim else "black")
    ax.set_xticks(range(M.shape[1]), list(xlabels))
    ax.set_yticks(range(M.shape[0]), list(ylabels))
    ax.set_title(title)
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)


def plot_abs_weights(W: Weights, W_out: Weights, *, title: str | None = None) -> Figure:
    """The two weight matrices of one small untied model (chapter 10), each neuron rescaled
    so its largest input weight is 1 (:func:`~toymodels_lib.metrics.normalise_neurons`):
    left, the input weights ``W[j, i]`` (neuron ``j`` against feature ``i``); right, the
    read-out weights ``W_out[j, i]`` (output ``i`` against neuron ``j``). Neurons are ordered
    by their main feature, the ReLU(x) neuron first; entries below 0.05 in size are not written."""
    w, w_out = normalise_neurons(W, W_out)
    top, sign, _ = _roles(w)
    order = np.lexsort((-sign, top))
    w, w_out = w[order].numpy(), w_out[order].numpy()
    m, n = w.shape
    names = [f"{j}" for j in order]
    lim = max(1.0, float(np.abs(w_out).max()))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(6.3, 0.5 + 0.42 * max(m, n)), layout="constrained")
        _heat(axes[0], w, "input weights W (neuron ← feature)", [f"x{i}" for i in range(n)],
              [f"neuron {s}" for s in names], lim)
        axes[0].set_xlabel("feature")
        _heat(axes[1], w_out.T, "read-out weights (output ← neuron)", names, [f"|x{i}|" for i in range(n)], lim)
        axes[1].set_xlabel("neuron")
        fig.suptitle(title or f"Computing |x| with n = {n} features and m = {m} neurons")
    return fig


def plot_neuron_stacks_across_sparsity(
    W: Weights, density: Sequence[float] | torch.Tensor | np.ndarray, *, title: str | None = None
) -> Figure:
    """Stacked neuron plots across sparsity (chapter 10): one row per model (``W`` is
    ``[models, m, n]``), one bar per neuron, its input weights (each neuron rescaled so its
    largest is 1) stacked by feature, positive up and negative down. Colours run from the most
    important feature (dark) to the least (light); a one-colour bar is a monosemantic neuron.
    Neurons are ordered by their main feature; the count of monosemantic neurons (one feature
    ≥ 90% of the squared weight) is in each row's title."""
    Ws = as_float_tensor("W", W, min_dim=3, max_dim=3, dtype=torch.float64)
    dens = np.asarray(density, dtype=float).reshape(-1)
    if dens.size != Ws.shape[0]:
        raise ValueError(f"density must have one value per model ({Ws.shape[0]}), got {dens.size}")
    n_models, m, n = Ws.shape
    cmap = plt.get_cmap("viridis")
    colours = cmap(np.linspace(0, 0.95, n))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(n_models, 1, figsize=(6.3, 1.35 * n_models + 0.6), layout="constrained",
                                 squeeze=False, sharex=True)
        for r in range(n_models):
            ax = axes[r, 0]
            w, _ = normalise_neurons(Ws[r], torch.ones_like(Ws[r]))
            top, _, share = _roles(w)
            order = np.lexsort((-share, top))
            w = w[order].numpy()
            # one rectangle per (neuron, feature) segment above 0.2% of the neuron's scale,
            # drawn as a single collection (tens of thousands of bar patches are slow)
            verts, cols = [], []
            up = np.zeros(m)
            down = np.zeros(m)
            for i in range(n):
                for j in np.nonzero(np.abs(w[:, i]) > 2e-3)[0]:
                    v = float(w[j, i])
                    base = up[j] if v > 0 else down[j]
                    top = base + v
                    verts.append([(j - 0.4, base), (j + 0.4, base), (j + 0.4, top), (j - 0.4, top)])
                    cols.append(colours[i])
                    if v > 0:
                        up[j] = top
                    else:
                        down[j] = top
            ax.add_collection(PolyCollection(verts, facecolors=cols, edgecolors="none"))
            ax.set_xlim(-0.7, m - 0.3)
            ax.axhline(0, color="gray", lw=0.6)
            mono = int((share >= 0.9).sum())
            ax.set_title(f"1−S = {dens[r]:g}: {mono}/{m} neurons monosemantic", fontsize=9, loc="left")
            lim = max(1.05, float(up.max()), float(-down.min()))
            ax.set_ylim(-lim, lim)
        axes[-1, 0].set_xlabel("neuron (ordered by main feature)")
        fig.supxlabel("")
        sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, n - 1))
        fig.colorbar(sm, ax=axes[:, 0], label="feature (0 = most important)", shrink=0.6)
        fig.suptitle(title or f"Neuron input weights across sparsity: n = {n}, m = {m}")
    return fig


def plot_motif_weights(W: Weights, W_out: Weights, neurons: Sequence[int], features: Sequence[int],
                       *, title: str | None = None) -> Figure:
    """A motif's weights (chapter 10): the input and read-out weights of the given
    ``neurons`` on the given ``features`` only, each neuron rescaled so its largest input
    weight (over all features) is 1."""
    w, w_out = normalise_neurons(W, W_out)
    nj, fi = list(neurons), list(features)
    if not nj or not fi:
        raise ValueError("neurons and features must each name at least one index")
    for name, idx, size in (("neurons", nj, w.shape[0]), ("features", fi, w.shape[1])):
        if any((not isinstance(k, (int, np.integer))) or k < 0 or k >= size for k in idx):
            raise ValueError(f"{name} must be indices in [0, {size}), got {idx}")
    sub_in = w[nj][:, fi].numpy()
    sub_out = w_out[nj][:, fi].numpy().T
    lim = max(1.0, float(np.abs(sub_out).max()), float(np.abs(sub_in).max()))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(6.3, 0.9 + 0.45 * max(len(nj), len(fi))), layout="constrained")
        _heat(axes[0], sub_in, "input weights (neuron ← feature)", [f"x{i}" for i in fi],
              [f"neuron {j}" for j in nj], lim)
        _heat(axes[1], sub_out, "read-out weights (output ← neuron)", [f"n{j}" for j in nj],
              [f"out {i}" for i in fi], lim)
        if title:
            fig.suptitle(title)
    return fig
