"""Unit tests for toymodels_lib.data."""

import numpy as np
import pytest
import torch

from toymodels_lib.data import (
    FeatureSampler,
    broadcast_importance,
    broadcast_sparsity,
    importance_decay,
    random_stream,
    sample_features,
)


def test_importance_decay_values():
    imp = importance_decay(4, 0.5)
    assert torch.allclose(imp, torch.tensor([1.0, 0.5, 0.25, 0.125]))
    assert torch.all(importance_decay(3) == 1)


@pytest.mark.parametrize("n, r, err", [(0, 0.7, ValueError), (3.5, 0.7, TypeError), (3, 0.0, ValueError), (3, float("nan"), ValueError), (3, "a", TypeError)])
def test_importance_decay_bad_input(n, r, err):
    with pytest.raises(err):
        importance_decay(n, r)


def test_sample_shape_and_range():
    x = sample_features(3, 500, 7, sparsity=[0.0, 0.5, 0.9], seed=1)
    assert x.shape == (3, 500, 7)
    assert x.dtype == torch.float32
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0


@pytest.mark.parametrize("sparsity", [0.0, 0.3, 0.9, 0.99])
def test_density_and_uniform_values(sparsity):
    x = sample_features(2, 50_000, 10, sparsity=sparsity, seed=3).double()
    active = x > 0
    p = 1 - sparsity
    n = x.numel()
    assert abs(float(active.double().mean()) - p) < 5 * (p * (1 - p) / n) ** 0.5 + 1e-4
    vals = x[active]
    assert abs(float(vals.mean()) - 0.5) < 0.01
    assert abs(float(vals.var()) - 1 / 12) < 0.005
    # moments used by the theory: E[x] = p/2, E[x^2] = p/3
    assert abs(float(x.mean()) - p / 2) < 0.01
    assert abs(float((x**2).mean()) - p / 3) < 0.01


def test_entries_independent():
    x = sample_features(1, 100_000, 2, sparsity=0.5, seed=0)[0]
    z0, z1 = x[:, 0] == 0, x[:, 1] == 0
    assert abs(float((z0 & z1).double().mean()) - 0.25) < 0.01


def test_per_feature_sparsity():
    s = torch.tensor([[0.0, 0.9], [0.5, 0.5]])
    x = sample_features(2, 40_000, 2, sparsity=s, seed=0)
    frac = (x > 0).double().mean(1)
    assert torch.allclose(frac, 1 - s.double(), atol=0.01)


def test_same_seed_same_numbers_and_different_seed_differs():
    a = sample_features(2, 64, 5, sparsity=0.5, seed=4)
    b = sample_features(2, 64, 5, sparsity=0.5, seed=4)
    c = sample_features(2, 64, 5, sparsity=0.5, seed=5)
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_instance_stream_independent_of_instance_count():
    """Instance k sees the same numbers however many instances are sampled beside it."""
    small = sample_features(2, 128, 6, sparsity=[0.1, 0.7], seed=9)
    large = sample_features(5, 128, 6, sparsity=[0.1, 0.7, 0.2, 0.3, 0.4], seed=9)
    assert torch.equal(small, large[:2])


def test_stream_ids_share_data():
    s = FeatureSampler(4, 3, sparsity=0.5, seed=0, stream_ids=[0, 0, 1, 1])
    x = s(32)
    assert torch.equal(x[0], x[1]) and torch.equal(x[2], x[3])
    assert not torch.equal(x[0], x[2])


def test_stream_matches_sample():
    a = FeatureSampler(3, 4, sparsity=0.3, seed=2)
    b = FeatureSampler(3, 4, sparsity=0.3, seed=2)
    it = a.stream(16)
    for _ in range(3):
        assert torch.equal(next(it), b.sample(16))
    it.close()


def test_signed_kind():
    x = sample_features(1, 40_000, 4, sparsity=0.0, kind="signed", seed=0)
    assert float(x.min()) >= -1 and float(x.max()) <= 1
    assert abs(float((x < 0).double().mean()) - 0.5) < 0.01


@pytest.mark.parametrize(
    "sparsity, match",
    [
        (1.0, r"sparsity must be in \[0, 1\)"),
        (-0.1, r"sparsity must be in \[0, 1\)"),
        (float("nan"), "finite"),
        ([0.1, 0.2], "2 values but there are 3 instances"),
        (np.zeros((3, 4)), r"shape \(3, 4\)"),
    ],
)
def test_bad_sparsity(sparsity, match):
    with pytest.raises(ValueError, match=match):
        FeatureSampler(3, 5, sparsity=sparsity)


