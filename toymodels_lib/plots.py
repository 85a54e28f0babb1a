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
    "plot_capacity_vs_density",
    "plot_feature_spokes",
    "STYLE",
    "SUPERPOSITION_CMAP",
    "density_label",
    "feature_groups",
    "model_title",
    "plot_dimensionality_histogram",
    "plot_dimensions_per_feature",
    "plot_feature_dimensionality",
    "plot_feature_directions",
    "plot_polytope_benefit",
    "plot_polytopes",
    "plot_loss_history",
    "plot_neuron_weights",
    "PHASE_COLORS",
    "plot_phase_diagram",
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
    from ._validate import check_positive_int

    cols = _columns(results)
    n_features = cols[0][1].shape[1]
    per_row = len(cols) if ncols is None else min(check_positive_int("ncols", ncols), len(cols))
    n_rows = -(-len(cols) // per_row)
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


# --------------------------------------------------------------------------- geometry (chapter 6)
def _weights_stack(W: Any, name: str = "W") -> torch.Tensor:
    w = W if isinstance(W, torch.Tensor) else torch.as_tensor(np.asarray(W, dtype=np.float32))
    if w.dim() != 3:
        raise ValueError(f"{name} must be [models, hidden, features], got shape {tuple(w.shape)}")
    return w.detach().float().cpu()


def _densities(density: Any, n_models: int) -> np.ndarray:
    d = np.asarray(density, dtype=np.float64).reshape(-1)
    if d.shape[0] != n_models or not np.all((d > 0) & (d <= 1)):
        raise ValueError(f"density must hold {n_models} values in (0, 1] (one per model), got {density!r}")
    return d


def _fraction_lines(ax: Any, *, labels: bool = True, vertical: bool = False) -> None:
    from .theory import polytope_fractions

    for label, value in polytope_fractions():
        if vertical:
            ax.axvline(value, color="gray", lw=0.7, ls=":", zorder=0)
            if labels:
                ha = "right" if value < 0.39 else "left" if abs(value - 0.4) < 1e-9 else "center"
                ax.text(value, 1.0, label.split(" ")[0], transform=ax.get_xaxis_transform(),
                        ha=ha, va="bottom", fontsize=8, color="dimgray")
        else:
            ax.axhline(value, color="gray", lw=0.7, ls=":", zorder=0)
            if labels:
                ax.text(1.01, value, label.split(" ")[0], transform=ax.get_yaxis_transform(),
                        va="center", fontsize=8, color="dimgray")


def plot_dimensions_per_feature(W: Any, density: Any, *, title: str | None = None) -> Figure:
    """``D* = m / ‖W‖_F²`` against ``1/(1 − S)`` for a sweep of models ``W`` ``[models, m, n]``.

    Reference lines at 1 (a dimension per feature), 1/2 (antipodal pairs) and ``m/n``
    (every feature represented).
    """
    w = _weights_stack(W)
    d = _densities(density, w.shape[0])
    m, n = w.shape[1], w.shape[2]
    d_star = metrics.dimensions_per_feature(w).numpy()
    x = 1.0 / d
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        for value, label in ((1.0, "1"), (0.5, "1/2"), (m / n, f"m/n = {m / n:.3g}")):
            ax.axhline(value, color="gray", lw=0.8, ls=":")
            ax.text(x.max(), value, label, ha="right", va="bottom", fontsize=8, color="dimgray")
        ax.plot(x, d_star, "o-", color="black", ms=4)
        ax.set_xscale("log")
        ax.set_ylim(0, 1.1)
        ax.set_xlabel("1/(1−S)  (sparser →)")
        ax.set_ylabel(r"dimensions per feature $D^* = m/\|W\|_F^2$")
        ax.set_title(title or f"Uniform superposition, ReLU output model: n = {n}, m = {m}, uniform importance")
    return fig


def plot_feature_dimensionality(
    W: Any, density: Any, *, min_dimensionality: float = 0.02, title: str | None = None
) -> Figure:
    """Each feature's dimensionality ``D_i`` against ``1/(1 − S)`` (one dot per feature and model).

    Dots are coloured by ``D_i``; the line is ``D*``; dotted lines mark the polytope
    fractions 1, 3/4, 2/3, 1/2, 2/5, 3/8. Features with ``D_i`` below
    ``min_dimensionality`` (not represented) are left out.
    """
    w = _weights_stack(W)
    d = _densities(density, w.shape[0])
    m, n = w.shape[1], w.shape[2]
    dims = metrics.feature_dimensionality(w).numpy()
    d_star = metrics.dimensions_per_feature(w).numpy()
    x = 1.0 / d
    rng = np.random.default_rng(0)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 4.2), layout="constrained")
        _fraction_lines(ax)
        for k in range(w.shape[0]):
            keep = dims[k] > min_dimensionality
            jitter = np.exp(rng.uniform(-0.04, 0.04, keep.sum()))
            ax.scatter(x[k] * jitter, dims[k][keep], s=6, alpha=0.35, c=dims[k][keep],
                       cmap="viridis", vmin=0, vmax=1, linewidths=0)
        ax.plot(x, d_star, "-", color="black", lw=1.2, label=r"$D^*$")
        ax.set_xscale("log")
        ax.set_ylim(0, 1.1)
        ax.set_xlabel("1/(1−S)  (sparser →)")
        ax.set_ylabel(r"feature dimensionality $D_i$")
        ax.legend(frameon=False, loc="lower left")
        ax.set_title(title or f"Feature dimensionalities, n = {n}, m = {m}, uniform importance")
    return fig


