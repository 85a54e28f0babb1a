"""Claims of chapter 6 (the geometry of superposition), asserted on seeded runs.

Calibration (values measured while writing the chapter) is in the comments of each test.
"""

from pathlib import Path

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib.artifacts import load_artifact
from toymodels_lib.data import CorrelatedFeatureSampler
from toymodels_lib.sweeps import UNIFORM_GEOMETRY, make_uniform_geometry, shipped_path

ROOT = Path(__file__).resolve().parents[2]
MIDDLE_BAND = (2.5, 4.0)  # 1/(1-S) where D* sticks at 1/2


def _uniform_claims(W, density, m):
    """The claims the chapter makes about a uniform-superposition sweep."""
    W = torch.as_tensor(np.asarray(W, dtype=np.float32))
    inv = 1.0 / np.asarray(density, dtype=np.float64)
    d_star = tm.dimensions_per_feature(W).numpy()
    sum_di = tm.feature_dimensionality(W).sum(-1).numpy()
    # sticky at 1: at the dense end the weights carry about one unit of norm² per hidden dimension
    # (‖W‖_F² ≈ m); which features share them is not asserted (see unit/theory/test_theory_polytopes.py)
    assert abs(d_star[np.argmin(inv)] - 1.0) < 0.05, d_star
    # sticky at 1/2 over a middle band of sparsity
    band = (inv >= MIDDLE_BAND[0]) & (inv <= MIDDLE_BAND[1])
    assert band.any()
    assert np.all((d_star[band] >= 0.45) & (d_star[band] <= 0.55)), (inv[band], d_star[band])
    # the dimensionalities add up to the number of hidden dimensions
    assert np.all(np.abs(sum_di - m) <= 0.05 * m), sum_di
    return d_star, sum_di


def test_shipped_artifact_claims():
    # v2: n=400, m=30, 24 densities, 4000 steps of 256, biases started at p/2, seed 0:
    # D* = 1.000 dense; 0.495, 0.489 and 0.474 at 1/(1-S) = 2.7, 3.3 and 4.1; sum D_i =
    # 29.95-30.00 (m = 30). (v1, biases started at 0: 1.011; 0.516, 0.489, 0.487.)
    art = load_artifact(shipped_path("uniform_geometry"), name="uniform_geometry",
                        version=UNIFORM_GEOMETRY["version"])
    W = art["W"].astype(np.float32)
    _uniform_claims(W, art["density"], art.config["n_hidden"])
    # sparser than the band, D* keeps falling, to about m/n once every feature is in
    # (measured: 0.404 at 1/(1-S) = 5.0, 0.050 at 100, with m/n = 0.075; sparse features have
    # norms above 1, so D* ends a little below m/n)
    d_star = tm.dimensions_per_feature(torch.from_numpy(W)).numpy()
    m, n = art.config["n_hidden"], art.config["n_features"]
    assert np.all(np.diff(d_star[2:]) < 0)
    assert 0.5 * m / n < d_star[-1] < 1.5 * m / n


@pytest.mark.parametrize("seed", [0, 1])
def test_reduced_retrain_claims(seed):
    # The chapter's retrain switch at a reduced size: n=60, m=6, 1000 steps.
    # Calibration, seeds 0-2: D* = 1.02 dense; 0.465-0.499 for 1/(1-S) in 2.5-4; sum D_i 5.95-6.00.
    inv = np.array([1.0, 2.5, 3.0, 3.5])
    art = make_uniform_geometry(60, 6, 1 / inv, steps=1000, seed=seed, weight_dtype="float32")
    _uniform_claims(art["W"], art["density"], 6)


def _train_groups(groups, density, m, seed=0, n_seeds=4, steps=1500):
    s = CorrelatedFeatureSampler(n_seeds, groups, density=density, seed=seed)
    model = tm.make_model("relu", s.n_features, m, n_seeds, seed=seed)
    res = tm.fit(model, sparsity=s.sparsity, importance=1.0, config=tm.TrainConfig(steps=steps, seed=seed, eval_samples=8192),
                   data=s, n_seeds=n_seeds)
    best = int(res.losses.argmin())
    return res.W[best], s


