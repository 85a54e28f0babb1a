"""Computation in superposition (chapter 10): measures of the untied absolute-value models
``h = ReLU(W x)``, ``y' = ReLU(W_outᵀ h + b)`` and the hand-built motifs of the chapter.

Weights are ``[hidden, features]`` for one model (``W[j, i]``: how feature ``i`` drives
neuron ``j``; ``W_out[j, i]``: how output ``i`` reads neuron ``j``).
"""

from __future__ import annotations

from typing import Any

import torch

from ._types import Biases, Weights
from ._validate import as_float_tensor, check_choice, check_positive_int, check_real
from .metrics import normalise_neurons
from .models import UntiedReLUModel

__all__ = [
    "computed_halves",
    "sweep_counts",
    "find_asymmetric_motifs",
    "motif_loss",
    "motif_model",
    "neuron_roles",
    "normalise_neurons",
]


def _pair(W: Weights, W_out: Weights) -> tuple[torch.Tensor, torch.Tensor]:
    w = as_float_tensor("W", W, min_dim=2, max_dim=2, dtype=torch.float64)
    w_out = as_float_tensor("W_out", W_out, min_dim=2, max_dim=2, dtype=torch.float64)
    if w.shape != w_out.shape:
        raise ValueError(
            f"W and W_out must have the same shape [hidden, features], got {tuple(w.shape)} and {tuple(w_out.shape)}"
        )
    return w, w_out


def computed_halves(W: Weights, W_out: Weights, b: Biases, *, threshold: float = 0.5) -> torch.Tensor:
    """Which halves of ``|x_i|`` a model computes (chapter 10): ``[2, features]`` booleans,
    row 0 for ``x_i = +1`` and row 1 for ``x_i = −1``, feature ``i`` active alone.

    A half counts as computed when output ``i`` rises by more than ``threshold`` above its
    value at ``x = 0`` (the target rises by 1). A feature is fully computed when both halves are.
    """
    w, w_out = _pair(W, W_out)
    th = check_real("threshold", threshold, low=0.0, high=1.0, low_open=True, high_open=True)
    n = w.shape[1]
    bias = as_float_tensor("b", b, min_dim=1, max_dim=1, dtype=torch.float64)
    if bias.shape[0] != n:
        raise ValueError(f"b must have {n} entries (one per feature), got {bias.shape[0]}")
    eye = torch.eye(n, dtype=torch.float64)

    def out(x: torch.Tensor) -> torch.Tensor:
        return torch.relu(torch.relu(x @ w.T) @ w_out + bias)

    base = out(torch.zeros(1, n, dtype=torch.float64))[0]
    up = out(eye).diagonal() - base
    down = out(-eye).diagonal() - base
    return torch.stack([up > th, down > th])


def neuron_roles(W: Weights, W_out: Weights, *, threshold: float = 0.9) -> dict[str, Any]:
    """Each neuron's main feature and how monosemantic it is (chapter 10).

    Returns ``top`` (the feature with the largest ``|W_ji|``), ``sign`` (+1 for a ReLU(x)
    neuron of it, −1 for a ReLU(−x) neuron), ``share`` (the fraction of the neuron's squared
    input weight its top feature carries) and ``mono`` (``share >= threshold``), each ``[hidden]``.
    """
    w, _ = _pair(W, W_out)
    th = check_real("threshold", threshold, low=0.0, high=1.0)
    sq = w**2
    total = sq.sum(1)
    top = sq.argmax(1)
    share = torch.where(total > 0, sq.max(1).values / total.clamp_min(1e-30), torch.zeros_like(total))
    sign = torch.sign(w[torch.arange(w.shape[0]), top])
    return {"top": top, "sign": sign, "share": share, "mono": share >= th}


MOTIF_KINDS = ("symmetric", "asymmetric", "asymmetric+inhibitor")


def motif_model(kind: str, *, n_pairs: int = 1, ratio: float = 2.0, bias: float = 0.0) -> UntiedReLUModel:
    """Pairs of non-negative sparse features ``(u_k, v_k)`` (say the positive halves of two
    ``|x|`` features) through hand-built neurons (chapter 10), as an untied model on
    ``n = 2 n_pairs`` features ordered ``u_0, v_0, u_1, v_1, …``:

    - ``"symmetric"``: one neuron per pair, ``h_k = ReLU(u_k + v_k)``, both outputs read it
      with weight 1 and bias ``−bias``;
    - ``"asymmetric"``: one neuron per pair, ``h_k = ReLU(r u_k + v_k / r)``, read back with
      the reciprocal weights ``1/r`` (for ``u_k``, bias ``−bias``) and ``r`` (for ``v_k``);
    - ``"asymmetric+inhibitor"``: as ``"asymmetric"``, plus one inhibitor neuron
      ``ReLU(Σ_k u_k)``, shared by all pairs, that writes ``−r²`` into every output ``v_k``:
      it cancels the large interference ``r² u_k`` that ``u_k`` causes in output ``v_k``.
    """
    check_choice("kind", kind, MOTIF_KINDS)
    k = check_positive_int("n_pairs", n_pairs)
    r = check_real("ratio", ratio, low=0.0, low_open=True)
    c = check_real("bias", bias, low=0.0)
    n = 2 * k
    W = torch.zeros(k, n, dtype=torch.float64)
    W_out = torch.zeros(k, n, dtype=torch.float64)
    b = torch.zeros(n, dtype=torch.float64)
    for j in range(k):
        if kind == "symmetric":
            W[j, 2 * j : 2 * j + 2] = 1.0
            W_out[j, 2 * j : 2 * j + 2] = 1.0
            b[2 * j : 2 * j + 2] = -c
        else:
            W[j, 2 * j], W[j, 2 * j + 1] = r, 1.0 / r
            W_out[j, 2 * j], W_out[j, 2 * j + 1] = 1.0 / r, r
            b[2 * j] = -c
    if kind == "asymmetric+inhibitor":
        inh_in = torch.zeros(1, n, dtype=torch.float64)
        inh_out = torch.zeros(1, n, dtype=torch.float64)
        inh_in[0, 0::2] = 1.0
        inh_out[0, 1::2] = -r * r
        W, W_out = torch.cat([W, inh_in]), torch.cat([W_out, inh_out])
    return UntiedReLUModel.from_weights(W, W_out, b, dtype=torch.float64)


