"""Phase diagrams of superposition (chapter 5): the 2-in-1 and 3-in-2 problems of the paper.

``n`` features go through ``m = n − 1`` hidden dimensions of a ReLU-output model. The first
``n − 1`` features have importance 1; the last, the *extra* feature, has relative importance
``r``. Every feature has the same density ``p = 1 − S``. Over a grid of ``(r, p)`` the extra
feature ends up in one of three phases (codes as in :data:`PHASE_NAMES`):

- 0, **not learned**: ``‖W_extra‖ < norm_threshold``;
- 1, **superposition**: it is learned and shares its direction with another feature,
  ``Σ_{j≠extra} (Ŵ_extra·W_j)² > superposition_threshold``;
- 2, **dedicated**: it is learned and has a dimension to itself.

:func:`train_phase_diagram` trains every grid point and every seed as ONE batched run of
the library trainer (instance = grid point × seeds + seed, grid points density-major),
drops the highest-loss seed of each point (the paper trains ten models per point and
drops the worst), and returns a :class:`PhaseDiagram` that classifies, compares with the
closed-form diagram of :mod:`toymodels_lib.theory`, and saves to / loads from a
pickle-free ``.npz`` artifact.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .._validate import as_float_tensor, check_choice, check_density, check_positive_int, check_real
from ..artifacts import Artifact, load_artifact, save_artifact
from ..metrics import classify_extra_feature
from ..theory import (
    PHASE_NAMES,
    THREE_IN_TWO_CANDIDATES,
    THREE_IN_TWO_TRIANGLE,
    three_in_two_expected_loss,
    three_in_two_optimised_losses,
    three_in_two_phase,
    two_in_one_expected_loss,
    two_in_one_optimised_losses,
    two_in_one_phase,
)
from ..train import TrainConfig, train_models

__all__ = [
    "PHASE_ARTIFACT_VERSION",
    "PHASE_SWEEP",
    "PHASE_NAMES",
    "PHASE_THEORY",
    "PhaseDiagram",
    "classify_extra_feature",
    "make_phase_theory",
    "optimised_phase",
    "phase_agreement",
    "phase_grid",
    "phase_importance",
    "theory_phase",
    "train_phase_diagram",
]

PHASE_ARTIFACT_VERSION = 1
"""Version of the ``phase_2in1`` / ``phase_3in2`` artifacts' contents."""

PHASE_SWEEP: dict[str, Any] = {
    "n_grid": 10,
    "n_seeds": 10,
    "steps": 1500,
    "batch_size": 512,
    "lr": 1e-2,
    "seed": 0,
}
"""The settings the shipped phase diagrams are made with: a 10 × 10 grid of relative
importance (0.1–10) and density (1–0.01), 10 seeds per point, 1,500 steps of 512."""


def phase_grid(
    n_importance: int = 10,
    n_density: int = 10,
    *,
    importance_range: tuple[float, float] = (0.1, 10.0),
    density_range: tuple[float, float] = (1.0, 0.01),
) -> tuple[np.ndarray, np.ndarray]:
    """Log-spaced relative importances ``[n_importance]`` and densities ``[n_density]``.

    Defaults are the paper's axes: relative importance 0.1 to 10, density 1 down to 0.01.
    """
    n_importance = check_positive_int("n_importance", n_importance)
    n_density = check_positive_int("n_density", n_density)
    for name, rng, high in (("importance_range", importance_range, None), ("density_range", density_range, 1.0)):
        if not isinstance(rng, (tuple, list)) or len(rng) != 2:
            raise TypeError(f"{name} must be a pair (start, stop), got {rng!r}")
        for v in rng:
            check_real(name, v, low=0.0, low_open=True, high=high)
    r = np.logspace(np.log10(importance_range[0]), np.log10(importance_range[1]), n_importance)
    p = np.logspace(np.log10(density_range[0]), np.log10(density_range[1]), n_density)
    return r, p


