"""Checks for the exercises of chapter 2, privileged bases."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .. import metrics
from ._common import call_learner as _call
from ._common import check_prediction as _check_prediction
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = [
    "check_hidden_relu_forward",
    "check_neuron_top_feature_fraction",
    "check_random_orthogonal",
    "check_rotate_hidden",
    "check_alignment_prediction",
]


def check_random_orthogonal(fn: Callable[[int, int], torch.Tensor]) -> None:
    """Exercise: ``fn(m, seed)`` returns a random ``m x m`` orthogonal matrix ``Q``
    (``QᵀQ = I``), the same for the same seed and different for different seeds."""
    cases = [(2, 0), (5, 1), (8, 2)]
    for k, (m, seed) in enumerate(cases, 1):
        case = f"case {k} (m={m}, seed={seed})"
        Q = _call(fn, case, m, seed)
        if tuple(Q.shape) != (m, m):
            raise AssertionError(f"{case}: expected shape {(m, m)}, got {tuple(Q.shape)}")
        Q = Q.detach().double()
        err = float((Q.T @ Q - torch.eye(m, dtype=torch.float64)).abs().max())
        if err > 1e-5:
            raise AssertionError(
                f"{case}: QᵀQ should be the identity, but it differs by up to {err:.3g}. A random "
                "Gaussian matrix is not orthogonal: take the Q of its QR decomposition"
            )
        if float((Q.abs() - torch.eye(m, dtype=torch.float64)).abs().max()) < 1e-6:
            raise AssertionError(f"{case}: Q is (up to signs) the identity: it should be a random rotation")
        Q2 = _call(fn, case + ", called again", m, seed).detach().double()
        if not torch.allclose(Q, Q2, atol=1e-7):
            raise AssertionError(f"{case}: two calls with the same seed gave different matrices (use the seed)")
        Q3 = _call(fn, f"case {k} (m={m}, seed={seed + 100})", m, seed + 100).detach().double()
        if torch.allclose(Q, Q3, atol=1e-6):
            raise AssertionError(f"{case}: seeds {seed} and {seed + 100} gave the same matrix (use the seed)")
    _passed("check_random_orthogonal", len(cases))


def check_rotate_hidden(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W, R)`` returns the weights of the model whose hidden space is rotated
    by ``R``: ``h' = R h = R W x``, so ``W' = R W`` (``W`` is ``[m, n]``, ``R`` is ``[m, m]``)."""
    g = torch.Generator().manual_seed(3)
    cases = []
    for m, n in [(2, 3), (5, 10), (4, 4)]:
        R, _ = torch.linalg.qr(torch.randn(m, m, generator=g))
        cases.append((m, n, torch.randn(m, n, generator=g), R))
    for k, (m, n, W, R) in enumerate(cases, 1):
        case = f"case {k} (m={m}, n={n})"
        out = _call(fn, case, W.clone(), R.clone())
        hints = {
            "Rᵀ W, the inverse rotation (h' = R h means W' = R W)": R.T @ W,
            "the weights unchanged": W,
        }
        if m == n:
            hints["W R (rotate the hidden space, the rows of W, not the features)"] = W @ R
        _compare(case, R @ W, out, hints=hints)
    _passed("check_rotate_hidden", len(cases))


def check_hidden_relu_forward(fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W, b, x)`` is the hidden-ReLU model ``ReLU(Wᵀ ReLU(W x) + b)`` for a
    batch ``x`` of rows: ``W`` is ``[m, n]``, ``b`` is ``[n]``, ``x`` is ``[batch, n]``."""
    cases = [(0, 6, 3, 8), (1, 10, 5, 16), (2, 4, 4, 5)]
    for k, (seed, n, m, batch) in enumerate(cases, 1):
        g = torch.Generator().manual_seed(200 + seed)
        W = torch.randn(m, n, generator=g) * 0.7
        b = torch.randn(n, generator=g) * 0.3
        x = torch.rand(batch, n, generator=g) * 2 - 0.5
        case = f"case {k} (n={n}, m={m}, batch={batch})"
        out = _call(fn, case, W.clone(), b.clone(), x.clone())
        h = torch.relu(x @ W.T)
        _compare(
            case,
            torch.relu(h @ W + b),
            out,
            hints={
                "the model without the hidden ReLU (ReLU(Wᵀ W x + b))": torch.relu(x @ W.T @ W + b),
                "the model without the output ReLU": h @ W + b,
                "the model without the bias b": torch.relu(h @ W),
            },
        )
    _passed("check_hidden_relu_forward", len(cases))


def check_neuron_top_feature_fraction(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W)`` returns, for each neuron ``j`` (row of ``W``, ``[m, n]``), the
    fraction of its squared weight carried by its largest feature: ``max_i W_ji² / Σ_i W_ji²``."""
    g = torch.Generator().manual_seed(9)
    mono = torch.tensor([[0.0, 2.0, 0.1], [-1.5, 0.2, 0.0]])
    cases = [
        ("two nearly monosemantic neurons", mono),
        ("a random 5 x 10 matrix", torch.randn(5, 10, generator=g)),
        ("a random 4 x 4 matrix", torch.randn(4, 4, generator=g)),
    ]
    for k, (desc, W) in enumerate(cases, 1):
        case = f"case {k} ({desc})"
        out = _call(fn, case, W.clone())
        sq = W**2
        hints = {
            "absolute values instead of squares": W.abs().amax(1) / W.abs().sum(1),
            "the largest signed weight instead of the largest squared weight": W.amax(1) ** 2 / sq.sum(1),
        }
        if W.shape[0] == W.shape[1]:
            hints["the fraction per feature (columns), not per neuron (rows)"] = metrics.basis_alignment(W)
        _compare(case, metrics.neuron_top_feature_fraction(W), out, hints=hints)
    _passed("check_neuron_top_feature_fraction", len(cases))


def check_alignment_prediction(fn: Callable[[], str]) -> None:
    """Exercise 2.5 (predict, then run): ``fn()`` returns ``"higher"``, ``"lower"`` or
    ``"same"``: the mean basis alignment of random directions with 64 neurons, against
    its value with 4 neurons.

    The answer is ``"lower"``; the run after the exercise measures it and the claim
    ``ch02.random-alignment-falls-with-m`` asserts it on the numbers the page shows.
    """
    _check_prediction(
        fn, "alignment_prediction", ("higher", "lower", "same"), "lower",
        "A random unit vector in m dimensions puts about 1/m of "
        "its squared length on each coordinate. How big is the largest of m such shares when m "
        "grows? Run the next cell and compare.",
    )
