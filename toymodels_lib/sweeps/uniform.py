"""Uniform superposition (chapter 6): ReLU-output models with n = 400 features in m = 30
dimensions, uniform importance, one model per density, as one batched run."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
import torch

from .._validate import check_choice, check_density, check_positive_int, check_real
from ..artifacts import Artifact
from ..train import TrainConfig, train_models

__all__ = ["UNIFORM_GEOMETRY", "make_uniform_geometry", "uniform_geometry_densities"]

UNIFORM_GEOMETRY: dict[str, Any] = {
    "name": "uniform_geometry",
    "version": 2,
    "file": "uniform_geometry_v2.npz",
    "n_features": 400,
    "n_hidden": 30,
    "n_densities": 24,
    "max_inverse_density": 100.0,
    "steps": 4000,
    "batch_size": 256,
    "lr": 1e-2,
    "bias_init": "mean",
    "seed": 0,
}
"""The shipped chapter-6 sweep: its file name and the settings it is made with."""


def uniform_geometry_densities(n_densities: int, max_inverse_density: float) -> np.ndarray:
    """Densities ``1 − S`` with ``1/(1 − S)`` log-spaced from 1 to ``max_inverse_density``."""
    k = check_positive_int("n_densities", n_densities, minimum=2)
    top = check_real("max_inverse_density", max_inverse_density, low=1.0, low_open=True)
    return 1.0 / np.geomspace(1.0, top, k)


def make_uniform_geometry(
    n_features: int = 400,
    n_hidden: int = 30,
    densities: Sequence[float] | np.ndarray | None = None,
    *,
    steps: int = 4000,
    batch_size: int = 1024,
    lr: float = 1e-2,
    seed: int = 0,
    weight_dtype: str = "float16",
    bias_init: str = "mean",
    progress: bool = False,
) -> Artifact:
    """Train ReLU-output models with uniform importance across sparsity (one per density).

    This is the sweep behind the paper's uniform-superposition figure: ``D* = m/‖W‖_F²``
    against ``1/(1 − S)`` and the feature dimensionalities ``D_i``. All models train as
    the instances of one batched run (Adam, cosine schedule). Weights are stored as
    ``weight_dtype`` (``"float16"`` keeps the shipped file small; ``"float32"`` for tests).

    ``bias_init="mean"`` (the default) starts every bias at the feature mean ``p/2``, the best
    constant prediction; ``"zero"`` is the paper's start. From zero biases the dense models
    (``1/(1 − S)`` below about 1.5) stall far from their optimum within a few thousand steps:
    at ``S = 0`` the loss stays above that of predicting every feature by its mean (38.6 against
    33.3, where a projection reaches 30.8). Starting at the mean they reach it (30.83).

    Returns an :class:`~toymodels_lib.artifacts.Artifact` with arrays ``W`` ``[densities, m, n]``,
    ``b`` ``[densities, n]``, ``density`` ``[densities]`` and ``loss`` ``[densities]``.
    """
    if densities is None:
        densities = uniform_geometry_densities(
            UNIFORM_GEOMETRY["n_densities"], UNIFORM_GEOMETRY["max_inverse_density"]
        )
    dens = check_density("densities", densities, max_dim=1, dtype=torch.float64).numpy()
    if dens.ndim != 1 or dens.size == 0:
        raise ValueError(f"densities must be a non-empty list of numbers in (0, 1], got {densities!r}")
    check_choice("weight_dtype", weight_dtype, ("float16", "float32"))
    check_choice("bias_init", bias_init, ("mean", "zero"))
    config = TrainConfig(
        steps=steps, batch_size=batch_size, lr=lr, seed=seed, progress=progress, bias_init=bias_init
    )
    res = train_models(
        "relu", n_features, n_hidden, sparsity=(1.0 - dens).tolist(), importance=1.0, config=config
    )
    arrays = {
        "W": res.W.numpy().astype(weight_dtype),
        "b": res.b.numpy().astype(weight_dtype),
        "density": dens.astype(np.float32),
        "loss": res.losses.numpy().astype(np.float32),
    }
    cfg = {
        "experiment": "uniform superposition: ReLU-output models, uniform importance, across sparsity",
        "model": "relu",
        "n_features": n_features,
        "n_hidden": n_hidden,
        "importance": 1.0,
        "densities": dens.tolist(),
        "train": asdict(config),
        "bias_init": bias_init,
        "weight_dtype": weight_dtype,
    }
    extra = {
        "seconds": round(res.seconds, 1),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    return Artifact(
        name=UNIFORM_GEOMETRY["name"],
        version=UNIFORM_GEOMETRY["version"],
        seed=seed,
        config=cfg,
        arrays=arrays,
        meta={"extra": extra},
    )