def plot_dimensionality_histogram(
    W: Any, *, min_dimensionality: float = 0.05, bins: int = 60, title: str | None = None
) -> Figure:
    """Histogram of the feature dimensionalities ``D_i`` of the models ``W`` ``[models, m, n]``.

    Only represented features (``D_i`` above ``min_dimensionality``) are counted;
    dotted lines mark the polytope fractions.
    """
    w = _weights_stack(W)
    dims = metrics.feature_dimensionality(w).numpy().reshape(-1)
    dims = dims[dims > min_dimensionality]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
        _fraction_lines(ax, vertical=True)
        ax.hist(dims, bins=bins, range=(0, 1.05), color="tab:blue", alpha=0.8)
        ax.set_yscale("log")
        ax.set_xlabel(r"feature dimensionality $D_i$")
        ax.set_ylabel("number of features")
        ax.set_title(
            title or f"{dims.size} represented features of {w.shape[0]} models "
            f"(n = {w.shape[2]}, m = {w.shape[1]})",
            pad=14,
        )
    return fig


def feature_groups(W: Any, *, cosine: float = 0.1, threshold: float = 0.5) -> list[list[int]]:
    """Groups of represented features that share a subspace, for one model ``W`` ``[m, n]``.

    Two represented features (``‖W_i‖ > threshold``) are linked when ``|cos(W_i, W_j)|``
    exceeds ``cosine``; the groups are the connected components, largest first. In
    uniform superposition the groups are the polytopes (digons, triangles, pentagons,
    tetrahedra, ...), each in a subspace nearly orthogonal to the others.
    """
    w = torch.as_tensor(np.asarray(W, dtype=np.float32)) if not isinstance(W, torch.Tensor) else W.float()
    if w.dim() != 2:
        raise ValueError(f"W must be one model's weights [hidden, features], got shape {tuple(w.shape)}")
    cos = metrics.cosine_similarity_matrix(w).abs().numpy()
    rep = metrics.feature_norms(w).numpy() > threshold
    idx = np.flatnonzero(rep)
    seen: set[int] = set()
    groups: list[list[int]] = []
    for start in idx:
        if start in seen:
            continue
        stack, comp = [int(start)], []
        seen.add(int(start))
        while stack:
            i = stack.pop()
            comp.append(i)
            for j in idx:
                if int(j) not in seen and cos[i, j] > cosine:
                    seen.add(int(j))
                    stack.append(int(j))
        groups.append(sorted(comp))
    groups.sort(key=lambda g: (-len(g), g[0]))
    return groups


