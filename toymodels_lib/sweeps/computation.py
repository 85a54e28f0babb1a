"""Computation in superposition (chapter 10): untied models ``h = ReLU(W x)``,
``y' = ReLU(W_outᵀ h + b)`` that compute ``|x|`` of n = 100 signed sparse features with
m = 40 neurons, importance ``0.8^i``, across sparsity; the lowest-loss of several seeds per
density is kept.

Each density trains on its own (its data and initial weights are keyed by its
configuration, :func:`~toymodels_lib.data.instance_keys`), so the densities can train in
parallel processes (``jobs=``) and give the same models as one after the other.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from typing import Any

import numpy as np
import torch

from .._validate import check_density, check_positive_int
from ..artifacts import Artifact
from ..data import importance_decay
from ..train import TrainConfig, train_models

__all__ = ["COMPUTATION", "make_computation"]

COMPUTATION: dict[str, Any] = {
    "name": "computation_abs",
    "version": 1,
    "file": "computation_abs_v1.npz",
    "n_features": 100,
    "n_hidden": 40,
    "importance_decay": 0.8,
    "densities": [1.0, 0.3, 0.1, 0.03, 0.01, 0.003],
    "n_seeds": 2,
    "steps": 8000,
    "batch_size": 1024,
    "lr": 3e-3,
    "seed": 0,
    "eval_samples": 131_072,
}
"""The shipped chapter-10 sweep: its file name and the settings it is made with."""


def _train_one(args: tuple[int, int, float, float, int, dict[str, Any]]) -> dict[str, np.ndarray]:
    n, m, decay, density, n_seeds, cfg = args
    torch.set_num_threads(1)
    config = TrainConfig(**cfg)
    res = train_models(
        "untied", n, m, density=[density], importance=importance_decay(n, decay), config=config,
        n_seeds=n_seeds, features="signed", target=torch.abs,
    )
    best = int(res.losses.argmin())
    assert res.W_out is not None
    return {
        "W": res.W[best].numpy(), "W_out": res.W_out[best].numpy(), "b": res.b[best].numpy(),
        "seed_losses": res.losses.numpy(), "seconds": np.float64(res.seconds),
    }


def make_computation(
    n_features: int = 100,
    n_hidden: int = 40,
    densities: Sequence[float] | np.ndarray | None = None,
    *,
    importance_decay_rate: float = 0.8,
    n_seeds: int = 2,
    steps: int = 8000,
    batch_size: int = 1024,
    lr: float = 3e-3,
    seed: int = 0,
    eval_samples: int = 131_072,
    jobs: int = 1,
    progress: bool = False,
) -> Artifact:
    """Train the absolute-value models of chapter 10 across sparsity, ``n_seeds`` seeds per
    density (Adam, cosine decay), and keep the lowest-loss seed of each density (ranked by
    the loss on ``eval_samples`` fresh samples). ``jobs`` trains that many densities at once
    in separate processes (one thread each).

    Returns an :class:`~toymodels_lib.artifacts.Artifact` with arrays ``W`` and ``W_out``
    ``[densities, m, n]``, ``b`` ``[densities, n]``, ``density`` ``[densities]``, ``loss``
    ``[densities]`` (the kept seed's) and ``seed_losses`` ``[densities, n_seeds]``.
    """
    if densities is None:
        densities = COMPUTATION["densities"]
    dens = check_density("densities", densities, max_dim=1, dtype=torch.float64).numpy()
    if dens.ndim != 1 or dens.size == 0:
        raise ValueError(f"densities must be a non-empty list of numbers in (0, 1], got {densities!r}")
    n_features = check_positive_int("n_features", n_features)
    n_hidden = check_positive_int("n_hidden", n_hidden)
    n_seeds = check_positive_int("n_seeds", n_seeds)
    jobs = check_positive_int("jobs", jobs)
    config = TrainConfig(steps=steps, batch_size=batch_size, lr=lr, seed=seed, eval_samples=eval_samples,
                         progress=progress and jobs == 1)
    cfg = asdict(config)
    tasks = [(n_features, n_hidden, float(importance_decay_rate), float(d), n_seeds, cfg) for d in dens]
    if jobs == 1:
        parts = [_train_one(t) for t in tasks]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = list(pool.map(_train_one, tasks))
    arrays = {
        "W": np.stack([p["W"] for p in parts]).astype(np.float32),
        "W_out": np.stack([p["W_out"] for p in parts]).astype(np.float32),
        "b": np.stack([p["b"] for p in parts]).astype(np.float32),
        "density": dens.astype(np.float32),
        "loss": np.array([p["seed_losses"].min() for p in parts], dtype=np.float32),
        "seed_losses": np.stack([p["seed_losses"] for p in parts]).astype(np.float32),
    }
    meta_cfg = {
        "experiment": "computation in superposition: untied ReLU models computing |x|, across sparsity",
        "model": "untied",
        "features": "signed",
        "target": "abs",
        "n_features": n_features,
        "n_hidden": n_hidden,
        "importance_decay": float(importance_decay_rate),
        "densities": dens.tolist(),
        "n_seeds": n_seeds,
        "selection": f"lowest loss of {n_seeds} seeds on {eval_samples} samples",
        "train": cfg,
    }
    extra = {
        "seconds": round(float(sum(float(p["seconds"]) for p in parts)), 1),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    return Artifact(name=COMPUTATION["name"], version=COMPUTATION["version"], seed=seed, config=meta_cfg,
                    arrays=arrays, meta={"extra": extra})
