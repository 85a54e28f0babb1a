"""Checks for the exercises of chapter 9, neurons in superposition (the privileged basis)."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .. import metrics
from ._common import call_learner as _call
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = [
    "PREDICTION_DENSITIES",
    "check_monosemantic_predictions",
    "check_neuron_fractions",
    "check_relu_switched_off",
]

PREDICTION_DENSITIES: tuple[float, ...] = (0.75, 0.01)
"""The densities of the predict-then-run exercise (chapter 9's shipped sweep)."""


def _best_shipped() -> dict[float, torch.Tensor]:
    """The lowest-loss seed of the shipped chapter-9 sweep at each prediction density."""
    from ..sweeps import load  # the sweep's file ships with the library

    art = load("privileged_basis")
    dens = [float(d) for d in art["density"]]
    out = {}
    for p in PREDICTION_DENSITIES:
        c = min(range(len(dens)), key=lambda k: abs(dens[k] - p))
        s = int(art["loss"][c].argmin())
        out[p] = torch.from_numpy(art["W"][c, s].copy())
    return out


def check_monosemantic_predictions(fn: Callable[[], object]) -> None:
    """Exercise (predict, then run): ``fn()`` returns how many of the five neurons are
    monosemantic in the lowest-loss model of the shipped sweep at ``1 − S = 0.75`` and at
    ``0.01`` (:data:`PREDICTION_DENSITIES`), as two integers.

    The answer is measured on the shipped models (``metrics.n_monosemantic``), not stored.
    """
    out = _call(lambda: torch.as_tensor(fn()), "your predictions")
    if out.numel() != len(PREDICTION_DENSITIES) or (out.is_floating_point() and not torch.equal(out, out.round())):
        raise AssertionError(
            f"expected {len(PREDICTION_DENSITIES)} whole numbers of neurons (0 to 5), one per density, got {out.tolist()}"
        )
    got = [int(v) for v in out.reshape(-1)]
    models = _best_shipped()
    for p, g in zip(PREDICTION_DENSITIES, got, strict=True):
        truth = int(metrics.n_monosemantic(models[p]))
        if g != truth:
            why = (
                "with dense features every feature active at once would interfere on every input"
                if p > 0.5 else
                "with sparse features the model stores more features than neurons, so they share neurons"
            )
            raise AssertionError(
                f"1 − S = {p:g}: the best model has {truth} monosemantic neurons of 5, you predicted {g} ({why})"
            )
    _passed("check_monosemantic_predictions", len(PREDICTION_DENSITIES))


def _fractions(W: torch.Tensor) -> torch.Tensor:
    sq = W**2
    total = sq.sum(-1)
    return torch.where(total > 0, sq.amax(-1) / total.clamp_min(1e-300), torch.zeros_like(total))


def check_neuron_fractions(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W)`` for one model's weights ``W`` ``[m, n]`` returns, for each neuron
    (row), the fraction of its squared weight that its top feature carries,
    ``max_i W_ji² / Σ_i W_ji²``, a tensor of ``m`` numbers (0 for a neuron with no weights)."""
    g = torch.Generator().manual_seed(9)
    dedicated = torch.zeros(3, 6, dtype=torch.float64)
    dedicated[0, 0], dedicated[1, 1], dedicated[2, 2] = 1.0, -0.8, 0.5
    dedicated[0, 4] = 0.2
    with_dead = torch.randn(4, 7, generator=g, dtype=torch.float64)
    with_dead[2] = 0.0
    cases = [
        torch.randn(5, 10, generator=g, dtype=torch.float64),
        dedicated,
        torch.tensor([[0.9, -1.2, 0.1], [0.0, 0.3, -0.3]], dtype=torch.float64),
        with_dead,
    ]
    for k, W in enumerate(cases, 1):
        case = f"case {k} (W of shape {tuple(W.shape)})"
        out = _call(fn, case, W.clone())
        expected = _fractions(W)
        if out.numel() == W.shape[1] and W.shape[0] != W.shape[1]:
            raise AssertionError(
                f"{case}: expected one number per neuron ({W.shape[0]}, the rows of W), got {W.shape[1]}: "
                "you took the fraction per feature (column)"
            )
        a = W.abs()
        _compare(
            case,
            expected,
            out.reshape(-1) if out.numel() == W.shape[0] else out,
            atol=1e-6,
            rtol=1e-5,
            hints={
                "the top weight's share of the summed absolute weights (square them first)": torch.where(
                    a.sum(-1) > 0, a.amax(-1) / a.sum(-1).clamp_min(1e-300), torch.zeros(W.shape[0], dtype=W.dtype)
                ),
                "the largest signed weight, not the largest magnitude": torch.where(
                    (W**2).sum(-1) > 0, W.amax(-1).clamp_min(0) ** 2 / (W**2).sum(-1).clamp_min(1e-300),
                    torch.zeros(W.shape[0], dtype=W.dtype),
                ),
            },
        )
    _passed("check_neuron_fractions", len(cases))


def _cube_and_random(n: int, g: torch.Generator) -> torch.Tensor:
    corners = torch.tensor([[(v >> i) & 1 for i in range(n)] for v in range(2**n)], dtype=torch.float64)
    return torch.cat([corners, torch.rand(256, n, generator=g, dtype=torch.float64)])


def check_relu_switched_off(fn: Callable[[torch.Tensor, torch.Tensor], object]) -> None:
    """Exercise: ``fn(W, b)`` returns ``(c, b_new)``: a hidden bias ``c`` ``[m]`` and an output
    bias ``b_new`` ``[n]`` with which the hidden-ReLU model ``ReLU(Wᵀ ReLU(W x + c) + b_new)``
    computes exactly what the ReLU-output model ``ReLU(WᵀW x + b)`` computes, for every input
    ``x`` in ``[0, 1]^n`` (checked on every corner of the cube and on random points)."""
    g = torch.Generator().manual_seed(90)
    cases = [
        (torch.randn(3, 6, generator=g, dtype=torch.float64), torch.randn(6, generator=g, dtype=torch.float64) * 0.2),
        (torch.randn(2, 5, generator=g, dtype=torch.float64), -0.25 * torch.ones(5, dtype=torch.float64)),
        (-torch.rand(4, 8, generator=g, dtype=torch.float64), torch.zeros(8, dtype=torch.float64)),
    ]
    for k, (W, b) in enumerate(cases, 1):
        case = f"case {k} (W of shape {tuple(W.shape)})"
        out = _call(fn, case, W.clone(), b.clone(), returns=tuple)
        if len(out) != 2:
            raise AssertionError(f"{case}: expected a pair (c, b_new), got {len(out)} values")
        c, b_new = (torch.as_tensor(v, dtype=torch.float64).reshape(-1) for v in out)
        m, n = W.shape
        if c.numel() != m or b_new.numel() != n:
            raise AssertionError(
                f"{case}: c needs one number per neuron ({m}) and b_new one per feature ({n}); "
                f"got {c.numel()} and {b_new.numel()}"
            )
        x = _cube_and_random(n, g)
        target = torch.relu(x @ (W.T @ W) + b)
        pre = x @ W.T + c
        got = torch.relu(torch.relu(pre) @ W + b_new)
        if torch.allclose(got, target, atol=1e-9, rtol=1e-9):
            continue
        if (pre < -1e-12).any():
            worst = float(pre.min())
            raise AssertionError(
                f"{case}: the outputs differ. Some neuron's input W x + c is negative on some x in [0, 1]^n "
                f"(as low as {worst:.3g}), so the ReLU cuts it: c must cover the most negative W x can be"
            )
        raise AssertionError(
            f"{case}: the ReLU never cuts now, but the outputs differ: Wᵀ(W x + c) adds Wᵀ c to every "
            "output, and b_new must take it back"
        )
    _passed("check_relu_switched_off", len(cases))
