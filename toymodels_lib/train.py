"""One fast trainer for every toy model.

The loss is the paper's: per instance, ``L = E_x Σ_i I_i (x_i − x'_i)²``, a sum over
features and a mean over the batch (the paper's own notebook and many replications take
the mean over features instead, which is smaller by a factor ``n``). Instances are trained
together but independently: the optimiser is elementwise and the total loss is the sum of
the per-instance losses, so each instance gets exactly its own gradient.

Speed comes from the instance-first layout (batched matrix products, no transposes), one
random draw per feature value from per-instance streams filled on two threads, and, for
the linear and ReLU-output models, a hand-derived backward pass that skips autograd (it is
tested against autograd).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import torch

from ._types import Batch, PerInstance, Probability
from ._validate import check_choice, check_positive_int, check_real, resolve_device, resolve_sparsity
from .data import (
    EVAL_STREAM,
    FeatureSampler,
    broadcast_importance,
    broadcast_sparsity,
)
from .models import ToyModel, importance_weighted_loss, make_model
from .optim import FlatAdam

__all__ = [
    "DataSource",
    "Hook",
    "TrainConfig",
    "TrainResult",
    "evaluate_loss",
    "fit",
    "lr_factor",
    "train_models",
]

DataSource = Callable[[int], Batch]
"""A callable that takes a batch size and returns ``[instances, batch, features]``."""

Target = Callable[[Batch], Batch]
"""A map from inputs to targets (``torch.abs`` for the absolute-value task)."""

Hook = Callable[[int, ToyModel, torch.Tensor], None]
"""Called as ``hook(step, model, losses)`` every ``log_every`` steps and after the last step;
``losses`` is the per-instance training loss ``[instances]`` of that step."""


@dataclass(frozen=True)
class TrainConfig:
    """How to train. The defaults are the fast settings this book uses.

    ``TrainConfig.paper()`` gives the paper notebook's settings (AdamW, lr 1e-3, 10,000
    steps, constant learning rate); with ``lr=1e-2`` and a few thousand steps the same
    structures appear in a fraction of the time.

    ``bias_init="mean"`` starts every bias at its feature's mean ``p/2`` (the best constant
    prediction) instead of zero (the paper's start); dense uniform-importance models reach
    their optimum from there (chapter 6).
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
        check_positive_int("seed", self.seed, minimum=0)
        if not isinstance(self.device, str) or not (
            self.device in ("auto", "cpu", "cuda") or self.device.startswith("cuda:")
        ):
            raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {self.device!r}")
        check_choice("bias_init", self.bias_init, ("zero", "mean"))
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
        return {
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


def _uses_analytic(model: ToyModel, config: TrainConfig, target: Any) -> bool:
    if not config.analytic_grad or target is not None:
        return False
    if type(model).analytic_loss_grad is ToyModel.analytic_loss_grad:
        return False
    return [p for p in model.parameters()] == [model.W, model.b]


def _check_model(model: Any) -> ToyModel:
    if not isinstance(model, ToyModel):
        raise TypeError(
            f"model must be a ToyModel (make one with make_model or ToyModel.from_weights), got {type(model).__name__}"
        )
    return model


@torch.no_grad()
def evaluate_loss(
    model: ToyModel,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    importance: Any = 1.0,
    n_samples: int = 32768,
    seed: int = 0,
    batch_size: int = 4096,
    stream_ids: Sequence[int] | None = None,
    data: DataSource | None = None,
    target: Target | None = None,
) -> PerInstance:
    """Per-instance loss ``[instances]`` on fresh samples from the evaluation stream.

    Give ``sparsity=`` or ``density=`` (or ``data=``, a batch source, instead of either).
    """
    model = _check_model(model)
    n_samples = check_positive_int("n_samples", n_samples)
    batch_size = check_positive_int("batch_size", batch_size)
    if data is None:
        sp = broadcast_sparsity(model.n_instances, model.n_features, sparsity=sparsity, density=density)
    elif sparsity is not None or density is not None:
        raise TypeError("give either data= or sparsity=/density=, not both")
    device = model.W.device
    imp = broadcast_importance(importance, model.n_instances, model.n_features).to(device)
    sampler = data or FeatureSampler(
        model.n_instances,
        model.n_features,
        sparsity=sp,
        seed=seed,
        device=device,
        stream=EVAL_STREAM,
        stream_ids=stream_ids,
    )
    total = torch.zeros(model.n_instances, device=device)
    done = 0
    while done < n_samples:
        size = min(batch_size, n_samples - done)
        x = sampler(size)
        y = target(x) if target is not None else x
        total += importance_weighted_loss(model(x), y, imp) * size
        done += size
    return (total / n_samples).cpu()


def _check_config(config: Any) -> TrainConfig:
    if config is None:
        return TrainConfig()
    if isinstance(config, dict):
        raise TypeError(f"config must be a TrainConfig, got a dict; write TrainConfig(**{config!r})")
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    return config


def _warn_if_not_learning(initial: torch.Tensor, final: torch.Tensor, config: TrainConfig) -> None:
    """A run whose loss ends above where it started did not learn: say so.

    ``initial`` and ``final`` are the losses of the untrained and the trained model on the
    same evaluation samples (for the library's own data), so any increase is real; with a
    custom ``data=`` source, ``initial`` is the first step's batch loss, and only an
    increase by more than half counts.
    """
    worse = torch.nonzero(final > initial).flatten().tolist()
    if worse:
        shown = ", ".join(map(str, worse[:8])) + (" ..." if len(worse) > 8 else "")
        warnings.warn(
            f"the loss of instance(s) {shown} ended above where it started "
            f"(lr={config.lr:g}, {config.steps} steps): the run did not learn; try a smaller lr",
            RuntimeWarning,
            stacklevel=3,
        )


def fit(
    model: ToyModel,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    importance: Any = 1.0,
    config: TrainConfig | None = None,
    hooks: Sequence[Hook] = (),
    data: DataSource | None = None,
    target: Target | None = None,
    n_seeds: int = 1,
) -> TrainResult:
    """Train every instance of ``model`` and return a :class:`TrainResult`.

    Parameters
    ----------
    model:
        Any :class:`~toymodels_lib.models.ToyModel`; its instances train side by side.
    sparsity, density:
        Exactly one, as a keyword: ``S`` in [0, 1) or ``1 − S`` in (0, 1]; a number,
        ``[instances]`` or ``[instances, features]``. With ``data=`` they only label the
        result (give the data's own density, or leave both out for "unknown").
    importance:
        ``I_i``: a number, ``[features]`` or ``[instances, features]``.
    config:
        :class:`TrainConfig` (defaults to ``TrainConfig()``).
    hooks:
        Callables ``hook(step, model, losses)`` run every ``config.log_every`` steps.
    data:
        Optional batch source ``data(batch_size) -> [instances, batch, features]`` that
        replaces the sparse uniform features (correlated or signed features, say).
    target:
        Optional map from inputs to targets (``torch.abs`` for the absolute-value task);
        by default the model reconstructs its input.
    n_seeds:
        How many consecutive instances are seeds of one configuration (for :meth:`TrainResult.best`).
    """
    model = _check_model(model)
    config = _check_config(config)
    n_seeds = check_positive_int("n_seeds", n_seeds)
    if model.n_instances % n_seeds:
        raise ValueError(
            f"n_seeds={n_seeds} must divide the number of instances ({model.n_instances})"
        )
    for h in hooks:
        if not callable(h):
            raise TypeError(f"every hook must be callable, got {h!r}")
    n_inst, n_feat = model.n_instances, model.n_features
    if data is not None and sparsity is None and density is None:
        sp = torch.full((n_inst, n_feat), float("nan"))
    else:
        sp = broadcast_sparsity(n_inst, n_feat, sparsity=sparsity, density=density)
    imp_cpu = broadcast_importance(importance, n_inst, n_feat)
    device = resolve_device(config.device)
    if config.bias_init == "mean":
        if data is not None:
            raise ValueError("bias_init='mean' needs the sparse uniform data (its mean is p/2); it cannot be used with data=")
        with torch.no_grad():
            model.b.copy_(((1.0 - sp) / 2).to(model.b.dtype))
    model.to(device)
    imp = imp_cpu.to(device)
    sampler = data or FeatureSampler(n_inst, n_feat, sparsity=sp, seed=config.seed, device=device)

    def evaluate(m: ToyModel) -> torch.Tensor:
        return evaluate_loss(
            m,
            sparsity=None if data is not None else sp,
            importance=imp_cpu,
            n_samples=config.eval_samples,
            seed=config.seed,
            stream_ids=[k // n_seeds for k in range(n_inst)],
            data=data,
            target=target,
        )

    # the untrained model's loss on the evaluation samples (only with the library's own
    # data: a custom source would be advanced by it), to tell a run that did not learn
    initial = evaluate(model) if data is None else None

    opt = FlatAdam(
        list(model.parameters()),
        lr=config.lr,
        weight_decay=config.weight_decay,
        decoupled=config.optimizer == "adamw",
    )
    analytic = _uses_analytic(model, config, target)

    steps_logged: list[int] = []
    logged: list[torch.Tensor] = []
    bar = None
    if config.progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=config.steps, desc=f"training {n_inst} {model.label} models", leave=False)

    batches = sampler.stream(config.batch_size) if isinstance(sampler, FeatureSampler) else None
    start = time.perf_counter()
    for step in range(config.steps):
        lr = config.lr * lr_factor(step, config)
        x = next(batches) if batches is not None else sampler(config.batch_size)
        if analytic:
            loss, dW, db = model.analytic_loss_grad(x, imp)
            opt.grad_views[0].copy_(dW)
            opt.grad_views[1].copy_(db)
        else:
            y = target(x) if target is not None else x
            loss = importance_weighted_loss(model(x), y, imp)
            loss.sum().backward()
            opt.gather_grads()
            loss = loss.detach()
        opt.step(lr)
        last = step == config.steps - 1
        if step % config.log_every == 0 or last:
            if not torch.isfinite(loss).all():
                raise FloatingPointError(
                    f"training diverged at step {step} (loss is not finite); "
                    f"try a smaller learning rate than lr={config.lr}"
                )
            steps_logged.append(step)
            logged.append(loss.cpu())
            for h in hooks:
                h(step, model, loss)
            if bar is not None:
                bar.update(step + 1 - bar.n)
                bar.set_postfix(loss=f"{float(loss.mean()):.4g}")
    seconds = time.perf_counter() - start
    if batches is not None:
        batches.close()
    if bar is not None:
        bar.close()

    losses = evaluate(model)
    if initial is None:
        initial = 1.5 * logged[0]
    _warn_if_not_learning(initial, losses * 0.999, config)
    return TrainResult(
        kind=model.kind,
        n_features=n_feat,
        n_hidden=model.n_hidden,
        W=model.W.detach().cpu().clone(),
        b=model.b.detach().cpu().clone(),
        losses=losses,
        sparsity=sp,
        importance=imp_cpu,
        history_steps=steps_logged,
        history=torch.stack(logged),
        config=config,
        n_seeds=n_seeds,
        seconds=seconds,
        model=model,
    )


def train_models(
    kind: str,
    n_features: int,
    n_hidden: int,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    importance: Any = 1.0,
    config: TrainConfig | None = None,
    n_seeds: int = 1,
    hooks: Sequence[Hook] = (),
) -> TrainResult:
    """Build and train one model per configuration, ``n_seeds`` seeds each, in one run.

    ``sparsity=`` or ``density=`` gives one value per configuration (a number means one
    configuration; ``[configurations, n_features]`` for per-feature values); ``importance``
    is a number, ``[n_features]`` (shared) or ``[configurations, n_features]``. The result
    keeps every seed; call ``.best()`` for the lowest-loss seed per configuration.

    >>> res = train_models("relu", 20, 5, sparsity=[0.0, 0.9, 0.999], importance=importance_decay(20, 0.7))
    """
    config = _check_config(config)
    n_seeds = check_positive_int("n_seeds", n_seeds)
    n_features = check_positive_int("n_features", n_features)
    sp = configuration_sparsity(n_features, sparsity=sparsity, density=density)
    n_configs = sp.shape[0]
    imp = broadcast_importance(importance, n_configs, n_features)
    model = make_model(kind, n_features, n_hidden, n_configs * n_seeds, seed=config.seed)
    return fit(
        model,
        sparsity=sp.repeat_interleave(n_seeds, dim=0),
        importance=imp.repeat_interleave(n_seeds, dim=0),
        config=config,
        hooks=hooks,
        n_seeds=n_seeds,
    )


def configuration_sparsity(
    n_features: int, *, sparsity: Probability | None = None, density: Probability | None = None
) -> torch.Tensor:
    """Sparsity per configuration as ``[configurations, n_features]``."""
    s = resolve_sparsity(sparsity, density)
    name = "sparsity" if density is None else "density"
    if s.dim() == 0:
        s = s[None]
    if s.numel() == 0:
        raise ValueError(f"{name} must hold at least one configuration, got an empty list")
    if s.dim() == 1:
        return s[:, None].expand(s.shape[0], n_features).clone()
    if s.shape[1] != n_features:
        raise ValueError(
            f"{name} has shape {tuple(s.shape)}; per-feature values must be "
            f"[configurations, {n_features}]"
        )
    return s
