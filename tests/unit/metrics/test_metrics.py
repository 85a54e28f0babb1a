"""Unit tests for toymodels_lib.metrics on hand-built geometries."""

import math

import numpy as np
import pytest
import torch

from toymodels_lib import metrics


def polygon(k, d=2):
    angles = torch.arange(k) * 2 * math.pi / k
    W = torch.zeros(d, k)
    W[0], W[1] = torch.cos(angles), torch.sin(angles)
    return W


def test_feature_norms_and_represented():
    W = torch.tensor([[1.0, 0.0, 0.3], [0.0, 2.0, 0.0]])
    assert torch.allclose(metrics.feature_norms(W), torch.tensor([1.0, 2.0, 0.3]))
    assert int(metrics.n_represented(W)) == 2
    assert int(metrics.n_represented(W, threshold=0.1)) == 3


def test_superposition_orthogonal_and_antipodal():
    assert torch.allclose(metrics.superposition(torch.eye(3)), torch.zeros(3))
    W = torch.tensor([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]])
    assert torch.allclose(metrics.superposition(W), torch.tensor([1.0, 1.0, 0.0]))


def test_superposition_handcomputed():
    W = torch.tensor([[1.0, 1.0], [0.0, 1.0]])  # W_0=(1,0), W_1=(1,1)
    # feature 0: (W0hat . W1)^2 = 1 ; feature 1: (W1hat . W0)^2 = 1/2
    assert torch.allclose(metrics.superposition(W), torch.tensor([1.0, 0.5]))


@pytest.mark.parametrize("k, expected", [(2, 0.5), (3, 2 / 3), (4, 0.5), (5, 0.4), (6, 1 / 3)])
def test_feature_dimensionality_polygons(k, expected):
    W = polygon(k)
    D = metrics.feature_dimensionality(W)
    assert torch.allclose(D, torch.full((k,), expected), atol=1e-5)
    # a digon spans one dimension, the other polygons both
    assert float(D.sum()) == pytest.approx(1.0 if k == 2 else 2.0, abs=1e-5)


def test_feature_dimensionality_tetrahedron_and_unrepresented():
    tet = torch.tensor([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=torch.float32).T / math.sqrt(3)
    assert torch.allclose(metrics.feature_dimensionality(tet), torch.full((4,), 0.75), atol=1e-5)
    W = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    assert torch.allclose(metrics.feature_dimensionality(W), torch.tensor([1.0, 0.0]))


def test_dimensions_per_feature():
    assert float(metrics.dimensions_per_feature(torch.eye(4))) == pytest.approx(1.0)
    assert float(metrics.dimensions_per_feature(polygon(2) )) == pytest.approx(1.0)
    assert float(metrics.dimensions_per_feature(polygon(4))) == pytest.approx(0.5)


def test_leading_axes_and_numpy():
    square = torch.cat([polygon(4), torch.zeros(2, 1)], dim=1)  # 4 features + 1 unused
    W = np.stack([polygon(5).numpy(), square.numpy()])
    assert metrics.feature_dimensionality(W).shape == (2, 5)
    assert metrics.dimensions_per_feature(W).tolist() == pytest.approx([0.4, 0.5])
    assert metrics.n_represented(W).tolist() == [5, 4]


def test_antipodal():
    W = torch.tensor([[1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 1.0, -0.2]])
    assert metrics.antipodal_pairs(W) == [(0, 1)]
    assert int(metrics.n_antipodal(W)) == 2  # feature 3 is too small to count
    assert int(metrics.n_antipodal(W, threshold=0.1)) == 4
    assert metrics.n_antipodal(torch.stack([W, torch.eye(2, 4)])).tolist() == [2, 0]


def test_cosine_and_interference():
    W = polygon(4)
    cos = metrics.cosine_similarity_matrix(W)
    assert torch.allclose(torch.diagonal(cos), torch.ones(4), atol=1e-6)
    assert float(cos[0, 2]) == pytest.approx(-1.0, abs=1e-6)
    inter = metrics.interference(W)
    assert torch.allclose(torch.diagonal(inter), torch.zeros(4))
    assert float(inter[0, 2]) == pytest.approx(-1.0, abs=1e-6)


@pytest.mark.parametrize(
    "fn", [metrics.feature_norms, metrics.superposition, metrics.feature_dimensionality, metrics.dimensions_per_feature]
)
def test_bad_input(fn):
    with pytest.raises(ValueError, match="dimensions"):
        fn(torch.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        fn(torch.tensor([[1.0, float("nan")]]))
    with pytest.raises(TypeError):
        fn("W")


def test_bad_thresholds():
    with pytest.raises(ValueError, match="threshold"):
        metrics.n_represented(torch.eye(2), threshold=-1)
    with pytest.raises(ValueError, match="cosine"):
        metrics.n_antipodal(torch.eye(2), cosine=0.5)
    with pytest.raises(ValueError, match="one model"):
        metrics.antipodal_pairs(torch.zeros(2, 2, 3))
