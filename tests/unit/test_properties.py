"""Property-based tests of the public API's argument checks (hypothesis).

Every public function refuses bad input (a wrong type, a size that is zero or negative, a
probability out of range, NaN or inf, a wrong shape, weights in the paper notebook's
``[features, hidden]`` layout, a bad custom data source, a bad path) with a ``ValueError``
or ``TypeError`` whose message names the argument: never an ``IndexError`` or
``RuntimeError`` from inside torch, and never a silent result. And valid input gives
valid output: theory probabilities sum to 1, metrics stay in their ranges.

hypothesis draws the inputs; ``derandomize=True`` makes every run draw the same ones (the
tests are seeded like the rest of the suite) and ``database=None`` writes nothing to disk.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import toymodels_lib as tm
from toymodels_lib import metrics, plots, theory

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
FEW = settings(SETTINGS, max_examples=12)

TINY = tm.TrainConfig(steps=2, batch_size=4, eval_samples=8, log_every=1)


def refused(call, *names):
    """``call()`` raises a ValueError or TypeError whose message names one of ``names``
    (as a word). Anything else (another exception, a result) fails the test."""
    try:
        result = call()
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        assert any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", msg) for n in names), (
            f"the message does not name {names}: {type(exc).__name__}: {msg}"
        )
        return msg
    raise AssertionError(f"no error: the bad input gave {type(result).__name__} {str(result)[:120]}")


# --------------------------------------------------------------------------- strategies

not_numbers = st.one_of(
    st.text(max_size=5), st.none(), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.just(object()), st.just(b"1"), st.just([1, "a"]),
)
bad_ints = st.one_of(  # where a positive integer is wanted
    st.integers(max_value=0), st.floats(allow_nan=True), st.booleans(), not_numbers,
    st.integers(min_value=1, max_value=30).map(float), st.just(np.float64(3.0)),
)
bad_seeds = st.one_of(
    st.integers(max_value=-1), st.integers(min_value=2**63, max_value=2**80),
    st.floats(allow_nan=True), st.booleans(), not_numbers,
)
nonfinite = st.sampled_from([float("nan"), float("inf"), float("-inf")])
huge_ints = st.integers(min_value=10**309, max_value=10**320)
bad_sparsity_values = st.one_of(
    st.floats(max_value=-1e-9), st.floats(min_value=1.0), nonfinite, huge_ints,
)
bad_density_values = st.one_of(
    st.floats(max_value=0.0), st.floats(min_value=1.0 + 1e-9), nonfinite, huge_ints,
)


def bad_probability(values):
    """A bad value as a number, inside a list, or of a wrong type."""
    return st.one_of(
        values, st.lists(values, min_size=1, max_size=3), st.text(min_size=1, max_size=4),
        st.just([[["nested"]]]), st.just({"a": 0.5}),
    )


@st.composite
def tall_weights(draw):
    """Weights in the paper notebook's layout: more rows (here read as hidden) than columns."""
    n = draw(st.integers(1, 5))
    h = draw(st.integers(n + 1, 8))
    lead = draw(st.sampled_from([(), (2,), (1, 3)]))
    return torch.from_numpy(draw(arrays(np.float32, (*lead, h, n), elements=st.floats(-2, 2, width=32))))


@st.composite
def nonfinite_weights(draw):
    h = draw(st.integers(1, 3))
    n = draw(st.integers(h, 6))
    w = torch.ones(h, n)
    w[draw(st.integers(0, h - 1)), draw(st.integers(0, n - 1))] = draw(nonfinite)
    return w


bad_shape_weights = st.one_of(
    st.floats(-1, 1).map(torch.tensor),  # 0-D
    st.integers(1, 6).map(torch.ones),  # 1-D
    st.integers(1, 4).map(lambda n: torch.ones(0, n)),  # no hidden dimension
)
bad_weights = st.one_of(
    tall_weights(), nonfinite_weights(), bad_shape_weights, not_numbers,
    st.just(torch.ones(2, 3, dtype=torch.bool)), st.just(torch.ones(2, 3, dtype=torch.complex64)),
)


@st.composite
def wide_weights(draw, max_hidden=4, max_features=8, lead=()):
    """Valid weights [.., hidden, features] with hidden <= features, moderate magnitudes."""
    h = draw(st.integers(1, max_hidden))
    n = draw(st.integers(h, max_features))
    elements = st.floats(-3, 3, width=32).map(lambda x: 0.0 if abs(x) < 1e-3 else x)
    return torch.from_numpy(draw(arrays(np.float32, (*lead, h, n), elements=elements)))


