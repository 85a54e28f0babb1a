"""The paper's loss, written once for the whole library (models, trainer, theory, checks)."""

from __future__ import annotations

import torch

__all__ = ["importance_weighted_loss"]


def importance_weighted_loss(output: torch.Tensor, target: torch.Tensor, importance: torch.Tensor) -> torch.Tensor:
    """The paper's loss: ``mean over the batch of Σ_i I_i (target_i − output_i)²``, a sum over
    features (the paper's own notebook takes the mean over features, smaller by ``n``).

    ``output`` and ``target`` are ``[..., batch, features]`` (``[instances, batch, features]``
    for a batch of models); ``importance`` is ``[..., features]`` (``[instances, features]``,
    or ``[features]`` shared); returns ``[...]`` (one loss per instance).
    """
    return ((output - target) ** 2 * importance.unsqueeze(-2)).sum(-1).mean(-1)