@pytest.mark.parametrize("seed", [0, 1])
def test_correlated_pairs_orthogonal(seed):
    # Two correlated pairs in m=2 at density 0.02, best of 4.
    # Calibration, seeds 0-2: |within-pair cosine| <= 0.007 in the best instance.
    W, s = _train_groups([("correlated", 2)] * 2, 0.02, 2, seed=seed)
    cos = tm.cosine_similarity_matrix(W)
    for a, b in s.group_index():
        assert abs(float(cos[a, b])) < 0.15
    assert tm.n_represented(W) == 4


@pytest.mark.parametrize("seed", [0, 1])
def test_anticorrelated_pairs_antipodal(seed):
    # Two anticorrelated pairs in m=2 at density 0.15, best of 4.
    # Calibration, seeds 0-2: within-pair cosine -1.000 in the best instance.
    W, s = _train_groups([("anticorrelated", 2)] * 2, 0.15, 2, seed=seed)
    cos = tm.cosine_similarity_matrix(W)
    for a, b in s.group_index():
        assert float(cos[a, b]) < -0.95


def _pc1_captured(W, group):
    """Fraction of the set's first principal component (the all-ones direction) in the row space of W[:, group]."""
    sub = W[:, group].double()
    _, S, Vh = torch.linalg.svd(sub, full_matrices=False)
    basis = Vh[S > 1e-3 * S.max()]
    ones = torch.ones(len(group), dtype=torch.float64) / len(group) ** 0.5
    return float(((basis @ ones) ** 2).sum())


@pytest.mark.parametrize("seed", [0, 1])
def test_correlated_sets_collapse(seed):
    # Two correlated sets of 3 features in m=2 at density 0.05 (more correlated features than fit).
    # Calibration, seeds 0-1: in each set two features merge (cosine 1.00) and the set's
    # all-ones direction lies in the span of its vectors (captured fraction > 0.99; a random
    # 2-D subspace would capture 2/3 on average).
    W, s = _train_groups([("correlated", 3)] * 2, 0.05, 2, seed=seed)
    cos = tm.cosine_similarity_matrix(W)
    for group in s.group_index():
        sub = cos[group][:, group] - torch.eye(3)
        assert float(sub.max()) > 0.95
        assert _pc1_captured(W, group) > 0.95


def test_non_uniform_pentagon_deforms():
    # Five features in 2-D at density 0.05; feature 0's density 0.01, 0.05 or 0.2; best of 4.
    # Calibration (seed 0): 0.01 -> feature 0 dropped, the other four a square (D_i = 0.50);
    # 0.05 -> a regular pentagon (D_i = 0.40); 0.2 -> feature 0's neighbours move away (76 deg).
    d0 = [0.01, 0.05, 0.2]
    sp = np.full((3, 5), 0.95)
    sp[:, 0] = 1 - np.array(d0)
    res = tm.train_models("relu", 5, 2, sparsity=sp.tolist(), importance=1.0, config=tm.TrainConfig(steps=2000, seed=0, eval_samples=8192),
                          n_seeds=4).best()
    norms = tm.feature_norms(res.W)
    dims = tm.feature_dimensionality(res.W)
    assert norms[0, 0] < 0.1 and torch.all((dims[0, 1:] - 0.5).abs() < 0.03)
    assert torch.all((dims[1] - 0.4).abs() < 0.03)
    W = res.W[2]
    ang = torch.rad2deg(torch.atan2(W[1], W[0]))
    gaps = torch.sort((ang - ang[0]) % 360).values
    assert gaps[1] > 73 and 360 - gaps[-1] > 73


def _best_shape_loss(density, n, m):
    """Loss of the best tegum product of one shape at each density (theory.tegum_loss)."""
    from toymodels_lib import theory

    names = ["dedicated dimension", "tetrahedron", "triangle", "digon", "pentagon"]
    sparsity = 1 - torch.as_tensor(np.asarray(density, dtype=np.float64))
    return torch.stack([theory.tegum_loss(name, n, m, sparsity=sparsity) for name in names]).min(0).values.numpy()