def _group_coordinates(W: torch.Tensor, group: Sequence[int], dims: int) -> np.ndarray:
    """Feature vectors of ``group`` in an orthonormal basis of their span (top ``dims`` directions)."""
    sub = W[:, list(group)].double()
    U, _, _ = torch.linalg.svd(sub, full_matrices=False)
    return (U[:, :dims].T @ sub).numpy()  # [dims, k]


def plot_polytopes(
    vectors: Sequence[Any],
    *,
    titles: Sequence[str] | None = None,
    dimensionality: Sequence[Any] | None = None,
    suptitle: str | None = None,
) -> Figure:
    """Pictures of groups of features, each drawn in its own subspace.

    ``vectors`` is a list with one ``[m, k]`` matrix per group: the columns ``W_i`` of
    the group's features (``W[:, group]`` with a group from :func:`feature_groups`;
    groups may come from different models). Each group is drawn in the 2-D or 3-D span
    of its vectors (found with an SVD): arrows from the origin to each ``W_i``, with
    edges between the tips. ``dimensionality`` (one ``[k]`` array per group, the
    features' ``D_i`` in their model) is printed under each title.
    """
    if isinstance(vectors, (torch.Tensor, np.ndarray)) or not isinstance(vectors, Sequence) or not vectors:
        raise TypeError("vectors must be a non-empty list of [m, k] matrices, one per group")
    mats = []
    for v in vectors:
        w = v.detach().float().cpu() if isinstance(v, torch.Tensor) else torch.as_tensor(np.asarray(v, dtype=np.float32))
        if w.dim() != 2 or w.shape[1] < 2:
            raise ValueError(f"each group must be an [m, k] matrix with k >= 2 features, got shape {tuple(w.shape)}")
        mats.append(w)
    for name, seq in (("titles", titles), ("dimensionality", dimensionality)):
        if seq is not None and len(seq) != len(mats):
            raise ValueError(f"{name} has {len(seq)} entries for {len(mats)} groups")
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(3.0 * len(mats), 3.4), layout="constrained")
        for c, w in enumerate(mats):
            k = w.shape[1]
            d = 2 if np.linalg.matrix_rank(w.numpy(), tol=0.05 * float(w.norm(dim=0).max())) <= 2 else 3
            coords = _group_coordinates(w, range(k), d)
            label = titles[c] if titles else f"{k} features in {d} dimensions"
            if dimensionality is not None:
                di = np.asarray(dimensionality[c], dtype=np.float64)
                label += f"\n$D_i$ = {di.mean():.2f} ± {di.std():.2f}"
            if d == 2:
                ax = fig.add_subplot(1, len(mats), c + 1)
                order = np.argsort(np.arctan2(coords[1], coords[0]))
                ring = np.append(order, order[0])
                ax.plot(coords[0, ring], coords[1, ring], color="lightgray", lw=1)
                for i in range(k):
                    ax.annotate("", xy=coords[:, i], xytext=(0, 0),
                                arrowprops={"arrowstyle": "->", "color": "tab:blue", "lw": 1.5})
                ax.set_aspect("equal")
                lim = 1.15 * max(1e-6, float(np.abs(coords).max()))
                ax.set_xlim(-lim, lim)
                ax.set_ylim(-lim, lim)
                ax.set_xticks([])
                ax.set_yticks([])
                for spine in ax.spines.values():
                    spine.set_visible(False)
            else:
                ax = fig.add_subplot(1, len(mats), c + 1, projection="3d")
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


