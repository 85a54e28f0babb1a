"""toymodels_lib.theory.linear: the optimal linear model, checked by hand and by Monte Carlo."""

import pytest
import torch

from toymodels_lib import theory
from toymodels_lib.data import importance_decay, sample_features


def test_top_features_and_gram():
    imp = importance_decay(6, 0.7)
    assert theory.optimal_linear_features(imp, 2, sparsity=0.0).tolist() == [0, 1]
    # importance out of order: the two largest are kept
    assert theory.optimal_linear_features([0.1, 3.0, 0.2, 2.0], 2, sparsity=0.5).tolist() == [1, 3]
    # per-feature sparsity: a rarer feature with higher importance can lose
    assert theory.optimal_linear_features([1.0, 0.9], 1, sparsity=[0.99, 0.0]).tolist() == [1]
    g = theory.optimal_linear_gram(imp, 2, sparsity=0.0)
    assert torch.equal(torch.diagonal(g), torch.tensor([1.0, 1.0, 0, 0, 0, 0], dtype=torch.float64))


def test_linear_loss_by_hand():
    imp = importance_decay(4, 0.5)  # 1, .5, .25, .125
    p = 0.4
    var = p / 3 - p**2 / 4
    assert theory.optimal_linear_loss(imp, 2, sparsity=0.6) == pytest.approx((0.25 + 0.125) * var)
    assert theory.optimal_linear_loss(imp, 2, sparsity=0.6, bias=False) == pytest.approx((0.25 + 0.125) * p / 3)
    assert theory.optimal_linear_loss(imp, 4, sparsity=0.6) == 0.0


def test_linear_loss_monte_carlo():
    """The closed form equals the loss of the projector model with the mean as bias."""
    imp = importance_decay(6, 0.8)
    s = 0.5
    x = sample_features(1, 200_000, 6, sparsity=s, seed=1)[0].double()
    keep = theory.optimal_linear_features(imp, 3, sparsity=s)
    pred = torch.zeros_like(x) + (1 - s) / 2
    pred[:, keep] = x[:, keep]
    mc = float(((x - pred) ** 2 * imp.double()).sum(-1).mean())
    assert mc == pytest.approx(theory.optimal_linear_loss(imp, 3, sparsity=s), rel=0.01)


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
    importance, sparsity, n_hidden = args
    with pytest.raises(ValueError, match=match):
        theory.optimal_linear_loss(importance, n_hidden, sparsity=sparsity)


def test_bad_density_message_names_the_keyword():
    with pytest.raises(ValueError, match=r"density must be a number or one value per feature \(2\), got shape \(3,\)"):
        theory.optimal_linear_loss([1.0, 1.0], 1, density=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"density must be in \(0, 1\], got 0"):
        theory.optimal_linear_features([1.0, 1.0], 1, density=0.0)


# ----------------------------------------------------------------------------- keyword convention
_IMP = importance_decay(6, 0.8)
_CALLS = {
    "optimal_linear_features": lambda **kw: theory.optimal_linear_features(_IMP, 3, **kw),
    "optimal_linear_gram": lambda **kw: theory.optimal_linear_gram(_IMP, 3, **kw),
    "optimal_linear_loss": lambda **kw: theory.optimal_linear_loss(_IMP, 3, **kw),
}


def test_positional_probability_is_rejected():
    # the old order (importance, sparsity, n_hidden) and the new order with a third positional
    for call in (
        lambda: theory.optimal_linear_features(_IMP, 0.5, 3),
        lambda: theory.optimal_linear_gram(_IMP, 3, 0.5),
        lambda: theory.optimal_linear_loss(_IMP, 3, 0.5),
    ):
        with pytest.raises(TypeError, match="positional"):
            call()


@pytest.mark.parametrize("name", list(_CALLS))
def test_exactly_one_keyword(name, exactly_one_keyword):
    exactly_one_keyword(_CALLS[name])


@pytest.mark.parametrize("name", list(_CALLS))
@pytest.mark.parametrize("sparsity", [0.0, 0.6, [0.9, 0.0, 0.5, 0.5, 0.2, 0.99]])
def test_density_and_sparsity_agree(name, sparsity):
    density = [1 - s for s in sparsity] if isinstance(sparsity, list) else 1 - sparsity
    a, b = _CALLS[name](sparsity=sparsity), _CALLS[name](density=density)
    assert torch.allclose(torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64),
                          rtol=1e-12, atol=1e-15)
