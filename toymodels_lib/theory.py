"""Closed forms for the toy models (paper's loss: a sum over features).

For sparse uniform features (zero with probability ``S``, else ``U[0, 1]``; density
``p = 1 − S``): ``E[x] = p/2``, ``E[x²] = p/3``, ``Var(x) = p/3 − p²/4``.
"""

from __future__ import annotations

from typing import Any

import torch

from ._validate import as_float_tensor, check_positive_int, check_sparsity

__all__ = [
    "feature_moments",
    "optimal_linear_features",
    "optimal_linear_gram",
    "optimal_linear_loss",
]


def _importance_and_density(importance: Any, sparsity: Any) -> tuple[torch.Tensor, torch.Tensor]:
    imp = as_float_tensor("importance", importance, min_dim=1, max_dim=1, dtype=torch.float64)
    if (imp < 0).any():
        raise ValueError(f"importance must be >= 0, got {float(imp.min()):g}")
    s = check_sparsity("sparsity", sparsity).to(torch.float64)
    if s.dim() > 1 or (s.dim() == 1 and s.shape[0] != imp.shape[0]):
        raise ValueError(
            f"sparsity must be a number or one value per feature ({imp.shape[0]}), got shape {tuple(s.shape)}"
        )
    return imp, (1.0 - s).expand_as(imp)


def feature_moments(sparsity: Any) -> dict[str, torch.Tensor]:
    """``E[x]``, ``E[x²]`` and ``Var(x)`` of a sparse uniform feature."""
    p = 1.0 - check_sparsity("sparsity", sparsity).to(torch.float64)
    return {"mean": p / 2, "second_moment": p / 3, "variance": p / 3 - p**2 / 4}


def optimal_linear_features(
    importance: Any, sparsity: Any, n_hidden: int, *, bias: bool = True
) -> torch.Tensor:
    """Indices of the features the optimal linear model keeps: the top ``m`` by ``I_i Var(x_i)``.

    Without a bias the ranking is by ``I_i E[x_i²]`` (the same order for a shared sparsity).
    Ties keep the lower index (the more important feature under a decaying schedule).
    """
    imp, p = _importance_and_density(importance, sparsity)
    m = check_positive_int("n_hidden", n_hidden)
    if m > imp.shape[0]:
        raise ValueError(f"n_hidden={m} is larger than the number of features ({imp.shape[0]})")
    score = imp * ((p / 3 - p**2 / 4) if bias else p / 3)
    order = torch.argsort(score, descending=True, stable=True)
    return torch.sort(order[:m]).values


def optimal_linear_gram(importance: Any, sparsity: Any, n_hidden: int) -> torch.Tensor:
    """``WᵀW`` of the optimal linear model: the projector onto the kept features (``[n, n]``)."""
    imp, _ = _importance_and_density(importance, sparsity)
    keep = optimal_linear_features(importance, sparsity, n_hidden)
    diag = torch.zeros(imp.shape[0], dtype=torch.float64)
    diag[keep] = 1.0
    return torch.diag(diag)


def optimal_linear_loss(importance: Any, sparsity: Any, n_hidden: int, *, bias: bool = True) -> float:
    """Loss of the optimal linear model ``x' = WᵀWx + b``, summed over features.

    With the bias, a dropped feature is predicted by its mean, so each costs
    ``I_i (p/3 − p²/4)``; without a bias it costs ``I_i p/3``. Kept features cost nothing.
    """
    imp, p = _importance_and_density(importance, sparsity)
    keep = optimal_linear_features(importance, sparsity, n_hidden, bias=bias)
    dropped = torch.ones(imp.shape[0], dtype=torch.bool)
    dropped[keep] = False
    per_feature = p / 3 - p**2 / 4 if bias else p / 3
    return float((imp * per_feature)[dropped].sum())
