"""Hooks that record training dynamics (chapter 7): :class:`WeightRecorder` keeps a copy of
every instance's weights, biases and training loss at each logged step."""

from __future__ import annotations

import torch

from .._validate import as_float_tensor, check_choice, check_positive_int
from ..models import ToyModel

__all__ = ["WeightRecorder", "recorded_losses"]


class WeightRecorder:
    """A training hook that snapshots the weights (chapter 7, learning dynamics).

    Pass it to ``fit(..., hooks=[rec])`` or ``train_models(..., hooks=[rec])``; the trainer
    calls it every ``config.log_every`` steps and after the last step (so
    ``TrainConfig(log_every=...)`` sets how often it records).

    After training: ``rec.steps`` (``[snapshots]``), ``rec.W``
    (``[snapshots, instances, hidden, features]``), ``rec.b``
    (``[snapshots, instances, features]``) and ``rec.losses`` (the training batch's
    per-instance loss, ``[snapshots, instances]``), all on the CPU.

    >>> rec = WeightRecorder()
    >>> res = train_models("relu", 20, 5, sparsity=0.7, hooks=[rec])
    >>> metrics.feature_dimensionality(rec.W[-1])  # [instances, features]
    """

    def __init__(self) -> None:
        self._steps: list[int] = []
        self._W: list[torch.Tensor] = []
        self._b: list[torch.Tensor] = []
        self._losses: list[torch.Tensor] = []

    def __call__(self, step: int, model: ToyModel, losses: torch.Tensor) -> None:
        if self._steps and step <= self._steps[-1]:
            raise ValueError(
                f"WeightRecorder got step {step} after step {self._steps[-1]}: use a fresh recorder for each run"
            )
        self._steps.append(int(step))
        self._W.append(model.W.detach().cpu().clone())
        self._b.append(model.b.detach().cpu().clone())
        self._losses.append(losses.detach().cpu().reshape(-1).clone())

    def _stacked(self, items: list[torch.Tensor]) -> torch.Tensor:
        if not items:
            raise ValueError("the recorder is empty: pass it to fit(..., hooks=[recorder]) and train first")
        return torch.stack(items)

    @property
    def steps(self) -> torch.Tensor:
        return torch.tensor(self._steps, dtype=torch.long)

    @property
    def W(self) -> torch.Tensor:
        return self._stacked(self._W)

    @property
    def b(self) -> torch.Tensor:
        return self._stacked(self._b)

    @property
    def losses(self) -> torch.Tensor:
        return self._stacked(self._losses)

    def __len__(self) -> int:
        return len(self._steps)

    def __repr__(self) -> str:
        return f"WeightRecorder({len(self)} snapshots)"


def recorded_losses(
    recorder: WeightRecorder,
    *,
    data: torch.Tensor,
    instance: int = 0,
    kind: str = "relu",
    importance: float | torch.Tensor = 1.0,
) -> torch.Tensor:
    """The loss of every snapshot of one instance on the same fixed samples (chapter 7).

    ``data`` is a batch ``[batch, features]`` (or ``[1, batch, features]``), the same for
    every snapshot, so the curve is free of the training batches' noise. ``kind="linear"``
    evaluates the same weights and biases without the output ReLU: where the two curves
    agree, no ReLU is doing any work. Returns ``[snapshots]`` (the paper's loss, a sum over
    features, mean over the batch).
    """
    if not isinstance(recorder, WeightRecorder):
        raise TypeError(f"recorder must be a WeightRecorder, got {type(recorder).__name__}")
    check_choice("kind", kind, ("relu", "linear"))
    W, b = recorder.W, recorder.b
    instance = check_positive_int("instance", instance, minimum=0)
    if instance >= W.shape[1]:
        raise ValueError(f"instance must be below the number of instances ({W.shape[1]}), got {instance}")
    x = as_float_tensor("data", data, min_dim=2, max_dim=3)
    if x.dim() == 3:
        if x.shape[0] != 1:
            raise ValueError(f"data must be [batch, features] or [1, batch, features], got shape {tuple(x.shape)}")
        x = x[0]
    if x.shape[-1] != W.shape[-1]:
        raise ValueError(f"data has {x.shape[-1]} features; the recorded model has {W.shape[-1]}")
    imp = torch.as_tensor(importance, dtype=torch.float32)
    w, bias = W[:, instance], b[:, instance]  # [snapshots, m, n], [snapshots, n]
    with torch.no_grad():
        pre = (x @ w.transpose(-1, -2)) @ w + bias[:, None, :]  # [snapshots, batch, n]
        out = torch.relu(pre) if kind == "relu" else pre
        return (imp * (x - out) ** 2).sum(-1).mean(-1)
