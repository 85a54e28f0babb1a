"""Checks for the exercises of chapter 4, superposition and sparsity."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from .. import metrics
from .._loss import importance_weighted_loss
from ._common import call_learner as _call
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = [
    "check_angular_gaps",
    "check_feature_benefit_interference",
    "check_k_active_probabilities",
    "check_one_sparse_loss",
    "check_six_in_two_prediction",
]


def _binomial(n: int, p: float) -> torch.Tensor:
    return torch.tensor([math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)], dtype=torch.float64)


def check_k_active_probabilities(fn: Callable[[int, float], torch.Tensor]) -> None:
    """Exercise: ``fn(n_features, sparsity)`` returns ``P(exactly k active)`` for ``k = 0 … n``.

    Every feature is active independently with probability ``1 − sparsity``; the result
    is a tensor of ``n_features + 1`` probabilities.
    """
    cases = [(5, 0.95), (20, 0.7), (3, 0.0), (1, 0.5), (8, 0.99)]
    for k, (n, s) in enumerate(cases, 1):
        case = f"case {k} (n_features={n}, sparsity={s})"
        out = _call(fn, case, n, s)
        p = 1.0 - s
        expected = _binomial(n, p)
        if out.numel() == n:
            raise AssertionError(
                f"{case}: expected {n + 1} probabilities (k = 0 … {n}, including k = 0), got {n}"
            )
        _compare(
            case,
            expected,
            out.reshape(-1) if out.numel() == n + 1 else out,
            atol=1e-6,
            rtol=1e-5,
            hints={
                "the sparsity S used as the probability of being active (it is 1 − S)": _binomial(n, s),
                "the binomial probabilities without the coefficient C(n, k)": torch.tensor(
                    [p**j * (1 - p) ** (n - j) for j in range(n + 1)], dtype=torch.float64
                ),
            },
        )
    _passed("check_k_active_probabilities", len(cases))


def _pentagon() -> torch.Tensor:
    angles = torch.arange(5, dtype=torch.float64) * 2 * math.pi / 5
    return torch.stack([torch.cos(angles), torch.sin(angles)])


def _split(W: torch.Tensor, imp: torch.Tensor) -> torch.Tensor:
    gram = W.T @ W
    diag = torch.diagonal(gram)
    benefit = (imp * (1 - diag) ** 2).sum()
    interference = (imp[:, None] * (gram**2 - torch.diag(diag**2))).sum()
    return torch.stack([benefit, interference])


def check_feature_benefit_interference(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W, importance)`` returns ``[feature benefit, interference]`` (a tensor of 2).

    ``Σ_i I_i (1 − ‖W_i‖²)²`` and ``Σ_i Σ_{j≠i} I_i (W_i·W_j)²`` for ``W`` of shape ``[m, n]``
    (the paper's split of the linear model's loss, without the variance factor).
    """
    g = torch.Generator().manual_seed(41)
    cases = [
        ("a regular pentagon of unit vectors, uniform importance", _pentagon(), torch.ones(5, dtype=torch.float64)),
        ("a random 2 x 5 matrix, importance 0.9^i", torch.randn(2, 5, generator=g, dtype=torch.float64) * 0.7,
         0.9 ** torch.arange(5, dtype=torch.float64)),
        ("a random 5 x 20 matrix, importance 0.7^i", torch.randn(5, 20, generator=g, dtype=torch.float64) * 0.4,
         0.7 ** torch.arange(20, dtype=torch.float64)),
    ]
    for k, (desc, W, imp) in enumerate(cases, 1):
        case = f"case {k} ({desc})"
        out = _call(fn, case, W.clone().float(), imp.clone().float())
        expected = _split(W, imp)
        norms = W.norm(dim=0)
        gram = W.T @ W
        _compare(
            case,
            expected,
            out.reshape(-1) if out.numel() == 2 else out,
            atol=1e-4,
            rtol=1e-4,
            hints={
                "(1 − ‖W_i‖)² instead of (1 − ‖W_i‖²)² in the feature-benefit term": torch.stack(
                    [(imp * (1 - norms) ** 2).sum(), expected[1]]
                ),
                "an interference sum that includes j = i (leave the diagonal of WᵀW out)": torch.stack(
                    [expected[0], (imp[:, None] * gram**2).sum()]
                ),
                "the split without the importance weights": _split(W, torch.ones_like(imp)),
                "interference with (W_i·W_j) not squared": torch.stack(
                    [expected[0], (imp[:, None] * (gram - torch.diag(torch.diagonal(gram)))).sum()]
                ),
            },
        )
    _passed("check_feature_benefit_interference", len(cases))


def _one_sparse(W: torch.Tensor, b: torch.Tensor, imp: torch.Tensor, values: torch.Tensor, *, relu: bool = True,
                bias: bool = True) -> torch.Tensor:
    n = W.shape[1]
    gram = W.T @ W  # row i: what feature i, active alone with value 1, writes into every output
    x = values[:, None, None] * torch.eye(n, dtype=W.dtype)[None]  # [values, active feature, features]
    pre = values[:, None, None] * gram[None] + (b if bias else 0.0)
    out = torch.relu(pre) if relu else pre
    return importance_weighted_loss(out, x, imp).mean()


