"""Superposition in a privileged basis (chapter 9): hidden-ReLU models
``h = ReLU(W x)``, ``x' = ReLU(Wᵀ h + b)`` with n = 10 features, m = 5 neurons and
importance ``0.75^i``, across sparsity, many seeds per density, as one batched run."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
import torch

from .._validate import check_density, check_positive_int
from ..artifacts import Artifact
from ..data import importance_decay
from ..train import TrainConfig, train_models

__all__ = ["PRIVILEGED_BASIS", "make_privileged_basis"]

PRIVILEGED_BASIS: dict[str, Any] = {
    "name": "privileged_basis",
    "version": 1,
    "file": "privileged_basis_v1.npz",
    "n_features": 10,
    "n_hidden": 5,
    "importance_decay": 0.75,
    "densities": [0.75, 0.5, 0.35, 0.25, 0.15, 0.1, 0.05, 0.03, 0.02, 0.01],
    "n_seeds": 40,
    "steps": 4000,
    "batch_size": 1024,
    "lr": 1e-2,
    "eval_samples": 131_072,
    "seed": 0,
}
"""The shipped chapter-9 sweep: its file name and the settings it is made with."""


def make_privileged_basis(
    densities: Sequence[float] | np.ndarray | None = None,
    *,
    n_seeds: int = 40,
    steps: int = 4000,
    batch_size: int = 1024,
    lr: float = 1e-2,
    eval_samples: int = 131_072,
    seed: int = 0,
    progress: bool = False,
) -> Artifact:
    """Train hidden-ReLU models (n = 10, m = 5, ``I_i = 0.75^i``), ``n_seeds`` seeds per density.

    The sweep behind chapter 9 (the paper's "Superposition in a Privileged Basis", where
    the best of 1,000 models per sparsity was kept). Every seed of every density trains as
    an instance of one run (Adam, cosine schedule); each seed's final loss is measured on
    ``eval_samples`` fresh samples, the same samples for all seeds of a density, so the
    seeds of a density are ranked on equal terms.

    Returns an :class:`~toymodels_lib.artifacts.Artifact` with arrays ``W``
    ``[densities, seeds, m, n]``, ``b`` ``[densities, seeds, n]``, ``loss``
    ``[densities, seeds]`` (the paper's loss, summed over features), ``density``
    ``[densities]`` and ``importance`` ``[n]``; float32 throughout.
    """
    spec = PRIVILEGED_BASIS
    if densities is None:
        densities = spec["densities"]
    dens = check_density("densities", densities, max_dim=1, dtype=torch.float64).numpy()
    if dens.ndim != 1 or dens.size == 0:
        raise ValueError(f"densities must be a non-empty list of numbers in (0, 1], got {densities!r}")
    k = check_positive_int("n_seeds", n_seeds)
    n, m = spec["n_features"], spec["n_hidden"]
    importance = importance_decay(n, spec["importance_decay"])
    config = TrainConfig(
        steps=steps, batch_size=batch_size, lr=lr, seed=seed, progress=progress, eval_samples=eval_samples
    )
    res = train_models(
        "hidden_relu", n, m, density=dens.tolist(), importance=importance, config=config, n_seeds=k
    )
    c = dens.size
    arrays = {
        "W": res.W.numpy().astype(np.float32).reshape(c, k, m, n),
        "b": res.b.numpy().astype(np.float32).reshape(c, k, n),
        "loss": res.losses.numpy().astype(np.float32).reshape(c, k),
        "density": dens.astype(np.float32),
        "importance": importance.numpy().astype(np.float32),
    }
    cfg = {
        "experiment": "superposition in a privileged basis: hidden-ReLU models across sparsity, many seeds",
        "model": "hidden_relu",
        "n_features": n,
        "n_hidden": m,
        "importance_decay": spec["importance_decay"],
        "densities": dens.tolist(),
        "n_seeds": k,
        "train": asdict(config),
    }
    extra = {
        "seconds": round(res.seconds, 1),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    return Artifact(
        name=spec["name"], version=spec["version"], seed=seed, config=cfg, arrays=arrays, meta={"extra": extra}
    )
