"""Claims of chapter 7 (learning dynamics).

The page trains with config seed 0; its claims are about that run. Calibration with config
seeds 1-3 (same settings): the jump count was 9-10 in all three (claim: at least 8), but
only seed 2 ended with every represented feature in a digon by step 5,000 (seeds 1 and 3
kept one feature at D = 0.73-0.75 and some weak ones), and in those two some jumps lowered
the loss by less than 0.01. The 6-in-3 run's first plateau was PCA-like (>= 0.97 of
||W||_F^2 in the top two principal directions) and 2.4-3.7 times as long as its start in
every seed, and the final ReLU factor was 115-130. With 32 seeds of config seed 0, 22 were
octahedra at step 2,000 (the other 10 had each set orthogonal) and all 32 at step 4,000; with
config seed 1, 13 / 30 / 32 of 32 at steps 2,000 / 4,000 / 6,000 (the rest: each set orthogonal). What is seed-specific (every jump
lowering the loss by 0.01, the late jump, the exact 2 -> 4 -> 6 frames, the ReLU costing
at most 15% on the plateau) is tested on the page's own seed; the robust claims on seed 1.
"""

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import claims, dynamics

SETS = [[0, 1, 2], [3, 4, 5]]
GROUPS = [("correlated", 3), ("correlated", 3)]


def _uniform(seed):
    model = tm.make_model("relu", 20, 5, 1, seed=seed)
    with torch.no_grad():
        model.W.mul_(0.1)
    rec = tm.WeightRecorder()
    res = tm.fit(model, density=1 / 3, hooks=[rec],
                 config=tm.TrainConfig(steps=5000, lr=1e-3, schedule="constant", log_every=10, seed=seed))
    x = tm.sample_features(1, 4096, 20, density=1 / 3, seed=1)
    loss = tm.train.recorded_losses(rec, data=x)
    dims = tm.feature_dimensionality(rec.W[:, 0])
    jumps = dynamics.dimensionality_jumps(rec.steps, dims, losses=loss, after=50)
    return {"steps": rec.steps, "dims": dims, "losses": loss, "jumps": jumps, "W": res.W[0], "after": 50}


def _sets(seed, n_seeds=4):
    data = tm.CorrelatedFeatureSampler(n_seeds, GROUPS, density=0.05, seed=seed)
    model = tm.make_model("relu", 6, 3, n_seeds, seed=seed)
    with torch.no_grad():
        model.W.mul_(0.1)
    rec = tm.WeightRecorder()
    run = tm.fit(model, data=data, density=0.05, n_seeds=n_seeds, hooks=[rec],
                 config=tm.TrainConfig(steps=4000, lr=3e-3, schedule="constant", log_every=20, seed=seed))
    x = tm.CorrelatedFeatureSampler(1, GROUPS, density=0.05, seed=1).sample(4096)
    st, W0 = rec.steps, rec.W[:, 0]
    relu = tm.train.recorded_losses(rec, data=x)
    lin = tm.train.recorded_losses(rec, data=x, kind="linear")
    cos = tm.cosine_similarity_matrix(W0)
    within = torch.stack([cos[:, i, j] for s in SETS for i in s for j in s if i < j]).mean(0)
    counts = [dynamics.n_directions(W) for W in W0]
    plateau = dynamics.first_plateau(st, relu, max_rate=0.25)
    four = float(st[counts.index(4)])
    octa = next((float(s) for s, W in zip(st, W0, strict=True) if tm.metrics.classify_set_arrangement(W, SETS) == "octahedron"),
                float(st[-1]))
    marks = [0.0, plateau[0], plateau[1], (four * octa) ** 0.5, octa, float(st[-1])]
    frames = [int(np.searchsorted(st.numpy(), m)) for m in marks]
    mid = int(np.searchsorted(st.numpy(), (plateau[0] * plateau[1]) ** 0.5))
    return {"steps": st, "losses": relu, "linear_losses": lin, "within": within, "counts": counts,
            "plateau": plateau, "W_seeds": run.W, "sets": SETS,
            "frame_counts": {chr(65 + k): counts[i] for k, i in enumerate(frames)},
            "W_seeds_halfway": rec.W[int(np.searchsorted(st.numpy(), 2000))],
            "pca": dynamics.subspace_fraction(W0[mid], dynamics.principal_directions(x[0], 2))}


@pytest.fixture(scope="module")
def uniform():
    return _uniform(0)  # the page's run


@pytest.fixture(scope="module")
def sets():
    return _sets(0, n_seeds=8)  # the page's run


@pytest.mark.parametrize("cid", ["ch07.ends-in-digons", "ch07.jump-count", "ch07.every-jump-lowers-loss",
                                 "ch07.loss-falls-during-jumps", "ch07.late-jump"])
def test_jump_claims_page_seed(uniform, cid):
    claims.check(cid, uniform)


@pytest.mark.parametrize("cid", ["ch07.first-plateau-linear", "ch07.plateau-long", "ch07.relu-at-the-end",
                                 "ch07.directions-2-to-6", "ch07.frames-2-4-6", "ch07.octahedron-every-seed",
                                 "ch07.halfway-sets-orthogonal",
                                 "ch07.plateau-is-pca"])
def test_regime_claims_page_seed(sets, cid):
    claims.check(cid, sets)


def test_robust_claims_other_seed():
    claims.check("ch07.jump-count", _uniform(1))
    other = _sets(1, n_seeds=1)
    for cid in ("ch07.plateau-long", "ch07.relu-at-the-end", "ch07.plateau-is-pca"):
        claims.check(cid, other)


def test_jump_claims_fail_without_jumps(uniform):
    none = dict(uniform, jumps=[])
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.jump-count", none)
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.loss-falls-during-jumps", none)


def test_digon_claim_fails_on_a_pentagon():
    angles = torch.arange(5) * 2 * torch.pi / 5
    W = torch.zeros(5, 20)
    W[0, :5], W[1, :5] = torch.cos(angles), torch.sin(angles)
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.ends-in-digons", {"W": W})


def test_regime_claims_fail_on_contradicting_curves(sets):
    flat = dict(sets, linear_losses=sets["losses"] * 2)  # the ReLU would matter everywhere
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.first-plateau-linear", flat)
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.relu-at-the-end", dict(sets, linear_losses=sets["losses"]))
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.directions-2-to-6", dict(sets, counts=[2, 4, 3, 6]))
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.frames-2-4-6", dict(sets, frame_counts={"B": 2, "D": 6, "E": 6}))
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.plateau-is-pca", dict(sets, pca=0.5))


def test_octahedron_claim_fails_when_sets_merge(sets):
    merged = sets["W_seeds"].clone()
    merged[:, :, 1] = merged[:, :, 0]  # features 0 and 1 share a direction in every seed
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.octahedron-every-seed", dict(sets, W_seeds=merged))
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch07.halfway-sets-orthogonal", dict(sets, W_seeds_halfway=merged))
