"""Learning dynamics (chapter 7): jumps of the feature dimensionalities ``D_i`` during
training, and where the ReLU starts to matter. Pure functions of recorded traces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ._types import Weights
from ._validate import as_float_tensor, as_weights, check_positive_int, check_real

__all__ = [
    "Jump",
    "dimensionality_jumps",
    "first_plateau",
    "first_step_above",
    "interpolate_log_steps",
    "jump_loss_share",
    "loss_drops",
    "n_directions",
    "principal_directions",
    "subspace_fraction",
]


@dataclass(frozen=True)
class Jump:
    """One jump of a feature's dimensionality: ``D`` moved from ``d_before`` (at ``start``)
    to ``d_after`` (at ``end = span × start``), the fastest such move of that stretch;
    ``loss_before``/``loss_after`` are the loss at the same two steps (NaN without losses)."""

    feature: int
    start: float
    end: float
    d_before: float
    d_after: float
    loss_before: float = float("nan")
    loss_after: float = float("nan")

    @property
    def loss_drop(self) -> float:
        return self.loss_before - self.loss_after


def _steps(steps: object) -> np.ndarray:
    s = as_float_tensor("steps", steps, min_dim=1, max_dim=1, dtype=torch.float64).numpy()
    if s.size < 2:
        raise ValueError(f"steps must hold at least 2 recorded steps, got {s.size}")
    if np.any(np.diff(s) <= 0):
        raise ValueError("steps must be strictly increasing")
    return np.maximum(s, 1.0)  # step 0 sits at step 1 on a log axis


def interpolate_log_steps(steps: object, values: object, at: object) -> np.ndarray:
    """``values`` (``[snapshots, ...]``) at the steps ``at``, interpolated linearly in log(step)."""
    s = _steps(steps)
    v = as_float_tensor("values", values, min_dim=1, dtype=torch.float64).numpy()
    if v.shape[0] != s.size:
        raise ValueError(f"values has {v.shape[0]} snapshots but steps has {s.size}")
    t = np.log(np.clip(np.asarray(at, dtype=np.float64), s[0], s[-1]))
    flat = v.reshape(s.size, -1)
    out = np.stack([np.interp(t, np.log(s), flat[:, j]) for j in range(flat.shape[1])], axis=-1)
    return out.reshape(t.shape + v.shape[1:])


def dimensionality_jumps(
    steps: object,
    dims: object,
    *,
    losses: object | None = None,
    min_change: float = 0.2,
    span: float = 2.0,
    after: float = 1.0,
) -> list[Jump]:
    """Jumps of the feature dimensionalities during training (chapter 7).

    ``steps`` ``[snapshots]`` are the recorded steps, ``dims`` ``[snapshots, features]`` the
    ``D_i`` at each. A feature jumps where its ``D_i`` changes by at least ``min_change``
    between a step ``t`` and ``span × t`` (a fixed stretch of a log-step axis: a jump is a
    change that is fast compared with how long training has run). Consecutive such
    stretches of one feature count as one jump, placed at the fastest change. Only stretches
    starting at ``t >= after`` count. With ``losses`` ``[snapshots]`` each jump also gets the
    loss at its two ends. Returns the jumps sorted by start step.
    """
    s = _steps(steps)
    d = as_float_tensor("dims", dims, min_dim=2, max_dim=2, dtype=torch.float64).numpy()
    if d.shape[0] != s.size:
        raise ValueError(f"dims has {d.shape[0]} snapshots but steps has {s.size}")
    th = check_real("min_change", min_change, low=0.0, low_open=True)
    sp = check_real("span", span, low=1.0, low_open=True)
    first = check_real("after", after, low=0.0)
    loss = None
    if losses is not None:
        loss = as_float_tensor("losses", losses, min_dim=1, max_dim=1, dtype=torch.float64).numpy()
        if loss.size != s.size:
            raise ValueError(f"losses has {loss.size} snapshots but steps has {s.size}")
    ends = np.minimum(s * sp, s[-1])
    d_end = interpolate_log_steps(s, d, ends)  # [snapshots, features]
    change = np.abs(d_end - d)
    valid = (ends > s) & (s >= first)
    jumps: list[Jump] = []
    for i in range(d.shape[1]):
        on = (change[:, i] >= th) & valid
        k = 0
        while k < on.size:
            if not on[k]:
                k += 1
                continue
            j = k
            while j < on.size and on[j]:
                j += 1
            a = k + int(np.argmax(change[k:j, i]))
            lb = la = float("nan")
            if loss is not None:
                lb, la = (float(v) for v in interpolate_log_steps(s, loss, [s[a], ends[a]]))
            jumps.append(Jump(i, float(s[a]), float(ends[a]), float(d[a, i]), float(d_end[a, i]), lb, la))
            k = j
    return sorted(jumps, key=lambda jp: (jp.start, jp.feature))


def first_step_above(steps: object, values: object, threshold: float, *, after: float = 0.0) -> float:
    """The first recorded step at or after ``after`` at which ``values`` ``[snapshots]``
    reaches ``threshold`` (NaN if it never does). Chapter 7 uses it for where a plateau
    starts and ends (pass ``-values`` and ``-threshold`` for "falls to")."""
    s = _steps(steps)
    v = as_float_tensor("values", values, min_dim=1, max_dim=1, dtype=torch.float64).numpy()
    if v.size != s.size:
        raise ValueError(f"values has {v.size} snapshots but steps has {s.size}")
    th = check_real("threshold", threshold)
    start = check_real("after", after, low=0.0)
    hit = np.nonzero((v >= th) & (s >= start))[0]
    return float(s[hit[0]]) if hit.size else float("nan")


def jump_loss_share(steps: object, losses: object, jumps: list[Jump], *, after: float = 1.0) -> tuple[float, float]:
    """How much of the loss's fall happens during jumps (chapter 7).

    Returns ``(share of the loss decrease from step ``after`` to the end that happens inside
    the union of the jumps' windows, share of the log-step range they cover)``. A share of
    the decrease well above the share of time means the loss drops when features jump.
    """
    s = _steps(steps)
    loss = as_float_tensor("losses", losses, min_dim=1, max_dim=1, dtype=torch.float64).numpy()
    if loss.size != s.size:
        raise ValueError(f"losses has {loss.size} snapshots but steps has {s.size}")
    first = check_real("after", after, low=0.0)
    keep = s >= first
    if keep.sum() < 2:
        raise ValueError(f"after={after:g} leaves fewer than 2 recorded steps")
    s, loss = s[keep], loss[keep]
    mid = np.sqrt(s[:-1] * s[1:])  # each interval's middle on a log axis
    inside = np.zeros(mid.size, dtype=bool)
    for j in jumps:
        inside |= (mid >= j.start) & (mid <= j.end)
    total = loss[0] - loss[-1]
    if total <= 0:
        raise ValueError("the loss did not fall over the recorded steps")
    drop = float((loss[:-1] - loss[1:])[inside].sum() / total)
    widths = np.diff(np.log(s))
    return drop, float(widths[inside].sum() / widths.sum())


def n_directions(W: Weights, *, cosine: float = 0.9, threshold: float = 0.25) -> int:
    """How many distinct directions the features of one model ``[m, n]`` point along
    (chapter 7): features longer than ``threshold`` are linked when their cosine exceeds
    ``cosine``, and the linked groups are counted. Six features merged into two sets count 2."""
    w = as_weights("W", W, min_dim=2, max_dim=2, dtype=torch.float64)
    cos_th = check_real("cosine", cosine, low=-1.0, high=1.0)
    th = check_real("threshold", threshold, low=0.0)
    norms = w.norm(dim=0)
    rep = [i for i in range(w.shape[1]) if float(norms[i]) > th]
    parent = {i: i for i in rep}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a in rep:
        for b in rep:
            if a < b and float(w[:, a] @ w[:, b] / (norms[a] * norms[b])) > cos_th:
                parent[root(b)] = root(a)
    return len({root(i) for i in rep})


def principal_directions(x: object, k: int) -> torch.Tensor:
    """The top ``k`` principal directions of a batch ``x`` ``[batch, features]``: the unit
    eigenvectors of its covariance with the largest eigenvalues, as rows ``[k, features]``
    (signs arbitrary). Chapter 7: the first regime of training finds these."""
    t = as_float_tensor("x", x, min_dim=2, max_dim=2, dtype=torch.float64)
    k = check_positive_int("k", k)
    if k > t.shape[1]:
        raise ValueError(f"k must be at most the number of features ({t.shape[1]}), got {k}")
    c = t - t.mean(0)
    cov = c.T @ c / max(1, t.shape[0] - 1)
    vals, vecs = torch.linalg.eigh(cov)
    return vecs[:, -k:].flip(-1).T.contiguous()


def subspace_fraction(W: Weights, directions: object) -> float:
    """The share of ``‖W‖_F²`` (one model ``[m, n]``) that lies in the span of ``directions``
    ``[k, n]`` in input space (the rows of ``W`` projected onto it). 1 when every hidden
    unit reads only those directions. Chapter 7."""
    w = as_weights("W", W, min_dim=2, max_dim=2, dtype=torch.float64)
    d = as_float_tensor("directions", directions, min_dim=2, max_dim=2, dtype=torch.float64)
    if d.shape[1] != w.shape[1]:
        raise ValueError(f"directions has {d.shape[1]} features; W has {w.shape[1]}")
    q, _ = torch.linalg.qr(d.T)
    proj = w @ q @ q.T
    return float((proj**2).sum() / (w**2).sum().clamp_min(1e-12))


def loss_drops(steps: object, losses: object, *, min_rate: float, after: float = 1.0, points: int = 200) -> list[float]:
    """The steps where the loss falls fastest on a log-step axis (chapter 7).

    The loss is resampled at ``points`` log-spaced steps from ``after`` to the last step; its
    rate of fall ``−dL/d log t`` is taken there, and every local maximum of that rate (over
    ``±points/40`` neighbours) of at least ``min_rate`` is a drop. Returns the drops' steps.
    """
    s = _steps(steps)
    rate_min = check_real("min_rate", min_rate, low=0.0, low_open=True)
    first = check_real("after", after, low=1.0)
    k = check_positive_int("points", points, minimum=20)
    grid = np.geomspace(max(first, s[0]), s[-1], k)
    lv = interpolate_log_steps(s, losses, grid)
    rate = -np.gradient(lv, np.log(grid))
    half = max(1, k // 40)
    out = []
    for i in range(k):
        lo, hi = max(0, i - half), min(k, i + half + 1)
        if rate[i] >= rate_min and rate[i] == rate[lo:hi].max():
            out.append(float(grid[i]))
    return out


def first_plateau(steps: object, losses: object, *, max_rate: float = 0.25, after: float = 1.0) -> tuple[float, float]:
    """The first plateau of a loss curve after its first fall (chapter 7): the first stretch of
    recorded steps, once the loss has fallen at least ``max_rate`` per e-fold of steps (on
    log–log axes, ``−d log L / d log t``), where it falls more slowly than that. Returns its
    first and last step; NaNs if the curve has no such stretch."""
    s = _steps(steps)
    loss = as_float_tensor("losses", losses, min_dim=1, max_dim=1, dtype=torch.float64).numpy()
    if loss.size != s.size:
        raise ValueError(f"losses has {loss.size} snapshots but steps has {s.size}")
    if (loss <= 0).any():
        raise ValueError("losses must be positive (the rate is taken on a log scale)")
    th = check_real("max_rate", max_rate, low=0.0, low_open=True)
    first = check_real("after", after, low=0.0)
    rate = -np.gradient(np.log(loss), np.log(s))
    falling = np.nonzero((rate >= th) & (s >= first))[0]
    if falling.size == 0:
        return float("nan"), float("nan")
    k = falling[0]
    while k < s.size and rate[k] >= th:
        k += 1
    if k >= s.size:
        return float("nan"), float("nan")
    j = k
    while j + 1 < s.size and rate[j + 1] < th:
        j += 1
    return float(s[k]), float(s[j])
