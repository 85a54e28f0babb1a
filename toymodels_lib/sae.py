"""Sparse autoencoders (sparse dictionary learning) on a toy model's hidden states (chapter 11).

A sparse autoencoder (SAE) with ``d`` latents reads an activation ``h`` (``[m]``) and writes

    a = ReLU(W_enc (h − b_dec) + b_enc),        ĥ = W_dec a + b_dec,

with the decoder's columns ``W_dec[:, j]`` kept at unit norm (so the L1 penalty cannot be
dodged by shrinking latents and growing the decoder). The loss per instance is
``mean_batch(‖h − ĥ‖² + l1 · Σ_j a_j)``. Like the toy models it has a leading instance axis:
``W_enc`` is ``[instances, latents, inputs]``, ``W_dec`` ``[instances, inputs, latents]``.

:func:`train_sae` trains SAEs on ``h = W x`` of one trained toy model (``x`` drawn from the
toy model's own feature distribution), one instance per L1 coefficient and seed, with the
library's :class:`~toymodels_lib.optim.FlatAdam`, optionally resampling dead latents.
:func:`evaluate_sae` measures reconstruction, L0, dead latents and, against the toy model's
true feature directions, recovery (:func:`toymodels_lib.metrics.max_cosine_similarity`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from ._validate import as_float_tensor, as_weights, check_positive_int, check_real, check_seed
from .data import FeatureSampler, broadcast_sparsity, random_stream
from .metrics import feature_norms, max_cosine_similarity
from .optim import FlatAdam
from .train.loop import SINGLE_THREAD_WORK, _intra_op_threads

__all__ = [
    "SAE_STREAM",
    "SAEResult",
    "SAETable",
    "SparseAutoencoder",
    "evaluate_sae",
    "sae_loss",
    "sweep_points",
    "toy_activations",
    "train_sae",
]

SAE_STREAM = 0x5EED_5AE0
"""Domain tag of the SAEs' initialisation streams (data streams use the toy model's tags)."""
RESAMPLE_SCALE = 0.2
"""A resampled latent's encoder row has this times the mean norm of the live rows."""
SAE_DATA_STREAM = 0x5EED_5AE1
SAE_EVAL_STREAM = 0x5EED_5AE2