def phase_importance(n_features: int, relative_importance: Any) -> torch.Tensor:
    """Importance vectors ``[len(r), n_features]``: ones, with the last (extra) feature ``r``."""
    n = check_positive_int("n_features", n_features, minimum=2)
    r = as_float_tensor("relative_importance", relative_importance, max_dim=1)
    if (r <= 0).any():
        raise ValueError(f"relative_importance must be > 0, got {float(r.min()):g}")
    r = r.reshape(-1)
    imp = torch.ones(r.shape[0], n)
    imp[:, -1] = r
    return imp


def theory_phase(n_features: int, relative_importance: Any, *, density: Any) -> torch.Tensor:
    """Closed-form phase of the extra feature on the grid ``[len(density), len(r)]``.

    ``n_features`` is 2 (the 2-in-1 problem) or 3 (3-in-2); the best of the candidate
    solutions of :mod:`toymodels_lib.theory` decides.
    """
    n = check_positive_int("n_features", n_features, minimum=2)
    if n not in (2, 3):
        raise ValueError(f"n_features must be 2 (2-in-1) or 3 (3-in-2), got {n}")
    r = as_float_tensor("relative_importance", relative_importance, max_dim=1, dtype=torch.float64).reshape(-1)
    p = as_float_tensor("density", density, max_dim=1, dtype=torch.float64).reshape(-1)
    fn = two_in_one_phase if n == 2 else three_in_two_phase
    return fn(r[None, :], density=p[:, None])


def phase_agreement(a: Any, b: Any) -> float:
    """Fraction of grid cells where two phase maps (same shape) agree."""
    ta = torch.as_tensor(np.asarray(a))
    tb = torch.as_tensor(np.asarray(b))
    if ta.shape != tb.shape or ta.numel() == 0:
        raise ValueError(f"a and b must be non-empty phase maps of the same shape, got {tuple(ta.shape)} and {tuple(tb.shape)}")
    return float((ta == tb).double().mean())


