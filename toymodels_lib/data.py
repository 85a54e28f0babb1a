"""Feature distributions for the toy models.

Tensors are instance-first: ``[instances, batch, features]``. Each instance draws from its
own random stream. The trainer keys it by ``(seed, configuration, seed index)``
(:func:`instance_keys`), so the numbers a model sees depend on nothing but its own
configuration and seed: not on how many models train beside it, nor on their order.

The sparse uniform distribution of the paper: feature ``i`` is zero with probability
``S`` (the sparsity) and otherwise uniform on ``[0, 1]``. We draw one uniform ``u`` per
entry and set ``x = max(0, (u - S) / (1 - S))``: the feature is active exactly when
``u > S`` (probability ``1 - S``), and given that, ``(u - S)/(1 - S)`` is uniform on
``[0, 1]``. One random draw per entry instead of two.

At low density almost every entry is zero, and drawing a number for each is wasted work.
A :class:`FeatureSampler` built with ``sparse_below=p`` draws every instance whose density
is at most ``p`` (the same for all its features) sparsely: the positions of its active
entries as a Bernoulli process (geometric gaps between them, so about ``batch · n · p``
draws instead of ``batch · n``) and a uniform value for each. The distribution is the same;
the numbers are not, so a sparse and a dense draw of one seed differ. The active entries
come with the batch as :class:`ActiveFeatures`, which the trainer's sparse path uses.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ._types import Batch, Probability
from ._validate import (
    _describe,
    as_float_tensor,
    check_choice,
    check_positive_int,
    check_real,
    check_seed,
    resolve_device,
    resolve_sparsity,
)

__all__ = [
    "ActiveFeatures",
    "CorrelatedFeatureSampler",
    "FEATURE_RELATIONS",
    "FeatureSampler",
    "SPARSE_PRODUCTS_BELOW",
    "anticorrelated_pairs",
    "correlated_pairs",
    "broadcast_importance",
    "broadcast_sparsity",
    "importance_decay",
    "instance_keys",
    "random_stream",
    "sample_features",
]

# Domain tags keep the random streams of data and initialisation apart.
DATA_STREAM = 0x5EED_DA7A
INIT_STREAM = 0x5EED_1717
EVAL_STREAM = 0x5EED_E7A1

FEATURE_KINDS = ("uniform", "signed")
"""The kinds of :class:`FeatureSampler`: active features ``U[0, 1]`` or ``U[−1, 1]``."""

_POOL: ThreadPoolExecutor | None = None
SPARSE_PRODUCTS_BELOW = 0.005
"""Density at or below which a sparsely drawn instance's batch comes with its active entries
(:class:`ActiveFeatures`), so that the trainer multiplies by those alone. Above it, dense
products are as fast or faster on CPU (measured in ``benchmarks/bench_train.py``)."""

_Drawn = tuple[int, np.ndarray, np.ndarray]
"""A sparsely drawn instance's raw draw: (instance, flat positions, values)."""


def random_stream(domain: int, *key: int) -> np.random.Generator:
    """The one way the library makes a random stream: NumPy's SFC64 seeded by
    ``(domain, *key)``, e.g. ``(DATA_STREAM, seed, instance)``. Streams with different keys
    are independent, and a stream depends on nothing but its key."""
    parts = _key_tuple("random_stream's domain and key", (domain, *key))
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence(list(parts))))


StreamKey = int | tuple[int, ...]


def _key_tuple(name: str, key: Any) -> tuple[int, ...]:
    parts = key if isinstance(key, tuple) else (key,)
    out = []
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, (int, np.integer)) or int(part) < 0:
            raise ValueError(f"{name} must be a non-negative int or a tuple of them, got {key!r}")
        out.append(int(part))
    return tuple(out)


def configuration_hash(sparsity: Any, importance: Any) -> int:
    """A stable 63-bit name for one configuration: its per-feature sparsity and importance,
    each written to 6 significant digits (so ``density=0.1`` and ``sparsity=0.9`` agree)."""
    s = torch.as_tensor(sparsity, dtype=torch.float64).flatten().tolist()
    i = torch.as_tensor(importance, dtype=torch.float64).flatten().tolist()
    text = "S:" + ",".join(f"{v:.6g}" for v in s) + ";I:" + ",".join(f"{v:.6g}" for v in i)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


