"""The training loop: :func:`fit` trains every instance of a model, :func:`train_models`
builds and trains one model per configuration and seed, :func:`evaluate_loss` measures."""

from __future__ import annotations

import contextlib
import functools
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch

from .._types import Batch, PerInstance, Probability
from .._validate import check_choice, check_positive_int, resolve_device, resolve_sparsity
from ..data import (
    EVAL_STREAM,
    FEATURE_KINDS,
    FeatureSampler,
    StreamKey,
    _pool,
    broadcast_importance,
    broadcast_sparsity,
    instance_keys,
)
from ..models import ToyModel, features_first_loss, importance_weighted_loss, make_model
from ..optim import FlatAdam
from .config import TrainConfig, _check_config, lr_factor
from .result import TrainResult

__all__ = ["DataSource", "Hook", "Target", "configuration_sparsity", "evaluate_loss", "fit", "train_models"]

DataSource = Callable[[int], Batch]
"""A callable that takes a batch size and returns ``[instances, batch, features]``."""

Target = Callable[[Batch], Batch]
"""A map from inputs to targets (``torch.abs`` for the absolute-value task)."""

Hook = Callable[[int, ToyModel, torch.Tensor], None]
"""Called as ``hook(step, model, losses)`` every ``log_every`` steps and after the last step;
``losses`` is the per-instance training loss ``[instances]`` of that step."""



def _uses_analytic(model: ToyModel, config: TrainConfig, target: Any) -> bool:
    return config.analytic_grad and target is None and model.has_analytic_step


def _check_model(model: Any) -> ToyModel:
    if not isinstance(model, ToyModel):
        raise TypeError(
            f"model must be a ToyModel (make one with make_model or ToyModel.from_weights), got {type(model).__name__}"
        )
    return model


def _check_callables(data: Any, target: Any) -> None:
    """``data`` and ``target``, when given, must be callables (checked before anything runs)."""
    if data is not None and not callable(data):
        raise TypeError(
            "data must be a callable data(batch_size) -> tensor [instances, batch, features] "
            f"(a FeatureSampler, say), got {_describe(data)}; to train on fixed samples x, "
            "pass data=lambda batch_size: x"
        )
    if target is not None and not callable(target):
        raise TypeError(
            f"target must be a callable target(x) -> tensor shaped like x (torch.abs, say), got {_describe(target)}"
        )


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"a NumPy array ({value.dtype}) of shape {value.shape}"
    if value is None:
        return "None"
    return f"an object of type {type(value).__name__}"


def _check_tensor(name: str, call: str, value: Any, model: ToyModel, shape: tuple[int, ...] | None) -> None:
    """Raise if ``value`` (what ``call`` returned) is not a finite float tensor ``[I, batch, n]``
    (or of exactly ``shape``) on the model's device and in its dtype. Runs on the first batch
    only: it reads every number once (the finiteness check)."""
    n_inst, n_feat = model.n_instances, model.n_features
    expected = (
        f"[{n_inst}, batch, {n_feat}] (instances, batch, features)" if shape is None
        else f"of shape {list(shape)}, like its input"
    )
    what = f"{name} must return a float tensor {expected}; {call} returned"
    if not isinstance(value, torch.Tensor):
        hint = " (convert it with torch.from_numpy(a).float())" if isinstance(value, np.ndarray) else ""
        raise TypeError(f"{what} {_describe(value)}{hint}")
    if shape is None:
        ok = value.dim() == 3 and value.shape[0] == n_inst and value.shape[1] > 0 and value.shape[2] == n_feat
    else:
        ok = tuple(value.shape) == shape
    if not ok:
        hint = ""
        if shape is None and value.dim() == 2 and value.shape[-1] == n_feat:
            hint = f": the instance axis is missing (x.unsqueeze(0).expand({n_inst}, -1, -1) adds it)"
        raise ValueError(f"{what} shape {tuple(value.shape)}{hint}")
    if value.dtype != model.W.dtype:
        raise TypeError(
            f"{what} a {value.dtype} tensor; the model's weights are {model.W.dtype} (convert with .to({model.W.dtype}))"
        )
    if value.device != model.W.device:
        raise ValueError(
            f"{what} a tensor on {value.device}; the model is on {model.W.device} (move it with .to({str(model.W.device)!r}))"
        )
    if not bool(torch.isfinite(value).all()):
        raise ValueError(f"{what} {_describe(value)} with NaN or infinite entries")


