"""Checks for the exercises of chapter 5, superposition as a phase change."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .. import theory
from ..metrics import classify_extra_feature
from ._common import call_learner as _call
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = [
    "PREDICTION_POINTS",
    "check_antipodal_boundary",
    "check_candidate_losses",
    "check_classify_extra_feature",
    "check_phase_predictions",
]

_CASES = [(0.2, 0.1), (0.5, 0.8), (1.0, 4 / 7), (3.0, 0.05), (10.0, 1.0)]


def check_candidate_losses(fn: Callable[[float, float], torch.Tensor]) -> None:
    """Exercise: ``fn(r, p)`` returns the 2-in-1 candidate losses ``[ignore, dedicate, antipodal]``.

    Paper's sum convention; a dropped feature gets bias ``p/2``; the antipodal pair has zero bias.
    """
    for k, (r, p) in enumerate(_CASES, 1):
        case = f"case {k} (r={r:g}, p={p:.3g})"
        out = _call(fn, case, r, p)
        c = theory.two_in_one_candidate_losses(r, density=p)
        expected = torch.stack([c["ignore"], c["dedicate"], c["antipodal"]])
        var = float(theory.feature_variance(density=p))
        _compare(
            case,
            expected,
            out.reshape(-1) if out.numel() == 3 else out,
            atol=1e-7,
            rtol=1e-4,
            hints={
                "dropped features without the bias (cost I p/3 instead of I (p/3 - p²/4))": torch.tensor(
                    [r * p / 3, p / 3, (1 + r) * p**2 / 6], dtype=torch.float64
                ),
                "an antipodal loss without the importance factor (1 + r)": torch.tensor(
                    [r * var, var, p**2 / 6], dtype=torch.float64
                ),
                "an antipodal loss that is linear in p (the error needs BOTH features active: p²)": torch.tensor(
                    [r * var, var, (1 + r) * p / 6], dtype=torch.float64
                ),
                "the importances swapped between ignore and dedicate": torch.tensor(
                    [var, r * var, (1 + r) * p**2 / 6], dtype=torch.float64
                ),
            },
        )
    _passed("check_candidate_losses", len(_CASES))


def _weights() -> list[tuple[str, torch.Tensor]]:
    return [
        ("2-in-1, extra feature ignored", torch.tensor([[1.0, 0.02]])),
        ("2-in-1, antipodal pair", torch.tensor([[0.9, -0.8]])),
        ("2-in-1, extra feature dedicated", torch.tensor([[0.1, 1.0]])),
        ("2-in-1, a short antipodal pair", torch.tensor([[0.6, -0.6]])),
        ("2-in-1, a long extra feature beside a weak one", torch.tensor([[0.4, 1.5]])),
        ("3-in-2, extra antipodal with feature 2", torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, -1.0]])),
        ("3-in-2, features 1 and 2 antipodal, extra dedicated", torch.tensor([[0.7, -0.7, 0.0], [0.0, 0.0, 1.0]])),
        ("3-in-2, extra dropped", torch.tensor([[1.0, 0.0, 0.1], [0.0, 1.0, 0.0]])),
        ("3-in-2, extra shares with a weak feature", torch.tensor([[0.2, 0.0, 0.0], [0.0, 0.6, 0.9]])),
    ]


def check_classify_extra_feature(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W)`` returns the phase code of the LAST feature of one model ``W`` ``[m, n]``.

    0: ``‖W_extra‖ < 0.5`` (not learned); 1: learned and ``Σ_{j≠extra}(Ŵ_extra·W_j)² > 0.25``
    (superposition); 2: learned, otherwise (dedicated dimension). A 0-dim integer tensor.
    """
    cases = _weights()
    for k, (desc, W) in enumerate(cases, 1):
        case = f"case {k} ({desc}, W={W.tolist()})"
        out = _call(fn, case, W.clone())
        expected = classify_extra_feature(W)
        first = classify_extra_feature(W.flip(-1))
        got = int(out.reshape(-1)[0]) if out.numel() == 1 else None
        if got is None:
            raise AssertionError(f"{case}: expected one phase code (a 0-dim tensor), got shape {tuple(out.shape)}")
        if got != int(expected):
            msg = f"{case}: expected phase {int(expected)} ({theory.PHASE_NAMES[int(expected)]}), got {got}"
            if got == int(first):
                msg += ". That is the phase of the FIRST feature: the extra feature is the last column, W[:, -1]"
            raise AssertionError(msg)
    _passed("check_classify_extra_feature", len(cases))


