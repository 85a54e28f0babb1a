"""Adversarial training of ReLU-output toy models (chapter 8): every step attacks each model
with the paper's analytic attack on a random feature, at a norm that is a fixed fraction of
the batch's mean input norm, and trains on the attacked inputs with the clean inputs as
targets."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import torch

from .._types import Probability
from .._validate import as_float_tensor, check_positive_int
from ..data import FeatureSampler, broadcast_importance, broadcast_sparsity
from ..models import importance_weighted_loss, make_model
from ..optim import FlatAdam
from .config import TrainConfig, _check_config, lr_factor
from .result import TrainResult

__all__ = ["adversarial_train"]


def adversarial_train(
    n_features: int,
    n_hidden: int,
    *,
    attack_fractions: Sequence[float],
    sparsity: Probability | None = None,
    density: Probability | None = None,
    importance: Any = 1.0,
    config: TrainConfig | None = None,
) -> TrainResult:
    """Train one ReLU-output model per attack size, each under attack (chapter 8).

    Model ``k`` is attacked at every step with norm ``attack_fractions[k] × E‖x‖`` (the
    batch's mean input norm): a feature ``i`` drawn at random for the step, the input moved by
    ``λ (WᵀW)_i / ‖(WᵀW)_i‖`` computed from the current weights (held fixed for the step's
    gradient, as usual in adversarial training), the loss taken against the clean input. A
    fraction of 0 is ordinary training. Same optimiser, schedule and data streams as
    :func:`~toymodels_lib.train.fit` (with autograd); returns a :class:`TrainResult` whose
    ``losses`` are clean losses on fresh samples.
    """
    config = _check_config(config)
    n = check_positive_int("n_features", n_features)
    m = check_positive_int("n_hidden", n_hidden)
    fr = as_float_tensor("attack_fractions", attack_fractions, min_dim=1, max_dim=1)
    if fr.numel() == 0 or (fr < 0).any():
        raise ValueError(f"attack_fractions must be a non-empty list of numbers >= 0, got {list(attack_fractions)!r}")
    k = fr.numel()
    sp = broadcast_sparsity(k, n, sparsity=sparsity, density=density)
    imp = broadcast_importance(importance, k, n)
    model = make_model("relu", n, m, k, seed=config.seed)
    if config.bias_init == "mean":
        with torch.no_grad():
            model.b.copy_((1.0 - sp) / 2)
    sampler = FeatureSampler(k, n, sparsity=sp, seed=config.seed)
    opt = FlatAdam(list(model.parameters()), lr=config.lr, weight_decay=config.weight_decay,
                   decoupled=config.optimizer == "adamw")
    gen = torch.Generator().manual_seed(config.seed)
    steps_logged: list[int] = []
    logged: list[torch.Tensor] = []
    start = time.perf_counter()
    for step in range(config.steps):
        x = sampler(config.batch_size)
        with torch.no_grad():
            gram = model.W.transpose(-1, -2) @ model.W  # [k, n, n]
            feat = torch.randint(0, n, (k,), generator=gen)
            rows = gram[torch.arange(k), feat]  # [k, n]
            lam = fr * x.norm(dim=-1).mean(-1)  # [k]
            delta = lam[:, None] * rows / rows.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        loss = importance_weighted_loss(model(x + delta[:, None, :]), x, imp)
        loss.sum().backward()
        opt.gather_grads()
        opt.step(config.lr * lr_factor(step, config))
        if step % config.log_every == 0 or step == config.steps - 1:
            steps_logged.append(step)
            logged.append(loss.detach().cpu())
    seconds = time.perf_counter() - start
    with torch.no_grad():
        xe = FeatureSampler(k, n, sparsity=sp, seed=config.seed + 1).sample(config.eval_samples)
        clean = importance_weighted_loss(model(xe), xe, imp)
    return TrainResult(
        kind=model.kind, n_features=n, n_hidden=m, W=model.W.detach().clone(), b=model.b.detach().clone(),
        losses=clean, sparsity=sp, importance=imp, history_steps=steps_logged, history=torch.stack(logged),
        config=config, n_seeds=1, seconds=seconds, model=model,
    )
