"""Metrics of trained toy models: pure functions of the weights.

Every function takes ``W`` with shape ``[..., hidden, features]`` (one model ``[m, n]``, or
any number of leading instance axes) as a torch tensor or NumPy array, and returns a torch
tensor with the leading axes kept. Column ``W[..., :, i]`` is feature ``i``'s direction.
"""

from __future__ import annotations

from typing import Any

import torch

from ._validate import as_float_tensor, check_real

__all__ = [
    "antipodal_pairs",
    "classify_extra_feature",
    "basis_alignment",
    "cosine_similarity_matrix",
    "dimensions_per_feature",
    "feature_dimensionality",
    "feature_norms",
    "interference",
    "n_antipodal",
    "n_monosemantic",
    "n_represented",
    "neuron_top_feature_fraction",
    "superposition",
]

_EPS = 1e-12


def _weights(W: Any, name: str = "W") -> torch.Tensor:
    t = as_float_tensor(name, W, min_dim=2)
    if t.shape[-1] == 0 or t.shape[-2] == 0:
        raise ValueError(f"{name} must have at least one hidden dimension and one feature, got shape {tuple(t.shape)}")
    return t


def feature_norms(W: Any) -> torch.Tensor:
    """``‖W_i‖`` for each feature: ``[..., features]``."""
    return _weights(W).norm(dim=-2)


def cosine_similarity_matrix(W: Any) -> torch.Tensor:
    """``Ŵ_iᵀ Ŵ_j`` between feature directions: ``[..., features, features]`` (0 for a zero column)."""
    w = _weights(W)
    unit = w / w.norm(dim=-2, keepdim=True).clamp_min(_EPS)
    return unit.transpose(-1, -2) @ unit


def interference(W: Any) -> torch.Tensor:
    """``WᵀW`` with its diagonal zeroed: how much each feature leaks into the others."""
    w = _weights(W)
    g = w.transpose(-1, -2) @ w
    return g - torch.diag_embed(torch.diagonal(g, dim1=-2, dim2=-1))


def superposition(W: Any) -> torch.Tensor:
    """``Σ_{j≠i} (Ŵ_i·W_j)²`` for each feature: ``[..., features]``.

    Zero when feature ``i`` is orthogonal to every other feature; large when other
    features project strongly onto its direction. The paper colours its norm bars by this.
    """
    w = _weights(W)
    unit = w / w.norm(dim=-2, keepdim=True).clamp_min(_EPS)
    proj = unit.transpose(-1, -2) @ w  # [..., i, j] = Ŵ_i · W_j
    sq = proj**2
    return sq.sum(-1) - torch.diagonal(sq, dim1=-2, dim2=-1)


def dimensions_per_feature(W: Any) -> torch.Tensor:
    """``D* = m / ‖W‖_F²``: hidden dimensions per embedded feature (``[...]``)."""
    w = _weights(W)
    m = w.shape[-2]
    return m / (w**2).sum(dim=(-2, -1)).clamp_min(_EPS)


def feature_dimensionality(W: Any) -> torch.Tensor:
    """``D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)²``: the fraction of a dimension feature ``i`` gets.

    1 for a feature with a dimension to itself, 1/2 for an antipodal pair, 2/5 in a
    pentagon; 0 for a feature that is not represented. ``Σ_i D_i`` is at most ``m``.
    """
    w = _weights(W)
    norms = w.norm(dim=-2)
    unit = w / norms.unsqueeze(-2).clamp_min(_EPS)
    proj = unit.transpose(-1, -2) @ w
    denom = (proj**2).sum(-1)
    return torch.where(denom > _EPS, norms**2 / denom.clamp_min(_EPS), torch.zeros_like(denom))


def n_represented(W: Any, threshold: float = 0.5) -> torch.Tensor:
    """How many features have ``‖W_i‖ > threshold``: ``[...]`` integers."""
    th = check_real("threshold", threshold, low=0.0)
    return (feature_norms(W) > th).sum(-1)


