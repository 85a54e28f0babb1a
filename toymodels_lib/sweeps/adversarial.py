"""Adversarial training across attack sizes (chapter 8): the shipped file and how it is made.

Kept out of the registry of :mod:`toymodels_lib.sweeps` (``SWEEPS``) for now: a chapter loads
it with :func:`load_adversarial_training` and ``scripts/make_adversarial_training.py``
remakes it."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ..artifacts import Artifact, load_artifact, save_artifact
from ..train import TrainConfig
from ..train.adversarial import adversarial_train

__all__ = [
    "ADVERSARIAL_TRAINING",
    "load_adversarial_training",
    "make_adversarial_training",
    "save_adversarial_training",
]

ADVERSARIAL_TRAINING: dict[str, Any] = {
    "name": "adversarial_training",
    "version": 1,
    "file": "adversarial_training_v1.npz",
    "n_features": 40,
    "n_hidden": 5,
    "density": 0.05,
    "attack_fractions": [0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0],
    "steps": 3000,
    "batch_size": 1024,
    "lr": 1e-2,
    "seed": 0,
}
"""The shipped chapter-8 sweep: n = 40 features in m = 5 dimensions, density 0.05, uniform
importance, one model per attack size (a fraction of the mean input norm)."""

_PATH = Path(__file__).resolve().parent / "shipped" / ADVERSARIAL_TRAINING["file"]


def make_adversarial_training(**overrides: Any) -> Artifact:
    """Train the sweep (about 3-5 minutes on a 2-core CPU); ``overrides`` change its settings."""
    spec = dict(ADVERSARIAL_TRAINING)
    unknown = set(overrides) - set(spec)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}; allowed: {sorted(spec)}")
    spec.update(overrides)
    config = TrainConfig(steps=spec["steps"], batch_size=spec["batch_size"], lr=spec["lr"], seed=spec["seed"])
    res = adversarial_train(spec["n_features"], spec["n_hidden"], attack_fractions=spec["attack_fractions"],
                            density=spec["density"], config=config)
    arrays = {"W": res.W.numpy(), "b": res.b.numpy(), "loss": res.losses.numpy(),
              "attack_fractions": np.asarray(spec["attack_fractions"], dtype=np.float64)}
    settings = {k: v for k, v in spec.items() if k not in ("name", "version", "file")}
    return Artifact(name=spec["name"], version=spec["version"], seed=spec["seed"],
                    config={**asdict(config), **settings}, arrays=arrays, meta={})


def save_adversarial_training(art: Artifact, folder: str | Path) -> Path:
    """Write the sweep under its registered file name in ``folder``."""
    return save_artifact(Path(folder) / ADVERSARIAL_TRAINING["file"], art.arrays, name=art.name,
                         version=art.version, seed=art.seed, config=art.config)


def load_adversarial_training(path: str | Path | None = None) -> Artifact:
    """The shipped sweep (or the file at ``path``), checked for its name and version."""
    return load_artifact(_PATH if path is None else path, name=ADVERSARIAL_TRAINING["name"],
                         version=ADVERSARIAL_TRAINING["version"])