def _draw_spokes(ax: Any, w: np.ndarray, colours: Sequence[Any], lim: float, label_threshold: float) -> None:
    """One panel of 2-D feature directions: a spoke per feature, numbered at its tip, the unit circle dashed."""
    ax.add_patch(plt.Circle((0, 0), 1.0, fill=False, color="lightgray", lw=0.8, ls="--"))
    ax.axhline(0, color="0.92", lw=0.6, zorder=0)
    ax.axvline(0, color="0.92", lw=0.6, zorder=0)
    for i in range(w.shape[1]):
        x, y = float(w[0, i]), float(w[1, i])
        ax.plot([0, x], [0, y], color=colours[i], lw=2.0, solid_capstyle="round", gid=f"spoke {i}")
        ax.plot([x], [y], "o", color=colours[i], ms=4)
        r = float(np.hypot(x, y))
        if r > label_threshold:
            ax.text(x + 0.16 * x / r, y + 0.16 * y / r, str(i), ha="center", va="center",
                    fontsize=8, color=colours[i], fontweight="bold")
    ax.set_aspect("equal")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def plot_feature_directions(
    Ws: Any,
    titles: Sequence[str],
    *,
    groups: Sequence[Sequence[int]] | None = None,
    group_labels: Sequence[str] | None = None,
    suptitle: str | None = None,
    panel_size: float = 2.6,
) -> Figure:
    """Feature directions ``W_i`` of models with a 2-D hidden space, one panel per model.

    ``Ws`` is ``[models, 2, n]``. Features of the same group (a correlated pair, say)
    share a colour; each arrow is labelled with its feature number.
    """
    w = _weights_stack(Ws, "Ws")
    if w.shape[1] != 2:
        raise ValueError(f"Ws must have a 2-D hidden space [models, 2, features], got shape {tuple(w.shape)}")
    if len(titles) != w.shape[0]:
        raise ValueError(f"titles has {len(titles)} entries for {w.shape[0]} models")
    n = w.shape[2]
    groups = [list(g) for g in groups] if groups is not None else [[i] for i in range(n)]
    colour = {}
    palette = plt.get_cmap("tab10")
    for gi, g in enumerate(groups):
        for i in g:
            colour[i] = palette(gi % 10)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, w.shape[0], figsize=(panel_size * w.shape[0], panel_size + 0.6),
                                 layout="constrained", squeeze=False)
        lim = 1.2 * max(1e-6, float(w.norm(dim=1).max()))
        colours = [colour.get(i, "black") for i in range(n)]
        for k, ax in enumerate(axes[0]):
            _draw_spokes(ax, w[k].numpy(), colours, lim, 0.1)
            ax.set_title(titles[k])
        if group_labels is not None:
            handles = [matplotlib.lines.Line2D([], [], color=palette(gi % 10), lw=2) for gi in range(len(group_labels))]
            fig.legend(handles, group_labels, loc="outside lower center", ncol=min(4, len(group_labels)), frameon=False)
        if suptitle:
            fig.suptitle(suptitle)
    return fig


