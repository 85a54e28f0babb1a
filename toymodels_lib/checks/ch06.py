"""Checks for the exercises of chapter 6, the geometry of superposition."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from .. import metrics, theory
from ._common import call_learner as _call
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = [
    "check_dimensions_per_feature",
    "check_feature_dimensionality",
    "check_feature_pair_batch",
    "check_four_in_three_winner",
    "check_plateau_prediction",
]


def _cases() -> list[tuple[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(606)
    pentagon = theory.polytope_vertices("pentagon").float() * torch.tensor([1.2, 0.9, 1.0, 1.1, 0.8])
    random = torch.randn(5, 20, generator=g)
    return [
        ("a random 5 x 20 matrix", random),
        ("a pentagon with unequal norms, m=2, n=5", pentagon),
        ("an antipodal pair and an orthogonal feature, m=2, n=3", torch.tensor([[1.0, -0.8, 0.0], [0.0, 0.0, 1.3]])),
        ("a random 3 x 4 matrix", torch.randn(3, 4, generator=g) * 0.5),
    ]


def check_dimensions_per_feature(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W)`` returns ``D* = m / ‖W‖_F²`` (a scalar) for one model ``W`` of shape ``[m, n]``."""
    cases = _cases()
    for k, (desc, W) in enumerate(cases, 1):
        case = f"case {k} ({desc})"
        out = _call(fn, case, W.clone())
        m, n = W.shape
        expected = metrics.dimensions_per_feature(W)
        frob2 = (W**2).sum()
        _compare(
            case,
            expected,
            out.reshape(()) if out.numel() == 1 else out,
            hints={
                "n / ||W||_F^2 (divide the number of hidden dimensions m, not features n)": n / frob2,
                "||W||_F^2 / m, the inverse (features per dimension)": frob2 / m,
                "m / ||W||_F without the square": m / frob2.sqrt(),
            },
        )
    _passed("check_dimensions_per_feature", len(cases))


