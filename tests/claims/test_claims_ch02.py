"""Chapter 2's claims (privileged bases, on layers built from chosen or random weights)
hold for other random layers than the one the page draws, and fail when they should.

The chapter trains nothing. The trained privileged-basis experiments of the paper
("Superposition in a privileged basis": hidden-ReLU models across sparsity, best of many
seeds) belong to a later chapter with their own claims.
"""

import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import claims

N, M = 10, 5


def _changes(seed):
    g = torch.Generator().manual_seed(seed)
    A = torch.randn(M, N, generator=g, dtype=torch.float64) / N**0.5
    B = torch.randn(N, M, generator=g, dtype=torch.float64) / M**0.5
    x = torch.rand(500, N, generator=g, dtype=torch.float64)

    def change(Q, relu):
        def out(A_, B_):
            h = x @ A_.T
            return (torch.relu(h) if relu else h) @ B_.T

        before, after = out(A, B), out(Q @ A, B @ torch.linalg.inv(Q))
        return float((after - before).norm() / before.norm())

    rotations = [tm.random_orthogonal(M, 100 * seed + k) for k in range(10)]
    perms = [torch.eye(M, dtype=torch.float64)[torch.randperm(M, generator=g)] for _ in range(10)]
    scales = [torch.diag(torch.rand(M, generator=g, dtype=torch.float64) + 0.1) @ P for P in perms]
    return {
        "linear, rotation": [change(Q, False) for Q in rotations],
        "ReLU, rotation": [change(Q, True) for Q in rotations],
        "ReLU, permutation": [change(P, True) for P in perms],
        "ReLU, positive rescaling": [change(D, True) for D in scales],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_basis_claims_hold_for_other_random_layers(seed):
    changes = _changes(seed)
    for cid in ("ch02.linear-rotation-invariant", "ch02.relu-rotation-changes",
                "ch02.relu-permutation-rescaling-invariant"):
        claims.check(cid, {"changes": changes})


def test_basis_claims_fail_on_the_wrong_layer():
    changes = _changes(0)
    swapped = dict(changes)
    swapped["linear, rotation"] = changes["ReLU, rotation"]
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch02.linear-rotation-invariant", {"changes": swapped})
    negative = dict(changes)
    negative["ReLU, positive rescaling"] = [0.3]  # a negative factor would change the output
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch02.relu-permutation-rescaling-invariant", {"changes": negative})


def test_neuron_claims_fail_for_an_aligned_or_a_purely_monosemantic_layer():
    aligned = torch.eye(4, 6, dtype=torch.float64)
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch02.rotated-layer-polysemantic", {"layers": {"rotated": aligned}})
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch02.mono-and-poly-coexist", {"layers": {"mixed": aligned}})


def test_ambiguity_claim_reads_the_outputs():
    mono = {i: torch.eye(6, dtype=torch.float64)[i] for i in (0, 2, 4)}
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch02.polysemantic-neuron-is-ambiguous", {"outputs": mono})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_alignment_falls_with_m(seed):
    by_m = {}
    for m in (4, 16, 64):
        dirs = torch.randn(m, 10_000, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        by_m[m] = float(tm.basis_alignment(dirs).double().mean())
    claims.check("ch02.random-alignment-falls-with-m", {"random_alignment_by_m": by_m})
    with pytest.raises(AssertionError):  # a layer that does not get less aligned
        claims.check("ch02.random-alignment-falls-with-m", {"random_alignment_by_m": {4: 0.6, 16: 0.3, 64: 0.3}})
    with pytest.raises(AssertionError):
        claims.check("ch02.random-alignment-falls-with-m", {"random_alignment_by_m": {4: 0.6, 64: 0.1}})