class SparseAutoencoder(nn.Module):
    """``n_instances`` sparse autoencoders with ``n_latents`` latents on ``n_inputs``-dimensional activations.

    Instance ``k`` is initialised from its own stream ``(seed, stream_keys[k])`` (the key is
    ``k`` by default; :func:`train_sae` gives seed ``j`` of every L1 value the key ``j``, so
    an L1 sweep starts every value from the same dictionaries): decoder columns are
    random unit vectors, the encoder is the decoder's transpose, both biases zero.
    """

    def __init__(
        self, n_inputs: int, n_latents: int, n_instances: int = 1, *, seed: int = 0,
        stream_keys: Sequence[int] | None = None,
    ) -> None:
        super().__init__()
        self.n_inputs = check_positive_int("n_inputs", n_inputs)
        self.n_latents = check_positive_int("n_latents", n_latents)
        self.n_instances = check_positive_int("n_instances", n_instances)
        seed = check_seed("seed", seed)
        keys = list(range(self.n_instances)) if stream_keys is None else [int(k) for k in stream_keys]
        if len(keys) != self.n_instances or any(k < 0 for k in keys):
            raise ValueError(
                f"stream_keys must hold {self.n_instances} non-negative ints (one per instance), got {stream_keys!r}"
            )
        dec = np.empty((self.n_instances, self.n_inputs, self.n_latents), dtype=np.float32)
        for k, key in enumerate(keys):
            dec[k] = random_stream(SAE_STREAM, seed, key).standard_normal(dec.shape[1:], dtype=np.float32)
        W_dec = torch.from_numpy(dec)
        W_dec = W_dec / W_dec.norm(dim=1, keepdim=True).clamp_min(1e-12)
        self.W_dec = nn.Parameter(W_dec)
        self.W_enc = nn.Parameter(W_dec.transpose(1, 2).clone())
        self.b_enc = nn.Parameter(torch.zeros(self.n_instances, self.n_latents))
        self.b_dec = nn.Parameter(torch.zeros(self.n_instances, self.n_inputs))

    def _check_input(self, h: Any) -> torch.Tensor:
        if not isinstance(h, torch.Tensor):
            raise TypeError(f"h must be a torch.Tensor [instances, batch, inputs], got {type(h).__name__}")
        if h.dim() != 3 or h.shape[0] != self.n_instances or h.shape[2] != self.n_inputs:
            raise ValueError(
                f"h must have shape [{self.n_instances}, batch, {self.n_inputs}] "
                f"([instances, batch, inputs]), got {tuple(h.shape)}"
            )
        return h

    def encode(self, h: torch.Tensor) -> torch.Tensor:
        """Latents ``a = ReLU(W_enc (h − b_dec) + b_enc)``, ``[instances, batch, latents]``."""
        h = self._check_input(h)
        return torch.relu(self._pre(h - self.b_dec[:, None, :]))

    def _pre(self, h_centred: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.b_enc[:, None, :], h_centred, self.W_enc.transpose(1, 2))

    def decode(self, a: torch.Tensor) -> torch.Tensor:
        """Reconstruction ``ĥ = W_dec a + b_dec``, ``[instances, batch, inputs]``."""
        return torch.baddbmm(self.b_dec[:, None, :], a, self.W_dec.transpose(1, 2))

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(ĥ, a)``: the reconstruction and the latents."""
        a = self.encode(h)
        return self.decode(a), a

    @torch.no_grad()
    def loss_and_grads(self, h: torch.Tensor, l1: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
        """The loss of each instance (:func:`sae_loss`), the latents, and the gradients of
        the summed loss for ``[W_enc, b_enc, W_dec, b_dec]``, by hand (the trainer's fast path;
        the tests hold it to autograd). ``l1`` is one coefficient per instance."""
        batch = h.shape[1]
        hc = h - self.b_dec[:, None, :]
        pre = self._pre(hc)
        a = torch.relu(pre)
        err = torch.baddbmm(self.b_dec[:, None, :], a, self.W_dec.transpose(1, 2)) - h  # ĥ − h
        loss = (err**2).sum(-1).mean(-1) + l1 * a.sum(-1).mean(-1)
        g_err = err * (2.0 / batch)
        g_W_dec = g_err.transpose(1, 2) @ a
        g_pre = torch.baddbmm(l1[:, None, None] / batch, g_err, self.W_dec) * (pre > 0)
        g_W_enc = g_pre.transpose(1, 2) @ hc
        g_b_enc = g_pre.sum(1)
        g_b_dec = g_err.sum(1) - (g_b_enc[:, None, :] @ self.W_enc)[:, 0]
        return loss, a, [g_W_enc, g_b_enc, g_W_dec, g_b_dec]

    @torch.no_grad()
    def normalize_decoder(self) -> None:
        """Rescale every decoder column to unit norm (in place)."""
        self.W_dec.data.div_(self.W_dec.data.norm(dim=1, keepdim=True).clamp_min(1e-12))


def sae_loss(h: torch.Tensor, h_hat: torch.Tensor, a: torch.Tensor, l1: Any) -> torch.Tensor:
    """The loss of each instance, ``[instances]``: ``mean_batch(‖h − ĥ‖² + l1 · Σ_j |a_j|)``.

    ``l1`` is a number or one coefficient per instance. (The latents are non-negative, so
    ``|a_j| = a_j``.)
    """
    for name, t in (("h", h), ("h_hat", h_hat), ("a", a)):
        if not isinstance(t, torch.Tensor) or t.dim() != 3:
            raise ValueError(f"{name} must be a tensor [instances, batch, dims], got {_shape(t)}")
    if h.shape != h_hat.shape or a.shape[:2] != h.shape[:2]:
        raise ValueError(
            f"h {tuple(h.shape)}, h_hat {tuple(h_hat.shape)} and a {tuple(a.shape)} must share "
            "[instances, batch], and h_hat must have h's shape"
        )
    coef = _l1_per_instance(l1, h.shape[0]).to(h.device)
    mse = ((h - h_hat) ** 2).sum(-1).mean(-1)
    return mse + coef * a.abs().sum(-1).mean(-1)


def _shape(t: Any) -> str:
    return f"shape {tuple(t.shape)}" if isinstance(t, torch.Tensor) else type(t).__name__


def _l1_per_instance(l1: Any, n_instances: int) -> torch.Tensor:
    coef = as_float_tensor("l1", l1, max_dim=1)
    if (coef < 0).any():
        raise ValueError(f"l1 must be >= 0, got {coef.tolist()}")
    if coef.dim() == 0:
        return coef.expand(n_instances)
    if coef.shape[0] != n_instances:
        raise ValueError(f"l1 must be a number or one value per instance ({n_instances}), got {coef.shape[0]}")
    return coef


def toy_activations(
    W: Any, *, sparsity: Any = None, density: Any = None, seed: int = 0, stream: int = SAE_DATA_STREAM
) -> FeatureSampler:
    """A sampler of the toy model's inputs ``x`` (``[1, batch, n]``) for :func:`train_sae`.

    A thin wrapper: the toy model's ``W`` (``[m, n]``) fixes ``n``; ``sparsity``/``density``
    is the toy model's.
    """
    W = as_weights("W", W, max_dim=2)
    return FeatureSampler(1, W.shape[1], sparsity=sparsity, density=density, seed=seed, stream=stream)


@dataclass
class SAEResult:
    """What :func:`train_sae` returns. Instances are ``l1 values × seeds`` (l1-major)."""

    sae: SparseAutoencoder
    W_true: torch.Tensor  # [m, n]: the toy model the activations came from
    sparsity: torch.Tensor  # [n]
    l1: torch.Tensor  # [instances]
    n_seeds: int
    steps: int
    resample_every: int | None
    history: torch.Tensor  # [logs, instances] training loss
    history_steps: list[int]
    n_resampled: torch.Tensor  # [instances]: latents resampled over training
    seed: int = 0
    seconds: float = 0.0
    metrics: dict[str, torch.Tensor] = field(default_factory=dict)

    @property
    def W_dec(self) -> torch.Tensor:
        """Decoder directions, ``[instances, inputs, latents]`` (unit columns)."""
        return self.sae.W_dec.detach()

    @property
    def n_instances(self) -> int:
        return self.sae.n_instances

    @property
    def n_latents(self) -> int:
        return self.sae.n_latents


def _check_l1_values(l1: Any) -> torch.Tensor:
    coef = as_float_tensor("l1", l1, max_dim=1).reshape(-1)
    if coef.numel() == 0:
        raise ValueError("l1 must hold at least one value")
    if (coef < 0).any():
        raise ValueError(f"l1 must be >= 0, got {coef.tolist()}")
    return coef


@torch.no_grad()
def _resample(
    sae: SparseAutoencoder, opt: FlatAdam, offsets: dict[str, int], dead: torch.Tensor, h: torch.Tensor,
    gens: Sequence[torch.Generator],
) -> None:
    """Give every dead latent a new direction: the (normalised) residual of an input drawn
    with probability ∝ its squared reconstruction error; reset its Adam moments (momentum
    zero, second moment the mean of the instance's live entries)."""
    h_hat, _ = sae(h)
    err = h - h_hat  # [k, batch, m]
    weight = (err**2).sum(-1)  # [k, batch]
    enc_norm = sae.W_enc.norm(dim=-1)  # [k, latents]
    for k in range(sae.n_instances):
        idx = torch.nonzero(dead[k]).flatten()
        if idx.numel() == 0:
            continue
        w = weight[k]
        if float(w.sum()) <= 0:
            w = torch.ones_like(w)
        pick = torch.multinomial(w, idx.numel(), replacement=True, generator=gens[k])
        direction = err[k, pick]  # [dead, m]
        direction = direction / direction.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        alive = ~dead[k]
        scale = RESAMPLE_SCALE * float(enc_norm[k, alive].mean()) if alive.any() else 1.0
        sae.W_dec.data[k][:, idx] = direction.T
        sae.W_enc.data[k][idx] = direction * scale
        sae.b_enc.data[k][idx] = 0.0
        for name, param in (("W_dec", sae.W_dec), ("W_enc", sae.W_enc), ("b_enc", sae.b_enc)):
            mask = torch.zeros_like(param, dtype=torch.bool)
            if name == "W_dec":
                mask[k][:, idx] = True
            else:
                mask[k][idx] = True
            start = offsets[name]
            m = opt.exp_avg[start : start + param.numel()].view_as(param)
            v = opt.exp_avg_sq[start : start + param.numel()].view_as(param)
            # zero momentum; second moment at the live latents' mean, so that the first
            # steps are ordinary-sized (zeroed moments make Adam's first step ~3x lr)
            live_v = v[k][~mask[k]]
            m[mask] = 0.0
            v[mask] = float(live_v.mean()) if live_v.numel() else 0.0


def train_sae(
    W: Any,
    *,
    n_latents: int,
    l1: Any,
    sparsity: Any = None,
    density: Any = None,
    n_seeds: int = 1,
    steps: int = 2000,
    batch_size: int = 1024,
    lr: float = 3e-3,
    resample_every: int | None = None,
    seed: int = 0,
    log_every: int = 50,
) -> SAEResult:
    """Train sparse autoencoders on ``h = W x`` of one toy model (chapter 11).

    ``W`` is the toy model's ``[m, n]`` weights and ``sparsity``/``density`` its feature
    distribution (exactly one). One instance per ``l1`` value and seed (``l1``-major),
    all on the same batches of activations; seed ``j`` starts from the same dictionary at
    every ``l1``. Adam at ``lr`` with a cosine decay to zero;
    decoder columns renormalised after every step. With ``resample_every=R`` every latent
    that did not fire in the last ``R`` steps is resampled, at steps ``R, 2R, …`` up to
    three quarters of training (so the last quarter settles). Everything is seeded by ``seed``.
    """
    W = as_weights("W", W, max_dim=2)
    n_latents = check_positive_int("n_latents", n_latents)
    coefs = _check_l1_values(l1)
    n_seeds = check_positive_int("n_seeds", n_seeds)
    steps = check_positive_int("steps", steps)
    batch_size = check_positive_int("batch_size", batch_size)
    lr = check_real("lr", lr, low=0.0, low_open=True)
    seed = check_seed("seed", seed)
    log_every = check_positive_int("log_every", log_every)
    if resample_every is not None:
        resample_every = check_positive_int("resample_every", resample_every)
        if resample_every >= steps:
            raise ValueError(f"resample_every={resample_every} must be smaller than steps={steps}")
    sp = broadcast_sparsity(1, W.shape[1], sparsity=sparsity, density=density)[0]
    n_inst = coefs.numel() * n_seeds
    # the library's rule for small runs (train.loop): one intra-op thread, since worker
    # threads on tiny steps wait for each other, many times slower on a busy machine
    work = n_inst * n_latents * W.shape[0] * batch_size
    with _intra_op_threads(1 if work <= SINGLE_THREAD_WORK else None):
        return _train_sae(W, sp, coefs, n_latents, n_seeds, steps, batch_size, lr, resample_every, seed, log_every)


def _train_sae(
    W: torch.Tensor, sp: torch.Tensor, coefs: torch.Tensor, n_latents: int, n_seeds: int, steps: int,
    batch_size: int, lr: float, resample_every: int | None, seed: int, log_every: int,
) -> SAEResult:
    sampler = toy_activations(W, sparsity=sp[None], seed=seed)
    n_inst = coefs.numel() * n_seeds
    coef = coefs.repeat_interleave(n_seeds)
    keys = [j for _ in range(coefs.numel()) for j in range(n_seeds)]
    sae = SparseAutoencoder(W.shape[0], n_latents, n_inst, seed=seed, stream_keys=keys)
    params = [sae.W_enc, sae.b_enc, sae.W_dec, sae.b_dec]
    offsets, off = {}, 0
    for name, p in zip(("W_enc", "b_enc", "W_dec", "b_dec"), params, strict=True):
        offsets[name] = off
        off += p.numel()
    opt = FlatAdam(params, lr=lr)
    # one resampling stream per instance, keyed like its initialisation
    gens = [torch.Generator().manual_seed(int(random_stream(SAE_STREAM + 3, seed, j).integers(2**62))) for j in keys]
    fired = torch.zeros(n_inst, n_latents, dtype=torch.bool)
    n_resampled = torch.zeros(n_inst, dtype=torch.long)
    history, history_steps = [], []
    start = time.perf_counter()
    chunk = max(1, 65536 // batch_size)  # draw many batches at once (the same numbers)
    for step in range(steps):
        if step % chunk == 0:
            xs = sampler.sample(batch_size * min(chunk, steps - step))[0] @ W.T
        h = xs[(step % chunk) * batch_size : (step % chunk + 1) * batch_size].expand(n_inst, -1, -1)
        loss, a, grads = sae.loss_and_grads(h, coef)
        for view, g in zip(opt.grad_views, grads, strict=True):
            view.copy_(g)
        opt.step(lr * 0.5 * (1 + math.cos(math.pi * step / steps)))
        sae.normalize_decoder()
        fired |= (a > 0).any(dim=1)
        if step % log_every == 0 or step == steps - 1:
            history.append(loss.clone())
            history_steps.append(step)
        if resample_every and (step + 1) % resample_every == 0 and step + 1 <= 0.75 * steps:
            dead = ~fired
            if dead.any():
                _resample(sae, opt, offsets, dead, h, gens)
                n_resampled += dead.sum(1)
            fired.zero_()
    return SAEResult(
        sae=sae, W_true=W, sparsity=sp, l1=coef, n_seeds=n_seeds, steps=steps,
        resample_every=resample_every, history=torch.stack(history), history_steps=history_steps,
        n_resampled=n_resampled, seed=seed, seconds=time.perf_counter() - start,
    )


@torch.no_grad()
def evaluate_sae(result: SAEResult, *, n_samples: int = 16384, threshold: float = 0.95) -> dict[str, torch.Tensor]:
    """Measure each instance on fresh activations (chapter 11); cached in ``result.metrics``.

    Returns per-instance tensors: ``mse`` (mean ‖h − ĥ‖²), ``fvu`` (that over the variance
    of ``h``, the fraction of variance unexplained), ``l0`` (mean number of active latents
    per input), ``dead`` (latents that never fire on the samples; ``dead_mask`` says which,
    ``[instances, latents]``), ``mmcs`` (the mean over
    the toy model's represented features, ``‖W_i‖ > 0.5``, of the best cosine with the
    decoder direction of a live latent), ``recovered`` (how many represented features have a best cosine
    above ``threshold``); and ``max_cos`` ``[instances, features]`` (NaN for features the
    toy model does not represent).
    """
    if not isinstance(result, SAEResult):
        raise TypeError(f"result must be an SAEResult (from train_sae), got {type(result).__name__}")
    n_samples = check_positive_int("n_samples", n_samples)
    threshold = check_real("threshold", threshold, low=-1.0, high=1.0)
    sampler = toy_activations(result.W_true, sparsity=result.sparsity[None], seed=result.seed, stream=SAE_EVAL_STREAM)
    h = (sampler.sample(n_samples) @ result.W_true.T).expand(result.n_instances, -1, -1)
    with _intra_op_threads(1):  # small work: see train_sae
        h_hat, a = result.sae(h)
    mse = ((h - h_hat) ** 2).sum(-1).mean(-1)
    var = ((h - h.mean(1, keepdim=True)) ** 2).sum(-1).mean(-1)
    represented = feature_norms(result.W_true) > 0.5
    dead = ~(a > 0).any(1)  # [instances, latents]
    live_dec = result.W_dec * (~dead)[:, None, :]  # a dead latent recovers nothing (cosine 0)
    cos = max_cosine_similarity(result.W_true, live_dec)  # [instances, n]
    cos = torch.where(represented, cos, torch.full_like(cos, float("nan")))
    out = {
        "mse": mse,
        "fvu": mse / var.clamp_min(1e-12),
        "l0": (a > 0).float().sum(-1).mean(-1),
        "dead": dead.sum(-1),
        "dead_mask": dead,
        "max_cos": cos,
        "mmcs": cos[:, represented].mean(-1),
        "recovered": (cos[:, represented] > threshold).sum(-1),
    }
    result.metrics = out
    return out



class SAETable:
    """Per-instance metrics of :func:`evaluate_sae` as a small table (HTML in a notebook)."""

    COLUMNS = (("recovered", "features recovered", "{:d}"), ("dead", "dead latents", "{:d}"),
               ("mmcs", "mean max cosine", "{:.3f}"), ("l0", "L0", "{:.2f}"), ("fvu", "FVU", "{:.4f}"))

    def __init__(self, result: SAEResult, *, label: str = "seed") -> None:
        if not isinstance(result, SAEResult):
            raise TypeError(f"result must be an SAEResult (from train_sae), got {type(result).__name__}")
        if not result.metrics:
            raise ValueError("result has no metrics yet: call evaluate_sae(result) first")
        self.label = str(label)
        self.rows = []
        for k in range(result.n_instances):
            row = {"l1": float(result.l1[k]), "seed": k % result.n_seeds}
            for key, _, _ in self.COLUMNS:
                v = result.metrics[key][k]
                row[key] = int(v) if key in ("recovered", "dead") else float(v)
            self.rows.append(row)
        self.show_l1 = len({r["l1"] for r in self.rows}) > 1

    def _cells(self, row: dict[str, Any]) -> list[str]:
        head = ([f"{row['l1']:g}"] if self.show_l1 else []) + [str(row["seed"])]
        return head + [fmt.format(row[key]) for key, _, fmt in self.COLUMNS]

    def _header(self) -> list[str]:
        return (["L1"] if self.show_l1 else []) + [self.label] + [name for _, name, _ in self.COLUMNS]

    def __repr__(self) -> str:
        lines = [" | ".join(self._header())] + [" | ".join(self._cells(r)) for r in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in self._header())
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in self._cells(r)) + "</tr>" for r in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def sweep_points(result: SAEResult, *, n_features: int | None = None) -> dict[str, list[float]]:
    """One point per L1 value of an L1 sweep, averaged over its seeds (chapter 11's trade-off).

    Returns ``"l1"``, ``"l0"`` and ``"fvu"`` (means over the seeds) and ``"full"``: the fraction
    of seeds that recovered ``n_features`` features (default: every feature the toy model
    represents). Evaluates the result first if needed.
    """
    if not isinstance(result, SAEResult):
        raise TypeError(f"result must be an SAEResult (from train_sae), got {type(result).__name__}")
    m = result.metrics or evaluate_sae(result)
    if n_features is None:
        n_features = int((feature_norms(result.W_true) > 0.5).sum())
    n_features = check_positive_int("n_features", n_features)
    s = result.n_seeds
    per = lambda t: t.reshape(-1, s).float()  # noqa: E731
    return {
        "l1": [float(v) for v in result.l1[::s]],
        "l0": per(m["l0"]).mean(1).tolist(),
        "fvu": per(m["fvu"]).mean(1).tolist(),
        "full": (per(m["recovered"]) >= n_features).float().mean(1).tolist(),
    }