def check_antipodal_boundary(fn: Callable[[float], float]) -> None:
    """Exercise: ``fn(r)`` returns the density below which the antipodal candidate beats the
    best other 2-in-1 candidate (closed forms): ``4r/(2+5r)`` for ``r ≤ 1``, ``4/(5+2r)`` above."""
    rs = [0.1, 0.3, 0.8, 1.0, 1.5, 4.0, 10.0]
    for k, r in enumerate(rs, 1):
        case = f"case {k} (r={r:g})"
        if not callable(fn):
            raise TypeError(f"pass your function itself (not its result), got {type(fn).__name__}")
        out = _call(lambda x: torch.as_tensor(float(fn(x)), dtype=torch.float64).reshape(()), case, r)
        expected = theory.two_in_one_boundary(r).reshape(())
        _compare(
            case,
            expected,
            out,
            atol=1e-6,
            rtol=1e-5,
            hints={
                "the r < 1 branch 4r/(2+5r) for every r (for r > 1 compare with the dedicated candidate)": torch.tensor(
                    4 * r / (2 + 5 * r), dtype=torch.float64
                ),
                "the r > 1 branch 4/(5+2r) for every r (for r < 1 compare with ignoring the extra feature)": torch.tensor(
                    4 / (5 + 2 * r), dtype=torch.float64
                ),
            },
        )
    _passed("check_antipodal_boundary", len(rs))


PREDICTION_POINTS: tuple[tuple[float, float], ...] = ((0.5, 0.8), (3.0, 0.05), (0.5, 0.46), (3.0, 0.7))
"""The ``(r, density)`` points of the predict-then-run exercise (2-in-1 problem)."""


def check_phase_predictions(fn: Callable[[], object]) -> None:
    """Exercise (predict, then run): ``fn()`` returns the predicted phase codes of the extra feature
    (0 not learned, 1 superposition, 2 dedicated) of the best 2-in-1 model at the four
    :data:`PREDICTION_POINTS`, as a list or tensor of four integers.

    The answer is the phase of the lowest-loss solution, found by optimising every candidate's
    norms and biases (what training finds), not the phase of the unit-norm closed forms.
    """
    out = _call(lambda: torch.as_tensor(fn()), "your predictions")
    if out.numel() != len(PREDICTION_POINTS) or out.is_floating_point() and not torch.equal(out, out.round()):
        raise AssertionError(
            f"expected {len(PREDICTION_POINTS)} phase codes (integers 0, 1 or 2), one per point, got {out.tolist()}"
        )
    got = [int(v) for v in out.reshape(-1)]
    r = torch.tensor([a for a, _ in PREDICTION_POINTS], dtype=torch.float64)
    p = torch.tensor([b for _, b in PREDICTION_POINTS], dtype=torch.float64)
    best = classify_extra_feature(theory.two_in_one_optimised_losses(r, density=p)["best_W"]).tolist()
    closed = theory.two_in_one_phase(r, density=p).tolist()
    for k, ((rk, pk), g, e, c) in enumerate(zip(PREDICTION_POINTS, got, best, closed, strict=True), 1):
        if g != e:
            msg = (f"point {k} (r={rk:g}, density={pk:g}): the best model's extra feature is "
                   f"{theory.PHASE_NAMES[e]} ({e}), you predicted {g}")
            if g == c:
                msg += (". That is what the unit-norm closed forms say; the optimised candidates "
                        "(shrunk weights, a small bias) move the boundary")
            raise AssertionError(msg)
    _passed("check_phase_predictions", len(PREDICTION_POINTS))
