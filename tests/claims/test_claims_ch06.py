"""Claims of chapter 6 (the geometry of superposition), through the claim registry.

The shipped sweep is checked with the very claims the chapter checks (``claims.check``,
on the same views of the sweep the chapter builds); the small models are retrained with
other seeds, to show the claims do not hang on the chapter's seed. Calibration (values
measured while writing the chapter) is in the comments of each test.
"""

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import claims, theory
from toymodels_lib.artifacts import load_artifact
from toymodels_lib.data import CorrelatedFeatureSampler
from toymodels_lib.sweeps import UNIFORM_GEOMETRY, make_uniform_geometry, shipped_path

SHAPES = ["dedicated dimension", "tetrahedron", "triangle", "digon", "pentagon"]


def _check(claim_id, result):
    """``claims.check``, and the line it prints fits the chapter's 690 px column (80 characters)."""
    measured = claims.check(claim_id, result)
    assert len(measured.line()) <= 80, measured.line()


@pytest.fixture(scope="module")
def shipped():
    """The shipped sweep as chapter 6 shows it: weights, densities, the polytopes found, the
    benefit curves and the loss table."""
    art = load_artifact(shipped_path("uniform_geometry"), name="uniform_geometry",
                        version=UNIFORM_GEOMETRY["version"])
    W = torch.from_numpy(art["W"].astype(np.float32))
    density = art["density"]
    inv = 1 / density
    n, m = art.config["n_features"], art.config["n_hidden"]
    shown = {"W": W, "density": density}
    shown["found"] = {name: tm.find_polytope(W[inv <= 8], k, d, cosine=0.25)
                      for name, k, d in [("digon", 2, 1), ("triangle", 3, 2), ("tetrahedron", 4, 3),
                                         ("pentagon", 5, 2)]}
    inverse_density = torch.logspace(0, np.log10(8), 40, dtype=torch.float64)
    shown["inverse_density"] = inverse_density
    shown["benefit"] = {name: theory.polytope_benefit(name, density=1 / inverse_density)["benefit"]
                        for name in SHAPES}
    near = np.flatnonzero(inv <= 8)
    p = torch.as_tensor(density[near], dtype=torch.float64)
    shown["loss_density"] = density[near]
    shown["sweep_loss"] = torch.as_tensor(art["loss"][near], dtype=torch.float64)
    shown["shape_loss"] = torch.stack([theory.tegum_loss(name, n, m, density=p) for name in SHAPES]).min(0).values
    return shown


SWEEP_CLAIMS = [
    # v2 (n=400, m=30, 24 densities, 4000 steps of 256, biases started at p/2, seed 0). Measured:
    "ch06.dstar-one-dense",  # 1.000
    "ch06.dense-no-feature-kept",  # 0 features with norm > 0.5 at S = 0
    "ch06.dense-di-small",  # largest D_i 0.13 at S = 0 (m/n = 0.075)
    "ch06.dstar-half-plateau",  # 3 models (0.495, 0.489, 0.474 at 1/(1-S) = 2.7, 3.3, 4.1)
    "ch06.dstar-below-m-over-n",  # D* = 0.050 at 1/(1-S) = 100: 0.66 m/n
    "ch06.sum-di-is-m",  # sum D_i from 29.946 to 30.000
    "ch06.half-on-plateau",  # 0.95
    "ch06.band-on-fractions",  # 243 of 250 (0.97) for 1/(1-S) in [1.8, 4.1]
    "ch06.few-on-fractions",  # 268 of 4040 (0.066) over the whole sweep
    "ch06.even-share-sparse",  # 0.13 from 1/(1-S) = 7.4 on
    "ch06.two-thirds-cluster",  # 15 (12 at 1.8, 3 at 2.2)
    "ch06.two-thirds-not-triangles",  # 14 of 15 alone
    "ch06.tegum-in-band",  # 30 dims spanned at 2.7-4.1; 34 and 38 at 5.0 and 6.1
    "ch06.one-group-sparse",  # one group of 104 at 7.4
    "ch06.sweep-pentagon",  # D_i 0.397-0.402 at 4.06
    "ch06.no-clean-simplex",
    "ch06.winner-order",  # tetrahedron from 1, triangle 1.31, digon 1.62, pentagon 4.45
    "ch06.digon-closed-form",  # 0.0075
    "ch06.digon-optimised-dense",  # B = 1.05 at 1/(1-S) = 1.53 (unit digon 0.72)
    "ch06.digons-inside-band",  # digon models 2.2, 2.7, 3.3 inside [1.62, 4.45)
    "ch06.digons-start-late",  # 0 of 20 at 1/2 at 1.82
    "ch06.pentagon-early",  # clean pentagon at 4.06 < 4.45
    "ch06.near-best-shape",  # gaps -0.0 .. +1.2 %
    "ch06.dense-near-best",  # +0.4 % at 1.49
    "ch06.sparse-beats-one-shape",  # -0.7 % at 7.41
]