def test_bad_sparsity_type():
    with pytest.raises(TypeError, match="sparsity"):
        FeatureSampler(3, 5, sparsity="sparse")


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(n_instances=0), ValueError, "n_instances"),
        (dict(n_features=-2), ValueError, "n_features"),
        (dict(kind="gaussian"), ValueError, "kind must be one of"),
        (dict(seed=-1), ValueError, "seed"),
        (dict(stream_ids=[0]), ValueError, "stream_ids"),
    ],
)
def test_bad_sampler_args(kwargs, err, match):
    args = dict(n_instances=2, n_features=3, sparsity=0.5)
    args.update(kwargs)
    with pytest.raises(err, match=match):
        FeatureSampler(**args)


def test_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size"):
        FeatureSampler(1, 2, sparsity=0.0).sample(0)


def test_broadcast_importance():
    assert broadcast_importance(2.0, 2, 3).shape == (2, 3)
    assert torch.equal(broadcast_importance([1, 2, 3], 2, 3)[1], torch.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="length 2 but there are 3 features"):
        broadcast_importance([1, 2], 2, 3)
    with pytest.raises(ValueError, match=">= 0"):
        broadcast_importance([1, -2, 3], 2, 3)
    with pytest.raises(ValueError, match="finite"):
        broadcast_importance([1, float("nan"), 3], 2, 3)


def test_broadcast_sparsity_shapes():
    assert broadcast_sparsity(2, 3, sparsity=0.5).shape == (2, 3)
    assert torch.equal(broadcast_sparsity(2, 3, sparsity=[0.1, 0.2])[:, 0], torch.tensor([0.1, 0.2]))


def test_instance_keys_name_configurations_not_positions():
    from toymodels_lib.data import instance_keys

    sp = torch.tensor([[0.9, 0.9], [0.5, 0.5], [0.9, 0.9]])
    imp = torch.ones(3, 2)
    keys = instance_keys(sp, imp)
    assert keys[0][0] == keys[2][0] != keys[1][0]
    assert [j for _, j in keys] == [0, 0, 1]
    assert instance_keys(sp[1:], imp[1:])[0] == keys[1]
    with pytest.raises(ValueError, match=r"importance must have 2 dimensions, got shape \(3,\)"):
        instance_keys(sp, torch.ones(3))
    with pytest.raises(ValueError, match="instances, features"):
        instance_keys(sp, torch.ones(2, 2))
    with pytest.raises(TypeError, match="sparsity"):
        instance_keys("0.5", imp)


def test_stream_ids_accept_tuples_and_reject_negatives():
    a = FeatureSampler(2, 3, sparsity=0.5, seed=0, stream_ids=[(7, 0), (7, 0)]).sample(16)
    assert torch.equal(a[0], a[1])
    with pytest.raises(ValueError, match="stream_ids entry"):
        FeatureSampler(1, 3, sparsity=0.5, stream_ids=[(-1,)])


def test_random_stream_keys_are_checked():
    assert random_stream(3, 1, 2).random() == random_stream(3, 1, 2).random()
    with pytest.raises(ValueError, match="domain and key must be a non-negative int"):
        random_stream(-1, 3)
    with pytest.raises(ValueError, match="domain and key"):
        random_stream(1, 2.5)


def test_probabilities_are_checked_before_rounding_to_float32():
    """1.000000001 would round to 1.0 in float32 and pass; 1e-50 rounds to 0.0: both refused."""
    with pytest.raises(ValueError, match=r"density must be in \(0, 1\], got 1.000000001"):
        sample_features(1, 2, 3, density=1.000000001)
    with pytest.raises(ValueError, match=r"density must be in \(0, 1\] once rounded to torch.float32, got 1e-50"):
        sample_features(1, 2, 3, density=1e-50)
    with pytest.raises(ValueError, match=r"sparsity must be in \[0, 1\) once rounded to torch.float32"):
        sample_features(1, 2, 3, sparsity=0.99999999999)
    with pytest.raises(ValueError, match="sparsity must be finite, got an integer too large"):
        sample_features(1, 2, 3, sparsity=10**400)
    assert sample_features(1, 2, 3, sparsity=0.9).shape == (1, 2, 3)


def test_importance_decay_that_overflows_is_refused():
    with pytest.raises(ValueError, match=r"decay=1e\+30 makes the importance decay\*\*19 .* overflow float32"):
        importance_decay(20, 1e30)
    assert torch.isfinite(importance_decay(20, 2.0)).all()
