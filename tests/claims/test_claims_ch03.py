"""Chapter 3's claims, asserted on seeded runs with the chapter's settings.

Calibration (n=20, m=5, I=0.7^i, default TrainConfig: Adam, lr 1e-2 cosine, 3,000 steps),
seeds 0-5:
- linear: ||W||_F^2 = 4.9992-5.0001; max |W^T W - projector| = 0.001-0.0035; loss within
  0.08-0.38% of the closed form.
- ReLU, represented features (||W_i|| > 0.5) at 1-S = 1 / 0.001: 5 in every seed / 12-15.
- ReLU, represented features in antipodal pairs (cosine < -0.9): at 1-S = 0.1, 8-10 of
  9-11; at 1-S = 0.03, 6-10 of 10-11: a majority in every seed. At 1-S = 0.01 it was only
  2-10 of 10-12 (the geometry moves past pairs there, as SCIENCE.md notes for the
  sparsest settings), so pairs are asserted at 0.1 and 0.03, not at 0.01.
"""

import pytest

import toymodels_lib as tm

N, M = 20, 5
SEEDS = [0, 1, 2]
DENSITIES = [1.0, 0.1, 0.03, 0.001]


@pytest.fixture(scope="module")
def importance():
    return tm.importance_decay(N, 0.7)


@pytest.fixture(scope="module")
def relu_runs(importance):
    return {
        seed: tm.train_models("relu", N, M, sparsity=[1 - d for d in DENSITIES], importance=importance, config=tm.TrainConfig(seed=seed))
        for seed in SEEDS
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_linear_model_learns_top_m_features(importance, seed):
    res = tm.train_models("linear", N, M, sparsity=[0.0], importance=importance, config=tm.TrainConfig(seed=seed))
    W = res.W[0]
    frob = float((W**2).sum())
    assert abs(frob - M) / M < 0.05, f"||W||_F^2 = {frob}, expected about {M}"
    projector = tm.optimal_linear_gram(importance, M, sparsity=0.0).float()
    assert float((W.T @ W - projector).abs().max()) < 0.05
    closed = tm.optimal_linear_loss(importance, M, sparsity=0.0)
    assert abs(float(res.losses[0]) - closed) / closed < 0.02


@pytest.mark.parametrize("seed", SEEDS)
def test_dense_relu_model_represents_m_features(relu_runs, seed):
    W = relu_runs[seed].W[DENSITIES.index(1.0)]
    assert int(tm.n_represented(W)) == M
    # ... and they are the m most important ones
    assert tm.feature_norms(W)[:M].min() > 0.9


@pytest.mark.parametrize("seed", SEEDS)
def test_sparse_relu_model_represents_at_least_2m(relu_runs, seed):
    W = relu_runs[seed].W[DENSITIES.index(0.001)]
    assert int(tm.n_represented(W)) >= 2 * M


@pytest.mark.parametrize("density", [0.1, 0.03])
@pytest.mark.parametrize("seed", SEEDS)
def test_antipodal_pairs_at_intermediate_sparsity(relu_runs, seed, density):
    W = relu_runs[seed].W[DENSITIES.index(density)]
    rep, anti = int(tm.n_represented(W)), int(tm.n_antipodal(W, cosine=-0.9))
    assert rep > M
    assert anti > rep / 2, f"only {anti} of {rep} represented features are in antipodal pairs"


@pytest.mark.parametrize("seed", SEEDS)
def test_more_features_as_sparsity_grows(relu_runs, seed):
    counts = tm.n_represented(relu_runs[seed].W).tolist()
    assert counts == sorted(counts), f"represented features should grow with sparsity, got {counts}"


@pytest.mark.parametrize("seed", SEEDS)
def test_least_important_features_dropped_first(relu_runs, seed):
    """Down to 1-S = 0.03 the represented features are (almost) a prefix in importance
    order. Not asserted for single seeds at 1-S = 0.001: there seed 1 (of seeds 0-3) has 5
    represented features after its first unrepresented one, seeds 0, 2, 3 at most 1 (the
    chapter shows the lowest-loss of 4 seeds)."""
    for k in range(len(DENSITIES) - 1):
        rep = (tm.feature_norms(relu_runs[seed].W[k]) > 0.5).tolist()
        first_missing = rep.index(False) if False in rep else N
        assert sum(rep[first_missing:]) <= 2, f"1-S={DENSITIES[k]}: {rep}"


def test_bias_turns_negative_when_sparse(relu_runs):
    b = relu_runs[0].b
    assert float(b[DENSITIES.index(1.0)].mean()) > 0
    assert float(b[DENSITIES.index(0.001)].mean()) < 0


def test_drawing_chapter_3_from_a_local_minimum_fails_its_claim():
    """The chapter's settings at 1-S = 0.3, four seeds: the lowest-loss seed keeps features
    0-1 dedicated; the worst seed, a local minimum, does not, and the chapter's claim check
    stops it (so a page drawn from such a seed cannot be built)."""
    from toymodels_lib import claims

    imp = tm.importance_decay(20, 0.7)
    runs = tm.train_models("relu", 20, 5, sparsity=[0.7], importance=imp,
                           config=tm.TrainConfig(seed=0, eval_samples=131_072), n_seeds=4)
    best, worst = int(runs.losses.argmin()), int(runs.losses.argmax())
    shown = {"relu": runs.select([best]), "densities": [0.3]}
    claims.check("ch03.most-important-untouched", shown)
    with pytest.raises(claims.ClaimFailed):
        claims.check("ch03.most-important-untouched", {"relu": runs.select([worst]), "densities": [0.3]})
