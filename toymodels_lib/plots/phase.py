"""Figures of the phase change: the losses of the candidate solutions against density, and phase diagrams of what happens to an extra feature."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .._validate import as_float_tensor, check_positive_int, check_real
from .style import FIGSIZE, STYLE, SUPERPOSITION_CMAP, density_axis, panel_layout

__all__ = ["PHASE_COLORS", "plot_candidate_losses", "plot_phase_diagram"]

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
    ncols: int | None = None,
) -> Figure:
    """Phase diagrams of the extra feature, side by side (``ncols`` per row, wrapping), on log axes.

    ``maps``: a phase map ``[P, R]`` (codes 0 not learned, 1 superposition, 2 dedicated) or
    a dict ``panel title -> map``; rows follow ``density`` ``[P]``, columns
    ``relative_importance`` ``[R]``. ``boundary``: optional ``(r, p)`` curve (or a dict
    ``label -> (r, p)``) drawn on every panel. ``fractions``: optional dict ``panel title ->
    [P, R]`` array in [0, 1]; cells are shaded by it (say, the fraction of kept seeds that
    agree with the cell's phase). ``ncols``: panels per row (default: all in one row); more
    panels wrap onto further rows rather than shrink.
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
    cmap = ListedColormap(PHASE_COLORS)
    re, pe = _log_edges(r), _log_edges(p)
    ncols = len(arrays) if ncols is None else check_positive_int("ncols", ncols)
    nrows, ncols, size = panel_layout(len(arrays), 3.3, ncols=min(ncols, len(arrays)))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(size * ncols, (size + 0.1) * nrows + 0.6), layout="constrained", squeeze=False
        )
        for ax in axes.flat[len(arrays):]:
            ax.remove()
        for ax, (name, a) in zip(axes.flat, arrays.items(), strict=False):
            rgba = cmap(a / 2.0)
            if name in fractions:
                f = np.clip(np.asarray(fractions[name], dtype=float), 0, 1)
                rgba[..., :3] = 1 - (1 - rgba[..., :3]) * (0.35 + 0.65 * f[..., None])
            ax.pcolormesh(re, pe, rgba, shading="flat", lw=0, rasterized=True)  # one RGBA colour per cell
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
        fig.legend(handles=handles, loc="outside lower center", ncol=min(3, len(handles)), frameon=False, fontsize=8)
        if title:
            fig.suptitle(title)
    return fig


def plot_candidate_losses(
    density: Any,
    losses: Mapping[str, Any],
    *,
    boundary: float | None = None,
    title: str | None = None,
) -> Figure:
    """The expected loss of each candidate solution, divided by the density, against density.

    ``losses`` maps a candidate's name to its expected loss at each ``density`` ``[P]``
    (from :func:`toymodels_lib.theory.two_in_one_candidate_losses`, say). The thick pale
    line is the best candidate at each density; where it switches from one candidate to
    another the model's solution changes abruptly. ``boundary``: a density marked by a
    dotted line (the closed-form phase boundary).
    """
    p = as_float_tensor("density", density, min_dim=1, max_dim=1, dtype=torch.float64)
    if p.numel() < 2 or (p <= 0).any() or (p > 1).any():
        raise ValueError(f"density must hold at least two values in (0, 1] (log axis), got shape {tuple(p.shape)}")
    if not isinstance(losses, Mapping) or not losses:
        raise TypeError("losses must be a non-empty dict: candidate name -> loss at each density")
    values = {}
    for name, v in losses.items():
        t = as_float_tensor(f"losses[{name!r}]", v, min_dim=1, max_dim=1, dtype=torch.float64)
        if t.shape != p.shape:
            raise ValueError(f"losses[{name!r}] has shape {tuple(t.shape)}, expected {tuple(p.shape)} (one per density)")
        values[name] = t
    best = torch.stack(list(values.values())).min(dim=0).values
    if boundary is not None:
        boundary = check_real("boundary", boundary, low=0.0, high=1.0, low_open=True)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        for name, v in values.items():
            ax.plot(p.numpy(), (v / p).numpy(), label=name)
        ax.plot(p.numpy(), (best / p).numpy(), color="black", lw=2.5, alpha=0.35, label="best candidate")
        if boundary is not None:
            ax.axvline(boundary, color="gray", ls=":", lw=1)
        density_axis(ax, "feature density $1-S$ (sparser →)")
        ax.set_ylabel("expected loss / density")
        ax.set_title(title or "Candidate solutions: expected loss against density")
        ax.legend(frameon=False)
    return fig
