"""Figures of adversarial robustness (chapter 8): the loss increase of each feature's attack,
vulnerability against sparsity and features per dimension, superposition under adversarial
training."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from .._validate import as_float_tensor
from .style import FIGSIZE, STYLE, density_axis

__all__ = ["plot_adversarial_training", "plot_attack_per_feature", "plot_vulnerability"]


def _vec(name: str, value: Any) -> np.ndarray:
    return as_float_tensor(name, value, min_dim=1, max_dim=1, dtype=torch.float64).numpy()


def plot_attack_per_feature(rise: Any, *, gradient_rise: float | None = None, title: str | None = None) -> Figure:
    """The loss increase ``L' − L`` of the analytic attack on each feature (bars; the most
    harmful one dark), with the gradient attack's increase as a dashed line. Chapter 8."""
    r = _vec("rise", rise)
    best = int(np.argmax(r))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        colours = ["#0072B2" if i == best else "#9ecae1" for i in range(r.size)]
        ax.bar(np.arange(r.size), r, color=colours, width=0.8, label="analytic attack on feature i")
        if gradient_rise is not None:
            ax.axhline(float(gradient_rise), color="#D55E00", ls="--", lw=1.4, label="gradient attack")
        ax.set_xlabel("attacked feature i")
        ax.set_ylabel("loss increase L' − L")
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(title or f"Each feature's attack; the most harmful is feature {best}")
    return fig


def plot_vulnerability(density: Any, vulnerability: Any, features_per_dim: Any, *, title: str | None = None) -> Figure:
    """Vulnerability ``(L' − L)/(L'₀ − L₀)`` and features per dimension ``‖W‖_F²/m`` against
    density (left), and vulnerability against features per dimension (right). Chapter 8."""
    d, v, f = _vec("density", density), _vec("vulnerability", vulnerability), _vec("features_per_dim", features_per_dim)
    if not d.size == v.size == f.size:
        raise ValueError(f"density, vulnerability and features_per_dim must have the same length, got {d.size}, {v.size}, {f.size}")
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(1, 2, figsize=(6.8, 3.4), layout="constrained")
        left.plot(d, v, "o-", color="#D55E00", label="vulnerability")
        left.plot(d, f, "s--", color="#0072B2", label=r"features per dim. $\|W\|_F^2/m$")
        left.axhline(1, color="gray", lw=0.7, ls=":")
        density_axis(left)
        left.legend(frameon=False, fontsize=8, loc="upper left")
        right.plot(f, v, "o", color="#D55E00")
        right.axhline(1, color="gray", lw=0.7, ls=":")
        right.set_xlabel(r"features per dimension $\|W\|_F^2/m$")
        right.set_ylabel("vulnerability")
        fig.suptitle(title or "Vulnerability to the optimal L2 attack (norm 0.1 × mean input norm)")
    return fig


def plot_adversarial_training(fractions: Any, features_per_dim: Any, represented: Any, *, n_hidden: int,
                              title: str | None = None) -> Figure:
    """Superposition left after adversarial training against the attack size (a fraction of
    the mean input norm): features per dimension ``‖W‖_F²/m`` and represented features per
    dimension. The line at 1 is no superposition. Chapter 8."""
    a, f, r = _vec("fractions", fractions), _vec("features_per_dim", features_per_dim), _vec("represented", represented)
    if not a.size == f.size == r.size:
        raise ValueError("fractions, features_per_dim and represented must have the same length")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        ax.plot(a, f, "o-", color="#0072B2", label=r"$\|W\|_F^2/m$")
        ax.plot(a, r / n_hidden, "s--", color="#009E73", label=r"represented ($\|W_i\| > 0.5$) / m")
        ax.axhline(1, color="gray", lw=0.8, ls=":")
        ax.text(a.max(), 1, "no superposition", ha="right", va="bottom", fontsize=8, color="dimgray")
        ax.set_xlabel("attack norm during training (× mean input norm)")
        ax.set_ylabel("features per dimension")
        ax.set_ylim(0, max(1.2, float(max(f.max(), (r / n_hidden).max())) * 1.1))
        ax.legend(frameon=False, fontsize=8, loc="upper right")
        ax.set_title(title or "Superposition left after adversarial training")
    return fig
