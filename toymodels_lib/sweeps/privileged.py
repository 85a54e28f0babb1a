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

from .._validate import check_choice, check_density, check_positive_int
from ..artifacts import Artifact
from ..data import importance_decay
from ..train import TrainConfig, train_models

__all__ = ["HIDDEN_BIAS", "PRIVILEGED_BASIS", "best_of_seeds", "make_privileged_basis"]

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

HIDDEN_BIAS: dict[str, Any] = {
    **PRIVILEGED_BASIS,
    "name": "hidden_bias",
    "file": "hidden_bias_v1.npz",
    "kind": "hidden_relu_bias",
    "densities": [0.35, 0.1, 0.03],
    "n_seeds": 8,
}
"""Chapter 9's second sweep: the same models with a bias on the hidden layer, at three densities."""


def make_privileged_basis(
    densities: Sequence[float] | np.ndarray | None = None,
    *,
    n_seeds: int = 40,
    steps: int = 4000,
    batch_size: int = 1024,
    lr: float = 1e-2,
    eval_samples: int = 131_072,
    seed: int = 0,
    kind: str = "hidden_relu",
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
    ``[densities]`` and ``importance`` ``[n]``; float32 throughout. With
    ``kind="hidden_relu_bias"`` the models have a bias ``c`` on the hidden layer,
    ``h = ReLU(W x + c)`` (the sweep ``hidden_bias``), stored as ``c`` ``[densities, seeds, m]``.
    """
    kind = check_choice("kind", kind, ("hidden_relu", "hidden_relu_bias"))
    spec = PRIVILEGED_BASIS if kind == "hidden_relu" else HIDDEN_BIAS
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
        kind, n, m, density=dens.tolist(), importance=importance, config=config, n_seeds=k
    )
    c = dens.size
    arrays = {
        "W": res.W.numpy().astype(np.float32).reshape(c, k, m, n),
        "b": res.b.numpy().astype(np.float32).reshape(c, k, n),
        "loss": res.losses.numpy().astype(np.float32).reshape(c, k),
        "density": dens.astype(np.float32),
        "importance": importance.numpy().astype(np.float32),
    }
    if kind == "hidden_relu_bias":
        assert res.model is not None
        arrays["c"] = res.model.c.detach().cpu().numpy().astype(np.float32).reshape(c, k, m)
    cfg = {
        "experiment": "superposition in a privileged basis: hidden-ReLU models across sparsity, many seeds",
        "model": kind,
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
        name=str(spec["name"]), version=spec["version"], seed=seed, config=cfg, arrays=arrays, meta={"extra": extra}
    )


def best_of_seeds(artifact: Artifact) -> dict[str, Any]:
    """The lowest-loss seed of each density of a chapter-9 sweep (``privileged_basis`` or
    ``hidden_bias``), as tensors: ``W`` ``[densities, m, n]``, ``b`` ``[densities, n]``,
    ``c`` ``[densities, m]`` (hidden bias; only for ``hidden_bias``), ``loss`` and ``seed``
    ``[densities]``, ``density`` (a list) and ``importance`` ``[n]``. Seeds are ranked by the
    loss stored with them (131,072 samples, the same samples for every seed of a density)."""
    if not isinstance(artifact, Artifact) or artifact.name not in (PRIVILEGED_BASIS["name"], HIDDEN_BIAS["name"]):
        raise TypeError("artifact must be the 'privileged_basis' or 'hidden_bias' sweep (sweeps.load_or_train(...))")
    loss = torch.from_numpy(np.asarray(artifact["loss"], dtype=np.float32))
    seed = loss.argmin(1)
    rows = torch.arange(loss.shape[0])
    out: dict[str, Any] = {
        "W": torch.from_numpy(np.asarray(artifact["W"], dtype=np.float32))[rows, seed],
        "b": torch.from_numpy(np.asarray(artifact["b"], dtype=np.float32))[rows, seed],
        "loss": loss[rows, seed],
        "seed": seed,
        "density": [round(float(d), 6) for d in artifact["density"]],  # float32 in the file: 0.3, not 0.30000001
        "importance": torch.from_numpy(np.asarray(artifact["importance"], dtype=np.float32)),
    }
    if "c" in artifact:
        out["c"] = torch.from_numpy(np.asarray(artifact["c"], dtype=np.float32))[rows, seed]
    return out
