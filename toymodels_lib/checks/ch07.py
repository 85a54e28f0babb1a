"""Checks for the exercises of chapter 7, learning dynamics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .. import dynamics
from ._common import call_learner as _call
from ._common import passed as _passed

__all__ = ["check_count_jumps", "check_plateau_directions", "check_principal_directions"]


def check_plateau_directions(fn: Callable[[], int], W_plateau: Any) -> None:
    """Exercise (predict, then run): ``fn()`` predicts how many distinct directions the six
    features (two sets of three correlated features, m = 3) point along on the first plateau
    of training. ``W_plateau`` ``[3, 6]`` is the model the check cell trained to that plateau;
    features are counted as one direction when their cosine exceeds 0.9."""
    W = torch.as_tensor(W_plateau, dtype=torch.float64)
    if W.shape != (3, 6):
        raise AssertionError(f"W_plateau must be the [3, 6] weights the check cell trains, got shape {tuple(W.shape)}")
    measured = dynamics.n_directions(W)
    out = _call(fn, "your prediction", returns=int)
    if out == measured:
        _passed("check_plateau_directions", 1)
        return
    hint = ""
    if out == 6:
        hint = " Six is where training ends; early on, features that always fire together are not yet told apart."
    elif out == 3:
        hint = " Three would be one direction per hidden dimension; think about which directions explain most of the data's variance."
    elif out == 1:
        hint = " The two sets are independent of each other: one direction cannot explain both."
    raise AssertionError(f"you predicted {out} directions; the trained model has {measured}.{hint}")


def _trace(kind: str) -> tuple[torch.Tensor, torch.Tensor]:
    steps = torch.tensor([0, 10, 20, 40, 80, 160, 320, 640, 1280, 2560], dtype=torch.float64)
    x = torch.log(steps.clamp_min(1.0))
    if kind == "one":  # one feature jumps 0.1 -> 0.9 around step 300
        d = torch.stack([0.1 + 0.8 * torch.sigmoid(3 * (x - 5.7)), torch.full_like(x, 0.5)], dim=1)
    elif kind == "two":  # a feature goes up and then back down, another creeps slowly
        up = 0.5 * torch.sigmoid(5 * (x - 3.5)) - 0.5 * torch.sigmoid(5 * (x - 6.5))
        creep = 0.2 + 0.02 * x
        d = torch.stack([up, creep, torch.zeros_like(x)], dim=1)
    else:  # nothing jumps
        d = torch.stack([0.3 + 0.01 * x, 0.5 - 0.01 * x], dim=1)
    return steps, d


def check_count_jumps(fn: Callable[[torch.Tensor, torch.Tensor, float], int]) -> None:
    """Exercise: ``fn(steps, dims, min_change)`` counts the jumps of the feature
    dimensionalities: a jump is a stretch where a feature's ``D_i`` changes by at least
    ``min_change`` between a recorded step ``t`` and ``2t`` (interpolated linearly in
    log(step)); consecutive such steps of one feature are one jump. Only ``t >= 1`` (steps
    of 0 count as step 1). Compared with :func:`toymodels_lib.dynamics.dimensionality_jumps`."""
    cases = [("one", 0.2), ("two", 0.2), ("none", 0.2), ("two", 0.45), ("one", 0.05)]
    for k, (kind, th) in enumerate(cases, 1):
        steps, d = _trace(kind)
        case = f"case {k} ({kind} trace, min_change={th})"
        expected = len(dynamics.dimensionality_jumps(steps, d, min_change=th))
        out = _call(fn, case, steps.clone(), d.clone(), th, returns=int)
        if out != expected:
            raw = int(sum(
                bool(abs(dynamics.interpolate_log_steps(steps, d[:, i], [min(2 * max(float(t), 1.0), float(steps[-1]))])[0]
                         - float(d[j, i])) >= th)
                for i in range(d.shape[1]) for j, t in enumerate(steps)
            ))
            hint = ""
            if out == raw and raw != expected:
                hint = " You count every recorded step inside a jump; consecutive steps of one feature are one jump."
            raise AssertionError(f"{case}: expected {expected} jumps, got {out}.{hint}")
    _passed("check_count_jumps", len(cases))


def check_principal_directions(fn: Callable[[torch.Tensor, int], torch.Tensor]) -> None:
    """Exercise: ``fn(x, k)`` returns the top ``k`` principal directions of the batch ``x``
    ``[batch, features]`` as unit rows ``[k, features]``, largest variance first (signs do
    not matter). Compared with :func:`toymodels_lib.dynamics.principal_directions`."""
    gen = torch.Generator().manual_seed(7)
    mix = torch.randn(5, 5, generator=gen, dtype=torch.float64)
    scales = torch.tensor([3.0, 2.0, 1.0, 0.5, 0.2], dtype=torch.float64)
    cases = [
        ((torch.randn(4000, 5, generator=gen, dtype=torch.float64) * scales) @ mix + 4.0, 2),
        ((torch.randn(4000, 5, generator=gen, dtype=torch.float64) * scales) @ mix, 1),
        (torch.rand(3000, 6, generator=gen, dtype=torch.float64) * torch.tensor([1.0, 1.0, 1.0, 0.1, 0.1, 0.1], dtype=torch.float64), 3),
    ]
    for c, (x, k) in enumerate(cases, 1):
        case = f"case {c} (x of shape {tuple(x.shape)}, k={k})"
        out = _call(fn, case, x.clone(), k)
        if tuple(out.shape) != (k, x.shape[1]):
            hint = " (eigenvectors are the columns of torch.linalg.eigh's second output)" if tuple(out.shape) == (x.shape[1], k) else ""
            raise AssertionError(f"{case}: expected shape ({k}, {x.shape[1]}), got {tuple(out.shape)}{hint}")
        out = out.detach().to(torch.float64)
        ref = dynamics.principal_directions(x, k)
        if not torch.allclose(out.norm(dim=1), torch.ones(k, dtype=torch.float64), atol=1e-4):
            raise AssertionError(f"{case}: the directions must be unit vectors, got norms {out.norm(dim=1).tolist()}")
        cos = (out * ref).sum(1).abs()
        if not bool((cos > 0.999).all()):
            uncentred = torch.linalg.eigh(x.T @ x)[1][:, -k:].flip(-1).T
            smallest = torch.linalg.eigh(torch.cov(x.T))[1][:, :k].T
            hint = ""
            if bool(((out * uncentred).sum(1).abs() > 0.999).all()):
                hint = " Your directions are those of x.T @ x: subtract the mean of each feature first (the covariance)."
            elif bool(((out * smallest.flip(0)).sum(1).abs() > 0.999).all()) or bool(((out * smallest).sum(1).abs() > 0.999).all()):
                hint = " You took the smallest eigenvalues: torch.linalg.eigh sorts them in ascending order."
            raise AssertionError(f"{case}: direction(s) differ from the top principal directions (|cos| = {[round(float(v), 3) for v in cos]}).{hint}")
    _passed("check_principal_directions", len(cases))