# --------------------------------------------------------------------------- neurons (chapter 2)
def plot_neuron_weights(
    results: TrainResult | Sequence[TrainResult],
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
    cols = _columns(results)
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
        r0 = results if isinstance(results, TrainResult) else results[0]
        fig.suptitle(
            title
            or f"Neuron weights: n = {n_features} features, m = {r0.n_hidden} neurons"
            + _importance_note(r0.importance[0])
        )
    return fig


# --------------------------------------------------------------------------- phase diagrams (chapter 5)
PHASE_COLORS: tuple[str, str, str] = ("#e8e8e8", matplotlib.colormaps[SUPERPOSITION_CMAP](0.9), matplotlib.colormaps[SUPERPOSITION_CMAP](0.05))
"""Colours of the extra feature's phases: not learned (light grey), superposition (yellow,
the top of the superposition scale), dedicated dimension (dark, its bottom)."""


def _log_edges(values: np.ndarray) -> np.ndarray:
    lv = np.log10(np.asarray(values, dtype=float))
    if lv.size == 1:
        return 10 ** np.array([lv[0] - 0.5, lv[0] + 0.5])
    mid = (lv[1:] + lv[:-1]) / 2
    return 10 ** np.concatenate([[2 * lv[0] - mid[0]], mid, [2 * lv[-1] - mid[-1]]])


def plot_phase_diagram(
    maps: Any,
    relative_importance: Any,
    density: Any,
    *,
    boundary: Any = None,
    fractions: Any = None,
    title: str | None = None,
) -> Figure:
    """Phase diagrams of the extra feature, side by side, on log axes.

    ``maps``: a phase map ``[P, R]`` (codes 0 not learned, 1 superposition, 2 dedicated) or
    a dict ``panel title -> map``; rows follow ``density`` ``[P]``, columns
    ``relative_importance`` ``[R]``. ``boundary``: optional ``(r, p)`` curve (or a dict
    ``label -> (r, p)``) drawn on every panel. ``fractions``: optional dict ``panel title ->
    [P, R]`` array in [0, 1]; cells are shaded by it (say, the fraction of kept seeds that
    agree with the cell's phase).
    """
    if not isinstance(maps, dict):
        maps = {"phase": maps}
    if not maps:
        raise ValueError("maps must hold at least one phase map")
    r = np.asarray(relative_importance, dtype=float).reshape(-1)
    p = np.asarray(density, dtype=float).reshape(-1)
    if (r <= 0).any() or (p <= 0).any():
        raise ValueError("relative_importance and density must be positive (log axes)")
    arrays = {}
    for name, m in maps.items():
        a = np.asarray(m)
        if a.shape != (p.size, r.size):
            raise ValueError(
                f"phase map {name!r} has shape {a.shape}; expected [len(density), len(relative_importance)] = {(p.size, r.size)}"
            )
        if a.size and (a.min() < 0 or a.max() > 2):
            raise ValueError(f"phase map {name!r} must hold codes 0, 1, 2")
        arrays[name] = a.astype(int)
    curves = {} if boundary is None else (boundary if isinstance(boundary, dict) else {"closed-form boundary": boundary})
    fractions = fractions or {}
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    cmap = ListedColormap(PHASE_COLORS)
    re, pe = _log_edges(r), _log_edges(p)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            1, len(arrays), figsize=(3.4 * len(arrays) + 0.4, 3.6), layout="constrained", squeeze=False
        )
        for ax, (name, a) in zip(axes[0], arrays.items(), strict=True):
            rgba = cmap(a / 2.0)
            if name in fractions:
                f = np.clip(np.asarray(fractions[name], dtype=float), 0, 1)
                rgba[..., :3] = 1 - (1 - rgba[..., :3]) * (0.35 + 0.65 * f[..., None])
            ax.pcolormesh(re, pe, rgba[..., 0], shading="flat", alpha=0)  # set log-cell geometry
            for i in range(p.size):
                for j in range(r.size):
                    ax.fill_between([re[j], re[j + 1]], pe[i], pe[i + 1], color=rgba[i, j], lw=0)
            for k, (label, (cr, cp)) in enumerate(curves.items()):
                ax.plot(np.asarray(cr), np.asarray(cp), color="black", lw=1.4, ls=("-", "--", ":")[k % 3], label=label)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlim(re[0], re[-1])
            ax.set_ylim(min(pe[0], pe[-1]), max(pe[0], pe[-1]))
            ax.set_xlabel("relative importance of the extra feature $r$")
            ax.set_ylabel("feature density $1-S$")
            ax.set_title(name)
        handles = [Patch(color=c, label=n) for c, n in zip(PHASE_COLORS, ("not learned", "superposition", "dedicated dimension"), strict=True)]
        handles += [plt.Line2D([], [], color="black", ls=("-", "--", ":")[k % 3], label=lab) for k, lab in enumerate(curves)]
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=8)
        if title:
            fig.suptitle(title)
    return fig