@pytest.mark.parametrize("claim_id", SWEEP_CLAIMS)
def test_shipped_sweep(shipped, claim_id):
    _check(claim_id, shipped)


def test_every_sweep_claim_of_the_chapter_is_checked_here():
    # the chapter's claims about the shipped sweep: those whose measure reads "W" and "density"
    small_models = {"triangle-seeds", "tetrahedron-seeds", "best-seeds-regular", "pentagon-uniform",
                    "sparse-feature-digons", "dense-feature-pushes", "pentagon-holds-0.4",
                    "correlated-orthogonal", "pairs-opposite", "anticorrelated-antipodal",
                    "correlated-collapse", "sum-direction-kept"}
    ch06 = {c for c in claims.REGISTRY if c.startswith("ch06.")}
    assert ch06 - {f"ch06.{s}" for s in small_models} == set(SWEEP_CLAIMS)


def _uniform_claims(W, density, m):
    """The reduced retrain's D* and sum D_i (thresholds of its own: a smaller model)."""
    W = torch.as_tensor(np.asarray(W, dtype=np.float32))
    inv = 1.0 / np.asarray(density, dtype=np.float64)
    d_star = tm.dimensions_per_feature(W).numpy()
    sum_di = tm.feature_dimensionality(W).sum(-1).numpy()
    assert abs(d_star[np.argmin(inv)] - 1.0) < 0.05, d_star
    band = (inv >= 2.5) & (inv <= 4.0)
    assert band.any()
    assert np.all((d_star[band] >= 0.45) & (d_star[band] <= 0.55)), (inv[band], d_star[band])
    assert np.all(np.abs(sum_di - m) <= 0.05 * m), sum_di


@pytest.mark.parametrize("seed", [0, 1])
def test_reduced_retrain_claims(seed):
    # The chapter's retrain switch at a reduced size: n=60, m=6, 1000 steps.
    # Calibration, seeds 0-2: D* = 1.02 dense; 0.465-0.499 for 1/(1-S) in 2.5-4; sum D_i 5.95-6.00.
    inv = np.array([1.0, 2.5, 3.0, 3.5])
    art = make_uniform_geometry(60, 6, 1 / inv, steps=1000, seed=seed, weight_dtype="float32")
    _uniform_claims(art["W"], art["density"], 6)


# ----------------------------------------------------------------- small models, other seeds
SMALL_SPARSITY = 1 - 1 / 1.8  # where chapter 6 trains its triangle and tetrahedron


@pytest.mark.parametrize("seed", [1, 2])
def test_trained_triangle_and_tetrahedron(seed):
    # The chapter trains 3-in-2 and 4-in-3 at 1/(1-S) = 1.8 (12 seeds, 1000 steps, lr 0.1) and keeps
    # the lowest-loss seed (judged on 131,072 samples: the regular shape's loss is only about 3%
    # below the runner-up's). Calibration, 12 seeds: regular triangles in 11, 9, 10 and tetrahedra
    # in 3, 1, 3 of them (seeds 0, 1, 2); the lowest-loss seed was regular every time.
    config = tm.TrainConfig(steps=1000, lr=0.1, seed=seed, eval_samples=131_072)
    small = {name: tm.train_models("relu", n, m, sparsity=SMALL_SPARSITY, importance=1.0, config=config,
                                   n_seeds=12)
             for name, n, m in [("triangle", 3, 2), ("tetrahedron", 4, 3)]}
    _check("ch06.best-seeds-regular", small)
    _check("ch06.triangle-seeds", small)
    for name, n in [("triangle", 3), ("tetrahedron", 4)]:
        # the best seed's loss is the closed form's (per model: n features x loss per feature)
        runs = small[name]
        closed = n * float(theory.polytope_benefit(name, sparsity=SMALL_SPARSITY)["loss_per_feature"])
        assert abs(float(runs.losses.min()) / closed - 1) < 0.02, (float(runs.losses.min()), closed)


