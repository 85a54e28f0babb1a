"""Adversarial attacks on the ReLU-output toy model (chapter 8), ``x' = ReLU(WᵀW x + b)``.

An L2 attack adds a perturbation ``δ`` of norm ``λ`` to the input and keeps the clean input
as the target: the attacked loss is ``L' = E_x Σ_j I_j (x_j − ReLU(WᵀW (x + δ) + b)_j)²``
(the paper's loss, a sum over features).

- :func:`attack_directions`: the optimal attack on feature ``i`` moves the input along
  ``(WᵀW)_i``, the direction that raises feature ``i``'s pre-activation fastest
  (``δ = λ (WᵀW)_i / ‖(WᵀW)_i‖``, the paper's formula);
- :func:`optimal_attack`: the most harmful of those ``n`` attacks on a batch;
- :func:`gradient_attack`: projected gradient ascent on the attacked loss (one perturbation per model);
- :func:`no_superposition_model` and :func:`vulnerability`: the paper's measure
  ``(L' − L)/(L'₀ − L₀)``, where ``L₀, L'₀`` belong to a model without superposition
  (the first ``m`` features on orthonormal axes).

Inputs ``x`` are given (``[batch, n]`` or ``[instances, batch, n]``); nothing here draws
random numbers. Everything is float64.
"""

from __future__ import annotations

import torch

from .._types import ArrayLike, Biases, Weights
from .._validate import as_float_tensor, check_positive_int, check_real
from ._common import density_of, importance_vector, weights_and_bias

__all__ = [
    "attack_directions",
    "attacked_loss",
    "gradient_attack",
    "mean_input_norm",
    "no_superposition_model",
    "optimal_attack",
    "silent_inputs",
    "vulnerability",
]


def _model(W: Weights, b: Biases | None) -> tuple[torch.Tensor, torch.Tensor]:
    w, bias = weights_and_bias(W, b)
    if bias is None:
        bias = torch.zeros(w.shape[:-2] + (w.shape[-1],), dtype=torch.float64)
    return w, bias


def _inputs(x: ArrayLike, w: torch.Tensor) -> torch.Tensor:
    t = as_float_tensor("x", x, min_dim=2, max_dim=3, dtype=torch.float64)
    if t.shape[-1] != w.shape[-1]:
        raise ValueError(f"x has {t.shape[-1]} features; W has {w.shape[-1]}")
    if t.dim() == 3 and w.dim() == 3 and t.shape[0] not in (1, w.shape[0]):
        raise ValueError(f"x has {t.shape[0]} instances; W has {w.shape[0]}")
    return t


def _importance(importance: ArrayLike, n: int) -> torch.Tensor:
    return importance_vector(importance, n)


def mean_input_norm(x: ArrayLike) -> torch.Tensor:
    """``E‖x‖``, the mean L2 norm of the inputs ``x`` ``[..., batch, n]`` (``[...]``)."""
    t = as_float_tensor("x", x, min_dim=2, dtype=torch.float64)
    return t.norm(dim=-1).mean(-1)


def attack_directions(W: Weights) -> torch.Tensor:
    """The unit attack directions ``(WᵀW)_i / ‖(WᵀW)_i‖`` as rows ``[..., n, n]`` (row ``i``
    attacks feature ``i``; a feature with ``W_i = 0`` gets a zero row)."""
    w = weights_and_bias(W)[0]
    gram = w.transpose(-1, -2) @ w
    norms = gram.norm(dim=-1, keepdim=True)
    return torch.where(norms > 1e-12, gram / norms.clamp_min(1e-12), torch.zeros_like(gram))


def attacked_loss(
    W: Weights, b: Biases | None, x: ArrayLike, delta: ArrayLike | None = None, *, importance: ArrayLike = 1.0
) -> torch.Tensor:
    """The loss ``E_x Σ_j I_j (x_j − ReLU(WᵀW(x + δ) + b)_j)²`` with the clean ``x`` as target.

    ``delta`` is one perturbation per model ``[..., n]`` (added to every input), one per input
    (shaped like ``x``), or None (the clean loss). Returns ``[...]`` (one value per model).
    """
    w, bias = _model(W, b)
    t = _inputs(x, w)
    imp = _importance(importance, w.shape[-1])
    inp = t
    if delta is not None:
        d = as_float_tensor("delta", delta, min_dim=1, max_dim=3, dtype=torch.float64)
        if d.shape[-1] != w.shape[-1]:
            raise ValueError(f"delta has {d.shape[-1]} features; W has {w.shape[-1]}")
        inp = t + (d.unsqueeze(-2) if d.dim() == w.dim() - 1 else d)
    gram = w.transpose(-1, -2) @ w
    out = torch.relu(inp @ gram + bias.unsqueeze(-2))
    return (imp * (t - out) ** 2).sum(-1).mean(-1)