# --------------------------------------------------------------------------- metrics

W_OK = torch.randn(3, 8, generator=torch.Generator().manual_seed(0))

METRICS = {
    "feature_norms": lambda W: metrics.feature_norms(W),
    "cosine_similarity_matrix": lambda W: metrics.cosine_similarity_matrix(W),
    "interference": lambda W: metrics.interference(W),
    "superposition": lambda W: metrics.superposition(W),
    "dimensions_per_feature": lambda W: metrics.dimensions_per_feature(W),
    "feature_dimensionality": lambda W: metrics.feature_dimensionality(W),
    "n_represented": lambda W: metrics.n_represented(W),
    "n_antipodal": lambda W: metrics.n_antipodal(W),
    "antipodal_pairs": lambda W: metrics.antipodal_pairs(W),
    "basis_alignment": lambda W: metrics.basis_alignment(W),
    "neuron_top_feature_fraction": lambda W: metrics.neuron_top_feature_fraction(W),
    "n_monosemantic": lambda W: metrics.n_monosemantic(W),
    "feature_groups": lambda W: metrics.feature_groups(W),
    "group_spans": lambda W: metrics.group_spans(W),
    "group_coordinates": lambda W: metrics.group_coordinates(W, [0], 1),
    "angular_gaps": lambda W: metrics.angular_gaps(W),
    "classify_extra_feature": lambda W: metrics.classify_extra_feature(W),
    "classify_set_arrangement": lambda W: metrics.classify_set_arrangement(W, [[0]]),
    "dedicated_features": lambda W: metrics.dedicated_features(W),
    "neuron_blocks": lambda W: metrics.neuron_blocks(W),
    "neuron_regime": lambda W: metrics.neuron_regime(W),
    "find_polytope": lambda W: metrics.find_polytope(W, 2, 1),
    "regular_simplex_error": lambda W: metrics.regular_simplex_error(W),
    # weights enter the closed forms, the models and the plots through the same reader
    "theory.linear_loss_split": lambda W: theory.linear_loss_split(W, 1.0, density=0.5),
    "theory.k_sparse_loss": lambda W: theory.k_sparse_loss(W, torch.zeros(W.shape[-1]) if isinstance(W, torch.Tensor)
                                                            and W.dim() else 0.0, 1.0, 0),
    "ToyModel.from_weights": lambda W: tm.ReLUOutputModel.from_weights(W),
    "plots.plot_dimensionality_histogram": lambda W: plots.plot_dimensionality_histogram(W),
}


# the numbers of dimensions each takes (the rest take any number >= 2)
ONLY = {
    "antipodal_pairs": {2}, "classify_set_arrangement": {2}, "dedicated_features": {2}, "neuron_blocks": {2},
    "neuron_regime": {2}, "feature_groups": {2}, "group_spans": {2}, "group_coordinates": {2}, "angular_gaps": {2},
    "find_polytope": {3}, "ToyModel.from_weights": {2, 3}, "plots.plot_dimensionality_histogram": {3},
}


def test_every_public_metric_is_probed():
    assert {k for k in METRICS if "." not in k} | {"max_cosine_similarity", "normalise_neurons"} == set(metrics.__all__)  # two weights: probed in test_sae, test_computation


@pytest.mark.parametrize("name", sorted(METRICS))
@FEW
@given(W=bad_weights)
def test_bad_weights_are_refused_naming_W(name, W):
    msg = refused(lambda: METRICS[name](W), "W")
    if (isinstance(W, torch.Tensor) and W.dim() in ONLY.get(name, range(2, 9)) and W.shape[-2] > W.shape[-1] > 0
            and W.dtype == torch.float32):
        # the paper notebook's layout: the message gives the shape and how to transpose
        assert "[features, hidden]" in msg and ("W.T" in msg or "W.transpose(-1, -2)" in msg), msg


@SETTINGS
@given(th=st.one_of(st.floats(max_value=-1e-9), nonfinite, huge_ints, not_numbers, st.booleans()))
def test_bad_thresholds_are_refused(th):
    refused(lambda: metrics.n_represented(W_OK, threshold=th), "threshold")
    refused(lambda: metrics.n_antipodal(W_OK, threshold=th), "threshold")
    refused(lambda: metrics.feature_groups(W_OK, threshold=th), "threshold")
    refused(lambda: metrics.angular_gaps(W_OK[:2], threshold=th), "threshold")


