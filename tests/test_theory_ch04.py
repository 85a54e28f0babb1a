"""Closed forms of chapter 4: the linear loss split, k-active probabilities, k-sparse losses."""

import math

import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import theory


def _pentagon(scale=1.0):
    a = torch.arange(5, dtype=torch.float64) * 2 * math.pi / 5
    return scale * torch.stack([torch.cos(a), torch.sin(a)])


def test_linear_loss_split_known_values():
    v = 0.05 / 3 - 0.05**2 / 4
    two = torch.zeros(2, 5)
    two[0, 0] = two[1, 1] = 1.0
    split = tm.linear_loss_split(two, 1.0, 0.95)
    assert math.isclose(float(split["feature_benefit"]), 3 * v, rel_tol=1e-6)
    assert float(split["interference"]) == 0.0
    # regular pentagon of unit vectors: no benefit loss, interference 5 * (2 cos²72° + 2 cos²144°) v = 7.5 v
    split = tm.linear_loss_split(_pentagon(), 1.0, 0.95)
    assert float(split["feature_benefit"]) < 1e-12
    assert math.isclose(float(split["interference"]), 7.5 * v, rel_tol=1e-6)
    assert math.isclose(float(split["total"]), 7.5 * v, rel_tol=1e-6)


def test_linear_loss_split_matches_monte_carlo():
    g = torch.Generator().manual_seed(0)
    n, m, s = 6, 3, 0.7
    W = torch.randn(m, n, generator=g) * 0.5
    imp = tm.importance_decay(n, 0.8)
    model = tm.make_model("linear", n, m, 1)
    mean = torch.full((n,), (1 - s) / 2)
    with torch.no_grad():
        model.W.copy_(W[None])
        model.b.copy_(((torch.eye(n) - W.T @ W) @ mean)[None])  # the best bias
    mc = float(tm.evaluate_loss(model, sparsity=s, importance=imp, n_samples=400_000, seed=3)[0])
    exact = float(tm.linear_loss_split(W, imp, s)["total"])
    assert math.isclose(mc, exact, rel_tol=0.01), (mc, exact)


def test_linear_loss_split_batched_and_per_feature_sparsity():
    W = torch.randn(4, 3, 7)
    out = tm.linear_loss_split(W, tm.importance_decay(7, 0.9), [0.5] * 7)
    assert out["total"].shape == (4,)
    single = tm.linear_loss_split(W[2], tm.importance_decay(7, 0.9), 0.5)
    assert torch.allclose(out["total"][2], single["total"])


def test_k_active_probabilities():
    P = tm.k_active_probabilities(5, 0.95)
    assert P.shape == (6,) and math.isclose(float(P.sum()), 1.0, rel_tol=1e-6)
    assert math.isclose(float(P[0]), 0.95**5, rel_tol=1e-6)
    assert math.isclose(float(P[1]), 5 * 0.05 * 0.95**4, rel_tol=1e-6)
    assert torch.allclose(tm.k_active_probabilities(3, 0.0), torch.tensor([0, 0, 0, 1.0], dtype=torch.float64))


def test_k_sparse_loss_exact_cases():
    W = _pentagon(1.1)
    b = torch.full((5,), -0.25, dtype=torch.float64)
    assert float(tm.k_sparse_loss(W, b, 1.0, 0)) == 0.0
    assert math.isclose(float(tm.k_sparse_loss(W, b, 1.0, 0, kind="linear")), 5 * 0.0625)
    # identity model, no bias: perfect reconstruction for every k
    eye = torch.eye(4)
    for k in range(5):
        assert float(tm.k_sparse_loss(eye, torch.zeros(4), 1.0, k)) < 1e-12
    # a single feature in one dimension with W = 0: L_1 = E[x²] = 1/3 (MC)
    assert math.isclose(float(tm.k_sparse_loss(torch.zeros(1, 1), torch.zeros(1), 1.0, 1, n_samples=200_000)),
                        1 / 3, rel_tol=0.01)


def test_k_sparse_loss_batched_and_seeded():
    W = torch.randn(3, 2, 5)
    b = torch.randn(3, 5) * 0.1
    out = tm.k_sparse_loss(W, b, tm.importance_decay(5, 0.9), 2)
    assert out.shape == (3,)
    again = tm.k_sparse_loss(W[1], b[1], tm.importance_decay(5, 0.9), 2)
    assert torch.allclose(out[1], again)


def test_bad_input():
    W = torch.randn(2, 5)
    b = torch.zeros(5)
    with pytest.raises(ValueError, match="sparsity"):
        tm.linear_loss_split(W, 1.0, 1.0)
    with pytest.raises(ValueError, match="importance"):
        tm.linear_loss_split(W, [1.0, 2.0], 0.5)
    with pytest.raises(ValueError, match="importance"):
        tm.linear_loss_split(W, -1.0, 0.5)
    with pytest.raises(ValueError, match="W"):
        tm.linear_loss_split(torch.ones(5), 1.0, 0.5)
    with pytest.raises(TypeError, match="W"):
        tm.linear_loss_split("W", 1.0, 0.5)
    with pytest.raises(ValueError, match="n_features"):
        tm.k_active_probabilities(0, 0.5)
    with pytest.raises(TypeError, match="n_features"):
        tm.k_active_probabilities(2.5, 0.5)
    with pytest.raises(ValueError, match="sparsity"):
        tm.k_active_probabilities(5, [0.5, 0.5])
    with pytest.raises(ValueError, match="sparsity"):
        tm.k_active_probabilities(5, -0.1)
    with pytest.raises(ValueError, match="k must be at most"):
        tm.k_sparse_loss(W, b, 1.0, 6)
    with pytest.raises(ValueError, match="k must"):
        tm.k_sparse_loss(W, b, 1.0, -1)
    with pytest.raises(ValueError, match="kind"):
        tm.k_sparse_loss(W, b, 1.0, 1, kind="gelu")
    with pytest.raises(ValueError, match="b must have shape"):
        tm.k_sparse_loss(W, torch.zeros(4), 1.0, 1)
    with pytest.raises(ValueError, match="n_samples"):
        tm.k_sparse_loss(W, b, 1.0, 1, n_samples=0)
    assert "k_sparse_loss" in theory.__all__ and "linear_loss_split" in tm.__all__
