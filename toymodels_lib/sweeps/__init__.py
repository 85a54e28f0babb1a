"""The sweeps the book ships: how each is made (configuration, seed, version) and loaded.

A chapter and the script that remakes a file (``make artifacts``) go through the same two
functions: :func:`make` trains a sweep from its registered settings, :func:`load_or_train`
loads the shipped file (package data inside the library, so it is there on Colab and after
any ``pip install``) and trains only when that file is missing or ``retrain=True`` is asked
for, saying so and showing progress.

====================  =======  ==================================================
name                  chapter  what
====================  =======  ==================================================
``phase_2in1``        5        2 features in 1 dimension over a 10 × 10 (r, p) grid
``phase_3in2``        5        3 features in 2 dimensions over the same grid
``phase_theory``      5        the optimised candidates of both problems on that grid
``uniform_geometry``  6        n = 400, m = 30, uniform importance, 24 densities
``computation_abs``   10       untied |x| models, n = 100, m = 40, I = 0.8^i, 6 densities
``privileged_basis``  9        hidden-ReLU n = 10, m = 5, 10 densities × 40 seeds
``hidden_bias``       9        the same with a hidden bias, 3 densities × 8 seeds
====================  =======  ==================================================
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._validate import check_choice, check_path
from ..artifacts import Artifact, load_artifact, save_artifact
from ..train import TrainConfig
from .computation import COMPUTATION, make_computation
from .phase import (
    PHASE_ARTIFACT_VERSION,
    PHASE_NAMES,
    PHASE_SWEEP,
    PHASE_THEORY,
    PhaseDiagram,
    classify_extra_feature,
    make_phase_theory,
    optimised_phase,
    phase_agreement,
    phase_grid,
    phase_importance,
    theory_phase,
    train_phase_diagram,
)
from .privileged import HIDDEN_BIAS, PRIVILEGED_BASIS, best_of_seeds, make_privileged_basis
from .uniform import UNIFORM_GEOMETRY, make_uniform_geometry, uniform_geometry_densities

__all__ = [
    "Artifact",
    "COMPUTATION",
    "HIDDEN_BIAS",
    "PHASE_ARTIFACT_VERSION",
    "PHASE_NAMES",
    "PHASE_SWEEP",
    "PHASE_THEORY",
    "PRIVILEGED_BASIS",
    "SHIPPED",
    "SWEEPS",
    "UNIFORM_GEOMETRY",
    "PhaseDiagram",
    "Sweep",
    "best_of_seeds",
    "classify_extra_feature",
    "load",
    "load_or_train",
    "make",
    "make_computation",
    "make_phase_theory",
    "make_privileged_basis",
    "make_uniform_geometry",
    "optimised_phase",
    "phase_agreement",
    "phase_grid",
    "phase_importance",
    "save",
    "shipped_path",
    "theory_phase",
    "train_phase_diagram",
    "uniform_geometry_densities",
]

SHIPPED = Path(__file__).resolve().parent / "shipped"
"""Where the shipped sweep files live (package data of ``toymodels_lib``)."""


@dataclass(frozen=True)
class Sweep:
    """A shipped sweep: its name, version, file, chapter, and a one-line description."""

    name: str
    version: int
    file: str
    chapter: int
    description: str
    minutes: float  # about how long `make` takes on an idle 2-core CPU


SWEEPS: dict[str, Sweep] = {
    "phase_2in1": Sweep(
        "phase_2in1", PHASE_ARTIFACT_VERSION, f"phase_2in1_v{PHASE_ARTIFACT_VERSION}.npz", 5,
        "2 features in 1 dimension, 10 x 10 (r, p) grid x 10 seeds", 10.0,
    ),
    "phase_3in2": Sweep(
        "phase_3in2", PHASE_ARTIFACT_VERSION, f"phase_3in2_v{PHASE_ARTIFACT_VERSION}.npz", 5,
        "3 features in 2 dimensions, 10 x 10 (r, p) grid x 10 seeds", 10.0,
    ),
    "phase_theory": Sweep(
        PHASE_THEORY["name"], PHASE_THEORY["version"], PHASE_THEORY["file"], 5,
        "optimised 2-in-1 and 3-in-2 candidates (the triangle among them), 10 x 10 grid", 3.0,
    ),
    "uniform_geometry": Sweep(
        UNIFORM_GEOMETRY["name"], UNIFORM_GEOMETRY["version"], UNIFORM_GEOMETRY["file"], 6,
        "n=400 features in m=30 dimensions, uniform importance, 24 densities", 3.0,
    ),
    "computation_abs": Sweep(
        COMPUTATION["name"], COMPUTATION["version"], COMPUTATION["file"], 10,
        "untied |x| models, n=100 features, m=40 neurons, I=0.8^i, 6 densities x 2 seeds", 15.0,
    ),
    "privileged_basis": Sweep(
        PRIVILEGED_BASIS["name"], PRIVILEGED_BASIS["version"], PRIVILEGED_BASIS["file"], 9,
        "hidden-ReLU models, n=10 features, m=5 neurons, 10 densities x 40 seeds", 15.0,
    ),
    "hidden_bias": Sweep(
        HIDDEN_BIAS["name"], HIDDEN_BIAS["version"], HIDDEN_BIAS["file"], 9,
        "hidden-ReLU models with a hidden bias, n=10, m=5, 3 densities x 8 seeds", 2.0,
    ),
}
"""Every sweep the book ships, by name."""

_PHASE_FEATURES = {"phase_2in1": 2, "phase_3in2": 3}


def _sweep(name: Any) -> Sweep:
    return SWEEPS[check_choice("name", name, tuple(SWEEPS))]


def shipped_path(name: str) -> Path:
    """The path of a shipped sweep's file inside the installed library."""
    return SHIPPED / _sweep(name).file


