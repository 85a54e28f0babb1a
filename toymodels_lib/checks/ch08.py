"""Checks for the exercises of chapter 8, adversarial robustness."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..theory import adversarial as adv
from ._common import call_learner as _call
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = ["check_attack_direction", "check_attacked_loss", "check_baseline_rise"]


def _cases() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(8)
    out = []
    for m, n, p in ((2, 5, 0.3), (3, 6, 1.0), (5, 20, 0.05)):
        W = torch.randn(m, n, generator=g, dtype=torch.float64)
        b = -0.2 * torch.rand(n, generator=g, dtype=torch.float64)
        x = torch.rand(256, n, generator=g, dtype=torch.float64) * (torch.rand(256, n, generator=g) < p)
        out.append((W, b, x))
    return out


def check_attacked_loss(fn: Callable[..., torch.Tensor]) -> None:
    """Exercise: ``fn(W, b, x, delta)`` returns the attacked loss of one model (``W`` ``[m, n]``,
    ``b`` ``[n]``, inputs ``x`` ``[batch, n]``, one perturbation ``delta`` ``[n]`` added to every
    input): ``mean over the batch of Σ_j (x_j − ReLU(WᵀW(x + δ) + b)_j)²``, a 0-dim tensor."""
    for k, (W, b, x) in enumerate(_cases(), 1):
        delta = 0.1 * torch.ones(W.shape[1], dtype=torch.float64)
        case = f"case {k} (W {tuple(W.shape)}, x {tuple(x.shape)})"
        out = _call(fn, case, W.clone(), b.clone(), x.clone(), delta.clone())
        expected = adv.attacked_loss(W, b, x, delta)
        gram = W.T @ W
        perturbed_target = ((x + delta - torch.relu((x + delta) @ gram + b)) ** 2).sum(-1).mean()
        no_relu = ((x - ((x + delta) @ gram + b)) ** 2).sum(-1).mean()
        mean_features = ((x - torch.relu((x + delta) @ gram + b)) ** 2).mean()
        _compare(case, expected.reshape(()), out.reshape(()) if out.numel() == 1 else out, atol=1e-6, rtol=1e-5,
                 hints={"the attacked input x + δ as the target (the target is the clean x)": perturbed_target,
                        "the output without the ReLU": no_relu,
                        "a mean over features as well as the batch (the paper's loss sums over features)": mean_features})
    _passed("check_attacked_loss", 3)


def check_attack_direction(fn: Callable[[torch.Tensor, int], torch.Tensor]) -> None:
    """Exercise: ``fn(W, i)`` returns the unit input-space direction ``(WᵀW)_i / ‖(WᵀW)_i‖``
    (``[n]``) of the optimal attack on feature ``i``."""
    for k, (W, _, _) in enumerate(_cases(), 1):
        for i in (0, W.shape[1] - 1):
            case = f"case {k}, feature {i} (W {tuple(W.shape)})"
            out = _call(fn, case, W.clone(), i)
            expected = adv.attack_directions(W)[i]
            if out.shape == (W.shape[0],):
                raise AssertionError(f"{case}: expected {W.shape[1]} numbers (a direction in input space), got "
                                     f"{W.shape[0]}: that is W_i, the feature's direction in the hidden space")
            unnormalised = (W.T @ W)[i]
            _compare(case, expected, out, atol=1e-6, rtol=1e-5,
                     hints={"(WᵀW)_i without dividing by its norm": unnormalised,
                            "the column of W, padded (use the row of WᵀW)": expected})
    _passed("check_attack_direction", 6)


def check_baseline_rise(fn: Callable[[float], float]) -> None:
    """Exercise (predict, then run): ``fn(norm)`` predicts ``L'₀ − L₀``, how much the optimal
    attack of L2 norm ``norm`` raises the loss of the model without superposition (features
    0 … m−1 on orthonormal axes with bias 0, the others dropped with bias p/2; uniform
    importance). Compared with the measured increase on sparse inputs at several norms."""
    n, m, p = 12, 4, 0.1
    W0, b0 = adv.no_superposition_model(n, m, density=p)
    g = torch.Generator().manual_seed(3)
    x = torch.rand(4096, n, generator=g, dtype=torch.float64) * (torch.rand(4096, n, generator=g) < p)
    for k, lam in enumerate((0.05, 0.2, 0.5), 1):
        case = f"case {k} (norm {lam})"
        raw = _call(fn, case, lam, returns=object)
        try:
            out = float(raw)
        except (TypeError, ValueError):
            raise AssertionError(f"{case}: expected a number, got {type(raw).__name__}") from None
        res = adv.optimal_attack(W0, b0, x, norm=lam)
        measured = float(res["loss"] - res["clean"])
        if abs(out - measured) > 1e-6 + 1e-4 * measured:
            hint = ""
            if abs(out - lam) < 1e-9:
                hint = " The loss is a squared error: the error on the attacked feature is λ, so it costs λ²."
            elif abs(out - p * lam**2) < 1e-9:
                hint = (" The attacked feature's output is off by λ on every input, not only when it is active: "
                        "when it is 0 the output is ReLU(λ) = λ.")
            raise AssertionError(f"{case}: you predicted {out:.6g}; the attack raised the loss by {measured:.6g}.{hint}")
    _passed("check_baseline_rise", 3)
