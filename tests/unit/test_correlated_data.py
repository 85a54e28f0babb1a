"""Tests of the correlated / anticorrelated feature generators (toymodels_lib.data)."""

import numpy as np
import pytest
import torch

from toymodels_lib.data import (
    CorrelatedFeatureSampler,
    anticorrelated_pairs,
    correlated_pairs,
)
from toymodels_lib.models import make_model
from toymodels_lib.train import TrainConfig, fit

BATCH = 100_000


def _active(x):
    return (x > 0).double()


def _tol(p, n=BATCH):
    return 5 * (p * (1 - p) / n) ** 0.5 + 1e-3


@pytest.mark.parametrize("p", [0.02, 0.15, 0.4])
def test_correlated_pairs_marginal_and_joint(p):
    s = correlated_pairs(2, 2, density=p, seed=1)
    x = s(BATCH)
    assert x.shape == (2, BATCH, 4) and x.dtype == torch.float32
    a = _active(x)
    assert torch.allclose(a.mean(1), torch.full((2, 4), p, dtype=torch.float64), atol=_tol(p))
    # within a pair: always together, P(both) = p; across pairs: independent, P(both) = p^2
    assert torch.equal(a[..., 0], a[..., 1]) and torch.equal(a[..., 2], a[..., 3])
    assert abs(float((a[..., 0] * a[..., 2]).mean()) - p * p) < _tol(p * p)


@pytest.mark.parametrize("p", [0.05, 0.15, 0.5])
def test_anticorrelated_pairs_marginal_and_joint(p):
    s = anticorrelated_pairs(3, 2, density=p, seed=2)
    a = _active(s(BATCH))
    assert torch.allclose(a.mean(1), torch.full((3, 4), p, dtype=torch.float64), atol=_tol(p))
    assert float((a[..., 0] * a[..., 1]).max()) == 0.0  # never together
    assert float((a[..., 2] * a[..., 3]).max()) == 0.0
    # exactly one of a pair is active with probability 2p
    one = float(((a[..., 0] + a[..., 1]) == 1).double().mean())
    assert abs(one - 2 * p) < _tol(2 * p)
    # different pairs are independent
    assert abs(float((a[..., 0] * a[..., 2]).mean()) - p * p) < _tol(p * p)


def test_sets_and_independent_groups():
    groups = [("correlated", 3), ("anticorrelated", 3), ("independent", 2)]
    s = CorrelatedFeatureSampler(2, groups, density=[0.1, 0.3], seed=3)
    assert s.n_features == 8
    assert s.group_index() == [[0, 1, 2], [3, 4, 5], [6, 7]]
    a = _active(s(BATCH))
    p = torch.tensor([0.1, 0.3], dtype=torch.float64)[:, None]
    assert torch.allclose(a.mean(1), p.expand(2, 8), atol=_tol(0.3))
    assert torch.equal(a[..., 0], a[..., 2])
    assert float(a[..., 3:6].sum(-1).max()) == 1.0  # at most one of the anticorrelated set
    both = (a[..., 6] * a[..., 7]).mean(1)
    assert torch.allclose(both, p[:, 0] ** 2, atol=_tol(0.09))


def test_values_uniform_when_active():
    x = correlated_pairs(1, 1, density=0.5, seed=4)(BATCH)
    v = x[x > 0].double()
    assert float(v.min()) >= 0 and float(v.max()) <= 1
    assert abs(float(v.mean()) - 0.5) < 0.005 and abs(float(v.var()) - 1 / 12) < 0.003
    # values within a correlated pair are independent draws, not copies
    both = (x[0, :, 0] > 0) & (x[0, :, 1] > 0)
    assert not torch.equal(x[0, both, 0], x[0, both, 1])
    corr = np.corrcoef(x[0, both, 0].numpy(), x[0, both, 1].numpy())[0, 1]
    assert abs(corr) < 0.02


def test_streams_per_instance_and_seeded():
    a = CorrelatedFeatureSampler(3, [("correlated", 2)], density=0.3, seed=5)(100)
    b = CorrelatedFeatureSampler(1, [("correlated", 2)], density=0.3, seed=5)(100)
    assert torch.equal(a[:1], b)  # instance 0 sees the same numbers however many instances
    c = CorrelatedFeatureSampler(1, [("correlated", 2)], density=0.3, seed=6)(100)
    assert not torch.equal(b, c)
    assert not torch.equal(a[0], a[1])


def test_sparsity_property_and_training_hook():
    s = anticorrelated_pairs(2, 1, density=[0.1, 0.2], seed=0)
    assert torch.allclose(s.sparsity, torch.tensor([[0.9, 0.9], [0.8, 0.8]]))
    model = make_model("relu", 2, 1, 2, seed=0)
    res = fit(model, sparsity=s.sparsity, importance=1.0, config=TrainConfig(steps=5, batch_size=64, eval_samples=256), data=s)
    assert res.W.shape == (2, 1, 2) and torch.isfinite(res.losses).all()


@pytest.mark.parametrize(
    "args, err",
    [
        ((0, [("correlated", 2)], 0.1), ValueError),
        ((2, [], 0.1), TypeError),
        ((2, "correlated", 0.1), TypeError),
        ((2, [("correlated",)], 0.1), TypeError),
        ((2, [("together", 2)], 0.1), ValueError),
        ((2, [("correlated", 0)], 0.1), ValueError),
        ((2, [("correlated", 2.5)], 0.1), TypeError),
        ((2, [("correlated", 2)], 0.0), ValueError),
        ((2, [("correlated", 2)], 1.5), ValueError),
        ((2, [("correlated", 2)], [0.1, 0.2, 0.3]), ValueError),
        ((2, [("correlated", 2)], "dense"), TypeError),
        ((2, [("anticorrelated", 3)], 0.4), ValueError),
    ],
)
def test_bad_input(args, err):
    with pytest.raises(err):
        CorrelatedFeatureSampler(*args[:2], density=args[2])


def test_bad_input_helpers():
    with pytest.raises(ValueError):
        correlated_pairs(1, 0, density=0.1)
    with pytest.raises(TypeError):
        anticorrelated_pairs(1, 1.0, density=0.1)
    with pytest.raises(ValueError):
        anticorrelated_pairs(1, 1, density=0.6)
    with pytest.raises(ValueError):
        correlated_pairs(1, 1, density=0.1)(0)