@SETTINGS
@given(c=st.one_of(st.floats(min_value=1e-9), st.floats(max_value=-1 - 1e-9), nonfinite, not_numbers))
def test_bad_cosines_are_refused(c):
    refused(lambda: metrics.n_antipodal(W_OK, cosine=c), "cosine")
    refused(lambda: metrics.antipodal_pairs(W_OK, cosine=c), "cosine")


@SETTINGS
@given(group=st.one_of(st.just([]), st.lists(st.integers(8, 20), min_size=1, max_size=3),
                       st.lists(st.integers(max_value=-1), min_size=1, max_size=2), st.text(min_size=1, max_size=3),
                       st.just([0.5]), st.just(3), st.just(None)),
       dims=st.integers(1, 3))
def test_bad_groups_are_refused(group, dims):
    refused(lambda: metrics.group_coordinates(W_OK, group, dims), "group")


@SETTINGS
@given(dims=bad_ints)
def test_bad_dims_are_refused(dims):
    refused(lambda: metrics.group_coordinates(W_OK, [0, 1], dims), "dims")


@SETTINGS
@given(W=wide_weights())
def test_metrics_of_valid_weights_are_in_range(W):
    h, n = W.shape
    norms = metrics.feature_norms(W)
    assert norms.shape == (n,) and bool((norms >= 0).all())
    cos = metrics.cosine_similarity_matrix(W)
    assert bool((cos.abs() <= 1 + 1e-4).all()) and torch.allclose(cos, cos.T, atol=1e-5)
    D = metrics.feature_dimensionality(W)
    assert bool((D >= 0).all()) and bool((D <= 1 + 1e-4).all())
    assert float(D.sum()) <= h * (1 + 1e-3) + 1e-4  # Σ D_i <= m
    for frac, lo in ((metrics.basis_alignment(W), 1 / h), (metrics.neuron_top_feature_fraction(W), 1 / n)):
        nonzero = frac > 0
        assert bool((frac <= 1 + 1e-5).all()) and bool((frac[nonzero] >= lo - 1e-5).all())
    assert 0 <= int(metrics.n_represented(W)) <= n
    assert 0 <= int(metrics.n_monosemantic(W)) <= h
    assert 0 <= int(metrics.n_antipodal(W)) <= n
    assert bool((metrics.superposition(W) >= -1e-4).all())
    assert sorted(i for g in metrics.feature_groups(W) for i in g) == sorted(
        torch.nonzero(norms > 0.5).flatten().tolist()
    )


@SETTINGS
@given(W=wide_weights(max_hidden=2).filter(lambda w: w.shape[0] == 2))
def test_angular_gaps_go_once_round_the_circle(W):
    gaps = metrics.angular_gaps(W, threshold=0.0)
    k = int((W.norm(dim=0) > 0).sum())
    assert gaps.shape == (k,) and bool((gaps >= 0).all())
    if k:
        assert math.isclose(float(gaps.sum()), 360.0, abs_tol=1e-6)


# --------------------------------------------------------------------------- data

@SETTINGS
@given(n=bad_ints)
def test_data_sizes_are_checked(n):
    refused(lambda: tm.sample_features(n, 4, 3, density=0.5), "n_instances")
    refused(lambda: tm.sample_features(2, n, 3, density=0.5), "batch_size")
    refused(lambda: tm.sample_features(2, 4, n, density=0.5), "n_features")
    refused(lambda: tm.importance_decay(n), "n_features")
    refused(lambda: tm.FeatureSampler(2, 3, density=0.5).sample(n), "batch_size")
    refused(lambda: tm.correlated_pairs(2, n, density=0.1), "n_pairs")
    refused(lambda: tm.CorrelatedFeatureSampler(n, [("correlated", 2)], density=0.1), "n_instances")


@SETTINGS
@given(s=bad_probability(bad_sparsity_values), p=bad_probability(bad_density_values))
def test_probabilities_out_of_range_are_refused(s, p):
    refused(lambda: tm.sample_features(2, 4, 3, sparsity=s), "sparsity")
    refused(lambda: tm.sample_features(2, 4, 3, density=p), "density")
    refused(lambda: tm.FeatureSampler(2, 3, sparsity=s), "sparsity")
    refused(lambda: tm.anticorrelated_pairs(2, 1, density=p), "density")
    refused(lambda: tm.train_models("relu", 3, 2, sparsity=s, config=TINY), "sparsity")
    refused(lambda: tm.train_models("relu", 3, 2, density=p, config=TINY), "density")
    refused(lambda: tm.k_active_probabilities(4, sparsity=s), "sparsity")
    refused(lambda: theory.feature_variance(density=p), "density")


