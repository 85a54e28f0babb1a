"""Claims of chapter 4 (superposition and sparsity), asserted on small seeded runs.

Calibration (TrainConfig(steps=1500), lr 1e-2 cosine, batch 1024; config seeds 0-4):
- pentagon, n=5, m=2, I=1, 1-S=0.05, best of 4 seeds: largest deviation of a neighbour gap
  from 72 deg 0.02-0.16 deg; every D_i in [0.399, 0.401]; biases in [-0.249, -0.242];
  ||W_i||^2 in [1.281, 1.293]. (Single seeds: 47 of 48 reached the pentagon.)
- 5-in-2 with I=0.9^i, best of 6: dense -> features 0 and 1 orthogonal (|cos| <= 0.004),
  others ||W_i|| <= 0.18; 1-S=0.3 -> features 0-3 in two antipodal pairs (cos < -0.95),
  feature 4 dropped (norm 0.00); 1-S=0.1 -> all 5 represented (norms 1.07-1.12).
- represented / ||W||_F^2 at 1-S = 1 and 0.001: n=20, m=5, I=0.7^i: 5 / 4.99-5.00 and
  12-15 / 13.4-16.6; n=80, m=20, I=0.9^i: 20-21 / 20.02-20.04 and 64-65 / 69.6-71.6.
- linear n=20, m=5, I=0.7^i, dense: linear_loss_split total within 0.4% of the trained loss.
- pentagon k-sparse losses: L_0 = 0, L_1 = 0.0164 (0.0164-0.0165) vs 1.395-1.416 for the same
  weights without the ReLU; sum_k P(k) L_k = 0.0089, the direct loss on 400k inputs 0.0088-0.0091.
"""

import math

import pytest
import torch

import toymodels_lib as tm

CFG = tm.TrainConfig(steps=1500)


def _gaps(W):
    a = torch.sort(torch.rad2deg(torch.atan2(W[1], W[0]))).values
    return torch.diff(torch.cat([a, a[:1] + 360.0]))


@pytest.fixture(scope="module")
def pentagon():
    res = tm.train_models("relu", 5, 2, sparsity=[0.95], importance=1.0, config=CFG.with_(seed=0), n_seeds=4)
    return res.best()


@pytest.mark.parametrize("seed", [0, 3])
def test_pentagon_best_of_four(seed):
    best = tm.train_models("relu", 5, 2, sparsity=[0.95], importance=1.0, config=CFG.with_(seed=seed), n_seeds=4).best()
    W = best.W[0]
    assert int(tm.n_represented(W)) == 5
    gaps = _gaps(W)
    assert float((gaps - 72.0).abs().max()) < 2.0, gaps
    D = tm.feature_dimensionality(W)
    assert float((D - 0.4).abs().max()) < 0.01, D


def test_pentagon_bias_and_norms(pentagon):
    b, W = pentagon.b[0], pentagon.W[0]
    assert float(b.max()) < -0.22 and float(b.min()) > -0.28, b
    norms2 = (W**2).sum(0)
    assert float(norms2.min()) > 1.22 and float(norms2.max()) < 1.35, norms2


def test_spokes_progression_with_decaying_importance():
    res = tm.train_models(
        "relu", 5, 2, sparsity=[0.0, 0.7, 0.9], importance=tm.importance_decay(5, 0.9), config=CFG.with_(seed=1), n_seeds=6
    ).best()
    # dense: the two most important features, orthogonal, unit length; the rest dropped
    W = res.W[0]
    norms = W.norm(dim=0)
    assert torch.allclose(norms[:2], torch.ones(2), atol=0.05), norms
    assert float(norms[2:].max()) < 0.3, norms
    assert abs(float(tm.cosine_similarity_matrix(W)[0, 1])) < 0.05
    # 1-S = 0.3: four features in two antipodal pairs, the least important dropped
    W = res.W[1]
    assert int(tm.n_represented(W)) == 4 and float(W.norm(dim=0)[4]) < 0.1
    assert int(tm.n_antipodal(W, cosine=-0.95)) == 4
    # 1-S = 0.1: all five represented
    assert int(tm.n_represented(res.W[2])) == 5


@pytest.mark.parametrize("n, m, decay", [(20, 5, 0.7), (80, 20, 0.9)])
def test_capacity_grows_with_sparsity(n, m, decay):
    res = tm.train_models("relu", n, m, sparsity=[0.0, 0.999], importance=tm.importance_decay(n, decay), config=CFG.with_(seed=2))
    rep = tm.n_represented(res.W)
    frob = (res.W**2).sum(dim=(1, 2))
    assert abs(float(frob[0]) - m) < 0.1 and m <= int(rep[0]) <= m + 1
    assert int(rep[1]) >= (2 * m if n == 20 else 3 * m), rep
    assert float(frob[1]) >= (2 * m if n == 20 else 3 * m), frob


def test_linear_loss_split_matches_trained_linear_model():
    imp = tm.importance_decay(20, 0.7)
    res = tm.train_models("linear", 20, 5, sparsity=[0.0], importance=imp, config=CFG.with_(seed=1))
    split = tm.linear_loss_split(res.W[0], imp, sparsity=0.0)
    assert abs(float(split["total"]) - float(res.losses[0])) / float(res.losses[0]) < 0.02
    # the trained model is near the optimum: feature benefit dominates, interference is small
    assert float(split["interference"]) < 0.1 * float(split["feature_benefit"])


def test_pentagon_k_sparse_losses(pentagon):
    W, b = pentagon.W[0], pentagon.b[0]
    L = torch.stack([tm.k_sparse_loss(W, b, 1.0, k, n_samples=32768) for k in range(6)])
    assert float(L[0]) == 0.0  # negative biases: ReLU(b) = 0
    L1_linear = float(tm.k_sparse_loss(W, b, 1.0, 1, kind="linear", n_samples=32768))
    assert float(L[1]) < 0.05 * L1_linear  # negative interference is clipped on 1-sparse inputs
    assert float(L[1]) < 0.1 * float(L[2])  # interference bites only with several active features
    total = float((tm.k_active_probabilities(5, sparsity=0.95) * L).sum())
    model = tm.ReLUOutputModel.from_weights(W, b)
    direct = float(tm.evaluate_loss(model, sparsity=0.95, importance=1.0, n_samples=200_000, seed=1)[0])
    assert math.isclose(total, direct, rel_tol=0.05), (total, direct)