def test_large_learning_rate_finds_the_tetrahedron_more_often():
    # Why the chapter trains its small shapes at lr 0.1 rather than the default 0.01 (its code
    # comment says far more seeds reach the regular shapes). Calibration, 60 seeds at
    # 1/(1-S) = 1.8, 1000 steps, seeds 0 and 1: tetrahedra 4 and 3 at lr 0.01, 22 and 15 at lr 0.1
    # (triangles 7 and 10 against 47 and 46).
    counts = {}
    for lr in (0.01, 0.1):
        runs = tm.train_models("relu", 4, 3, sparsity=SMALL_SPARSITY, importance=1.0,
                               config=tm.TrainConfig(steps=1000, lr=lr, seed=0, eval_samples=4096), n_seeds=60)
        counts[lr] = int((tm.regular_simplex_error(runs.W) < 0.03).sum())
    assert counts[0.1] > 2 * counts[0.01], counts


def _train_groups(groups, density, m=2, seed=0, n_seeds=4, steps=1000):
    # as the chapter's train_feature_sets: best of 4 by the loss on 131,072 samples
    s = CorrelatedFeatureSampler(n_seeds, groups, density=density, seed=seed)
    model = tm.make_model("relu", s.n_features, m, n_seeds, seed=seed)
    res = tm.fit(model, sparsity=s.sparsity, importance=1.0,
                 config=tm.TrainConfig(steps=steps, seed=seed, eval_samples=131_072), data=s, n_seeds=n_seeds)
    return res.W[int(res.losses.argmin())], s


@pytest.mark.parametrize("seed", [1, 2])
def test_correlated_and_anticorrelated_pairs(seed):
    # Calibration, seeds 0-1: |within-pair cosine| <= 0.005 (correlated, p = 0.02) and -1.000
    # (anticorrelated, p = 0.15) in the best instance.
    W_corr, s = _train_groups([("correlated", 2)] * 2, 0.02, seed=seed)
    W_anti, _ = _train_groups([("anticorrelated", 2)] * 2, 0.15, seed=seed)
    paired = {"correlated": W_corr, "anticorrelated": W_anti, "pairs": s.group_index()}
    for claim_id in ["ch06.correlated-orthogonal", "ch06.pairs-opposite", "ch06.anticorrelated-antipodal"]:
        _check(claim_id, paired)
    assert tm.n_represented(W_corr) == 4


def _sum_direction_kept(W, group):
    """Fraction of the set's sum direction (its first principal component) in the span of W[:, group]."""
    sub = W[:, group].double()
    _, S, Vh = torch.linalg.svd(sub, full_matrices=False)
    basis = Vh[S > 1e-3 * S.max()]
    ones = torch.ones(len(group), dtype=torch.float64) / len(group) ** 0.5
    return float(((basis @ ones) ** 2).sum())


@pytest.mark.parametrize("seed", [1, 2])
def test_correlated_sets_collapse(seed):
    # Two correlated sets of 3 features in m=2 at density 0.05 (more correlated features than fit).
    # Calibration, seeds 0-1: in each set two features merge (cosine 1.00) and the set's sum
    # direction lies in the span of its vectors (kept > 0.99; a random 2-D subspace keeps 2/3).
    W, s = _train_groups([("correlated", 3)] * 2, 0.05, seed=seed)
    collapsed = {"W": W, "sets": s.group_index(), "kept": [_sum_direction_kept(W, g) for g in s.group_index()]}
    _check("ch06.correlated-collapse", collapsed)
    _check("ch06.sum-direction-kept", collapsed)


@pytest.mark.parametrize("seed", [1, 2])
def test_non_uniform_pentagon(seed):
    # Five features in 2-D at density 0.05; feature 0's density 0.01, 0.05, 0.2 or 0.4; best of 4.
    # Calibration (seeds 0, 1): 0.01 -> feature 0 dropped, a pair of digons; 0.05 -> a regular
    # pentagon; 0.2 -> feature 0's neighbours at 76 deg; 0.4 -> still a pentagon (gaps 68-76 deg).
    d0 = [0.01, 0.05, 0.2, 0.4]
    sp = np.full((4, 5), 0.95)
    sp[:, 0] = 1 - np.array(d0)
    res = tm.train_models("relu", 5, 2, sparsity=sp.tolist(), importance=1.0,
                          config=tm.TrainConfig(steps=1000, seed=seed, eval_samples=131_072), n_seeds=4).best()
    bent = {"W": res.W, "feature0_density": d0}
    for claim_id in ["ch06.pentagon-uniform", "ch06.sparse-feature-digons", "ch06.dense-feature-pushes",
                     "ch06.pentagon-holds-0.4"]:
        _check(claim_id, bent)