@dataclass
class PhaseDiagram:
    """Trained models over an ``(r, p)`` grid, with their classification.

    Arrays are grid-shaped: ``W`` ``[P, R, seeds, m, n]``, ``b`` ``[P, R, seeds, n]``,
    ``losses`` ``[P, R, seeds]`` (fresh-data loss after training), ``density`` ``[P]``
    (rows), ``relative_importance`` ``[R]`` (columns).
    """

    n_features: int
    n_hidden: int
    relative_importance: np.ndarray
    density: np.ndarray
    W: np.ndarray
    b: np.ndarray
    losses: np.ndarray
    config: dict[str, Any]
    seconds: float = 0.0
    thresholds: dict[str, float] = field(
        default_factory=lambda: {"norm_threshold": 0.5, "superposition_threshold": 0.25}
    )

    @property
    def n_seeds(self) -> int:
        return int(self.losses.shape[-1])

    @property
    def classes(self) -> np.ndarray:
        """Phase code of the extra feature for every model, ``[P, R, seeds]``."""
        return classify_extra_feature(torch.as_tensor(self.W), **self.thresholds).numpy()

    def kept(self, drop_worst: int = 1) -> np.ndarray:
        """Boolean ``[P, R, seeds]``: every seed but the ``drop_worst`` highest-loss ones."""
        drop_worst = check_positive_int("drop_worst", drop_worst, minimum=0)
        if drop_worst >= self.n_seeds:
            raise ValueError(f"drop_worst={drop_worst} must be smaller than the number of seeds ({self.n_seeds})")
        rank = np.argsort(np.argsort(self.losses, axis=-1, kind="stable"), axis=-1, kind="stable")
        return rank < self.n_seeds - drop_worst

    def fractions(self, drop_worst: int = 1) -> np.ndarray:
        """Fraction of the kept models in each phase, ``[P, R, 3]``."""
        keep = self.kept(drop_worst)
        cls = self.classes
        counts = np.stack([((cls == c) & keep).sum(-1) for c in range(len(PHASE_NAMES))], -1)
        return counts / keep.sum(-1, keepdims=True)

    def phase(self, rule: str = "majority", drop_worst: int = 1) -> np.ndarray:
        """One phase code per grid point, ``[P, R]``.

        ``"majority"``: the most common phase among the kept models (ties go to the phase
        of the lowest-loss model); ``"best"``: the phase of the lowest-loss model.
        """
        check_choice("rule", rule, ("majority", "best"))
        best = np.take_along_axis(self.classes, self.losses.argmin(-1)[..., None], -1)[..., 0]
        if rule == "best":
            return best
        score = self.fractions(drop_worst) + 1e-6 * (np.arange(len(PHASE_NAMES)) == best[..., None])
        return score.argmax(-1)

    def theory(self) -> np.ndarray:
        """Closed-form phase on the same grid, ``[P, R]``."""
        return theory_phase(self.n_features, self.relative_importance, density=self.density).numpy()

    def agreement(self, rule: str = "majority", drop_worst: int = 1, *, against: Any = None) -> float:
        """Fraction of grid points where the empirical phase equals the closed form (or ``against``, a ``[P, R]`` map)."""
        return phase_agreement(self.phase(rule, drop_worst), self.theory() if against is None else against)

    def expected_losses(self, n_grid: int = 64) -> np.ndarray:
        """Every model's expected loss ``[P, R, seeds]``, computed (almost) exactly rather than sampled.

        :func:`~toymodels_lib.theory.two_in_one_expected_loss` or
        :func:`~toymodels_lib.theory.three_in_two_expected_loss` (relative error about
        ``1e-5`` at the default ``n_grid``), so that the lowest-loss seed is picked by a loss
        precise enough to rank seeds whose sampled losses differ by less than their noise.
        """
        fn = {2: two_in_one_expected_loss, 3: three_in_two_expected_loss}.get(self.n_features)
        if fn is None or self.n_hidden != self.n_features - 1:
            raise ValueError(f"expected losses exist for 2-in-1 and 3-in-2 diagrams, not {self.n_features} in {self.n_hidden}")
        P, R, S = self.losses.shape
        W = torch.as_tensor(self.W, dtype=torch.float64).reshape(P * R * S, *self.W.shape[-2:])
        b = torch.as_tensor(self.b, dtype=torch.float64).reshape(P * R * S, -1)
        r = torch.as_tensor(self.relative_importance, dtype=torch.float64)[None, :, None].expand(P, R, S).reshape(-1)
        p = torch.as_tensor(self.density, dtype=torch.float64)[:, None, None].expand(P, R, S).reshape(-1)
        # Small blocks of models stay in cache (several times faster than all at once), and one
        # thread does them: on a busy CPU, threads fighting over these small blocks cost 10x.
        chunk, threads = 50, torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with torch.no_grad():
                out = [fn(W[k : k + chunk], b[k : k + chunk], r[k : k + chunk], density=p[k : k + chunk], n_grid=n_grid)
                       for k in range(0, W.shape[0], chunk)]
        finally:
            torch.set_num_threads(threads)
        return torch.cat(out).reshape(P, R, S).numpy()

    def ranked_by_expected_loss(self, n_grid: int = 64) -> "PhaseDiagram":
        """The same models with ``losses`` replaced by :meth:`expected_losses` (used to pick and drop seeds)."""
        config = dict(self.config, losses=f"expected (n_grid={n_grid})")
        return PhaseDiagram(
            n_features=self.n_features, n_hidden=self.n_hidden, relative_importance=self.relative_importance,
            density=self.density, W=self.W, b=self.b, losses=self.expected_losses(n_grid), config=config,
            seconds=self.seconds, thresholds=dict(self.thresholds),
        )

    # ------------------------------------------------------------------ artifacts
    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "relative_importance": np.asarray(self.relative_importance, dtype=np.float64),
            "density": np.asarray(self.density, dtype=np.float64),
            "W": np.asarray(self.W, dtype=np.float32),
            "b": np.asarray(self.b, dtype=np.float32),
            "losses": np.asarray(self.losses, dtype=np.float32),
        }

    def save(self, path: str | Path, *, name: str | None = None) -> Path:
        """Write a pickle-free ``.npz`` artifact (arrays + configuration + seed)."""
        name = name or f"phase_{self.n_features}in{self.n_hidden}"
        config = {
            "n_features": self.n_features,
            "n_hidden": self.n_hidden,
            "n_seeds": self.n_seeds,
            "train": self.config,
            "thresholds": self.thresholds,
        }
        return save_artifact(
            path,
            self.to_arrays(),
            name=name,
            version=PHASE_ARTIFACT_VERSION,
            seed=int(self.config.get("seed", 0)),
            config=config,
            extra={"seconds": self.seconds},
        )

    @classmethod
    def load(cls, path: str | Path) -> "PhaseDiagram":
        """Read an artifact written by :meth:`save` (``allow_pickle=False``)."""
        art = load_artifact(path, version=PHASE_ARTIFACT_VERSION)
        cfg = art.config
        return cls(
            n_features=int(cfg["n_features"]),
            n_hidden=int(cfg["n_hidden"]),
            relative_importance=art["relative_importance"],
            density=art["density"],
            W=art["W"],
            b=art["b"],
            losses=art["losses"],
            config=dict(cfg["train"]),
            seconds=float(art.meta.get("extra", {}).get("seconds", 0.0)),
            thresholds={k: float(v) for k, v in cfg["thresholds"].items()},
        )