# --------------------------------------------------------------------------- spokes (chapter 4)
def _spoke_panels(results: Any) -> tuple[list[np.ndarray], list[str], str]:
    """(weights [2, n] per panel, panel titles, figure title) from results or raw weights."""
    if isinstance(results, TrainResult) or (
        isinstance(results, Sequence) and results and all(isinstance(r, TrainResult) for r in results)
    ):
        rs = [results] if isinstance(results, TrainResult) else list(results)
        Ws, titles = [], []
        for r in rs:
            for k in range(r.n_instances):
                Ws.append(r.W[k].numpy())
                note = _importance_note(r.importance[k]).lstrip(", ") or "importance varies"
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
    w = torch.as_tensor(np.asarray(results.detach().cpu() if isinstance(results, torch.Tensor) else results,
                                   dtype=np.float32))
    if w.dim() == 2:
        w = w[None]
    if w.dim() != 3 or w.shape[-1] == 0:
        raise ValueError(f"weights must be [2, n] or [models, 2, n], got shape {tuple(w.shape)}")
    if not torch.isfinite(w).all():
        raise ValueError("weights must be finite (no NaN or inf)")
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
    from ._validate import check_real

    Ws, auto_titles, head = _spoke_panels(results)
    if Ws[0].shape[0] != 2:
        raise ValueError(f"feature spokes need a 2-D hidden space (m = 2), got m = {Ws[0].shape[0]}")
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
        fig, axes = plt.subplots(
            1, len(Ws), figsize=(panel_size * len(Ws), panel_size + 1.25), layout="constrained", squeeze=False
        )
        for ax, w, t in zip(axes[0], Ws, auto_titles, strict=True):
            _draw_spokes(ax, w, colour, lim, label_threshold)
            ax.set_title(t, fontsize=9)
        handles = [matplotlib.lines.Line2D([], [], color=colour[i], lw=2) for i in range(min(n, 10))]
        labels = [f"feature {i}" for i in range(min(n, 10))]
        fig.legend(handles, labels, loc="outside lower center", ncol=min(n, 10), frameon=False, fontsize=8)
        fig.suptitle(title or f"Feature directions $W_i$: {head}")
    return fig


def plot_capacity_vs_density(
    results: TrainResult | Sequence[TrainResult], *, threshold: float = 0.5
) -> Figure:
    """Features stored per hidden dimension against density, one line per sweep.

    Left: represented features (``‖W_i‖ > threshold``) divided by ``m``; right: ``‖W‖_F² / m``.
    Dividing by ``m`` puts sweeps of different sizes (n = 20, m = 5 and n = 80, m = 20,
    say) on one scale; the dotted line at 1 is what a linear model achieves.
    """
    from ._validate import check_real

    rs = [results] if isinstance(results, TrainResult) else results
    if not isinstance(rs, Sequence) or not rs or not all(isinstance(r, TrainResult) for r in rs):
        raise TypeError("results must be a TrainResult or a non-empty list of TrainResult")
    threshold = check_real("threshold", threshold, low=0.0)
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 3.6), layout="constrained")
        for r, marker in zip(rs, "os^vD<>" * len(rs), strict=False):
            d = r.density.mean(-1).numpy()
            order = np.argsort(d)[::-1]
            m = r.n_hidden
            rep = metrics.n_represented(r.W, threshold).numpy()[order] / m
            frob = (r.W**2).sum(dim=(-2, -1)).numpy()[order] / m
            label = f"n = {r.n_features}, m = {m}" + _importance_note(r.importance[0])
            left.plot(d[order], rep, marker + "-", label=label)
            right.plot(d[order], frob, marker + "-", label=label)
        for ax, ylabel in (
            (left, rf"represented features / m  ($\|W_i\| > {threshold:g}$)"),
            (right, r"$\|W\|_F^2 \,/\, m$"),
        ):
            ax.axhline(1.0, color="gray", lw=0.8, ls=":")
            ax.set_xscale("log")
            ax.invert_xaxis()
            ax.set_xlabel("feature density 1−S (sparser →)")
            ax.set_ylabel(ylabel)
            ax.set_ylim(bottom=0)
        left.set_title("Features with a direction, per hidden dimension")
        right.set_title(r"$\|W\|_F^2$ per hidden dimension")
        right.legend(frameon=False, fontsize=8)
        fig.suptitle(f"{_KIND_LABELS.get(rs[0].kind, rs[0].kind)} models: how many features fit, against sparsity")
    return fig


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
        fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 4.0), layout="constrained",
                                 squeeze=False)
        for ax, (keep, label) in zip(axes[0], panels, strict=True):
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
            ax.set_xlabel("1/(1−S)  (sparser →)")
            ax.set_title(label)
        axes[0, 0].set_ylabel("loss saved per hidden dimension\n(dedicated dimension = 1)")
        axes[0, 0].legend(loc="upper left", bbox_to_anchor=(0.0, 0.92), fontsize=8, frameon=False)
        fig.suptitle(title or "Which shape fills the hidden space best? (bar along the top: the winner)")
    return fig