def make(name: str, *, progress: bool = False, **overrides: Any) -> PhaseDiagram | Artifact:
    """Train a sweep from its registered settings (``overrides`` change them, for quick trials).

    Phase sweeps accept ``n_grid``, ``n_seeds``, ``steps``, ``batch_size``, ``lr``, ``seed``;
    ``phase_theory`` (no training, nothing random) ``n_grid``, ``steps`` (optimiser
    iterations), ``quadrature``, ``line_relative_importance``, ``line_densities`` (a
    ``seed`` is accepted and ignored); the uniform sweep the keyword arguments of
    :func:`make_uniform_geometry`.
    """
    sweep = _sweep(name)
    if sweep.name in _PHASE_FEATURES:
        settings = dict(PHASE_SWEEP)
        unknown = set(overrides) - set(settings)
        if unknown:
            raise TypeError(f"unknown settings for {name!r}: {sorted(unknown)}; allowed: {sorted(settings)}")
        settings.update(overrides)
        r, p = phase_grid(settings["n_grid"], settings["n_grid"])
        config = TrainConfig(
            steps=settings["steps"], batch_size=settings["batch_size"], lr=settings["lr"],
            seed=settings["seed"], progress=progress,
        )
        return train_phase_diagram(
            _PHASE_FEATURES[sweep.name], relative_importance=r, density=p,
            n_seeds=settings["n_seeds"], config=config,
        )
    if sweep.name == "phase_theory":
        settings = {k: PHASE_THEORY[k] for k in ("line_relative_importance", "line_densities", "steps")}
        settings["quadrature"] = PHASE_THEORY["n_grid"]
        overrides.pop("seed", None)
        unknown = set(overrides) - set(settings) - {"n_grid"}
        if unknown:
            raise TypeError(f"unknown settings for {name!r}: {sorted(unknown)}; allowed: {sorted(settings) + ['n_grid']}")
        settings.update(overrides)
        return make_phase_theory(**settings)
    if sweep.name == "computation_abs":
        c = COMPUTATION
        ckw: dict[str, Any] = {
            "densities": c["densities"], "importance_decay_rate": c["importance_decay"], "n_seeds": c["n_seeds"],
            "steps": c["steps"], "batch_size": c["batch_size"], "lr": c["lr"], "seed": c["seed"],
            "eval_samples": c["eval_samples"], "progress": progress,
        }
        ckw.update(overrides)
        return make_computation(c["n_features"], c["n_hidden"], **ckw)
    if sweep.name in ("privileged_basis", "hidden_bias"):
        pb = PRIVILEGED_BASIS if sweep.name == "privileged_basis" else HIDDEN_BIAS
        pb_kwargs: dict[str, Any] = {
            k: pb[k] for k in ("n_seeds", "steps", "batch_size", "lr", "eval_samples", "seed")
        }
        unknown = set(overrides) - set(pb_kwargs) - {"densities"}
        if unknown:
            raise TypeError(f"unknown settings for {name!r}: {sorted(unknown)}; allowed: {sorted(pb_kwargs) + ['densities']}")
        pb_kwargs.update(overrides)
        return make_privileged_basis(
            pb_kwargs.pop("densities", pb["densities"]), kind=str(pb.get("kind", "hidden_relu")), progress=progress,
            **pb_kwargs,
        )
    spec = UNIFORM_GEOMETRY
    kwargs: dict[str, Any] = {
        "steps": spec["steps"], "batch_size": spec["batch_size"], "lr": spec["lr"],
        "seed": spec["seed"], "bias_init": spec["bias_init"], "progress": progress,
    }
    kwargs.update(overrides)
    return make_uniform_geometry(spec["n_features"], spec["n_hidden"], **kwargs)


