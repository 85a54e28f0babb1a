"""How to train: :class:`TrainConfig` (the book's fast settings and the paper's) and the
learning-rate schedule."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from .._validate import check_choice, check_positive_int, check_real, check_seed

__all__ = ["TrainConfig", "lr_factor"]


@dataclass(frozen=True)
class TrainConfig:
    """How to train. The defaults are the fast settings this book uses.

    ``TrainConfig.paper()`` gives the paper notebook's settings (AdamW, lr 1e-3, 10,000
    steps, constant learning rate); with ``lr=1e-2`` and a few thousand steps the same
    structures appear in a fraction of the time.

    ``bias_init="mean"`` starts every bias at its feature's mean ``p/2`` (the best constant
    prediction) instead of zero (the paper's start); dense uniform-importance models reach
    their optimum from there (chapter 6).

    ``sparse_below=p`` draws the training batches of every instance whose density is at
    most ``p`` sparsely (only its active entries, see :class:`~toymodels_lib.data.FeatureSampler`),
    and the linear and ReLU-output models then multiply by those entries only. Same
    distribution, fewer random draws; different numbers than the dense draw of the same
    seed. ``0`` (the default) draws every batch densely.
    """

    steps: int = 3000
    batch_size: int = 1024
    lr: float = 1e-2
    optimizer: str = "adam"
    weight_decay: float = 0.0
    schedule: str = "cosine"
    warmup_steps: int = 0
    seed: int = 0
    device: str = "auto"
    log_every: int = 50
    eval_samples: int = 32768
    progress: bool = False
    analytic_grad: bool = True
    bias_init: str = "zero"
    sparse_below: float = 0.0

    def __post_init__(self) -> None:
        check_positive_int("steps", self.steps)
        check_positive_int("batch_size", self.batch_size)
        check_real("lr", self.lr, low=0.0, low_open=True)
        check_choice("optimizer", self.optimizer, ("adam", "adamw"))
        check_real("weight_decay", self.weight_decay, low=0.0)
        check_choice("schedule", self.schedule, ("constant", "cosine", "linear"))
        check_positive_int("warmup_steps", self.warmup_steps, minimum=0)
        if self.warmup_steps >= self.steps:
            raise ValueError(
                f"warmup_steps={self.warmup_steps} must be smaller than steps={self.steps}"
            )
        check_seed("seed", self.seed)
        if not isinstance(self.device, str) or not (
            self.device in ("auto", "cpu", "cuda") or self.device.startswith("cuda:")
        ):
            raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {self.device!r}")
        check_choice("bias_init", self.bias_init, ("zero", "mean"))
        check_real("sparse_below", self.sparse_below, low=0.0, high=1.0)
        check_positive_int("log_every", self.log_every)
        check_positive_int("eval_samples", self.eval_samples)
        if not isinstance(self.progress, bool):
            raise TypeError(f"progress must be True or False, got {self.progress!r}")

    @classmethod
    def paper(cls, **overrides: Any) -> "TrainConfig":
        """The paper notebook's settings: AdamW (weight decay 0.01), lr 1e-3, 10k steps, constant."""
        base = cls(steps=10_000, lr=1e-3, optimizer="adamw", weight_decay=0.01, schedule="constant")
        return replace(base, **overrides)

    def with_(self, **changes: Any) -> "TrainConfig":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


def lr_factor(step: int, config: TrainConfig) -> float:
    """Multiplier of the base learning rate at ``step`` (0-based)."""
    if step < config.warmup_steps:
        return (step + 1) / config.warmup_steps
    span = max(1, config.steps - config.warmup_steps)
    frac = (step - config.warmup_steps) / span
    if config.schedule == "constant":
        return 1.0
    if config.schedule == "linear":
        return 1.0 - frac
    return 0.5 * (1.0 + math.cos(math.pi * frac))


def _check_config(config: Any) -> TrainConfig:
    if config is None:
        return TrainConfig()
    if isinstance(config, dict):
        raise TypeError(f"config must be a TrainConfig, got a dict; write TrainConfig(**{config!r})")
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    return config