def instance_keys(sparsity: torch.Tensor, importance: torch.Tensor) -> list[tuple[int, int]]:
    """The stream key ``(configuration, seed index)`` of each instance.

    ``sparsity`` and ``importance`` are ``[instances, features]``. The configuration is
    named by :func:`configuration_hash`; the seed index counts earlier instances with the
    same configuration. So seed ``j`` of a configuration gets the same key whatever trains
    beside it, in whatever position, with however many seeds.
    """
    sparsity = as_float_tensor("sparsity", sparsity, min_dim=2, max_dim=2, dtype=torch.float64)
    importance = as_float_tensor("importance", importance, min_dim=2, max_dim=2, dtype=torch.float64)
    if sparsity.shape != importance.shape:
        raise ValueError(
            f"sparsity and importance must both be [instances, features], got "
            f"{tuple(sparsity.shape)} and {tuple(importance.shape)}"
        )
    seen: dict[int, int] = {}
    keys = []
    for s_row, i_row in zip(sparsity, importance, strict=True):
        h = configuration_hash(s_row, i_row)
        j = seen.get(h, 0)
        seen[h] = j + 1
        keys.append((h, j))
    return keys


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1)))
    return _POOL


def importance_decay(n_features: int, decay: float = 1.0) -> torch.Tensor:
    """Importance schedule ``I_i = decay**i`` for ``i = 0 .. n_features-1``.

    ``decay=1`` gives uniform importance; the paper's n=20 experiments use ``0.7``.
    """
    n = check_positive_int("n_features", n_features)
    r = check_real("decay", decay, low=0.0, low_open=True)
    imp = r ** torch.arange(n, dtype=torch.float32)
    if not torch.isfinite(imp).all():
        raise ValueError(
            f"decay={r:g} makes the importance decay**{n - 1} of the last feature overflow float32; "
            "use a decay <= 1 (importance falling with the feature number) or fewer features"
        )
    return imp


def broadcast_sparsity(
    n_instances: int, n_features: int, *, sparsity: Probability | None = None, density: Probability | None = None
) -> torch.Tensor:
    """Sparsity as a ``[n_instances, n_features]`` tensor, from ``sparsity=`` or ``density=``.

    Accepts a number, one value per instance (``[n_instances]``), or one value per
    instance and feature (``[n_instances, n_features]``). Sparsity must be in [0, 1),
    density in (0, 1].
    """
    n_instances = check_positive_int("n_instances", n_instances)
    n_features = check_positive_int("n_features", n_features)
    s = resolve_sparsity(sparsity, density)
    name = "sparsity" if density is None else "density"
    if s.dim() == 0:
        return s.expand(n_instances, n_features).clone()
    if s.dim() == 1:
        if s.shape[0] != n_instances:
            raise ValueError(
                f"{name} has {s.shape[0]} values but there are {n_instances} instances; "
                f"give a number, {n_instances} values, or a [{n_instances}, {n_features}] array"
            )
        return s[:, None].expand(n_instances, n_features).clone()
    if tuple(s.shape) != (n_instances, n_features):
        raise ValueError(
            f"{name} has shape {tuple(s.shape)}; allowed: a number, [{n_instances}] or "
            f"[{n_instances}, {n_features}] (instances, features)"
        )
    return s.clone()