def save(result: PhaseDiagram | Artifact, name: str, folder: str | Path, *, extra: dict[str, Any] | None = None) -> Path:
    """Write a made sweep to ``folder`` under its registered file name."""
    sweep = _sweep(name)
    path = check_path("folder", folder) / sweep.file
    if isinstance(result, PhaseDiagram):
        return result.save(path, name=sweep.name)
    if not isinstance(result, Artifact):
        raise TypeError(f"result must be a PhaseDiagram or an Artifact, got {type(result).__name__}")
    meta_extra = dict(result.meta.get("extra", {}))
    meta_extra.update(extra or {})
    return save_artifact(
        path, result.arrays, name=result.name, version=result.version, seed=result.seed,
        config=result.config, extra=meta_extra,
    )


def load(name: str, path: str | Path | None = None) -> PhaseDiagram | Artifact:
    """Read a sweep's file (default: the shipped one), insisting on its name and version."""
    sweep = _sweep(name)
    p = shipped_path(name) if path is None else check_path("path", path)
    if sweep.name in _PHASE_FEATURES:
        diagram = PhaseDiagram.load(p)
        if diagram.n_features != _PHASE_FEATURES[sweep.name]:
            raise ValueError(f"{str(p)!r} holds a {diagram.n_features}-feature diagram, not {name!r}")
        return diagram
    return load_artifact(p, name=sweep.name, version=sweep.version)


def load_or_train(name: str, *, retrain: bool = False, path: str | Path | None = None) -> PhaseDiagram | Artifact:
    """The shipped sweep, or a freshly trained one when the file is missing or ``retrain=True``.

    Training is announced (with the expected time) and shows a progress bar, so a chapter
    that must retrain never does so silently.
    """
    sweep = _sweep(name)
    if not isinstance(retrain, bool):
        raise TypeError(f"retrain must be True or False, got {retrain!r}")
    p = shipped_path(name) if path is None else check_path("path", path)
    if not retrain and p.is_file():
        return load(name, p)
    why = "retrain=True" if retrain else f"{p} is missing"
    print(
        f"Training the {name!r} sweep ({sweep.description}) because {why}: "
        f"about {sweep.minutes:g} min on a 2-core CPU.",
        file=sys.stderr,
        flush=True,
    )
    start = time.perf_counter()
    result = make(name, progress=True)
    print(f"trained {name!r} in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return result
