"""What training returns: :class:`TrainResult`, every seed of every configuration, with
:meth:`TrainResult.best` keeping the lowest-loss seed of each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import torch

from ..models import ToyModel
from .config import TrainConfig

__all__ = ["TrainResult"]


@dataclass
class TrainResult:
    """What training returns.

    The instance axis is ``configurations × seeds`` (configuration-major): instance
    ``c * n_seeds + s`` is seed ``s`` of configuration ``c``. :meth:`best` keeps the
    lowest-loss seed of each configuration.
    """

    kind: str
    n_features: int
    n_hidden: int
    W: torch.Tensor  # [instances, hidden, features]
    b: torch.Tensor  # [instances, features]
    losses: torch.Tensor  # [instances], evaluated on fresh data after training
    sparsity: torch.Tensor  # [instances, features]
    importance: torch.Tensor  # [instances, features]
    history_steps: list[int]
    history: torch.Tensor  # [logs, instances], training loss
    config: TrainConfig
    n_seeds: int = 1
    seconds: float = 0.0
    model: ToyModel | None = field(default=None, repr=False)
    W_out: torch.Tensor | None = None  # [instances, hidden, features], untied models only

    @property
    def n_instances(self) -> int:
        return int(self.W.shape[0])

    @property
    def n_configs(self) -> int:
        return self.n_instances // self.n_seeds

    @property
    def density(self) -> torch.Tensor:
        """``1 − S`` per instance and feature."""
        return 1.0 - self.sparsity

    @property
    def ms_per_step(self) -> float:
        return 1000.0 * self.seconds / self.config.steps

    def seed_losses(self) -> torch.Tensor:
        """Final losses as ``[configurations, seeds]``."""
        return self.losses.reshape(self.n_configs, self.n_seeds)

    def select(self, index: Sequence[int] | torch.Tensor) -> "TrainResult":
        """A result holding only the given instances (as one seed each)."""
        idx = torch.as_tensor(index, dtype=torch.long)
        if idx.dim() != 1 or (idx.numel() and (idx.min() < 0 or idx.max() >= self.n_instances)):
            raise ValueError(
                f"index must be a list of instance numbers in [0, {self.n_instances}), got {index!r}"
            )
        return replace(
            self,
            W=self.W[idx],
            b=self.b[idx],
            W_out=None if self.W_out is None else self.W_out[idx],
            losses=self.losses[idx],
            sparsity=self.sparsity[idx],
            importance=self.importance[idx],
            history=self.history[:, idx],
            n_seeds=1,
            model=None,
        )

    def best(self) -> "TrainResult":
        """Keep the lowest-loss seed of each configuration."""
        choice = self.seed_losses().argmin(dim=1)
        return self.select(torch.arange(self.n_configs) * self.n_seeds + choice)

    def to_dict(self) -> dict[str, Any]:
        """Plain arrays and settings (for saving as ``.npz``)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "n_features": self.n_features,
            "n_hidden": self.n_hidden,
            "W": self.W.numpy(),
            "b": self.b.numpy(),
            "losses": self.losses.numpy(),
            "sparsity": self.sparsity.numpy(),
            "importance": self.importance.numpy(),
            "n_seeds": self.n_seeds,
            "config": asdict(self.config),
        }
        if self.W_out is not None:
            out["W_out"] = self.W_out.numpy()
        return out