def broadcast_importance(importance: Any, n_instances: int, n_features: int) -> torch.Tensor:
    """Importance as a ``[n_instances, n_features]`` tensor of non-negative weights.

    Accepts a number (uniform), ``[n_features]`` (shared by every instance) or
    ``[n_instances, n_features]``.
    """
    n_instances = check_positive_int("n_instances", n_instances)
    n_features = check_positive_int("n_features", n_features)
    imp = as_float_tensor("importance", importance, max_dim=2)
    if (imp < 0).any():
        raise ValueError(f"importance must be >= 0, got {float(imp.min()):g}")
    if imp.dim() == 0:
        return imp.expand(n_instances, n_features).clone()
    if imp.dim() == 1:
        if imp.shape[0] != n_features:
            raise ValueError(
                f"importance has length {imp.shape[0]} but there are {n_features} features; "
                f"give a number, {n_features} values, or [{n_instances}, {n_features}]"
            )
        return imp[None, :].expand(n_instances, n_features).clone()
    if tuple(imp.shape) != (n_instances, n_features):
        raise ValueError(
            f"importance has shape {tuple(imp.shape)}; allowed: a number, [{n_features}] or "
            f"[{n_instances}, {n_features}] (instances, features)"
        )
    return imp.clone()


@dataclass(frozen=True)
class ActiveFeatures:
    """The active entries of some sparsely drawn instances of one batch ``[I, B, n]``
    (those of density at most :data:`SPARSE_PRODUCTS_BELOW`).

    ``instances`` lists those instances (``[S]``, ascending). Entry ``e`` is feature
    ``cols[e] % n`` of row ``rows[e] % B`` of instance ``instances[rows[e] // B]``, and
    ``values[e]`` is its value: ``rows`` index a ``[S·B, ...]`` stack of the instances'
    rows, ``cols`` a ``[S·n, ...]`` stack of their features. Every other entry of those
    instances is zero.
    """

    instances: torch.Tensor
    rows: torch.Tensor
    cols: torch.Tensor
    values: torch.Tensor


def _describe_buffer(value: Any) -> str:
    """A tensor's shape, dtype, device and contiguity (what a buffer argument must match)."""
    if not isinstance(value, torch.Tensor):
        return _describe(value)
    layout = "contiguous" if value.is_contiguous() else "non-contiguous"
    return f"a {layout} {value.dtype} tensor of shape {list(value.shape)} on {value.device}"


def _bernoulli_positions(gen: np.random.Generator, p: float, total: int) -> np.ndarray:
    """Ascending positions in ``range(total)`` of a Bernoulli(``p``) process: the gaps
    between successes are geometric, so this costs about ``total · p`` draws."""
    expected = total * p
    size = int(expected + 6.0 * expected**0.5 + 16)
    pos = np.cumsum(gen.geometric(p, size=size)) - 1
    while pos[-1] < total:  # rare: more than six standard deviations above the mean
        pos = np.concatenate([pos, pos[-1] + np.cumsum(gen.geometric(p, size=size))])
    return pos[: int(np.searchsorted(pos, total))]


