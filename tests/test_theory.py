"""Closed forms of toymodels_lib.theory, checked by hand and by Monte Carlo."""

import pytest
import torch

from toymodels_lib import theory
from toymodels_lib.data import importance_decay, sample_features


def test_moments_monte_carlo():
    x = sample_features(1, 200_000, 1, sparsity=0.7, seed=0).double()
    mom = theory.feature_moments(0.7)
    assert float(x.mean()) == pytest.approx(float(mom["mean"]), abs=2e-3)
    assert float((x**2).mean()) == pytest.approx(float(mom["second_moment"]), abs=2e-3)
    assert float(x.var()) == pytest.approx(float(mom["variance"]), abs=2e-3)


def test_top_features_and_gram():
    imp = importance_decay(6, 0.7)
    assert theory.optimal_linear_features(imp, 0.0, 2).tolist() == [0, 1]
    # importance out of order: the two largest are kept
    assert theory.optimal_linear_features([0.1, 3.0, 0.2, 2.0], 0.5, 2).tolist() == [1, 3]
    # per-feature sparsity: a rarer feature with higher importance can lose
    assert theory.optimal_linear_features([1.0, 0.9], [0.99, 0.0], 1).tolist() == [1]
    g = theory.optimal_linear_gram(imp, 0.0, 2)
    assert torch.equal(torch.diagonal(g), torch.tensor([1.0, 1.0, 0, 0, 0, 0], dtype=torch.float64))


def test_linear_loss_by_hand():
    imp = importance_decay(4, 0.5)  # 1, .5, .25, .125
    p = 0.4
    var = p / 3 - p**2 / 4
    assert theory.optimal_linear_loss(imp, 0.6, 2) == pytest.approx((0.25 + 0.125) * var)
    assert theory.optimal_linear_loss(imp, 0.6, 2, bias=False) == pytest.approx((0.25 + 0.125) * p / 3)
    assert theory.optimal_linear_loss(imp, 0.6, 4) == 0.0


def test_linear_loss_monte_carlo():
    """The closed form equals the loss of the projector model with the mean as bias."""
    imp = importance_decay(6, 0.8)
    s = 0.5
    x = sample_features(1, 200_000, 6, sparsity=s, seed=1)[0].double()
    keep = theory.optimal_linear_features(imp, s, 3)
    pred = torch.zeros_like(x) + (1 - s) / 2
    pred[:, keep] = x[:, keep]
    mc = float(((x - pred) ** 2 * imp.double()).sum(-1).mean())
    assert mc == pytest.approx(theory.optimal_linear_loss(imp, s, 3), rel=0.01)


@pytest.mark.parametrize(
    "args, match",
    [
        (([1.0, 1.0], 1.0, 1), r"sparsity must be in \[0, 1\)"),
        (([1.0, 1.0], 0.5, 3), "n_hidden=3 is larger"),
        (([1.0, -1.0], 0.5, 1), ">= 0"),
        (([1.0, 1.0], [0.1, 0.2, 0.3], 1), "one value per feature"),
        (([[1.0]], 0.5, 1), "dimensions"),
    ],
)
def test_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        theory.optimal_linear_loss(*args)
