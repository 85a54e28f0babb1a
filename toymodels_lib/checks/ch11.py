"""Checks for the exercises of chapter 11, sparse dictionary learning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..metrics import max_cosine_similarity
from ..sae import SparseAutoencoder, evaluate_sae, sae_loss, train_sae
from ._common import call_learner as _call
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = ["check_dictionary_predictions", "check_feature_recovery", "check_sae_loss"]


def _sae_case(g: torch.Generator, m: int, d: int, batch: int) -> tuple[torch.Tensor, ...]:
    h = torch.rand(batch, m, generator=g, dtype=torch.float64) * (torch.rand(batch, m, generator=g, dtype=torch.float64) < 0.4)
    W_enc = torch.randn(d, m, generator=g, dtype=torch.float64)
    b_enc = torch.randn(d, generator=g, dtype=torch.float64) * 0.3
    W_dec = torch.randn(m, d, generator=g, dtype=torch.float64)
    W_dec = W_dec / W_dec.norm(dim=0)
    b_dec = torch.randn(m, generator=g, dtype=torch.float64) * 0.2
    return h, W_enc, b_enc, W_dec, b_dec


def _reference(h: torch.Tensor, W_enc: torch.Tensor, b_enc: torch.Tensor, W_dec: torch.Tensor, b_dec: torch.Tensor,
               l1: float, *, centre: bool = True, relu: bool = True, batch_mean: bool = True) -> torch.Tensor:
    pre = (h - b_dec if centre else h) @ W_enc.T + b_enc
    a = torch.relu(pre) if relu else pre
    h_hat = a @ W_dec.T + b_dec
    per = ((h - h_hat) ** 2).sum(-1) + l1 * a.abs().sum(-1)
    return per.mean() if batch_mean else per.sum()


def check_sae_loss(fn: Callable[..., torch.Tensor]) -> None:
    """Exercise: ``fn(h, W_enc, b_enc, W_dec, b_dec, l1)`` returns one SAE's loss (a scalar).

    ``h`` is ``[batch, m]``, ``W_enc`` ``[d, m]``, ``b_enc`` ``[d]``, ``W_dec`` ``[m, d]``,
    ``b_dec`` ``[m]``; ``a = ReLU(W_enc (h − b_dec) + b_enc)``, ``ĥ = W_dec a + b_dec`` and the
    loss is the batch mean of ``‖h − ĥ‖² + l1 Σ_j a_j``. The reference is the library's
    :func:`toymodels_lib.sae.sae_loss`.
    """
    g = torch.Generator().manual_seed(1111)
    cases = [(2, 5, 16, 0.3), (5, 20, 64, 0.1), (3, 3, 1, 1.0), (4, 8, 32, 0.0)]
    for k, (m, d, batch, l1) in enumerate(cases, 1):
        case = f"case {k} (m={m}, d={d}, batch={batch}, l1={l1})"
        h, W_enc, b_enc, W_dec, b_dec = _sae_case(g, m, d, batch)
        sae = SparseAutoencoder(m, d, 1)
        with torch.no_grad():
            sae.W_enc.copy_(W_enc[None]), sae.b_enc.copy_(b_enc[None])
            sae.W_dec.copy_(W_dec[None]), sae.b_dec.copy_(b_dec[None])
        sae.double()
        h_hat, a = sae(h[None])
        expected = sae_loss(h[None], h_hat, a, l1)[0].detach()
        out = _call(fn, case, h.clone(), W_enc.clone(), b_enc.clone(), W_dec.clone(), b_dec.clone(), l1)
        _compare(case, expected, out.detach().reshape(()) if out.numel() == 1 else out, atol=1e-8, rtol=1e-6, hints={
            "a loss without subtracting b_dec before encoding": _reference(h, W_enc, b_enc, W_dec, b_dec, l1, centre=False),
            "a loss without the ReLU on the latents": _reference(h, W_enc, b_enc, W_dec, b_dec, l1, relu=False),
            "the sum over the batch instead of the mean": _reference(h, W_enc, b_enc, W_dec, b_dec, l1, batch_mean=False),
            "the reconstruction error alone (no L1 term)": _reference(h, W_enc, b_enc, W_dec, b_dec, 0.0),
        })
    _passed("check_sae_loss", len(cases))


def check_feature_recovery(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W, D)`` returns, for each true feature ``W[:, i]`` (``W`` is ``[m, n]``),
    the largest cosine similarity with any dictionary direction ``D[:, j]`` (``D`` is
    ``[m, d]``, columns not necessarily unit): a tensor of ``n``."""
    g = torch.Generator().manual_seed(2222)
    cases = [(2, 5, 7), (5, 20, 40), (3, 6, 2), (10, 40, 40)]
    for k, (m, n, d) in enumerate(cases, 1):
        case = f"case {k} (W is [{m}, {n}], D is [{m}, {d}])"
        W = torch.randn(m, n, generator=g, dtype=torch.float64)
        D = torch.randn(m, d, generator=g, dtype=torch.float64) * (0.2 + torch.rand(d, generator=g, dtype=torch.float64))
        D[:, : min(d, n) // 2] = -W[:, : min(d, n) // 2] * 2.0  # some directions point exactly away
        expected = max_cosine_similarity(W, D)
        out = _call(fn, case, W.clone(), D.clone())
        Wu, Du = W / W.norm(dim=0), D / D.norm(dim=0)
        cos = Du.T @ Wu
        if out.numel() == d and d != n:
            raise AssertionError(f"{case}: expected one value per true feature ({n}), got {d}: one per latent; "
                                 "take the maximum over the latents (the dictionary), for each feature")
        _compare(case, expected, out, atol=1e-6, rtol=1e-5, hints={
            "the largest absolute cosine (a latent pointing away from a feature does not represent it)": cos.abs().max(0).values,
            "dot products without normalising the columns": (D.T @ W).max(0).values,
            "normalising W but not D": (D.T @ Wu).max(0).values,
        })
    _passed("check_feature_recovery", len(cases))


PREDICTION_SETTINGS: dict[str, Any] = dict(
    l1=0.3, density=0.05, n_seeds=3, steps=1000, batch_size=256, lr=0.03, resample_every=100, seed=0
)
"""The settings of the predict-then-run exercise: those of the chapter's sweep at L1 = 0.3."""


def check_dictionary_predictions(fn: Callable[[], Any], W: Any) -> None:
    """Exercise (predict, then run): ``fn()`` returns three predictions about SAEs on the
    pentagon model ``W`` at L1 = 0.3 (three seeds, the sweep's settings), as a tuple:
    (a) the most features any seed of a 3-latent SAE recovers (an int, 0 to 3); (b) whether
    every seed of a 20-latent SAE recovers all five features (a bool); (c) whether some seed
    of the 20-latent SAE has a feature matched by two or more live latents (a bool).

    The check trains both dictionaries (about a second) and compares.
    """
    out = _call(fn, "your predictions", returns=tuple)
    if len(out) != 3:
        raise AssertionError(f"expected a tuple of three predictions (a), (b), (c), got {len(out)} values")
    a, b, c = out
    if isinstance(a, bool) or not isinstance(a, int) or not 0 <= a <= 3:
        raise AssertionError(f"(a) must be an int from 0 to 3 (a 3-latent SAE finds at most 3 features), got {a!r}")
    for name, v in (("(b)", b), ("(c)", c)):
        if not isinstance(v, bool):
            raise AssertionError(f"{name} must be True or False, got {v!r}")
    small = train_sae(W, n_latents=3, **PREDICTION_SETTINGS)
    large = train_sae(W, n_latents=20, **PREDICTION_SETTINGS)
    ms, ml = evaluate_sae(small), evaluate_sae(large)
    true_a = int(ms["recovered"].max())
    true_b = bool((ml["recovered"] >= 5).all())
    Wt = torch.as_tensor(W, dtype=torch.float32)
    cos = large.W_dec.transpose(1, 2) @ (Wt / Wt.norm(dim=0))
    true_c = bool((((cos > 0.95) & ~ml["dead_mask"][..., None]).sum(1) >= 2).any())
    notes = []
    if a != true_a:
        notes.append(f"(a): the best 3-latent seed recovers {true_a}, you predicted {a}"
                     + ("; three latents can each sit on a feature only if the other two features are dropped,"
                        " and with a modest L1 the latents settle between features instead" if a == 3 else ""))
    if b != true_b:
        notes.append(f"(b): {'every' if true_b else 'not every'} 20-latent seed recovers all five")
    if c != true_c:
        notes.append(f"(c): {'some' if true_c else 'no'} seed has a feature matched by two or more live latents")
    if notes:
        raise AssertionError("; ".join(notes) + ". Run the next cells to see why.")
    _passed("check_dictionary_predictions", 3)
