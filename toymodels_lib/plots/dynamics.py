"""Figures of learning dynamics (chapter 7): feature dimensionalities over training above
the loss, the loss with and without the ReLU, and feature directions in 3-D."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from .._validate import as_float_tensor
from .style import STYLE, weights_stack

__all__ = ["plot_dimensionality_jumps", "plot_directions_3d", "plot_regimes"]

_SET_CMAPS = ("Blues", "Oranges", "Greens", "Purples")


def _trace(name: str, value: Any, n_steps: int, ndim: int) -> np.ndarray:
    t = as_float_tensor(name, value, min_dim=ndim, max_dim=ndim, dtype=torch.float64).numpy()
    if t.shape[0] != n_steps:
        raise ValueError(f"{name} has {t.shape[0]} snapshots but steps has {n_steps}")
    return t


def _log_steps(steps: Any) -> np.ndarray:
    s = as_float_tensor("steps", steps, min_dim=1, max_dim=1, dtype=torch.float64).numpy()
    if s.size < 2:
        raise ValueError(f"steps must hold at least 2 recorded steps, got {s.size}")
    return np.maximum(s, 1.0)


def plot_dimensionality_jumps(
    steps: Any,
    dims: Any,
    losses: Any,
    jumps: Sequence[Any] = (),
    *,
    title: str | None = None,
) -> Figure:
    """Each feature's dimensionality ``D_i`` over training (top) above the loss (bottom), on a
    shared log-step axis; every jump (:func:`toymodels_lib.dynamics.dimensionality_jumps`) is
    a grey band across both panels, and the jumping feature's trace is drawn in colour
    (the others in light grey). Chapter 7."""
    s = _log_steps(steps)
    d = _trace("dims", dims, s.size, 2)
    loss = _trace("losses", losses, s.size, 1)
    if not all(all(hasattr(j, a) for a in ("feature", "start", "end")) for j in jumps):
        raise TypeError("jumps must be a list of dynamics.Jump (from dynamics.dimensionality_jumps)")
    jumpers = sorted({j.feature for j in jumps})
    tab = plt.get_cmap("tab10")
    colours = [tab(i) for i in range(10) if i != 7]  # no grey: grey is for the features that do not jump
    with plt.rc_context(STYLE):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 5.2), sharex=True, layout="constrained",
                                          gridspec_kw={"height_ratios": [3, 2]})
        for i in range(d.shape[1]):
            if i not in jumpers:
                top.plot(s, d[:, i], color="0.75", lw=0.9, zorder=1)
        for k, i in enumerate(jumpers):
            top.plot(s, d[:, i], color=colours[k % len(colours)], lw=1.6, zorder=2, label=f"feature {i}",
                     ls="-" if k < len(colours) else "--")
        for j in jumps:
            for ax in (top, bottom):
                ax.axvspan(j.start, j.end, color="0.5", alpha=0.12, lw=0, zorder=0)
        for value, label in ((1.0, "1"), (0.5, "1/2")):
            top.axhline(value, color="gray", lw=0.7, ls=":", zorder=0)
            top.text(1.01, value, label, transform=top.get_yaxis_transform(), va="center", fontsize=8, color="dimgray")
        top.set_ylabel(r"feature dimensionality $D_i$")
        top.set_ylim(-0.03, max(1.05, float(d.max()) + 0.05))
        if jumpers:
            top.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.04, 1.0))
        bottom.plot(s, loss, color="black", lw=1.4)
        bottom.set_ylabel("loss (fixed samples)")
        bottom.set_xscale("log")
        bottom.set_xlabel("training step (log scale)")
        top.set_title(title or f"Every feature's $D_i$ during training; {len(jumps)} jumps shaded")
    return fig


def plot_regimes(
    steps: Any,
    losses: Any,
    linear_losses: Any,
    within_cosine: Any,
    *,
    marks: Sequence[float] = (),
    title: str | None = None,
) -> Figure:
    """The loss of a model during training (top), the same weights scored without the
    output ReLU (dashed), and the mean cosine between features of the same set (bottom), on
    a log-step axis; vertical lines at ``marks`` (the frames shown next). Chapter 7."""
    s = _log_steps(steps)
    loss = _trace("losses", losses, s.size, 1)
    lin = _trace("linear_losses", linear_losses, s.size, 1)
    cos = _trace("within_cosine", within_cosine, s.size, 1)
    with plt.rc_context(STYLE):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 4.8), sharex=True, layout="constrained",
                                          gridspec_kw={"height_ratios": [3, 2]})
        top.plot(s, loss, color="black", lw=1.6, label="the model (ReLU output)")
        top.plot(s, lin, color="#0072B2", lw=1.3, ls="--", label="same weights, ReLU removed")
        top.set_yscale("log")
        top.set_ylabel("loss (fixed samples)")
        top.legend(frameon=False, fontsize=8, loc="lower left")
        bottom.plot(s, cos, color="#D55E00", lw=1.5)
        bottom.axhline(0, color="gray", lw=0.7, ls=":")
        bottom.set_ylabel("cosine within a set")
        bottom.set_ylim(-0.15, 1.05)
        for k, m in enumerate(marks):
            for ax in (top, bottom):
                ax.axvline(max(float(m), 1.0), color="gray", lw=0.8, ls=":")
            top.text(max(float(m), 1.0), 1.0, f" {chr(65 + k)}", transform=top.get_xaxis_transform(),
                     va="bottom", ha="center", fontsize=9, color="dimgray")
        bottom.set_xscale("log")
        bottom.set_xlabel("training step (log scale)")
        top.set_title(title or "Training loss, with and without the ReLU")
    return fig


def plot_directions_3d(
    Ws: Any,
    titles: Sequence[str],
    *,
    sets: Sequence[Sequence[int]],
    ncols: int = 3,
    panel_size: float = 2.2,
) -> Figure:
    """Feature directions of models with a 3-D hidden space, one small 3-D panel per model
    (``Ws`` ``[models, 3, n]``): each feature an arrow from the origin, coloured by its set
    (shades of one colour per set) and labelled with its number. The view and the axes'
    range are the same in every panel, so that only the arrows move. Chapter 7."""
    w = weights_stack(Ws, "Ws")
    if w.shape[1] != 3:
        raise ValueError(f"Ws must have a 3-D hidden space [models, 3, features], got shape {tuple(w.shape)}")
    if len(titles) != w.shape[0]:
        raise ValueError(f"titles has {len(titles)} entries for {w.shape[0]} models")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer (panels per row), got {ncols!r}")
    n = w.shape[2]
    colour: dict[int, Any] = {}
    for si, group in enumerate(sets):
        cmap = plt.get_cmap(_SET_CMAPS[si % len(_SET_CMAPS)])
        for k, i in enumerate(group):
            if not 0 <= int(i) < n:
                raise ValueError(f"sets must hold feature indices in [0, {n}), got {i!r}")
            colour[int(i)] = cmap(0.55 + 0.4 * k / max(1, len(group) - 1))
    n_panels = w.shape[0]
    ncols = min(ncols, n_panels)
    nrows = -(-n_panels // ncols)
    lim = 1.05 * max(1e-6, float(w.norm(dim=1).max()))
    arr = w.numpy()
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(panel_size * ncols, (panel_size + 0.3) * nrows), layout="constrained")
        for k in range(n_panels):
            ax = fig.add_subplot(nrows, ncols, k + 1, projection="3d")
            ax.view_init(elev=22, azim=35)
            for i in range(n):
                x, y, z = arr[k, :, i]
                c = colour.get(i, "black")
                ax.plot([0, x], [0, y], [0, z], color=c, lw=2.2)
                ax.scatter([x], [y], [z], color=c, s=14)
                ax.text(1.12 * x, 1.12 * y, 1.12 * z, str(i), fontsize=8, color=c)
            ax.set_xlim(-lim, lim)
            ax.set_ylim(-lim, lim)
            ax.set_zlim(-lim, lim)
            ax.set_xticklabels([])
            ax.set_yticklabels([])
            ax.set_zticklabels([])
            ax.set_title(titles[k], fontsize=9)
    return fig