def check_one_sparse_loss(
    fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
) -> None:
    """Exercise: ``fn(W, b, importance, values)``: the ReLU model's loss on 1-sparse inputs.

    Average over the active feature ``i`` (each equally likely) and over its value ``x`` in
    ``values`` of ``Σ_j I_j (x δ_ij − ReLU(x W_j·W_i + b_j))²``; a scalar tensor.
    """
    g = torch.Generator().manual_seed(43)
    pent = _pentagon() * 1.13
    cases = [
        ("a pentagon with bias -0.25", pent, torch.full((5,), -0.25, dtype=torch.float64),
         torch.ones(5, dtype=torch.float64)),
        ("a random 2 x 6 model, importance 0.8^i", torch.randn(2, 6, generator=g, dtype=torch.float64),
         torch.randn(6, generator=g, dtype=torch.float64) * 0.3, 0.8 ** torch.arange(6, dtype=torch.float64)),
        ("a random 3 x 8 model", torch.randn(3, 8, generator=g, dtype=torch.float64) * 0.6,
         -torch.rand(8, generator=g, dtype=torch.float64) * 0.2, torch.ones(8, dtype=torch.float64)),
    ]
    values = (torch.arange(16, dtype=torch.float64) + 0.5) / 16
    for k, (desc, W, b, imp) in enumerate(cases, 1):
        case = f"case {k} ({desc})"
        out = _call(fn, case, W.clone().float(), b.clone().float(), imp.clone().float(), values.clone().float())
        expected = _one_sparse(W, b, imp, values)
        n = W.shape[1]
        _compare(
            case,
            expected,
            out.reshape(()) if out.numel() == 1 else out,
            atol=1e-5,
            rtol=1e-4,
            hints={
                "the linear model (no ReLU)": _one_sparse(W, b, imp, values, relu=False),
                "the model without the bias": _one_sparse(W, b, imp, values, bias=False),
                "a sum over the active feature instead of the average": n * expected,
                "the loss without the importance weights": _one_sparse(W, b, torch.ones_like(imp), values),
            },
        )
    _passed("check_one_sparse_loss", len(cases))


def check_angular_gaps(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W)`` for ``W`` of shape ``[2, n]`` returns the ``n`` angles (degrees)
    between neighbouring feature directions around the circle, sorted from smallest to largest.
    They sum to 360°.
    """
    g = torch.Generator().manual_seed(47)
    rot = torch.tensor([[math.cos(0.3), -math.sin(0.3)], [math.sin(0.3), math.cos(0.3)]], dtype=torch.float64)
    cases = [
        ("a regular pentagon", rot @ _pentagon() * 1.1),
        ("two antipodal pairs at right angles", torch.tensor([[1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 1.0, -1.0]],
                                                            dtype=torch.float64)),
        ("a random 2 x 6 matrix", torch.randn(2, 6, generator=g, dtype=torch.float64)),
        ("three features crossing the ±180° line", torch.tensor([[-1.0, -1.0, 1.0], [0.2, -0.3, 0.1]],
                                                              dtype=torch.float64)),
    ]
    for k, (desc, W) in enumerate(cases, 1):
        case = f"case {k} ({desc})"
        out = _call(fn, case, W.clone().float())
        expected = metrics.angular_gaps(W, threshold=0.0)  # every nonzero direction
        n = W.shape[1]
        if out.numel() == n - 1:
            raise AssertionError(
                f"{case}: expected {n} gaps, got {n - 1}: include the gap that wraps around from the "
                "last direction back to the first (the gaps must sum to 360°)"
            )
        _compare(
            case,
            expected,
            out.reshape(-1) if out.numel() == n else out,
            atol=1e-2,
            rtol=1e-4,
            hints={"the gaps in radians (convert to degrees)": torch.deg2rad(expected)},
        )
    _passed("check_angular_gaps", len(cases))


def check_six_in_two_prediction(fn: Callable[[], Any]) -> None:
    """Exercise (predict, then run): ``fn()`` returns ``(represented, in_antipodal_pairs)``,
    the learner's prediction for the lowest-loss of four seeds of 6 features of equal
    importance in 2 dimensions at ``1 − S = 0.05``.

    The answer is ``(6, 6)``: a regular hexagon, whose opposite corners are antipodal
    pairs. The run after the exercise trains the models and its claim
    ``ch04.six-in-two-hexagon`` asserts the same on them, so this key cannot drift from what
    the page shows.
    """
    case = "your prediction"
    out = _call(fn, case, returns=tuple)
    if len(out) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in out):
        raise AssertionError(f"{case}: return a pair of integers (represented, in_antipodal_pairs), got {out!r}")
    represented, paired = out
    if not 0 <= represented <= 6 or not 0 <= paired <= represented:
        raise AssertionError(f"{case}: need 0 <= in_antipodal_pairs <= represented <= 6, got {out!r}")
    if represented != 6:
        raise AssertionError(
            f"{case}: you predicted {represented} features represented. Five fitted as a pentagon at "
            "1 − S = 0.05; is a sixth corner worth its interference when features are this sparse? "
            "Run the next cell and count."
        )
    if paired != 6:
        raise AssertionError(
            f"{case}: all six represented is right, but you predicted {paired} in antipodal pairs. "
            "Draw six equally spaced spokes: where does the spoke opposite each one point?"
        )
    _passed("six_in_two_prediction", 1)