@SETTINGS
@given(seed=bad_seeds)
def test_bad_seeds_are_refused(seed):
    refused(lambda: tm.sample_features(1, 2, 3, density=0.5, seed=seed), "seed")
    refused(lambda: tm.make_model("relu", 3, 2, seed=seed), "seed")
    refused(lambda: tm.random_orthogonal(3, seed=seed), "seed")
    refused(lambda: tm.TrainConfig(seed=seed), "seed")
    refused(lambda: theory.k_sparse_loss(W_OK, torch.zeros(8), 1.0, 1, seed=seed), "seed")


@SETTINGS
@given(kind=st.one_of(st.text(max_size=8).filter(lambda k: k not in ("uniform", "signed")), not_numbers),
       decay=st.one_of(st.floats(max_value=0.0), nonfinite, not_numbers, st.floats(min_value=1e5, max_value=1e300)))
def test_sampler_kind_and_importance_decay(kind, decay):
    refused(lambda: tm.FeatureSampler(2, 3, density=0.5, kind=kind), "kind")
    refused(lambda: tm.importance_decay(40, decay), "decay")  # 1e5**39 overflows float32: refused too


@SETTINGS
@given(n_instances=st.integers(1, 3), batch=st.integers(1, 16), n_features=st.integers(1, 6),
       density=st.floats(1e-3, 1.0), kind=st.sampled_from(["uniform", "signed"]))
def test_valid_samples_have_the_promised_shape_and_range(n_instances, batch, n_features, density, kind):
    x = tm.sample_features(n_instances, batch, n_features, density=density, kind=kind, seed=1)
    assert x.shape == (n_instances, batch, n_features) and x.dtype == torch.float32
    lo = -1.0 if kind == "signed" else 0.0
    assert bool((x >= lo).all()) and bool((x <= 1.0).all())
    imp = tm.importance_decay(n_features, density)
    assert bool(torch.isfinite(imp).all()) and float(imp[0]) == 1.0


# --------------------------------------------------------------------------- models and training

@SETTINGS
@given(n=bad_ints)
def test_model_and_training_sizes_are_checked(n):
    refused(lambda: tm.make_model("relu", n, 1), "n_features")
    refused(lambda: tm.make_model("relu", 3, n), "n_hidden")
    refused(lambda: tm.make_model("relu", 3, 2, n), "n_instances")
    refused(lambda: tm.train_models("relu", n, 1, sparsity=[0.5], config=TINY), "n_features")
    refused(lambda: tm.train_models("relu", 3, 2, sparsity=[0.5], config=TINY, n_seeds=n), "n_seeds")
    refused(lambda: tm.random_orthogonal(n), "m")
    refused(lambda: tm.TrainConfig(steps=n), "steps")
    refused(lambda: tm.TrainConfig(batch_size=n), "batch_size")
    refused(lambda: tm.evaluate_loss(tm.make_model("relu", 3, 2), density=0.5, n_samples=n), "n_samples")


@SETTINGS
@given(n=st.integers(1, 6), extra=st.integers(1, 4))
def test_expansion_is_refused_by_make_model(n, extra):
    refused(lambda: tm.make_model("relu", n, n + extra), "n_hidden")


@SETTINGS
@given(kind=st.one_of(st.text(max_size=8).filter(lambda k: k not in tm.models.MODEL_KINDS), not_numbers))
def test_unknown_model_kinds_are_refused(kind):
    refused(lambda: tm.make_model(kind, 3, 2), "kind")
    refused(lambda: tm.train_models(kind, 3, 2, sparsity=[0.5], config=TINY), "kind")


@SETTINGS
@given(imp=st.one_of(st.floats(max_value=-1e-9), nonfinite, huge_ints, st.text(min_size=1, max_size=3),
                     st.lists(nonfinite, min_size=3, max_size=3), st.lists(st.floats(max_value=-1e-9), min_size=3,
                                                                          max_size=3)),
       short=st.lists(st.floats(0, 1), min_size=1, max_size=2))
