"""Arrow pictures of directions in a plane: feature spokes of 2-D toy models, grouped feature directions, word-vector offsets, and projections on a probe direction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from .._validate import as_float_tensor, as_weights, check_real
from .style import STYLE, bare_square, importance_note, is_result, model_title, panel_layout, weights_stack

__all__ = [
    "plot_feature_directions",
    "plot_feature_spokes",
    "plot_probe_projection",
    "plot_word_offsets",
]


def _draw_spokes(ax: Any, w: np.ndarray, colours: Sequence[Any], lim: float, label_threshold: float) -> None:
    """One panel of 2-D feature directions: a spoke per feature, numbered at its tip, the unit circle dashed.

    Features that point the same way (within 10°) share one label position beyond the
    longest of them, their numbers set side by side, so merged features never overprint.
    """
    ax.add_patch(plt.Circle((0, 0), 1.0, fill=False, color="lightgray", lw=0.8, ls="--"))
    ax.axhline(0, color="0.92", lw=0.6, zorder=0)
    ax.axvline(0, color="0.92", lw=0.6, zorder=0)
    for i in range(w.shape[1]):
        x, y = float(w[0, i]), float(w[1, i])
        ax.plot([0, x], [0, y], color=colours[i], lw=2.0, solid_capstyle="round", gid=f"spoke {i}")
        ax.plot([x], [y], "o", color=colours[i], ms=4)
    for x, y, i in _label_positions(w, label_threshold):
        ax.text(x, y, str(i), ha="center", va="center", fontsize=8, color=colours[i],
                fontweight="bold", gid=f"label {i}")
    bare_square(ax, lim)


def _label_positions(
    w: np.ndarray, label_threshold: float, *, gap: float = 0.16, spread: float = 0.17, within: float = 10.0
) -> list[tuple[float, float, int]]:
    """Where to write each feature's number in a spoke picture: ``(x, y, feature)``.

    A label sits ``gap`` beyond its spoke's tip. Features whose directions lie within
    ``within`` degrees of each other form one cluster: their labels go beyond the longest
    spoke of the cluster, side by side across the spoke, ``spread`` apart, in feature order.
    Features not longer than ``label_threshold`` get no label.
    """
    r = np.hypot(w[0], w[1])
    shown = [i for i in range(w.shape[1]) if r[i] > label_threshold]
    angle = np.degrees(np.arctan2(w[1], w[0]))
    parent = {i: i for i in shown}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a in shown:
        for b in shown:
            if a < b and abs((angle[a] - angle[b] + 180.0) % 360.0 - 180.0) < within:
                parent[root(b)] = root(a)
    clusters: dict[int, list[int]] = {}
    for i in shown:
        clusters.setdefault(root(i), []).append(i)
    out = []
    for members in clusters.values():
        longest = max(members, key=lambda i: r[i])
        u = np.array([w[0, longest], w[1, longest]]) / r[longest]
        t = np.array([-u[1], u[0]])
        # set the numbers left to right as the reader sees them
        order = sorted(members) if t[0] >= 0 else sorted(members, reverse=True)
        for k, i in enumerate(order):
            pos = (r[longest] + gap) * u + (k - (len(order) - 1) / 2) * spread * t
            out.append((float(pos[0]), float(pos[1]), int(i)))
    return sorted(out, key=lambda item: item[2])


def _spoke_panels(results: Any) -> tuple[list[np.ndarray], list[str], str]:
    """(weights [2, n] per panel, panel titles, figure title) from results or raw weights."""
    if is_result(results) or (
        isinstance(results, Sequence) and results and all(is_result(r) for r in results)
    ):
        rs = [results] if is_result(results) else list(results)
        Ws, titles = [], []
        for r in rs:
            for k in range(r.n_instances):
                Ws.append(r.W[k].numpy())
                note = importance_note(r.importance[k]).lstrip(", ") or "importance varies"
                titles.append(f"{model_title(r.kind, float(r.density[k].mean()))}\n{note}")
        n = {w.shape[1] for w in Ws}
        m = {w.shape[0] for w in Ws}
        head = f"n = {rs[0].n_features} features in m = {rs[0].n_hidden} hidden dimensions"
        if len(n) != 1 or len(m) != 1:
            raise ValueError("results must all have the same numbers of features and hidden dimensions")
        return Ws, titles, head
    if isinstance(results, (str, bytes)) or not isinstance(results, (torch.Tensor, np.ndarray, Sequence)):
        raise TypeError(
            f"results must be a TrainResult, a list of TrainResult, or weights [2, n] / [models, 2, n], "
            f"got {type(results).__name__}"
        )
    w = as_weights("results", results.detach().cpu() if isinstance(results, torch.Tensor) else results,
                   min_dim=2, max_dim=3)
    if w.dim() == 2:
        w = w[None]
    Ws = [w[k].numpy() for k in range(w.shape[0])]
    titles = [f"model {k}" for k in range(w.shape[0])]
    return Ws, titles, f"n = {w.shape[-1]} features in m = {w.shape[-2]} hidden dimensions"


def plot_feature_spokes(
    results: Any,
    *,
    titles: Sequence[str] | None = None,
    title: str | None = None,
    panel_size: float = 2.3,
    label_threshold: float = 0.1,
) -> Figure:
    """Each feature's 2-D direction ``W_i`` as a spoke from the origin, one panel per model.

    ``results`` is a :class:`TrainResult` (or a list of them; one panel per instance) or raw
    weights ``[2, n]`` / ``[models, 2, n]``. Feature ``i`` has the same colour in every
    panel and its number at the tip (features shorter than ``label_threshold`` are drawn
    but not labelled); the dashed circle has radius 1. Panel titles come from the
    configuration (model, density ``1−S``, importance) unless ``titles`` is given.
    """
    Ws, auto_titles, head = _spoke_panels(results)
    if Ws[0].shape[0] != 2:
        raise ValueError(
            f"results must be models with a 2-D hidden space (m = 2) to draw spokes, got m = {Ws[0].shape[0]}"
        )
    if titles is not None:
        if isinstance(titles, str) or len(titles) != len(Ws):
            raise ValueError(f"titles must be a list of {len(Ws)} strings (one per panel), got {titles!r}")
        auto_titles = [str(t) for t in titles]
    panel_size = check_real("panel_size", panel_size, low=0.5, high=10.0)
    label_threshold = check_real("label_threshold", label_threshold, low=0.0)
    n = Ws[0].shape[1]
    palette = plt.get_cmap("tab10") if n <= 10 else plt.get_cmap("viridis")
    colour = [palette(i % 10) if n <= 10 else palette(i / max(1, n - 1)) for i in range(n)]
    lim = 1.22 * max(1.0, max(float(np.linalg.norm(w, axis=0).max()) for w in Ws))
    with plt.rc_context(STYLE):
        nrows, ncols, size = panel_layout(len(Ws), panel_size)
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(size * ncols, (size + 0.55) * nrows + 0.7), layout="constrained", squeeze=False
        )
        flat = axes.reshape(-1)
        for ax, w, t in zip(flat, Ws, auto_titles, strict=False):
            _draw_spokes(ax, w, colour, lim, label_threshold)
            ax.set_title(t, fontsize=9)
        for ax in flat[len(Ws):]:
            ax.set_visible(False)
        handles = [matplotlib.lines.Line2D([], [], color=colour[i], lw=2) for i in range(min(n, 10))]
        labels = [f"feature {i}" for i in range(min(n, 10))]
        fig.legend(handles, labels, loc="outside lower center", ncol=min(n, 5), frameon=False, fontsize=8)
        fig.suptitle(title or f"Feature directions $W_i$: {head}")
    return fig


def plot_feature_directions(
    Ws: Any,
    titles: Sequence[str],
    *,
    groups: Sequence[Sequence[int]] | None = None,
    group_labels: Sequence[str] | None = None,
    suptitle: str | None = None,
    panel_size: float = 2.6,
    ncols: int | None = None,
) -> Figure:
    """Feature directions ``W_i`` of models with a 2-D hidden space, one panel per model.

    ``Ws`` is ``[models, 2, n]``. Features of the same group (a correlated pair, say)
    share a colour; each arrow is labelled with its feature number (features pointing the
    same way get their numbers side by side). ``ncols`` panels per row (default: all in
    one row); more panels wrap onto further rows, so a figure keeps its size on the page.
    """
    w = weights_stack(Ws, "Ws")
    if w.shape[1] != 2:
        raise ValueError(f"Ws must have a 2-D hidden space [models, 2, features], got shape {tuple(w.shape)}")
    if len(titles) != w.shape[0]:
        raise ValueError(f"titles has {len(titles)} entries for {w.shape[0]} models")
    n_panels = w.shape[0]
    if ncols is None:
        ncols = n_panels
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer (panels per row), got {ncols!r}")
    nrows, ncols, panel_size = panel_layout(n_panels, panel_size, ncols=min(ncols, n_panels))
    n = w.shape[2]
    groups = [list(g) for g in groups] if groups is not None else [[i] for i in range(n)]
    colour = {}
    palette = plt.get_cmap("tab10")
    for gi, g in enumerate(groups):
        for i in g:
            colour[i] = palette(gi % 10)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols, (panel_size + 0.35) * nrows + 0.6),
                                 layout="constrained", squeeze=False)
        lim = 1.2 * max(1e-6, float(w.norm(dim=1).max()))
        colours = [colour.get(i, "black") for i in range(n)]
        flat = axes.reshape(-1)
        for k in range(n_panels):
            _draw_spokes(flat[k], w[k].numpy(), colours, lim, 0.1)
            flat[k].set_title(titles[k])
        for ax in flat[n_panels:]:
            ax.set_visible(False)
        if group_labels is not None:
            handles = [matplotlib.lines.Line2D([], [], color=palette(gi % 10), lw=2) for gi in range(len(group_labels))]
            fig.legend(handles, group_labels, loc="outside lower center", ncol=min(4, len(group_labels)), frameon=False)
        if suptitle:
            fig.suptitle(suptitle)
    return fig


def plot_word_offsets(
    points: Mapping[str, Any],
    pairs: Mapping[str, Sequence[tuple[str, str]]],
    *,
    colours: Sequence[str] = ("tab:red", "tab:blue"),
    xlabel: str = "principal component 1",
    ylabel: str = "principal component 2",
    title: str | None = None,
) -> Figure:
    """Words as labelled points in a plane, and offsets between them as arrows.

    ``points`` maps each word to its 2-D position (a projection of its vector, say on two
    principal components). ``pairs`` maps a legend label to a list of ``(from, to)`` word
    pairs; each pair is an arrow from ``from`` to ``to``, all arrows of one label in one
    colour (``colours``, in order). Parallel arrows of equal length are an offset the
    vectors share: a linear representation of that attribute.
    """
    if not isinstance(points, Mapping) or not points:
        raise TypeError("points must be a non-empty dict: word -> 2-D position")
    pos = {}
    for word, p in points.items():
        v = as_float_tensor(f"points[{word!r}]", p, min_dim=1, max_dim=1)
        if v.shape[0] != 2:
            raise ValueError(f"points[{word!r}] must be a 2-D position, got shape {tuple(v.shape)}")
        pos[word] = v.numpy()
    if not isinstance(pairs, Mapping) or not pairs:
        raise TypeError("pairs must be a non-empty dict: label -> list of (from, to) word pairs")
    if isinstance(colours, str) or len(colours) < len(pairs):
        raise ValueError(f"colours must list at least {len(pairs)} colours (one per entry of pairs), got {colours!r}")
    for label, group in pairs.items():
        for pair in group:
            if len(pair) != 2 or any(w not in pos for w in pair):
                raise ValueError(f"pairs[{label!r}] holds {pair!r}: each pair must be two words of points")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.2, 4.6), layout="constrained")
        for (label, group), colour in zip(pairs.items(), colours, strict=False):
            for u, v in group:
                ax.annotate("", xy=pos[v], xytext=pos[u],
                            arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.5})
            ax.plot([], [], color=colour, label=label)
        for w, (x, y) in pos.items():
            ax.plot(x, y, "o", color="black", ms=4)
            ax.annotate(w, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=9)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title or f"{len(pos)} words in a plane")
        ax.legend(frameon=False, loc="best")
    return fig


def plot_probe_projection(
    words: Sequence[str],
    projection: Any,
    positive: Any,
    *,
    threshold: float,
    held_out: Sequence[str] = (),
    colours: tuple[str, str] = ("tab:blue", "tab:red"),
    xlabel: str = "projection on the probe's direction",
    title: str | None = None,
) -> Figure:
    """Each word's projection on a probe direction, one bar per word, sorted.

    ``projection`` holds one number per word; ``positive`` marks the words of the class the
    probe points to (their bars in ``colours[1]``, the others in ``colours[0]``). Words in
    ``held_out`` (not used to fit the probe) are hatched and marked in their label; the
    dashed line is the probe's ``threshold``. A probe that generalises separates the
    colours at the line, held-out words included.
    """
    if isinstance(words, str) or not isinstance(words, Sequence) or not words:
        raise TypeError("words must be a non-empty list of strings")
    proj = as_float_tensor("projection", projection, min_dim=1, max_dim=1).numpy()
    if proj.shape[0] != len(words):
        raise ValueError(f"projection has {proj.shape[0]} values for {len(words)} words")
    pos = np.asarray(positive).reshape(-1)
    if pos.shape[0] != len(words):
        raise ValueError(f"positive has {pos.shape[0]} entries for {len(words)} words")
    threshold = check_real("threshold", threshold)
    held = set(held_out)
    order = np.argsort(proj)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 4.6), layout="constrained")
        for rank, i in enumerate(order):
            ax.barh(rank, proj[i], color=colours[1] if pos[i] else colours[0],
                    hatch="//" if words[i] in held else None, edgecolor="white")
        ax.set_yticks(range(len(words)), [words[i] + (" (held out)" if words[i] in held else "") for i in order],
                      fontsize=8)
        ax.axvline(threshold, color="black", lw=0.8, ls="--")
        ax.set_xlabel(xlabel)
        ax.set_title(title or f"Projection of {len(words)} words on a probe direction")
    return fig