def _check_batch(model: ToyModel, x: Any, batch_size: int, *, first: bool) -> None:
    """A custom source's batch: fully checked the first time, then by a cheap shape comparison."""
    if (
        not first
        and isinstance(x, torch.Tensor)
        and x.dim() == 3
        and x.shape[0] == model.n_instances
        and x.shape[2] == model.n_features
    ):
        return
    _check_tensor("data", f"data({batch_size})", x, model, None)


def _check_target(model: ToyModel, x: torch.Tensor, y: Any) -> None:
    """What ``target(x)`` returned for the first batch: shaped like ``x``."""
    _check_tensor("target", f"target(x) for x of shape {tuple(x.shape)}", y, model, tuple(x.shape))


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
    stream_ids: Sequence[StreamKey] | None = None,
    data: DataSource | None = None,
    target: Target | None = None,
    features: str = "uniform",
) -> PerInstance:
    """Per-instance loss ``[instances]`` on fresh samples from the evaluation stream.

    Give ``sparsity=`` or ``density=`` (or ``data=``, a batch source, instead of either).
    ``features`` is the :class:`FeatureSampler` kind (``"signed"`` for the absolute-value
    task of chapter 10, with ``target=torch.abs``).
    """
    model = _check_model(model)
    features = check_choice("features", features, FEATURE_KINDS)
    n_samples = check_positive_int("n_samples", n_samples)
    batch_size = check_positive_int("batch_size", batch_size)
    _check_callables(data, target)
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
        kind=features,
        device=device,
        stream=EVAL_STREAM,
        stream_ids=stream_ids,
    )
    if (
        data is None and target is None and device.type == "cpu" and model.has_analytic_step
        and _step_work(model, batch_size) > SINGLE_THREAD_WORK
    ):
        assert isinstance(sampler, FeatureSampler)
        with _intra_op_threads(1):
            return _evaluate_grouped(model, sampler, imp, n_samples, batch_size)
    total = torch.zeros(model.n_instances, device=device)
    done = 0
    while done < n_samples:
        size = min(batch_size, n_samples - done)
        x = sampler(size)
        if data is not None:
            _check_batch(model, x, size, first=done == 0)
        y = target(x) if target is not None else x
        if target is not None and done == 0:
            _check_target(model, x, y)
        total += importance_weighted_loss(model(x), y, imp) * size
        done += size
    return (total / n_samples).cpu()


SINGLE_THREAD_WORK = 2**24
"""Multiply-adds per step (instances x features x hidden x batch) up to which :func:`fit`
uses one intra-op thread; larger runs use PyTorch's default."""


def _step_work(model: ToyModel, batch_size: int) -> int:
    """Multiply-adds of one product of a step: instances x features x hidden x batch."""
    return model.n_instances * model.n_features * model.n_hidden * batch_size


def _batch_size(config: Any) -> int:
    size = getattr(config, "batch_size", None)
    return size if isinstance(size, int) and size > 0 else TrainConfig().batch_size