def test_bad_importance_is_refused(imp, short):
    refused(lambda: tm.train_models("relu", 3, 2, sparsity=[0.5], importance=imp, config=TINY), "importance")
    refused(lambda: theory.optimal_linear_loss(imp, 1, density=0.5), "importance")
    # one value per feature: a list of the wrong length
    refused(lambda: tm.train_models("relu", 3, 2, sparsity=[0.5], importance=short, config=TINY), "importance")
    refused(lambda: theory.linear_loss_split(W_OK, short, density=0.5), "importance")


@SETTINGS
@given(
    field=st.sampled_from(["lr", "weight_decay", "optimizer", "schedule", "warmup_steps", "log_every",
                           "eval_samples", "device", "bias_init", "progress"]),
    value=st.one_of(st.floats(max_value=-1e-9), nonfinite, st.text(max_size=4), st.none(), st.just([1])),
)
def test_bad_train_config_fields_are_refused(field, value):
    refused(lambda: tm.TrainConfig(**{field: value}), field)


@st.composite
def bad_batches(draw):
    """What a broken data source returns for a model with 2 instances and 3 features."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple).filter(
        lambda s: not (len(s) == 3 and s[0] == 2 and s[2] == 3)))
    kind = draw(st.sampled_from(["tensor", "numpy", "list", "int", "float64", "nan", "none"]))
    good = (2, 4, 3)
    if kind == "tensor":
        return torch.rand(shape)
    if kind == "numpy":
        return np.random.default_rng(0).random(good)
    if kind == "list":
        return torch.rand(good).tolist()
    if kind == "int":
        return torch.ones(good, dtype=torch.long)
    if kind == "float64":
        return torch.rand(good, dtype=torch.float64)
    if kind == "nan":
        x = torch.rand(good)
        x[0, 0, draw(st.integers(0, 2))] = draw(nonfinite)
        return x
    return None


@FEW
@given(batch=bad_batches())
def test_bad_custom_data_is_refused_before_training(batch):
    model = tm.make_model("relu", 3, 2, n_instances=2)
    before = model.W.detach().clone()
    msg = refused(lambda: tm.fit(model, config=TINY, data=lambda b: batch), "data")
    assert "returned" in msg  # it says what the source returned
    assert torch.equal(model.W.detach(), before)
    refused(lambda: tm.evaluate_loss(model, n_samples=4, data=lambda b: batch), "data")


@FEW
@given(out_shape=st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple).filter(lambda s: s != (2, 4, 3)))
def test_targets_of_the_wrong_shape_are_refused(out_shape):
    model = tm.make_model("relu", 3, 2, n_instances=2)
    refused(lambda: tm.fit(model, config=TINY, data=lambda b: torch.rand(2, b, 3),
                           target=lambda x: torch.rand(out_shape)), "target")


@pytest.mark.filterwarnings("ignore:the loss of instance")  # two steps need not lower the loss
@FEW
@given(n=st.integers(1, 5), m=st.integers(1, 5), density=st.floats(0.05, 1.0))
def test_valid_training_gives_finite_losses(n, m, density):
    m = min(m, n)
    res = tm.train_models("relu", n, m, density=[density], config=TINY)
    assert res.W.shape == (1, m, n) and bool(torch.isfinite(res.losses).all()) and float(res.losses[0]) >= 0


# --------------------------------------------------------------------------- theory

@SETTINGS
@given(n=bad_ints)
def test_theory_sizes_are_checked(n):
    refused(lambda: tm.k_active_probabilities(n, density=0.5), "n_features")
    refused(lambda: tm.optimal_linear_loss(torch.ones(3), n, density=0.5), "n_hidden")
    refused(lambda: tm.polytope_dimensionality(n, 2), "n_points")
    refused(lambda: theory.k_sparse_loss(W_OK, torch.zeros(8), 1.0, 1, n_samples=n), "n_samples")


@SETTINGS
@given(r=st.one_of(st.floats(max_value=0.0), nonfinite, st.text(min_size=1, max_size=3),
                   st.lists(st.floats(max_value=0.0), min_size=1, max_size=2)))
def test_bad_relative_importance_is_refused(r):
    refused(lambda: theory.two_in_one_candidate_losses(r, density=0.5), "relative_importance")
    refused(lambda: theory.three_in_two_phase(r, density=0.5), "relative_importance")
    refused(lambda: theory.two_in_one_boundary(r), "relative_importance")


@SETTINGS
@given(k=st.one_of(st.integers(max_value=-1), st.integers(min_value=9, max_value=100), st.floats(), not_numbers))
def test_bad_k_is_refused(k):
    refused(lambda: theory.k_sparse_loss(W_OK, torch.zeros(8), 1.0, k), "k")


@SETTINGS
@given(name=st.one_of(st.text(max_size=10), not_numbers))
def test_unknown_polytopes_are_refused(name):
    if isinstance(name, str) and name in theory.polytopes.POLYTOPES:
        return
    refused(lambda: theory.polytope_vertices(name), "name")


@SETTINGS
@given(n=st.integers(1, 3000), p=st.floats(1e-300, 1.0))
def test_k_active_probabilities_are_a_distribution(n, p):
    probs = tm.k_active_probabilities(n, density=p)
    assert probs.shape == (n + 1,) and bool(torch.isfinite(probs).all()) and bool((probs >= 0).all())
    assert math.isclose(float(probs.sum()), 1.0, abs_tol=1e-9)
    mean = float((torch.arange(n + 1, dtype=torch.float64) * probs).sum())
    assert math.isclose(mean, n * p, rel_tol=1e-6, abs_tol=1e-9)  # binomial mean


@SETTINGS
@given(r=st.floats(1e-4, 1e4), p=st.floats(1e-4, 1.0))
def test_phase_closed_forms_are_valid(r, p):
    for losses in (theory.two_in_one_candidate_losses(r, density=p), theory.three_in_two_candidate_losses(r, density=p)):
        assert all(bool(torch.isfinite(v)) and float(v) >= 0 for v in losses.values())
    assert int(theory.two_in_one_phase(r, density=p)) in (0, 1, 2)
    assert int(theory.three_in_two_phase(r, density=p)) in (0, 1, 2)
    assert 0 < float(theory.two_in_one_boundary(r)) < 1
    assert 0 <= float(theory.feature_variance(density=p)) <= 1 / 9 + 1e-12  # max of p/3 - p²/4 at p = 2/3


@SETTINGS
@given(imp=st.lists(st.floats(0, 10), min_size=1, max_size=8), p=st.floats(1e-3, 1.0))
def test_optimal_linear_loss_falls_with_more_dimensions(imp, p):
    losses = [tm.optimal_linear_loss(imp, m, density=p) for m in range(1, len(imp) + 1)]
    assert all(v >= 0 for v in losses) and losses[-1] == 0.0
    assert all(a >= b - 1e-12 for a, b in zip(losses, losses[1:], strict=False))


@SETTINGS
@given(n=st.integers(1, 50), d=st.integers(1, 50))
def test_polytope_dimensionality_is_d_over_n(n, d):
    if d > n:  # k points span at most k dimensions
        refused(lambda: tm.polytope_dimensionality(n, d), "n_dims")
    else:
        assert math.isclose(tm.polytope_dimensionality(n, d), d / n)


# --------------------------------------------------------------------------- artifacts

@SETTINGS
@given(path=st.one_of(st.none(), st.integers(), st.floats(), st.just(b"x.npz"), st.lists(st.text(max_size=3))))
def test_artifact_paths_of_the_wrong_type_are_refused(path):
    refused(lambda: tm.load_artifact(path), "path")
    refused(lambda: tm.save_artifact(path, {"a": np.zeros(1)}, name="a", version=1, seed=0, config={}), "path")


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    return tm.save_artifact(tmp_path_factory.mktemp("art") / "a.npz", {"a": np.zeros(2)}, name="a", version=1,
                            seed=0, config={})


@SETTINGS
@given(version=bad_ints.filter(lambda v: v is not None),  # None means "any version"
       name=st.one_of(st.text(max_size=4).filter(lambda s: s != "a"), not_numbers).filter(lambda v: v is not None))
def test_artifact_name_and_version_are_checked(artifact, version, name):
    refused(lambda: tm.load_artifact(artifact, version=version), "version")
    refused(lambda: tm.load_artifact(artifact, name=name), "name")
    assert tm.load_artifact(artifact, name="a", version=1).arrays["a"].shape == (2,)


@SETTINGS
@given(name=st.one_of(st.text(max_size=12), not_numbers))
def test_unknown_sweeps_are_refused(name):
    if isinstance(name, str) and name in tm.sweeps.SWEEPS:
        return
    refused(lambda: tm.load_or_train(name), "name")