def check_feature_dimensionality(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W)`` returns ``D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)²`` for each feature (``[n]``)."""
    cases = _cases()
    for k, (desc, W) in enumerate(cases, 1):
        case = f"case {k} ({desc})"
        out = _call(fn, case, W.clone())
        expected = metrics.feature_dimensionality(W)
        norms = W.norm(dim=0)
        unit = W / norms
        proj2 = (unit.T @ W) ** 2  # [i, j] = (Ŵ_i · W_j)²
        _compare(
            case,
            expected,
            out,
            hints={
                "1 / Σ_j cos²(W_i, W_j): normalise only W_i, not W_j (or a sum over i instead of j)": 1 / ((unit.T @ unit) ** 2).sum(1),
                "||W_i|| / Σ_j (Ŵ_i·W_j)²: the numerator is the squared norm": norms / proj2.sum(1),
                "a denominator that leaves out j = i": norms**2 / (proj2.sum(1) - torch.diagonal(proj2)),
            },
        )
    _passed("check_feature_dimensionality", len(cases))


def check_feature_pair_batch(fn: Callable[[int, float, str], torch.Tensor]) -> None:
    """Exercise: ``fn(batch_size, density, relation)`` returns a ``[batch_size, 2]`` pair of features.

    Each feature is active with probability ``density`` and then uniform on [0, 1]
    (values drawn independently). ``relation="correlated"``: the two are always active
    together; ``"anticorrelated"``: never together. Checked statistically on large
    seeded batches.
    """
    cases = [(100_000, 0.1, "correlated"), (100_000, 0.3, "anticorrelated"), (100_000, 0.05, "anticorrelated"),
             (100_000, 0.4, "correlated")]
    for k, (batch, p, rel) in enumerate(cases, 1):
        case = f"case {k} (batch_size={batch}, density={p}, relation={rel!r})"
        torch.manual_seed(6060 + k)
        x = _call(fn, case, batch, p, rel)
        if tuple(x.shape) != (batch, 2):
            raise AssertionError(f"{case}: expected shape {(batch, 2)}, got {tuple(x.shape)}")
        x = x.detach().double()
        if x.min() < 0 or x.max() > 1:
            raise AssertionError(f"{case}: values must lie in [0, 1], got [{float(x.min()):.3g}, {float(x.max()):.3g}]")
        active = x > 0
        tol = 5 * (p * (1 - p) / batch) ** 0.5 + 2e-3
        for i in (0, 1):
            frac = float(active[:, i].double().mean())
            if abs(frac - p) > tol:
                hint = ""
                if rel == "anticorrelated" and abs(frac - p / 2) < tol:
                    hint = (" (each feature must keep density p: let the pair fire with probability 2p, "
                            "then pick one of the two)")
                raise AssertionError(f"{case}: feature {i} is active in a fraction {frac:.4f} of rows, expected {p}{hint}")
        both = float((active[:, 0] & active[:, 1]).double().mean())
        want = p if rel == "correlated" else 0.0
        if abs(both - want) > tol:
            hint = " (they look independent: the two features need a shared random decision)" if abs(both - p * p) < tol else ""
            raise AssertionError(
                f"{case}: both features are active in a fraction {both:.4f} of rows, expected {want}{hint}"
            )
        vals = x[active]
        if abs(float(vals.mean()) - 0.5) > 0.01 or abs(float(vals.var()) - 1 / 12) > 0.01:
            raise AssertionError(
                f"{case}: active values should be uniform on [0, 1] (mean 0.5, variance 0.083), "
                f"got mean {float(vals.mean()):.3f}, variance {float(vals.var()):.3f}"
            )
        if rel == "correlated":
            sel = active[:, 0] & active[:, 1]
            a, b = x[sel, 0], x[sel, 1]
            corr = float(((a - a.mean()) * (b - b.mean())).mean() / (a.std() * b.std()))
            if corr > 0.1:
                raise AssertionError(
                    f"{case}: when both features are active their values have correlation {corr:.2f}; "
                    "only the on/off decision is shared, draw the two values independently"
                )
    _passed("check_feature_pair_batch", len(cases))


_FOUR_IN_THREE_PARTS = {
    "tetrahedron": ["tetrahedron"],
    "triangle + dedicated": ["triangle", "dedicated dimension"],
    "digon + 2 dedicated": ["digon", "dedicated dimension", "dedicated dimension"],
}
FOUR_IN_THREE = tuple(_FOUR_IN_THREE_PARTS)
"""The ways of placing four features in three hidden dimensions, all four represented."""


def _four_in_three_savings(sparsity: float) -> dict[str, float]:
    return {name: float(theory.arrangement_benefit(parts, sparsity=sparsity)) for name, parts in _FOUR_IN_THREE_PARTS.items()}


def check_four_in_three_winner(fn: Callable[[float], str]) -> None:
    """Exercise: ``fn(sparsity)`` names the arrangement of four features in three dimensions
    that saves the most loss: one of :data:`FOUR_IN_THREE`."""
    cases = [0.1, 0.35, 0.5, 0.6, 0.75, 0.9]
    for k, s in enumerate(cases, 1):
        case = f"case {k} (sparsity {s}, 1/(1-S) = {1 / (1 - s):.3g})"
        out = _call(fn, case, s, returns=str)
        if out not in FOUR_IN_THREE:
            raise AssertionError(f"{case}: return one of {', '.join(repr(a) for a in FOUR_IN_THREE)}; got {out!r}")
        saved = _four_in_three_savings(s)
        expected = max(saved, key=saved.__getitem__)
        if out != expected:
            per_dim = {  # what each arrangement's shape alone saves per dimension
                name: float(theory.polytope_benefit(parts[0], sparsity=s)["benefit"])
                for name, parts in _FOUR_IN_THREE_PARTS.items()
            }
            hint = ""
            if out == max(per_dim, key=per_dim.__getitem__):
                hint = (" You seem to compare the benefits per dimension of the shapes alone; here all"
                        " three arrangements use all three dimensions, so add up what each part saves:"
                        " a shape saves benefit x its dimensions, a dedicated dimension saves 1.")
            totals = ", ".join(f"{name} {v:.3f}" for name, v in saved.items())
            raise AssertionError(f"{case}: got {out!r}, expected {expected!r}. Loss saved in units of a "
                                 f"dedicated dimension: {totals}.{hint}")
    _passed("check_four_in_three_winner", len(cases))


def check_plateau_prediction(fn: Callable[[int], int], runs: Mapping[int, Any]) -> None:
    """Exercise (predict, then run): ``fn(n_hidden)`` predicts how many of ``n = 10·m``
    equally important features a ReLU-output model with ``m`` hidden dimensions represents
    (``‖W_i‖ > 0.5``) at ``1/(1 − S) = 3``.

    ``runs`` maps each ``m`` to the training result the exercise's cell made (one model:
    ``n_features = 10·m``, ``n_hidden = m``, density 1/3); the prediction must equal the
    number of features that model represents.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be the dict {m: training result} that the check cell makes")
    for k, (m, run) in enumerate(sorted(runs.items()), 1):
        case = f"case {k} (m = {m}, n = {10 * m}, 1/(1-S) = 3)"
        W = getattr(run, "W", None)
        if W is None or getattr(run, "n_hidden", None) != m or getattr(run, "n_features", None) != 10 * m:
            raise AssertionError(f"{case}: runs[{m}] must be a model with n = {10 * m} features in m = {m} "
                                 "dimensions, trained as the check cell shows")
        density = 1.0 - torch.as_tensor(run.sparsity, dtype=torch.float64)
        if W.shape[0] != 1 or float((density - 1 / 3).abs().max()) > 1e-6:
            raise AssertionError(f"{case}: train one model at density 1/3 (1/(1-S) = 3), as the check cell shows")
        measured = int(metrics.n_represented(W[0]))
        out = _call(fn, case, m, returns=int)
        if out == measured:
            continue
        hint = ""
        if out == m:
            hint = (" One feature per dimension is the dense picture; here features are sparse enough "
                    "for D* to sit at 1/2.")
        elif out == 10 * m:
            hint = " Not every feature fits: each represented one takes a share D_i of a dimension, and the D_i add up to m."
        elif out * 2 == m:
            hint = " Half a feature per dimension would be D* = 2; on the plateau D* = 1/2."
        raise AssertionError(f"{case}: you predicted {out}, the trained model represents {measured} features.{hint}")
    _passed("check_plateau_prediction", len(runs))