class FeatureSampler:
    """Draws batches of sparse features, one independent random stream per instance.

    Parameters
    ----------
    n_instances, n_features:
        Sizes of the instance and feature axes.
    sparsity, density:
        Exactly one, as a keyword: ``S`` in [0, 1) or ``1 − S`` in (0, 1]; a number,
        ``[n_instances]`` or ``[n_instances, n_features]``.
    seed:
        Instance ``k`` draws from the stream ``(seed, k)``.
    kind:
        ``"uniform"``: active features are ``U[0, 1]`` (the paper's default).
        ``"signed"``: active features are ``U[-1, 1]`` (the absolute-value task).
    device:
        Where the batch lives. On CPU the numbers come from per-instance NumPy SFC64
        streams (filled on two threads); on CUDA from one torch generator on the GPU,
        so there the per-instance independence from the instance count does not hold.
    stream:
        Which family of streams to use (data or evaluation); the trainer keeps them apart.
    stream_ids:
        The key of each instance's stream: an int or a tuple of ints (default
        ``0 .. n_instances-1``, the position). Instances that share a key see identical
        numbers: the trainer keys data by ``(configuration, seed index)`` and evaluates
        all seeds of one configuration on the same samples.
    sparse_below:
        Instances whose density is at most this (the same for all their features) are
        drawn sparsely: about ``batch · n · (1 − S)`` draws instead of ``batch · n``
        (CPU only; ``0``, the default, draws every instance densely). Whether an instance
        is drawn sparsely depends on its own density only, so its numbers still depend on
        nothing but its key.
    """

    def __init__(
        self,
        n_instances: int,
        n_features: int,
        *,
        sparsity: Probability | None = None,
        density: Probability | None = None,
        seed: int = 0,
        kind: str = "uniform",
        device: str | torch.device | None = None,
        stream: int = DATA_STREAM,
        stream_ids: Sequence[StreamKey] | None = None,
        sparse_below: float = 0.0,
    ) -> None:
        self.n_instances = check_positive_int("n_instances", n_instances)
        self.n_features = check_positive_int("n_features", n_features)
        self.sparsity = broadcast_sparsity(
            self.n_instances, self.n_features, sparsity=sparsity, density=density
        )
        self.seed = check_seed("seed", seed)
        self.kind = check_choice("kind", kind, FEATURE_KINDS)
        self.device = resolve_device("cpu" if device is None else device)
        self.sparse_below = check_real("sparse_below", sparse_below, low=0.0, high=1.0)
        density = 1.0 - self.sparsity
        uniform_rows = (self.sparsity == self.sparsity[:, :1]).all(1)
        sparse = uniform_rows & (density[:, 0] <= self.sparse_below)
        if self.device.type != "cpu":
            sparse[:] = False
        self._sparse = [int(k) for k in torch.nonzero(sparse).flatten()]
        sparse_set = set(self._sparse)
        self._dense = [k for k in range(self.n_instances) if k not in sparse_set]
        # whether batches come with ActiveFeatures (an instance drawn sparsely at a density
        # of at most SPARSE_PRODUCTS_BELOW); the trainer's features-first layout takes none
        self.lists_active = any(float(density[k, 0]) <= SPARSE_PRODUCTS_BELOW for k in self._sparse)
        self._density = density[:, 0].tolist()
        # x = relu(u * scale + shift) with scale = 1/p, shift = -S/p
        self._scale = (1.0 / density)[:, None, :].to(self.device)
        self._shift = (-self.sparsity / density)[:, None, :].to(self.device)
        if stream_ids is None:
            ids = [(k,) for k in range(self.n_instances)]
        else:
            ids = [_key_tuple("every stream_ids entry", k) for k in stream_ids]
            if len(ids) != self.n_instances:
                raise ValueError(
                    f"stream_ids has {len(ids)} entries; it needs one per instance ({self.n_instances})"
                )
        self._ids = ids
        self._sources: dict[tuple[int, int], list[int]] = {}
        if self.device.type == "cpu":
            self._gens = [random_stream(stream, self.seed, *k) for k in ids]
            self._signs = (
                [random_stream(stream + 1, self.seed, *k) for k in ids] if self.kind == "signed" else None
            )
        else:
            self._torch_gen = torch.Generator(device=self.device)
            self._torch_gen.manual_seed(hash((stream, self.seed)) % (2**63))

    # ------------------------------------------------------------------ CPU draws
    # A CPU batch is made in two phases. The raw phase (NumPy; any thread) fills ``buf``
    # with the dense instances' uniforms and the sparse instances' zeros, and draws the
    # sparse instances' positions and values. The finishing phase (PyTorch; the caller's
    # thread) turns the uniforms into features with one elementwise op over the whole
    # buffer, x = relu(u · scale + shift) (zeros stay zero; in place, or written
    # features-first), writes the sparse values, and applies the signs of the signed kind.

    def _raw(self, buf: np.ndarray, dense: Sequence[int], sparse: Sequence[int], offset: int) -> list[_Drawn]:
        """The raw phase for ``dense`` and ``sparse`` instances (``buf[k - offset]``)."""
        total = buf.shape[1] * buf.shape[2]
        for k in dense:
            self._gens[k].random(out=buf[k - offset], dtype=np.float32)
        drawn = []
        for k in sparse:
            gen = self._gens[k]
            pos = _bernoulli_positions(gen, self._density[k], total)
            values = gen.random(len(pos), dtype=np.float32)
            if self.kind == "signed":
                values = values * np.float32(2.0) - np.float32(1.0)
            buf[k - offset].fill(0.0)
            drawn.append((k, pos, values))
        return drawn

    def _raw_all(self, batch_size: int, split: bool) -> tuple[np.ndarray, list[_Drawn]]:
        """The raw phase of a whole batch (``split``: the dense instances on two threads)."""
        buf = np.empty((self.n_instances, batch_size, self.n_features), dtype=np.float32)
        dense = self._dense
        if split and len(dense) >= 2 and batch_size * self.n_features * len(dense) >= 65536 and _pool()._max_workers > 1:
            half = len(dense) // 2
            fut = _pool().submit(self._raw, buf, dense[:half], (), 0)
            drawn = self._raw(buf, dense[half:], self._sparse, 0)
            fut.result()
            return buf, drawn
        return buf, self._raw(buf, dense, self._sparse, 0)

    def _finish_cpu(
        self, buf: np.ndarray, drawn: list[_Drawn], dense: Sequence[int], offset: int,
        features_first: torch.Tensor | None = None,
    ) -> tuple[Batch, ActiveFeatures | None]:
        """The finishing phase for ``buf``, which holds instances ``offset ..``; with
        ``features_first`` (``[I, n, B]``) the batch is written there, transposed."""
        batch, n = buf.shape[1], buf.shape[2]
        group = slice(offset, offset + buf.shape[0])
        u, scale = torch.from_numpy(buf), self._scale[group]
        if features_first is None:
            x = torch.addcmul(self._shift[group], u, scale, out=u).relu_()
        else:  # the same elementwise op, so the same numbers, written features-first
            x = torch.addcmul(
                self._shift[group].transpose(1, 2), u.transpose(1, 2), scale.transpose(1, 2), out=features_first
            ).relu_()
        if self.kind == "signed" and dense:
            signs = self._random_signs(batch, dense)
            for j, k in enumerate(dense):
                x[k - offset].mul_(signs[j] if features_first is None else signs[j].T)
        listed, rows, cols, vals = [], [], [], []
        for k, pos, values in drawn:
            if features_first is None:
                buf[k - offset].reshape(-1)[pos] = values
            else:
                b_idx, f_idx = np.divmod(pos, n)
                x[k - offset][torch.from_numpy(f_idx), torch.from_numpy(b_idx)] = torch.from_numpy(values)
            if self._density[k] <= SPARSE_PRODUCTS_BELOW:
                r, c = np.divmod(pos, n)
                rows.append(torch.from_numpy(r + len(listed) * batch))
                cols.append(torch.from_numpy(c + len(listed) * n))
                vals.append(torch.from_numpy(values))
                listed.append(k - offset)
        if not listed:
            return x, None
        return x, ActiveFeatures(torch.tensor(listed), torch.cat(rows), torch.cat(cols), torch.cat(vals))

    def sample_instances(
        self, batch_size: int, lo: int, hi: int, *, out: np.ndarray | None = None,
        features_first: torch.Tensor | None = None,
    ) -> tuple[Batch, ActiveFeatures | None]:
        """Instances ``lo .. hi-1`` of a fresh batch (CPU), on the calling thread, and the
        active entries of the sparsely drawn ones among them (indices within the group).
        Each instance's numbers are those :meth:`sample_active` would give it: the
        trainer draws groups of instances on two threads. ``out``: a float32 array
        ``[hi - lo, batch_size, n_features]`` to draw into (the batch then shares its
        memory), so that a loop need not touch fresh memory at every step.
        ``features_first``: a contiguous float32 tensor ``[hi - lo, n_features, batch_size]``
        that receives the batch transposed (the same numbers), which is then returned;
        ``out`` is then only the raw draws' memory."""
        if self.device.type != "cpu":
            raise ValueError(f"sample_instances draws on the CPU; this sampler is on {self.device}")
        if not (isinstance(lo, int) and isinstance(hi, int) and 0 <= lo < hi <= self.n_instances):
            raise ValueError(f"need 0 <= lo < hi <= {self.n_instances}, got lo={lo!r}, hi={hi!r}")
        batch_size = check_positive_int("batch_size", batch_size)
        shape = (hi - lo, batch_size, self.n_features)
        if out is None:
            buf = np.empty(shape, dtype=np.float32)
        elif not isinstance(out, np.ndarray) or out.shape != shape or out.dtype != np.float32 or not out.flags.c_contiguous:
            raise ValueError(f"out must be a C-contiguous float32 array of shape {list(shape)}, got {_describe(out)}{f' ({out.dtype})' if isinstance(out, np.ndarray) else ''}")
        else:
            buf = out
        if features_first is not None:
            t_shape = (hi - lo, self.n_features, batch_size)
            if (
                not isinstance(features_first, torch.Tensor) or tuple(features_first.shape) != t_shape
                or features_first.dtype != torch.float32 or features_first.device.type != "cpu"
                or not features_first.is_contiguous()
            ):
                raise ValueError(
                    f"features_first must be a contiguous float32 CPU tensor of shape {list(t_shape)}, "
                    f"got {_describe_buffer(features_first)}"
                )
        dense = [k for k in self._dense if lo <= k < hi]
        sparse = [k for k in self._sparse if lo <= k < hi]
        return self._finish_cpu(buf, self._raw(buf, dense, sparse, lo), dense, lo, features_first)

    def _sample_shared(
        self, batch_size: int, lo: int, hi: int, out: np.ndarray, features_first: torch.Tensor | None = None
    ) -> Batch:
        """:meth:`sample_instances` for instances ``lo .. hi-1``, drawing each distinct
        (stream key, sparsity) once: an instance that shares both with an earlier one of
        the group copies its numbers, which are the same. The copying instances' own
        streams do not advance, so only a sampler that is always called with the same
        groups may use this (the grouped evaluation's own, whose seeds of one
        configuration share their samples)."""
        key = (lo, hi)
        if key not in self._sources:
            first: dict[tuple[Any, bytes], int] = {}
            self._sources[key] = [
                first.setdefault((self._ids[k], self.sparsity[k].numpy().tobytes()), k) for k in range(lo, hi)
            ]
        sources = self._sources[key]
        if self._sparse or all(src == lo + j for j, src in enumerate(sources)):
            return self.sample_instances(batch_size, lo, hi, out=out, features_first=features_first)[0]
        for j, src in enumerate(sources):
            if src == lo + j:
                self.sample_instances(
                    batch_size, src, src + 1, out=out[j : j + 1],
                    features_first=None if features_first is None else features_first[j : j + 1],
                )
        x = torch.from_numpy(out) if features_first is None else features_first
        for j, src in enumerate(sources):
            if src != lo + j:
                x[j].copy_(x[src - lo])
        return x

    def sample_active(self, batch_size: int) -> tuple[Batch, ActiveFeatures | None]:
        """A fresh batch and the active entries of its sparsely drawn instances of density
        at most :data:`SPARSE_PRODUCTS_BELOW` (``None`` when there are none)."""
        batch_size = check_positive_int("batch_size", batch_size)
        if self.device.type != "cpu":
            shape = (self.n_instances, batch_size, self.n_features)
            u = torch.rand(shape, generator=self._torch_gen, device=self.device)
            x = torch.relu_(torch.addcmul(self._shift, u, self._scale))
            if self.kind == "signed":
                x = x * self._random_signs(batch_size, range(self.n_instances))
            return x, None
        buf, drawn = self._raw_all(batch_size, split=True)
        return self._finish_cpu(buf, drawn, self._dense, 0)

    def stream_active(self, batch_size: int) -> Iterator[tuple[Batch, ActiveFeatures | None]]:
        """Endless ``(batch, active entries)`` pairs, the same as repeated
        :meth:`sample_active` calls. On CPU the next batch's random numbers are drawn on a
        background thread while the caller works on the current one."""
        batch_size = check_positive_int("batch_size", batch_size)
        if self.device.type != "cpu":
            while True:
                yield self.sample_active(batch_size)
        pool = _pool()
        pending = pool.submit(self._raw_all, batch_size, False)
        while True:
            buf, drawn = pending.result()
            pending = pool.submit(self._raw_all, batch_size, False)
            yield self._finish_cpu(buf, drawn, self._dense, 0)

    def stream(self, batch_size: int) -> Iterator[torch.Tensor]:
        """Endless batches, the same as repeated :meth:`sample` calls; on CPU the next
        batch's random numbers are drawn on a background thread while the caller works
        on the current one."""
        for x, _ in self.stream_active(batch_size):
            yield x

    def sample(self, batch_size: int) -> torch.Tensor:
        """A fresh batch ``[n_instances, batch_size, n_features]``."""
        return self.sample_active(batch_size)[0]

    def _random_signs(self, batch_size: int, instances: Sequence[int]) -> torch.Tensor:
        shape = (len(instances), batch_size, self.n_features)
        if self.device.type != "cpu":
            bits = torch.randint(0, 2, shape, generator=self._torch_gen, device=self.device)
        else:
            assert self._signs is not None
            bits = torch.from_numpy(
                np.stack([self._signs[k].integers(0, 2, shape[1:], dtype=np.int8) for k in instances])
            )
        return bits.to(torch.float32).mul_(2).sub_(1).to(self.device)

    def __call__(self, batch_size: int) -> torch.Tensor:
        return self.sample(batch_size)