@contextlib.contextmanager
def _intra_op_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` intra-op threads (``None``: leave the setting alone)."""
    before = torch.get_num_threads()
    if n is None or n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _single_threaded_when_small(train: Callable[..., TrainResult]) -> Callable[..., TrainResult]:
    """Run ``train(model, ...)`` on one intra-op thread when the model is small.

    A small model's per-step work is too small to share, and on a busy machine (other
    processes on the cores) the worker threads of a multi-threaded step wait for each
    other, so a run gets many times slower."""

    @functools.wraps(train)
    def run(model: ToyModel, **kwargs: Any) -> TrainResult:
        model = _check_model(model)
        with _intra_op_threads(1 if _step_work(model, _batch_size(kwargs.get("config"))) <= SINGLE_THREAD_WORK else None):
            return train(model, **kwargs)

    return run


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


@_single_threaded_when_small
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
    features: str = "uniform",
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
    features:
        The library's feature distribution when ``data`` is not given: ``"uniform"``
        (``U[0, 1]`` when active) or ``"signed"`` (``U[−1, 1]``, the absolute-value task of
        chapter 10, trained with ``target=torch.abs``).
    """
    model = _check_model(model)
    config = _check_config(config)
    features = check_choice("features", features, FEATURE_KINDS)
    if data is not None and features != "uniform":
        raise TypeError("give either data= or features=, not both (features= picks the library's own data)")
    n_seeds = check_positive_int("n_seeds", n_seeds)
    if model.n_instances % n_seeds:
        raise ValueError(
            f"n_seeds={n_seeds} must divide the number of instances ({model.n_instances})"
        )
    if callable(hooks) or isinstance(hooks, (str, bytes)) or not isinstance(hooks, Sequence):
        raise TypeError(f"hooks must be a list of callables hook(step, model, losses) (one hook: [hook]), got {hooks!r}")
    for h in hooks:
        if not callable(h):
            raise TypeError(f"hooks must hold callables hook(step, model, losses), got {h!r} in the list")
    _check_callables(data, target)
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
    # streams keyed by (configuration, seed index), not by position (see data.instance_keys)
    keys = instance_keys(sp, imp_cpu) if data is None else None
    sampler = data or FeatureSampler(
        n_inst, n_feat, sparsity=sp, seed=config.seed, kind=features, device=device, stream_ids=keys,
        sparse_below=config.sparse_below,
    )

    def evaluate(m: ToyModel) -> torch.Tensor:
        return evaluate_loss(
            m,
            sparsity=None if data is not None else sp,
            importance=imp_cpu,
            n_samples=config.eval_samples,
            seed=config.seed,
            stream_ids=None if keys is None else [(h,) for h, _ in keys],
            data=data,
            target=target,
            features=features,
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

    def _logs(step: int) -> bool:
        return step % config.log_every == 0 or step == config.steps - 1

    def _after_step(step: int, loss: torch.Tensor) -> None:
        """Log, check and call the hooks every ``log_every`` steps and after the last
        (the analytic step computes the loss on those steps only)."""
        if _logs(step):
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

    own_data = isinstance(sampler, FeatureSampler)
    # big runs: groups of instances on two threads; small ones: one thread, the next
    # batch drawn on the other (a per-step hand-over costs more than a small step)
    grouped = analytic and own_data and device.type == "cpu" and _step_work(model, config.batch_size) > SINGLE_THREAD_WORK
    groups = _instance_groups(n_inst, config.batch_size, n_feat) if grouped else []
    # few features: the grouped step lays each batch out features-first (see FEATURES_FIRST_MAX)
    features_first = grouped and n_feat <= FEATURES_FIRST_MAX and not sampler.lists_active
    batches = sampler.stream_active(config.batch_size) if own_data and not grouped else None
    active = None
    start = time.perf_counter()
    try:
        with _intra_op_threads(1 if grouped else None):
            for step in range(config.steps):
                lr = config.lr * lr_factor(step, config)
                if grouped:
                    assert isinstance(sampler, FeatureSampler)
                    loss = _grouped_step(
                        model, sampler, groups, imp, opt, config.batch_size, _logs(step), features_first, lr
                    )
                    _after_step(step, loss)
                    continue
                if batches is not None:
                    x, active = next(batches)
                else:
                    x = sampler(config.batch_size)
                if data is not None:  # a custom source: its first batch is checked before any training
                    _check_batch(model, x, config.batch_size, first=step == 0)
                if analytic:
                    loss, _, _ = model.analytic_loss_grad(
                        x, imp, active, grads_out=(opt.grad_views[0], opt.grad_views[1]), with_loss=_logs(step)
                    )
                else:
                    y = target(x) if target is not None else x
                    if target is not None and step == 0:
                        _check_target(model, x, y)
                    loss = importance_weighted_loss(model(x), y, imp)
                    loss.sum().backward()
                    opt.gather_grads()
                    loss = loss.detach()
                opt.step(lr)
                _after_step(step, loss)
    finally:  # also when training stops with an error
        model.__dict__.pop("_scratch", None)  # the analytic step's buffers
        if batches is not None:
            batches.close()
    seconds = time.perf_counter() - start
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
        W_out=_readout(model),
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


FEATURES_FIRST_MAX = 16
"""Models with at most this many features train, on the grouped path (big runs), with
their batches laid out ``[instances, features, batch]``: a ``[batch, n]`` row of a few
features makes short, slow products, and along the batch they run several times faster
(measured in ``benchmarks/bench_train.py``, chapter 9's n = 10 models). Such a run's
numbers agree with the one-pass layout's to float rounding, not bit for bit; they are
still the same whatever the grouping. The grouped evaluation of such models does the
same. Runs whose sampler lists active entries (the sparse path at densities of at most
``data.SPARSE_PRODUCTS_BELOW``) keep the usual layout."""

GROUP_BYTES = 8 * 2**20
"""Bytes of batch-sized tensors (the batch and three scratch tensors) one group of
instances may hold in the grouped step: small enough that a group's passes stay in cache."""


def _instance_groups(n_instances: int, batch_size: int, n_features: int) -> list[tuple[int, int]]:
    """Contiguous groups ``(lo, hi)`` of instances for :func:`_grouped_step`: at least
    one per worker thread, each within :data:`GROUP_BYTES`, of near-equal sizes."""
    workers = _pool()._max_workers
    per_instance = 16 * batch_size * n_features
    size = max(1, min(-(-n_instances // workers), GROUP_BYTES // per_instance))
    n_groups = -(-n_instances // size)
    size = -(-n_instances // n_groups)
    return [(lo, min(lo + size, n_instances)) for lo in range(0, n_instances, size)]


def _grouped_step(
    model: ToyModel, sampler: FeatureSampler, groups: list[tuple[int, int]], imp: torch.Tensor,
    opt: FlatAdam, batch_size: int, with_loss: bool, features_first: bool, lr: float,
) -> torch.Tensor:
    """One step's data, loss and gradients, a group of instances at a time on two threads
    (this one and a pool worker, each taking the next group until none is left).

    Each group draws its own instances' batch and computes their loss and gradients with
    the analytic step, then takes its optimiser step (Adam at ``lr``) on its own
    parameters; every instance's numbers are the same as in one pass over all instances,
    whichever thread took its group (``features_first``: in one pass of that layout).
    Returns the per-instance loss."""
    loss = torch.empty(model.n_instances if with_loss else 0, dtype=model.W.dtype)
    dW_all, db_all = opt.grad_views[0], opt.grad_views[1]
    assert opt.params[0] is model.W and opt.params[1] is model.b  # has_analytic_step: exactly W, b
    update = opt.begin_step(lr)
    per_w, per_b = model.n_hidden * model.n_features, model.n_features  # flat entries per instance
    b_start = model.n_instances * per_w  # the flat buffer holds W, then b
    todo = iter(groups)  # next() on a list iterator is atomic under the GIL
    # each group's batch is drawn into memory kept from step to step (dropped with the scratch)
    buffers = model.__dict__.setdefault("_scratch", {}).setdefault("batches", {})

    def work() -> None:
        if torch.get_num_threads() != 1:  # a pool thread's own OpenMP setting
            torch.set_num_threads(1)
        for lo, hi in todo:
            if (lo, hi) not in buffers:
                buffers[(lo, hi)] = (
                    np.empty((hi - lo, batch_size, model.n_features), dtype=np.float32),
                    torch.empty(hi - lo, model.n_features, batch_size) if features_first else None,
                )
            raw, transposed = buffers[(lo, hi)]
            x, active = sampler.sample_instances(batch_size, lo, hi, out=raw, features_first=transposed)
            loss_g, _, _ = model.analytic_loss_grad(
                x, imp[lo:hi], active, instances=(lo, hi), grads_out=(dW_all[lo:hi], db_all[lo:hi]),
                with_loss=with_loss, features_first=features_first,
            )
            if with_loss:
                loss[lo:hi].copy_(loss_g)
            update(lo * per_w, hi * per_w)
            update(b_start + lo * per_b, b_start + hi * per_b)

    helper = _pool().submit(work) if len(groups) > 1 and _pool()._max_workers > 1 else None
    work()
    if helper is not None:
        helper.result()
    return loss


def _evaluate_grouped(
    model: ToyModel, sampler: FeatureSampler, imp: torch.Tensor, n_samples: int, batch_size: int
) -> torch.Tensor:
    """:func:`evaluate_loss` a group of instances at a time on two threads: each group
    draws its own instances' samples (once per configuration: its seeds share their
    samples) and runs a model made of its slice of the weights. Every instance's loss is
    the same as in one pass over all instances (for models of at most
    :data:`FEATURES_FIRST_MAX` features, evaluated features-first, to float rounding)."""
    groups = _instance_groups(model.n_instances, batch_size, model.n_features)
    total = torch.zeros(model.n_instances)
    W, b = model.W.detach(), model.b.detach()
    todo = iter(groups)
    n = model.n_features
    features_first = n <= FEATURES_FIRST_MAX and not sampler.lists_active

    def work() -> None:
        if torch.get_num_threads() != 1:
            torch.set_num_threads(1)
        buffers: dict[tuple[int, int], tuple[np.ndarray, list[torch.Tensor]]] = {}  # this thread's, by shape
        for lo, hi in todo:
            part = ToyModel.from_weights(W[lo:hi], b[lo:hi], kind=model.kind, dtype=W.dtype, allow_expansion=True)
            done = 0
            while done < n_samples:
                size = min(batch_size, n_samples - done)
                if (hi - lo, size) not in buffers:
                    buffers[(hi - lo, size)] = (
                        np.empty((hi - lo, size, n), dtype=np.float32),
                        [torch.empty(hi - lo, n, size) for _ in range(3)] if features_first else [],
                    )
                raw, tensors = buffers[(hi - lo, size)]
                if features_first:  # as in training: few features, laid out [I, n, B]
                    x = sampler._sample_shared(size, lo, hi, raw, tensors[0])
                    total[lo:hi] += features_first_loss(part, x, imp[lo:hi], tensors[1:]) * size
                else:
                    x = sampler._sample_shared(size, lo, hi, raw)
                    total[lo:hi] += importance_weighted_loss(part(x), x, imp[lo:hi]) * size
                done += size

    helper = _pool().submit(work) if len(groups) > 1 and _pool()._max_workers > 1 else None
    work()
    if helper is not None:
        helper.result()
    return total / n_samples


def _readout(model: ToyModel) -> torch.Tensor | None:
    w_out = getattr(model, "W_out", None)
    return None if w_out is None else w_out.detach().cpu().clone()


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
    features: str = "uniform",
    target: Target | None = None,
) -> TrainResult:
    """Build and train one model per configuration, ``n_seeds`` seeds each, in one run.

    ``sparsity=`` or ``density=`` gives one value per configuration (a number means one
    configuration; ``[configurations, n_features]`` for per-feature values); ``importance``
    is a number, ``[n_features]`` (shared) or ``[configurations, n_features]``. The result
    keeps every seed; call ``.best()`` for the lowest-loss seed per configuration.

    >>> res = train_models("relu", 20, 5, sparsity=[0.0, 0.9, 0.999], importance=importance_decay(20, 0.7))

    ``features`` and ``target`` go to :func:`fit`: the absolute-value models of chapter 10
    train with ``train_models("untied", 3, 6, density=1.0, features="signed", target=torch.abs)``.
    """
    config = _check_config(config)
    n_seeds = check_positive_int("n_seeds", n_seeds)
    n_features = check_positive_int("n_features", n_features)
    sp = configuration_sparsity(n_features, sparsity=sparsity, density=density)
    n_configs = sp.shape[0]
    imp = broadcast_importance(importance, n_configs, n_features)
    sp_all = sp.repeat_interleave(n_seeds, dim=0)
    imp_all = imp.repeat_interleave(n_seeds, dim=0)
    model = make_model(
        kind, n_features, n_hidden, n_configs * n_seeds, seed=config.seed,
        stream_keys=instance_keys(sp_all, imp_all),
    )
    return fit(
        model,
        sparsity=sp_all,
        importance=imp_all,
        config=config,
        hooks=hooks,
        n_seeds=n_seeds,
        features=features,
        target=target,
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