def optimal_attack(
    W: Weights, b: Biases | None, x: ArrayLike, *, norm: ArrayLike, importance: ArrayLike = 1.0
) -> dict[str, torch.Tensor]:
    """The most harmful of the ``n`` per-feature attacks ``λ (WᵀW)_i / ‖(WᵀW)_i‖`` on the batch ``x``.

    ``norm`` is ``λ`` (a number, or one per model). Returns ``"feature"`` (the attacked
    feature, ``[...]``), ``"delta"`` (its perturbation ``[..., n]``), ``"loss"`` (the attacked
    loss ``[...]``), ``"clean"`` (the loss without attack) and ``"per_feature"`` (the attacked
    loss of every feature's attack, ``[..., n]``).
    """
    w, bias = _model(W, b)
    lam = as_float_tensor("norm", norm, max_dim=1, dtype=torch.float64)
    if (lam < 0).any():
        raise ValueError(f"norm must be >= 0, got {lam.tolist()}")
    dirs = attack_directions(w)  # [..., n, n]
    deltas = dirs * (lam[..., None, None] if lam.dim() else lam)
    t = _inputs(x, w)
    imp = _importance(importance, w.shape[-1])
    gram = w.transpose(-1, -2) @ w
    # every feature's attack at once, [..., n attacks, batch, n]: the pre-activation is
    # linear in the input, so the attack adds δ WᵀW to the clean one
    clean_pre = t @ gram + bias.unsqueeze(-2)  # [..., batch, n]
    out = torch.relu(clean_pre.unsqueeze(-3) + (deltas @ gram).unsqueeze(-2))
    per = (imp * (t.unsqueeze(-3) - out) ** 2).sum(-1).mean(-1)  # [..., n]
    k = per.argmax(-1)
    delta = torch.gather(deltas, -2, k[..., None, None].expand(*k.shape, 1, w.shape[-1])).squeeze(-2)
    return {"feature": k, "delta": delta, "loss": per.max(-1).values,
            "clean": attacked_loss(w, bias, t, importance=imp), "per_feature": per}