def motif_loss(
    kind: str,
    *,
    density: float,
    n_pairs: int = 1,
    ratio: float = 2.0,
    bias: float = 0.0,
    n_samples: int = 1 << 20,
    seed: int = 0,
) -> float:
    """The loss ``E Σ_i (y'_i − x_i)²`` of :func:`motif_model` on ``n_samples`` draws of
    ``2 n_pairs`` sparse uniform features (active with probability ``density``, then ``U[0, 1]``), in
    float64, from a fixed seed (chapter 10). The same samples for every ``kind``."""
    p = check_real("density", density, low=0.0, high=1.0, low_open=True)
    n = check_positive_int("n_samples", n_samples)
    g = torch.Generator().manual_seed(int(seed))
    k = check_positive_int("n_pairs", n_pairs)
    x = torch.rand(1, n, 2 * k, generator=g, dtype=torch.float64)
    x = x * (torch.rand(1, n, 2 * k, generator=g, dtype=torch.float64) < p)
    model = motif_model(kind, n_pairs=k, ratio=ratio, bias=bias)
    with torch.no_grad():
        return float(((model(x) - x) ** 2).sum(-1).mean())


def find_asymmetric_motifs(W: Weights, W_out: Weights, *, min_ratio: float = 1.5, weight: float = 0.2) -> list[dict[str, Any]]:
    """Asymmetric-superposition motifs in a trained untied model (chapter 10).

    A motif is a neuron ``j`` whose two largest input weights belong to features ``a`` and
    ``b`` with ``|W_ja| >= min_ratio · |W_jb|`` (both above ``weight`` after
    :func:`normalise_neurons`), read back with roughly reciprocal weights (output ``b``
    reads the neuron more strongly than output ``a`` does), plus an inhibitor: another
    neuron ``k`` that fires on the same half of ``a`` (``W_ka`` of the sign of ``W_ja``) and
    writes negatively into output ``b`` (``W_out[k, b] < 0``). Returns one dict per motif
    (``neuron``, ``strong``, ``weak``, ``inhibitor``, ``ratio``, the neuron's input
    weights ``w_strong``, ``w_weak`` and read-out weights ``r_strong``, ``r_weak``, the
    inhibitor's ``inhibit`` = ``W_out[k, b] · W_ka``), strongest ratio first.
    """
    w, w_out = normalise_neurons(W, W_out)
    q = check_real("min_ratio", min_ratio, low=1.0)
    th = check_real("weight", weight, low=0.0, high=1.0)
    found = []
    for j in range(w.shape[0]):
        order = w[j].abs().argsort(descending=True)
        a, bb = int(order[0]), int(order[1])
        wa, wb = float(w[j, a]), float(w[j, bb])
        if abs(wb) < th or abs(wa) < q * abs(wb):
            continue
        ra, rb = float(w_out[j, a]), float(w_out[j, bb])
        if not (ra > 0 and rb > 0 and rb > ra):
            continue
        best = None
        for k in range(w.shape[0]):
            if k == j or w[k, a] * wa <= 0:
                continue
            inhibit = float(w_out[k, bb] * abs(w[k, a]))
            if inhibit < 0 and (best is None or inhibit < best[1]):
                best = (k, inhibit)
        if best is None:
            continue
        found.append({
            "neuron": j, "strong": a, "weak": bb, "inhibitor": best[0], "ratio": abs(wa / wb),
            "w_strong": wa, "w_weak": wb, "r_strong": ra, "r_weak": rb, "inhibit": best[1],
        })
    return sorted(found, key=lambda d: -d["ratio"])


def sweep_counts(W: Weights, W_out: Weights, b: Biases) -> dict[str, int]:
    """Counts for one trained absolute-value model (chapter 10): ``monosemantic`` neurons
    (one feature ≥ 90% of the squared input weight), features computed in ``both`` halves,
    features computed in ``one`` half only, and ``motifs`` (:func:`find_asymmetric_motifs`)."""
    h = computed_halves(W, W_out, b)
    return {
        "monosemantic": int(neuron_roles(W, W_out)["mono"].sum()),
        "both": int(h.all(0).sum()),
        "one": int((h.any(0) & ~h.all(0)).sum()),
        "motifs": len(find_asymmetric_motifs(W, W_out)),
    }
