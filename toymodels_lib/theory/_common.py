"""Argument parsing shared by the theory modules: density, importance, weights and biases in float64."""

from __future__ import annotations

import torch

from .._types import ArrayLike, Biases, Probability, Weights
from .._validate import as_float_tensor, as_weights, resolve_density


def density_of(sparsity: Probability | None, density: Probability | None, *, max_dim: int | None = 2) -> torch.Tensor:
    """The density ``p = 1 − S`` in float64 from exactly one of ``sparsity=`` or ``density=``.

    ``max_dim=None`` allows any number of dimensions (for elementwise formulas;
    :func:`~toymodels_lib._validate.resolve_density` hands it to ``as_float_tensor``, where
    None means no limit).
    """
    return resolve_density(sparsity, density, max_dim=max_dim, dtype=torch.float64)


def probability_name(sparsity: Probability | None, density: Probability | None) -> str:
    """The keyword the caller used (``"sparsity"`` or ``"density"``), for error messages."""
    return "sparsity" if sparsity is not None else "density"


def per_feature_density(sparsity: Probability | None, density: Probability | None, n_features: int) -> torch.Tensor:
    """The density of each of ``n_features`` features, ``[n_features]``: one shared number or one per feature."""
    p = density_of(sparsity, density)
    if p.dim() > 1 or (p.dim() == 1 and p.shape[0] != n_features):
        raise ValueError(
            f"{probability_name(sparsity, density)} must be a number or one value per feature "
            f"({n_features}), got shape {tuple(p.shape)}"
        )
    return p.expand(n_features)


def importance_vector(importance: ArrayLike, n_features: int | None = None) -> torch.Tensor:
    """Feature importances as a float64 vector of values ``>= 0``.

    With ``n_features`` a single number is repeated for every feature and a vector must have
    that length; without it ``importance`` must be a vector (its length is the number of features).
    """
    if n_features is None:
        imp = as_float_tensor("importance", importance, min_dim=1, max_dim=1, dtype=torch.float64)
    else:
        imp = as_float_tensor("importance", importance, max_dim=1, dtype=torch.float64)
        if imp.dim() == 0:
            imp = imp.expand(n_features)
        if imp.shape[0] != n_features:
            raise ValueError(
                f"importance must be a number or one value per feature ({n_features}), got shape {tuple(imp.shape)}"
            )
    if (imp < 0).any():
        raise ValueError(f"importance must be >= 0, got {float(imp.min()):g}")
    return imp


def weights_and_bias(W: Weights, b: Biases | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``W`` ``[..., m, n]`` and (if given) ``b`` ``[..., n]`` as float64 tensors of matching shapes.

    ``W`` is read by the library's one weight reader (:func:`~toymodels_lib._validate.as_weights`),
    which refuses the ``[features, hidden]`` layout of the paper's notebook."""
    w = as_weights("W", W, dtype=torch.float64)
    if b is None:
        return w, None
    bias = as_float_tensor("b", b, min_dim=1, dtype=torch.float64)
    if bias.shape[-1] != w.shape[-1] or tuple(bias.shape[:-1]) != tuple(w.shape[:-2]):
        raise ValueError(
            f"b must have shape {tuple(w.shape[:-2]) + (w.shape[-1],)} to match W {tuple(w.shape)}, "
            f"got {tuple(bias.shape)}"
        )
    return w, bias