def gradient_attack(
    W: Weights,
    b: Biases | None,
    x: ArrayLike,
    *,
    norm: float,
    steps: int = 50,
    importance: ArrayLike = 1.0,
) -> dict[str, torch.Tensor]:
    """A gradient attack of L2 norm ``norm``: one perturbation per model, like the optimal
    attack, found by projected gradient ascent on the attacked loss of the batch ``x``
    (from ``δ = 0``, each step moves ``δ`` along the normalised gradient and rescales it to
    norm ``norm``; the best ``δ`` seen is kept).

    Only inputs that switch some ReLU on send a gradient back. On very sparse inputs most
    inputs switch none on (the output is ``ReLU(b) = 0`` where every bias is negative), so
    the gradient comes from a few inputs and points where *they* are most harmed. Returns
    ``"delta"`` ``[..., n]``, ``"loss"`` (the attacked loss ``[...]``), ``"clean"`` and
    ``"silent"`` (the share of inputs whose gradient at ``δ = 0`` is zero, ``[...]``).
    """
    w, bias = _model(W, b)
    t = _inputs(x, w)
    lam = check_real("norm", norm, low=0.0)
    steps = check_positive_int("steps", steps)
    imp = _importance(importance, w.shape[-1])
    gram = w.transpose(-1, -2) @ w
    shape = t.shape[:-2] + (t.shape[-1],) if t.dim() >= w.dim() else w.shape[:-2] + (t.shape[-1],)

    def loss_and_grad(d: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        d = d.detach().requires_grad_(True)
        out = torch.relu((t + d.unsqueeze(-2)) @ gram + bias.unsqueeze(-2))
        per = (imp * (t - out) ** 2).sum(-1).mean(-1)
        per.sum().backward()
        return per.detach(), d.grad

    with torch.enable_grad():
        xs = t.detach().requires_grad_(True)
        out = torch.relu(xs @ gram + bias.unsqueeze(-2))
        (imp * (t - out) ** 2).sum().backward()
        silent = (xs.grad.norm(dim=-1) <= 1e-12).double().mean(-1)
        delta = torch.zeros(shape, dtype=torch.float64)
        best_loss, g = loss_and_grad(delta)
        best = delta.clone()
        for _ in range(steps):
            gn = g.norm(dim=-1, keepdim=True)
            if bool((gn <= 1e-12).all()):
                break
            moved = delta + lam * g / gn.clamp_min(1e-300)
            delta = torch.where(gn > 1e-12, lam * moved / moved.norm(dim=-1, keepdim=True).clamp_min(1e-300), delta)
            cur, g = loss_and_grad(delta)
            better = cur > best_loss
            best = torch.where(better[..., None], delta, best)
            best_loss = torch.where(better, cur, best_loss)
    return {"delta": best, "loss": best_loss, "clean": attacked_loss(w, bias, t, importance=imp), "silent": silent}


def no_superposition_model(
    n_features: int, n_hidden: int, *, sparsity: ArrayLike | None = None, density: ArrayLike | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """The baseline without superposition: features ``0 … m−1`` on orthonormal axes
    (``W = [I_m | 0]``, bias 0) and the others dropped, predicted by their mean ``p/2`` (bias
    ``p/2``). Returns ``(W [m, n], b [n])``. Its loss is the best a model without
    superposition reaches when the first ``m`` features are the most important."""
    n = check_positive_int("n_features", n_features)
    m = check_positive_int("n_hidden", n_hidden)
    if m > n:
        raise ValueError(f"n_hidden ({m}) must be at most n_features ({n})")
    p = density_of(sparsity, density, max_dim=0)
    W = torch.zeros(m, n, dtype=torch.float64)
    W[:, :m] = torch.eye(m, dtype=torch.float64)
    b = torch.zeros(n, dtype=torch.float64)
    b[m:] = p / 2
    return W, b


def vulnerability(
    W: Weights,
    b: Biases | None,
    x: ArrayLike,
    *,
    norm: ArrayLike,
    sparsity: ArrayLike | None = None,
    density: ArrayLike | None = None,
    importance: ArrayLike = 1.0,
) -> torch.Tensor:
    """The paper's vulnerability ``(L' − L)/(L'₀ − L₀)`` of one model ``[m, n]`` (or a stack
    ``[models, m, n]`` with ``x`` ``[models, batch, n]`` and one density and norm per model):
    the loss increase under the most harmful per-feature attack of norm ``norm``, divided by
    the increase the same attack size causes on :func:`no_superposition_model`, both on the
    same inputs ``x``."""
    w, bias = _model(W, b)
    t = _inputs(x, w)
    p = density_of(sparsity, density, max_dim=1)
    lam = as_float_tensor("norm", norm, max_dim=1, dtype=torch.float64)
    n, m = w.shape[-1], w.shape[-2]
    attack = optimal_attack(w, bias, t, norm=lam, importance=importance)
    rise = attack["loss"] - attack["clean"]
    if w.dim() == 2:
        W0, b0 = no_superposition_model(n, m, density=p)
        base = optimal_attack(W0, b0, t, norm=lam, importance=importance)
        return rise / (base["loss"] - base["clean"])
    k = w.shape[0]
    ps = p.expand(k) if p.dim() == 0 else p
    lams = lam.expand(k) if lam.dim() == 0 else lam
    out = torch.empty(k, dtype=torch.float64)
    for j in range(k):
        W0, b0 = no_superposition_model(n, m, density=ps[j])
        xj = t[j] if t.dim() == 3 else t
        base = optimal_attack(W0, b0, xj, norm=lams[j], importance=importance)
        out[j] = rise[j] / (base["loss"] - base["clean"])
    return out


def silent_inputs(W: Weights, b: Biases | None, x: ArrayLike) -> torch.Tensor:
    """Which inputs switch no output ReLU on (``WᵀW x + b ≤ 0`` for every output): their
    loss has zero gradient with respect to the input, so a gradient attack on them cannot
    start. Returns a boolean mask shaped like ``x`` without its last axis. Chapter 8."""
    w, bias = _model(W, b)
    t = _inputs(x, w)
    gram = w.transpose(-1, -2) @ w
    return ((t @ gram + bias.unsqueeze(-2)) <= 0).all(-1)