def test_shipped_sweep_matches_the_best_shape():
    # Chapter 6 compares each model of the sweep with the best tegum product of one shape.
    # Measured (artifact v2): gaps -0.0, +0.1, +0.4, +1.2, +0.8, -0.0, +0.1, -0.0, +0.0, -0.2,
    # -0.7 % at 1/(1-S) = 1.00, 1.22, ..., 7.41. (Artifact v1, biases started at zero: +25 % at
    # S = 0, above even the all-means loss; that is why v2 starts the biases at p/2.)
    art = load_artifact(shipped_path("uniform_geometry"), name="uniform_geometry",
                        version=UNIFORM_GEOMETRY["version"])
    inv = 1 / art["density"].astype(np.float64)
    keep = inv <= 8
    best = _best_shape_loss(art["density"][keep], art.config["n_features"], art.config["n_hidden"])
    gap = art["loss"][keep] / best - 1
    assert keep.sum() >= 10
    assert np.all(np.abs(gap) < 0.02), (inv[keep], gap)  # within 2 % everywhere
    plateau_on = inv[keep] >= 2.5
    assert np.all(np.abs(gap[plateau_on]) < 0.01), (inv[keep], gap)  # within 1 % from the plateau on
    # at S = 0 the loss is the optimum's (a projection; the mean-only loss n·Var is 10% higher)
    assert abs(gap[0]) < 0.005


SMALL_SPARSITY = 1 - 1 / 1.8  # where chapter 6 trains its triangle and tetrahedron


def _regular(W, n):
    """Which models [seeds, m, n] have every pair of features at cos = -1/(n-1) (within 0.03)."""
    cos = tm.cosine_similarity_matrix(W)
    off = cos[..., ~torch.eye(n, dtype=torch.bool)]
    return (off + 1 / (n - 1)).abs().amax(-1) < 0.03


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name, n, m", [("triangle", 3, 2), ("tetrahedron", 4, 3)])
def test_trained_triangle_and_tetrahedron(name, n, m, seed):
    # Chapter 6 trains 3-in-2 and 4-in-3 at 1/(1-S) = 1.8 (12 seeds, 2000 steps, lr 0.1) and
    # keeps the lowest-loss seed (judged on 131,072 samples: with 16,384 the 3% loss gap to the
    # runner-up can drown in sampling noise). Calibration over 100 seeds at lr 0.1: the regular shape in 97
    # (triangle) and 40 (tetrahedron); the lowest-loss seed was regular every time we looked.
    # 16 seeds here: a miss needs all of them to land elsewhere (0.6^16 < 1e-3 for the tetrahedron).
    from toymodels_lib import theory

    runs = tm.train_models("relu", n, m, sparsity=SMALL_SPARSITY, importance=1.0,
                           config=tm.TrainConfig(steps=2000, lr=0.1, seed=seed, eval_samples=131072), n_seeds=16)
    best = int(runs.losses.argmin())
    assert bool(_regular(runs.W[best], n)), tm.cosine_similarity_matrix(runs.W[best])
    assert torch.all((tm.feature_dimensionality(runs.W[best]) - (m / n)).abs() < 0.03)
    # and its loss is the closed form's (per model: n features x loss per feature)
    closed = n * float(theory.polytope_benefit(name, sparsity=SMALL_SPARSITY)["loss_per_feature"])
    assert abs(float(runs.losses[best]) / closed - 1) < 0.02, (float(runs.losses[best]), closed)


def test_large_learning_rate_finds_the_tetrahedron_more_often():
    # The chapter says the default lr (0.01) reaches the tetrahedron in about 1 seed of 12 and lr
    # 0.1 in about 4 of 10. Measured over 100 seeds at 1/(1-S) = 1.8, 2000 steps: 8 vs 40
    # (and 19 vs 97 for the triangle). Asserted on 60 seeds each.
    counts = {}
    for lr in (0.01, 0.1):
        runs = tm.train_models("relu", 4, 3, sparsity=SMALL_SPARSITY, importance=1.0,
                               config=tm.TrainConfig(steps=2000, lr=lr, seed=0, eval_samples=4096), n_seeds=60)
        counts[lr] = int(_regular(runs.W, 4).sum())
    assert counts[0.01] <= 15 and counts[0.1] >= 15 and counts[0.1] > 2 * counts[0.01], counts
