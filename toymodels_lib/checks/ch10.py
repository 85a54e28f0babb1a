"""Checks for the exercises of chapter 10, computation in superposition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..computation import MOTIF_KINDS, motif_loss
from ..models import UntiedReLUModel
from ._common import call_learner as _call
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = ["check_abs_weights", "check_inhibitor_weight", "check_motif_order"]

_MOTIF_BIAS = {"symmetric": 0.35, "asymmetric": 0.05, "asymmetric+inhibitor": 0.05}


def check_motif_order(fn: Callable[[], Any]) -> None:
    """Exercise (predict, then run): ``fn()`` returns the three motif kinds
    (``"symmetric"``, ``"asymmetric"``, ``"asymmetric+inhibitor"``) ordered from the lowest
    loss to the highest, for one pair of features at density 0.1 (biases as in the chapter)."""
    case = "your predicted order"
    out = _call(fn, case, returns=list)
    if sorted(map(str, out)) != sorted(MOTIF_KINDS):
        raise AssertionError(f"{case}: expected a list holding each of {list(MOTIF_KINDS)} once, got {out!r}")
    losses = {k: motif_loss(k, density=0.1, bias=_MOTIF_BIAS[k], n_samples=1 << 16) for k in MOTIF_KINDS}
    truth = sorted(MOTIF_KINDS, key=losses.get)
    if list(out) != truth:
        shown = ", ".join(f"{k}: {losses[k]:.4f}" for k in truth)
        raise AssertionError(f"{case}: {out} is not the order of the losses ({shown})")
    _passed("check_motif_order", 1)


def _abs_model(W: torch.Tensor, W_out: torch.Tensor) -> UntiedReLUModel:
    return UntiedReLUModel.from_weights(W, W_out, dtype=torch.float64)


def check_abs_weights(fn: Callable[[int], Any]) -> None:
    """Exercise: ``fn(n)`` returns ``(W, W_out)``, both ``[2n, n]`` (neuron, feature), for an
    untied model without biases whose output is exactly ``|x|`` for every ``x`` in ``[−1, 1]^n``."""
    g = torch.Generator().manual_seed(10)
    for k, n in enumerate((1, 3, 5), 1):
        case = f"case {k} (n={n})"
        out = _call(fn, case, n, returns=tuple)
        if len(out) != 2:
            raise AssertionError(f"{case}: expected a pair (W, W_out), got {len(out)} items")
        W, W_out = (torch.as_tensor(t, dtype=torch.float64) for t in out)
        for name, t in (("W", W), ("W_out", W_out)):
            if tuple(t.shape) != (2 * n, n):
                hint = " (rows are neurons, columns features)" if tuple(t.shape) == (n, 2 * n) else ""
                raise AssertionError(f"{case}: {name} must have shape [{2 * n}, {n}], got {tuple(t.shape)}{hint}")
        x = (torch.rand(1, 256, n, generator=g, dtype=torch.float64) * 2 - 1)
        with torch.no_grad():
            y = _abs_model(W, W_out)(x)
        hints = {"ReLU(x), not |x| (the negative half is lost: check the ReLU(−x) neurons and their read-out)":
                 torch.relu(x), "x itself (a read-out weight of −1 is clipped by the output ReLU; use +1)": x}
        _compare(case, x.abs(), y, atol=1e-6, rtol=1e-6, hints=hints)
    _passed("check_abs_weights", 3)


def check_inhibitor_weight(fn: Callable[[float], Any]) -> None:
    """Exercise: ``fn(ratio)`` returns the read-out weight from an inhibitor neuron
    ``ReLU(u)`` into output ``v`` that exactly cancels the interference of ``u`` in the
    asymmetric motif ``h = ReLU(r u + v/r)``, read back into ``v`` with weight ``r``."""
    for k, r in enumerate((2.0, 3.0, 0.5, 1.5), 1):
        case = f"case {k} (ratio={r:g})"
        out = _call(fn, case, r, returns=object)
        try:
            value = float(out)
        except (TypeError, ValueError) as exc:
            raise AssertionError(f"{case}: expected a number, got {out!r}") from exc
        expected = -r * r
        if abs(value - expected) > 1e-6 * max(1.0, abs(expected)):
            hint = ""
            if abs(value + r) < 1e-9:
                hint = ": u reaches output v through two weights, r into the neuron and r out of it"
            elif abs(value - r * r) < 1e-9:
                hint = ": the inhibitor must subtract, so its weight is negative"
            elif abs(value + 1 / (r * r)) < 1e-9:
                hint = ": u is the feature with the large weight r"
            raise AssertionError(f"{case}: expected {expected:g}, got {value:g}{hint}")
    _passed("check_inhibitor_weight", 4)
