"""Sparse uniform features (zero with probability ``S``, else ``U[0, 1]``): their moments, the linear
loss split into feature benefit and interference, and losses by the number of active features."""

from __future__ import annotations

import math

import torch

from .._loss import importance_weighted_loss
from .._types import ArrayLike, Biases, Probability, Weights
from .._validate import check_choice, check_positive_int, check_seed
from ._common import density_of, importance_vector, per_feature_density, probability_name, weights_and_bias

__all__ = [
    "feature_moments",
    "feature_variance",
    "k_active_probabilities",
    "k_sparse_loss",
    "linear_loss_split",
]


def feature_variance(*, sparsity: Probability | None = None, density: Probability | None = None) -> torch.Tensor:
    """``Var(x) = E[x²] − E[x]² = p/3 − (p/2)²`` of a sparse uniform feature of density ``p = 1 − S``.

    It is what a feature costs (times its importance) when the model leaves it out and
    predicts it by its mean ``p/2``. Give exactly one of ``sparsity=`` or ``density=`` (a
    number or a tensor of any shape; the result has its shape, in float64).
    """
    p = density_of(sparsity, density, max_dim=None)
    return p / 3 - p**2 / 4


def feature_moments(
    *, sparsity: Probability | None = None, density: Probability | None = None
) -> dict[str, torch.Tensor]:
    """``E[x] = p/2``, ``E[x²] = p/3`` and ``Var(x)`` (:func:`feature_variance`) of a sparse uniform feature.

    Give exactly one of ``sparsity=`` or ``density=``; keys ``"mean"``, ``"second_moment"``, ``"variance"``.
    """
    p = density_of(sparsity, density, max_dim=None)
    return {"mean": p / 2, "second_moment": p / 3, "variance": feature_variance(density=p)}


def linear_loss_split(
    W: Weights,
    importance: ArrayLike,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
) -> dict[str, torch.Tensor]:
    """The linear model's loss split into feature benefit and interference.

    For ``x' = WᵀWx + b`` with the best bias ``b = (1 − WᵀW) E[x]`` and independent features
    of variance ``v_i = Var(x_i)``, the error on feature ``j`` is ``Σ_i (δ_ji − W_j·W_i)(x_i − E x_i)``, so

    ``L = Σ_j I_j v_j (1 − ‖W_j‖²)²  +  Σ_j Σ_{i≠j} I_j v_i (W_j·W_i)²``.

    The first term (``"feature_benefit"``) is what a feature costs when it is not given a
    unit-norm direction; the second (``"interference"``) is what it costs that other
    features leak into it. ``W`` is ``[..., m, n]``; ``importance`` is a number or ``[n]``;
    give exactly one of ``sparsity=`` or ``density=`` (a number or ``[n]``). Each returned
    tensor has shape ``[...]`` (``"total"`` is their sum). Exact; with equal variances it is
    the paper's split times ``v``.
    """
    w, _ = weights_and_bias(W)
    n = w.shape[-1]
    imp = importance_vector(importance, n)
    var = feature_variance(density=per_feature_density(sparsity, density, n))
    gram = w.transpose(-1, -2) @ w  # [..., j, i]
    diag = torch.diagonal(gram, dim1=-2, dim2=-1)
    benefit = (imp * var * (1 - diag) ** 2).sum(-1)
    off = gram**2 - torch.diag_embed(diag**2)
    interference = (imp[:, None] * off * var[None, :]).sum((-2, -1))
    return {"feature_benefit": benefit, "interference": interference, "total": benefit + interference}


def k_active_probabilities(
    n_features: int, *, sparsity: Probability | None = None, density: Probability | None = None
) -> torch.Tensor:
    """``P(exactly k features active)`` for ``k = 0 … n``: binomial with density ``p = 1 − S``.

    Give exactly one of ``sparsity=`` or ``density=``, one number shared by all features.
    Returns ``[n_features + 1]``.
    """
    n = check_positive_int("n_features", n_features)
    p_t = density_of(sparsity, density)
    if p_t.dim() != 0:
        raise ValueError(f"{probability_name(sparsity, density)} must be one number here (shared by all features), got shape {tuple(p_t.shape)}")
    p = float(p_t)
    if p == 1.0:
        out = torch.zeros(n + 1, dtype=torch.float64)
        out[n] = 1.0
        return out
    # in log space: math.comb(n, k) * p**k overflows a float for n in the thousands
    k = torch.arange(n + 1, dtype=torch.float64)
    log_comb = math.lgamma(n + 1) - torch.lgamma(k + 1) - torch.lgamma(n - k + 1)
    return torch.exp(log_comb + k * math.log(p) + (n - k) * math.log1p(-p))


def k_sparse_loss(
    W: Weights,
    b: Biases,
    importance: ArrayLike,
    k: int,
    *,
    kind: str = "relu",
    n_samples: int = 8192,
    seed: int = 0,
) -> torch.Tensor:
    """The loss on inputs with exactly ``k`` active features, ``L_k``.

    The ``k`` active features are drawn uniformly without replacement and their values
    from ``U[0, 1]``; the rest are 0. ``kind`` is ``"relu"`` (``x' = ReLU(WᵀWx + b)``) or
    ``"linear"`` (``x' = WᵀWx + b``). ``L_0 = Σ_i I_i f(b_i)²`` is exact; for ``k ≥ 1`` the value
    is a Monte Carlo average over ``n_samples`` seeded inputs (the same inputs for every model).
    With ``P(k)`` from :func:`k_active_probabilities`, the full loss is ``Σ_k P(k) L_k``.
    ``W`` is ``[..., m, n]``, ``b`` is ``[..., n]``; the result has shape ``[...]``.
    """
    w, bias = weights_and_bias(W, b)
    n = w.shape[-1]
    imp = importance_vector(importance, n)
    k = check_positive_int("k", k, minimum=0)
    if k > n:
        raise ValueError(f"k must be at most the number of features ({n}), got {k}")
    kind = check_choice("kind", kind, ("relu", "linear"))
    n_samples = check_positive_int("n_samples", n_samples)
    seed = check_seed("seed", seed)
    act = torch.relu if kind == "relu" else (lambda t: t)
    assert bias is not None
    if k == 0:
        return (imp * act(bias) ** 2).sum(-1)
    g = torch.Generator().manual_seed(seed)
    order = torch.rand(n_samples, n, generator=g).argsort(dim=-1)[:, :k]
    x = torch.zeros(n_samples, n, dtype=torch.float64)
    x.scatter_(1, order, torch.rand(n_samples, k, generator=g, dtype=torch.float64))
    gram = w.transpose(-1, -2) @ w  # [..., n, n]
    out = act(x @ gram + bias.unsqueeze(-2))  # gram is symmetric
    return importance_weighted_loss(out, x, imp)