def train_phase_diagram(
    n_features: int = 2,
    *,
    relative_importance: Any = None,
    density: Any = None,
    n_hidden: int | None = None,
    n_seeds: int = 10,
    config: TrainConfig | None = None,
) -> PhaseDiagram:
    """Train ReLU-output models over an ``(r, p)`` grid, ``n_seeds`` each, as one batched run.

    ``relative_importance`` (``[R]``) and ``density`` (``[P]``) default to :func:`phase_grid`
    (10 × 10); ``n_hidden`` defaults to ``n_features − 1``. The first ``n − 1`` features
    have importance 1, the extra (last) one ``r``; every feature has density ``p``.
    """
    n = check_positive_int("n_features", n_features, minimum=2)
    m = n - 1 if n_hidden is None else check_positive_int("n_hidden", n_hidden)
    n_seeds = check_positive_int("n_seeds", n_seeds)
    if relative_importance is None or density is None:
        r_def, p_def = phase_grid()
        relative_importance = r_def if relative_importance is None else relative_importance
        density = p_def if density is None else density
    r = as_float_tensor("relative_importance", relative_importance, max_dim=1, dtype=torch.float64).reshape(-1)
    p = check_density("density", density, max_dim=1, dtype=torch.float64).reshape(-1)
    if (r <= 0).any():
        raise ValueError(f"relative_importance must be > 0, got {float(r.min()):g}")
    config = config or TrainConfig(steps=2000)
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    P, R = p.shape[0], r.shape[0]
    sparsity = (1.0 - p).repeat_interleave(R).float()  # density-major: config = i_p * R + i_r
    importance = phase_importance(n, r.float()).repeat(P, 1)
    start = time.perf_counter()
    res = train_models(
        "relu", n, m, sparsity=sparsity.clamp_min(0.0), importance=importance, config=config, n_seeds=n_seeds
    )
    seconds = time.perf_counter() - start
    return PhaseDiagram(
        n_features=n,
        n_hidden=m,
        relative_importance=r.numpy(),
        density=p.numpy(),
        W=res.W.reshape(P, R, n_seeds, m, n).numpy(),
        b=res.b.reshape(P, R, n_seeds, n).numpy(),
        losses=res.losses.reshape(P, R, n_seeds).numpy(),
        config=asdict(config),
        seconds=seconds,
    )


PHASE_THEORY: dict[str, Any] = {
    "name": "phase_theory",
    "version": 1,
    "file": "phase_theory_v1.npz",
    "line_relative_importance": 1.0,
    "line_densities": 29,
    "steps": 300,
    "n_grid": 16,
}
"""The shipped optimised-candidate maps of chapter 5: file name and settings. The grid is
:func:`phase_grid`'s; the "line" is ``r = 1`` at densities log-spaced from 1 to 0.1."""


