"""Claims of chapter 10 (computation in superposition), asserted on the shipped sweep, a
small seeded run and the hand-built motifs, and shown to fail on models that contradict them.

Calibration: the 3-in-6 dense model (TrainConfig(steps=1000), 4 seeds, config seeds 0, 1, 2):
1-2 of 4 seeds reach loss < 1e-4 with one ReLU(x) and one ReLU(-x) neuron per feature.
"""

import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import claims
from toymodels_lib import computation as comp


@pytest.fixture(scope="module")
def sweep():
    s = tm.sweeps.load("computation_abs")
    return {k: torch.from_numpy(s[k]) for k in ("W", "W_out", "b", "density")}


SWEEP_CLAIMS = [
    "ch10.dense-sweep-monosemantic", "ch10.dense-sweep-both-halves", "ch10.dense-sweep-features",
    "ch10.dense-duplicates", "ch10.mono-at-0.3", "ch10.sparse-polysemantic", "ch10.mono-falls",
    "ch10.sparse-neuron-shape", "ch10.sparse-taller", "ch10.sparse-more-features", "ch10.sparse-halves",
    "ch10.motif-count",
]


@pytest.mark.parametrize("claim_id", SWEEP_CLAIMS)
def test_sweep_claims_hold_on_the_shipped_models(sweep, claim_id):
    claims.check(claim_id, sweep)


def test_sweep_claims_fail_when_dense_and_sparse_swap(sweep):
    swapped = {k: (v if k == "density" else v.flip(0)) for k, v in sweep.items()}
    for claim_id in ("ch10.dense-sweep-monosemantic", "ch10.sparse-polysemantic", "ch10.mono-falls",
                     "ch10.motif-count", "ch10.sparse-taller"):
        with pytest.raises(claims.ClaimFailed):
            claims.check(claim_id, swapped)


@pytest.mark.parametrize("claim_id", [
    "ch10.motif-in-trained", "ch10.motif-without-inhibitor", "ch10.motif-negative-interference",
    "ch10.motif-negative-at-half", "ch10.motif-inhibitor-is-own-neuron",
])
def test_motif_claims(sweep, claim_id):
    motif = comp.find_asymmetric_motifs(sweep["W"][2], sweep["W_out"][2])[0]
    claims.check(claim_id, {**sweep, "motif": motif, "model": 2})


def test_motif_claims_fail_without_the_inhibitor(sweep):
    motif = comp.find_asymmetric_motifs(sweep["W"][2], sweep["W_out"][2])[0]
    W_out = sweep["W_out"].clone()
    W_out[2, motif["inhibitor"], motif["weak"]] = 0.0  # remove the inhibition
    broken = {**sweep, "W_out": W_out, "motif": {**motif, "inhibit": 0.0}, "model": 2}
    for claim_id in ("ch10.motif-in-trained", "ch10.motif-negative-interference", "ch10.motif-negative-at-half"):
        with pytest.raises(claims.ClaimFailed):
            claims.check(claim_id, broken)


@pytest.mark.parametrize("seed", [0, 1])
def test_dense_three_in_six(seed):
    cfg = tm.TrainConfig(steps=1000, eval_samples=131_072, seed=seed)
    res = tm.train_models("untied", 3, 6, density=1.0, features="signed", target=torch.abs, n_seeds=4, config=cfg)
    best = res.best()
    claims.check("ch10.dense-relu-pairs", best)
    claims.check("ch10.dense-loss", best)


def test_dense_pairs_fail_on_a_model_without_pairs():
    W = torch.cat([torch.eye(3), torch.eye(3)])  # two ReLU(x) neurons per feature, no ReLU(-x)
    res = tm.train_models("untied", 3, 6, density=1.0, features="signed", target=torch.abs,
                          config=tm.TrainConfig(steps=1))
    res.W, res.W_out = W[None], W[None] / 2
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch10.dense-relu-pairs", res)


def _motif_losses():
    p = 0.1
    return {
        "symmetric, 1 pair, 1 neuron": comp.motif_loss("symmetric", density=p, bias=0.35, n_samples=1 << 19),
        "asymmetric, 1 pair, 1 neuron": comp.motif_loss("asymmetric", density=p, bias=0.05, n_samples=1 << 19),
        "asymmetric+inhibitor, 1 pair, 2 neurons": comp.motif_loss("asymmetric+inhibitor", density=p, bias=0.05, n_samples=1 << 19),
        "symmetric, 3 pairs + 1 exact, 5 neurons": comp.motif_loss("symmetric", density=p, n_pairs=3, bias=0.35, n_samples=1 << 19),
        "asymmetric+inhibitor, 4 pairs, 5 neurons": comp.motif_loss(
            "asymmetric+inhibitor", density=p, n_pairs=4, bias=0.05, n_samples=1 << 19),
    }


def test_hand_built_motif_claims():
    losses = _motif_losses()
    for claim_id in ("ch10.inhibitor-pair-best", "ch10.asymmetric-needs-inhibitor", "ch10.inhibitor-beats-symmetric"):
        claims.check(claim_id, losses)
    swapped = dict(losses)
    swapped["asymmetric+inhibitor, 4 pairs, 5 neurons"] = losses["symmetric, 3 pairs + 1 exact, 5 neurons"] * 2
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch10.inhibitor-beats-symmetric", swapped)