def sample_features(
    n_instances: int,
    batch_size: int,
    n_features: int,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    seed: int = 0,
    kind: str = "uniform",
) -> Batch:
    """One batch ``[n_instances, batch_size, n_features]`` of sparse features (see FeatureSampler)."""
    sampler = FeatureSampler(
        n_instances, n_features, sparsity=sparsity, density=density, seed=seed, kind=kind
    )
    return sampler.sample(batch_size)




# --------------------------------------------------------------------------- correlated features
CORRELATED_STREAM = 0x5EED_C0BB

FEATURE_RELATIONS = ("correlated", "anticorrelated", "independent")
"""How the features of one group of :class:`CorrelatedFeatureSampler` relate."""


class CorrelatedFeatureSampler:
    """Sparse features in groups that are correlated, anticorrelated or independent.

    Every feature is active with the same marginal probability ``p`` (the density) and,
    when active, uniform on ``[0, 1]``, independently of the other values. What the
    groups change is which features are active *together*:

    - ``"correlated"``: the whole group is active together (probability ``p``) or not
      at all; ``P(i and j active) = p`` for two features of the group;
    - ``"anticorrelated"``: at most one feature of the group is active: with probability
      ``size · p`` one of them, each with probability ``p``; ``P(i and j active) = 0``
      (needs ``size · p <= 1``);
    - ``"independent"``: every feature on its own, ``P(i and j active) = p²``.

    Features are numbered group by group in the order given. Call the sampler with a
    batch size to get ``[n_instances, batch, n_features]``; pass it to
    ``train(..., data=sampler)``.

    Parameters
    ----------
    n_instances:
        Size of the instance axis.
    groups:
        A list of ``(relation, size)`` pairs, e.g. ``[("correlated", 2), ("correlated", 2)]``.
    sparsity, density:
        Exactly one, as a keyword: ``S`` in [0, 1) or ``p = 1 − S`` in (0, 1]; a number or
        one value per instance.
    seed:
        Instance ``k`` draws from its own stream ``(seed, k)``, so its numbers do not
        depend on how many instances are sampled beside it.
    """

    def __init__(
        self,
        n_instances: int,
        groups: Sequence[tuple[str, int]],
        *,
        sparsity: Probability | None = None,
        density: Probability | None = None,
        seed: int = 0,
        device: str | torch.device | None = None,
    ) -> None:
        self.n_instances = check_positive_int("n_instances", n_instances)
        if isinstance(groups, (str, bytes)) or not isinstance(groups, Sequence) or not groups:
            raise TypeError(
                "groups must be a non-empty list of (relation, size) pairs, "
                f"e.g. [('correlated', 2), ('anticorrelated', 2)], got {groups!r}"
            )
        parsed: list[tuple[str, int]] = []
        for g in groups:
            if not isinstance(g, (tuple, list)) or len(g) != 2:
                raise TypeError(f"each entry of groups must be a (relation, size) pair, got {g!r}")
            rel = check_choice("group relation", g[0], FEATURE_RELATIONS)
            parsed.append((rel, check_positive_int("group size", g[1])))
        self.groups = parsed
        self.n_features = sum(size for _, size in parsed)
        p = 1.0 - resolve_sparsity(sparsity, density, max_dim=1, dtype=torch.float64)
        if p.dim() == 1 and p.shape[0] != self.n_instances:
            name = "sparsity" if density is None else "density"
            raise ValueError(
                f"{name} has {p.shape[0]} values but there are {self.n_instances} instances; "
                f"give a number or {self.n_instances} values"
            )
        self.density = p.expand(self.n_instances).clone() if p.dim() == 0 else p.clone()
        for rel, size in parsed:
            if rel == "anticorrelated" and float(self.density.max()) * size > 1 + 1e-12:
                raise ValueError(
                    f"an anticorrelated group of {size} features needs size * density <= 1, "
                    f"got density {float(self.density.max()):g} (at most {1 / size:g} allowed)"
                )
        self.seed = check_seed("seed", seed)
        self.device = resolve_device("cpu" if device is None else device)
        self._gens = [random_stream(CORRELATED_STREAM, self.seed, k) for k in range(self.n_instances)]
        # which feature of each group leads (its gate decides for the group)
        self._lead = np.zeros(self.n_features, dtype=np.int64)
        self._rank = np.zeros(self.n_features, dtype=np.int64)
        self._rel = np.zeros(self.n_features, dtype=np.int64)
        start = 0
        for rel, size in parsed:
            idx = np.arange(start, start + size)
            self._lead[idx] = start if rel != "independent" else idx
            self._rank[idx] = np.arange(size)
            self._rel[idx] = FEATURE_RELATIONS.index(rel)
            start += size

    @property
    def sparsity(self) -> torch.Tensor:
        """``S = 1 − p`` per instance and feature (``[n_instances, n_features]``)."""
        return (1.0 - self.density.float())[:, None].expand(self.n_instances, self.n_features).clone()

    def group_index(self) -> list[list[int]]:
        """The feature indices of each group, in order."""
        out, start = [], 0
        for _, size in self.groups:
            out.append(list(range(start, start + size)))
            start += size
        return out

    def sample(self, batch_size: int) -> torch.Tensor:
        """A fresh batch ``[n_instances, batch_size, n_features]``."""
        batch_size = check_positive_int("batch_size", batch_size)
        out = np.empty((self.n_instances, batch_size, self.n_features), dtype=np.float32)
        anti = self._rel == FEATURE_RELATIONS.index("anticorrelated")
        for k, g in enumerate(self._gens):
            p = float(self.density[k])
            gate = g.random((batch_size, self.n_features))[:, self._lead]  # a group shares its lead's gate
            values = g.random((batch_size, self.n_features), dtype=np.float32)
            # correlated / independent: active when the gate is below p;
            # anticorrelated: the group fires when gate < size·p, member floor(gate / p)
            active = np.where(anti, np.floor(gate / p) == self._rank, gate < p)
            out[k] = values * active
        return torch.from_numpy(out).to(self.device)

    def __call__(self, batch_size: int) -> torch.Tensor:
        return self.sample(batch_size)


def _pairs(
    relation: str, n_instances: int, n_pairs: int, sparsity: Probability | None, density: Probability | None, seed: int
) -> CorrelatedFeatureSampler:
    n_pairs = check_positive_int("n_pairs", n_pairs)
    return CorrelatedFeatureSampler(
        n_instances, [(relation, 2)] * n_pairs, sparsity=sparsity, density=density, seed=seed
    )


def correlated_pairs(
    n_instances: int,
    n_pairs: int,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    seed: int = 0,
) -> CorrelatedFeatureSampler:
    """``n_pairs`` pairs of features that are always active together (``2 n_pairs`` features)."""
    return _pairs("correlated", n_instances, n_pairs, sparsity, density, seed)


def anticorrelated_pairs(
    n_instances: int,
    n_pairs: int,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    seed: int = 0,
) -> CorrelatedFeatureSampler:
    """``n_pairs`` pairs of features that are never active together (``2 n_pairs`` features)."""
    return _pairs("anticorrelated", n_instances, n_pairs, sparsity, density, seed)