def make_phase_theory(
    n_grid: int = 10,
    *,
    line_relative_importance: float = 1.0,
    line_densities: int = 29,
    steps: int = 300,
    quadrature: int = 16,
) -> Artifact:
    """The optimised candidates of both phase problems over the ``n_grid × n_grid`` grid (chapter 5).

    For every cell: the 2-in-1 losses (``ignore``, ``dedicate``, optimised ``antipodal``;
    :func:`~toymodels_lib.theory.two_in_one_optimised_losses`) and the 3-in-2 losses of the
    four axis-aligned candidates (pairs optimised) and the triangle
    (:func:`~toymodels_lib.theory.three_in_two_optimised_losses`), with the weights of the
    lowest-loss candidate (classify them with :func:`optimised_phase`). Also the 3-in-2
    losses along ``r = line_relative_importance`` at ``line_densities`` densities from 1 to
    0.1. Takes a minute or two on a 2-core CPU, too long for the chapter, so it ships.
    """
    n_grid = check_positive_int("n_grid", n_grid, minimum=2)
    line_densities = check_positive_int("line_densities", line_densities, minimum=2)
    r, p = phase_grid(n_grid, n_grid)
    R = torch.as_tensor(r, dtype=torch.float64)[None, :]
    P = torch.as_tensor(p, dtype=torch.float64)[:, None]
    start = time.perf_counter()
    two = two_in_one_optimised_losses(R, density=P, steps=steps, n_grid=8 * quadrature)
    three = three_in_two_optimised_losses(R, density=P, steps=steps, n_grid=quadrature)
    line_p = np.geomspace(1.0, 0.1, line_densities)
    line = three_in_two_optimised_losses(
        float(line_relative_importance), density=torch.as_tensor(line_p), steps=steps, n_grid=quadrature
    )
    names3 = [*THREE_IN_TWO_CANDIDATES, THREE_IN_TWO_TRIANGLE]
    arrays = {
        "relative_importance": r,
        "density": p,
        "two_in_one_losses": torch.stack([two[k] for k in ("ignore", "dedicate", "antipodal")], -1).numpy(),
        "two_in_one_W": two["best_W"].numpy(),
        "two_in_one_b": two["best_b"].numpy(),
        "two_in_one_antipodal_params": two["antipodal_params"].numpy(),
        "three_in_two_losses": torch.stack([three[k] for k in names3], -1).numpy(),
        "three_in_two_W": three["best_W"].numpy(),
        "three_in_two_b": three["best_b"].numpy(),
        "three_in_two_triangle_params": three["triangle_params"].numpy(),
        "line_density": line_p,
        "line_losses": torch.stack([line[k] for k in names3], -1).numpy(),
        "line_W": line["best_W"].numpy(),
        "line_b": line["best_b"].numpy(),
        "line_triangle_params": line["triangle_params"].numpy(),
    }
    config = {
        "n_grid": n_grid,
        "two_in_one_candidates": ["ignore", "dedicate", "antipodal"],
        "three_in_two_candidates": names3,
        "line_relative_importance": float(line_relative_importance),
        "steps": steps,
        "quadrature": quadrature,
    }
    return Artifact(
        name=PHASE_THEORY["name"], version=PHASE_THEORY["version"], seed=0, config=config, arrays=arrays,
        meta={"extra": {"seconds": time.perf_counter() - start}},
    )


def optimised_phase(theory: Artifact, n_features: int, *, where: str = "grid") -> np.ndarray:
    """Phase code of the extra feature in the lowest-loss optimised candidate of ``theory`` (a ``phase_theory`` artifact).

    ``n_features`` 2 or 3; ``where="grid"`` gives the ``[P, R]`` map, ``"line"`` (3-in-2
    only) the phases along the artifact's line of densities. The candidate's weights are
    classified by :func:`classify_extra_feature` with the thresholds used for the trained
    models, so the map and the trained diagrams are read the same way.
    """
    n = check_positive_int("n_features", n_features, minimum=2)
    check_choice("where", where, ("grid", "line"))
    if n not in (2, 3) or (where == "line" and n != 3):
        raise ValueError(f"n_features must be 2 or 3 (only 3 for where='line'), got {n}")
    key = "line_W" if where == "line" else ("two_in_one_W" if n == 2 else "three_in_two_W")
    return classify_extra_feature(torch.as_tensor(np.asarray(theory[key]))).numpy()