def _antipodal_mask(W: Any, cosine: float, threshold: float) -> torch.Tensor:
    cos_th = check_real("cosine", cosine, low=-1.0, high=0.0)
    th = check_real("threshold", threshold, low=0.0)
    w = _weights(W)
    rep = w.norm(dim=-2) > th
    cos = cosine_similarity_matrix(w)
    both = rep.unsqueeze(-1) & rep.unsqueeze(-2)
    return (cos < cos_th) & both


def n_antipodal(W: Any, cosine: float = -0.9, threshold: float = 0.5) -> torch.Tensor:
    """How many represented features have an antipodal partner.

    A feature counts when its norm exceeds ``threshold`` and some other represented
    feature points the opposite way (cosine below ``cosine``). Returns ``[...]`` integers.
    """
    return _antipodal_mask(W, cosine, threshold).any(-1).sum(-1)


def antipodal_pairs(W: Any, cosine: float = -0.9, threshold: float = 0.5) -> list[tuple[int, int]]:
    """The antipodal pairs ``(i, j)``, ``i < j``, of one model ``W`` of shape ``[m, n]``."""
    w = _weights(W)
    if w.dim() != 2:
        raise ValueError(f"W must be one model's weights [hidden, features], got shape {tuple(w.shape)}")
    mask = torch.triu(_antipodal_mask(w, cosine, threshold), diagonal=1)
    return [(int(i), int(j)) for i, j in mask.nonzero().tolist()]


def basis_alignment(W: Any) -> torch.Tensor:
    """For each feature, the fraction of its squared weight on its top neuron:
    ``max_j W_ji² / Σ_j W_ji²`` (``[..., features]``, 0 for a zero column).

    1 means the feature lies along one hidden coordinate (basis-aligned); a random
    direction in ``m`` dimensions gives much less.
    """
    sq = _weights(W) ** 2
    total = sq.sum(-2)
    return torch.where(total > _EPS, sq.amax(-2) / total.clamp_min(_EPS), torch.zeros_like(total))


def neuron_top_feature_fraction(W: Any) -> torch.Tensor:
    """For each neuron (hidden coordinate), the fraction of its squared weight that its
    top feature carries: ``max_i W_ji² / Σ_i W_ji²`` (``[..., hidden]``, 0 for a dead row)."""
    sq = _weights(W) ** 2
    total = sq.sum(-1)
    return torch.where(total > _EPS, sq.amax(-1) / total.clamp_min(_EPS), torch.zeros_like(total))


def n_monosemantic(W: Any, threshold: float = 0.9) -> torch.Tensor:
    """How many neurons are monosemantic: one feature carries at least ``threshold`` of the
    neuron's squared weight. Returns ``[...]`` integers."""
    th = check_real("threshold", threshold, low=0.0, high=1.0)
    return (neuron_top_feature_fraction(W) >= th).sum(-1)


def classify_extra_feature(
    W: Any,
    *,
    norm_threshold: float = 0.5,
    superposition_threshold: float = 0.25,
) -> torch.Tensor:
    """Phase code of the last (extra) feature for weights ``W`` ``[..., m, n]`` (chapter 5).

    0 (not learned) if ``‖W_extra‖ < norm_threshold``; else 1 (superposition) if
    ``Σ_{j≠extra} (Ŵ_extra·W_j)² > superposition_threshold``; else 2 (dedicated).
    """
    W = _weights(W)
    check_real("norm_threshold", norm_threshold, low=0.0, low_open=True)
    check_real("superposition_threshold", superposition_threshold, low=0.0, low_open=True)
    if W.shape[-1] < 2:
        raise ValueError(f"W must be [..., m, n] with n >= 2 features, got shape {tuple(W.shape)}")
    extra = W[..., :, -1]
    norm = extra.norm(dim=-1)
    unit = extra / norm.clamp_min(1e-12)[..., None]
    proj = torch.einsum("...m,...mn->...n", unit, W[..., :, :-1])
    sup = (proj**2).sum(-1)
    codes = torch.full(norm.shape, 2, dtype=torch.long)
    codes[sup > superposition_threshold] = 1
    codes[norm < norm_threshold] = 0
    return codes
