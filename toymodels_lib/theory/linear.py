"""The optimal linear model ``x' = WᵀWx + b``: which features it keeps, its ``WᵀW`` and its loss."""

from __future__ import annotations

import torch

from .._types import ArrayLike, Probability
from .._validate import check_positive_int
from ._common import importance_vector, per_feature_density
from .sparsity import feature_moments

__all__ = ["optimal_linear_features", "optimal_linear_gram", "optimal_linear_loss"]


def _per_feature_cost(
    importance: ArrayLike, sparsity: Probability | None, density: Probability | None, bias: bool
) -> torch.Tensor:
    """``I_i Var(x_i)`` (with a bias) or ``I_i E[x_i²]`` (without): what leaving feature ``i`` out costs."""
    imp = importance_vector(importance)
    moments = feature_moments(density=per_feature_density(sparsity, density, imp.shape[0]))
    return imp * (moments["variance"] if bias else moments["second_moment"])


def optimal_linear_features(
    importance: ArrayLike,
    n_hidden: int,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    bias: bool = True,
) -> torch.Tensor:
    """Indices of the features the optimal linear model keeps: the top ``m`` by ``I_i Var(x_i)``.

    Without a bias the ranking is by ``I_i E[x_i²]`` (the same order for a shared sparsity).
    Ties keep the lower index (the more important feature under a decaying schedule).
    ``importance`` is ``[n]``; give exactly one of ``sparsity=`` or ``density=`` (a number
    or ``[n]``).
    """
    cost = _per_feature_cost(importance, sparsity, density, bias)
    m = check_positive_int("n_hidden", n_hidden)
    if m > cost.shape[0]:
        raise ValueError(f"n_hidden={m} is larger than the number of features ({cost.shape[0]})")
    order = torch.argsort(cost, descending=True, stable=True)
    return torch.sort(order[:m]).values


def optimal_linear_gram(
    importance: ArrayLike,
    n_hidden: int,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
) -> torch.Tensor:
    """``WᵀW`` of the optimal linear model: the projector onto the kept features (``[n, n]``)."""
    keep = optimal_linear_features(importance, n_hidden, sparsity=sparsity, density=density)
    diag = torch.zeros(importance_vector(importance).shape[0], dtype=torch.float64)
    diag[keep] = 1.0
    return torch.diag(diag)


def optimal_linear_loss(
    importance: ArrayLike,
    n_hidden: int,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    bias: bool = True,
) -> float:
    """Loss of the optimal linear model ``x' = WᵀWx + b``, summed over features.

    With the bias, a dropped feature is predicted by its mean, so each costs
    ``I_i Var(x_i)`` (:func:`~toymodels_lib.theory.feature_variance`); without a bias it
    costs ``I_i E[x_i²] = I_i p/3``. Kept features cost nothing.
    """
    cost = _per_feature_cost(importance, sparsity, density, bias)
    keep = optimal_linear_features(importance, n_hidden, sparsity=sparsity, density=density, bias=bias)
    dropped = torch.ones(cost.shape[0], dtype=torch.bool)
    dropped[keep] = False
    return float(cost[dropped].sum())
