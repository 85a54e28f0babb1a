"""metrics.feature_groups, metrics.group_coordinates and metrics.angular_gaps: how features are arranged."""

import math

import pytest
import torch

from toymodels_lib import metrics, theory


def test_feature_groups(block_model):
    groups = metrics.feature_groups(block_model)
    assert groups == [[0, 1, 2], [3, 4], [5]]
    with pytest.raises(ValueError):
        metrics.feature_groups(torch.zeros(2, 3, 4))


def test_feature_groups_thresholds_and_bad_input(block_model):
    W = block_model
    W[:, 6] = 0.3 * (W[:, 0] + W[:, 3])  # short (not represented) and leaning on two groups
    assert metrics.feature_groups(W) == [[0, 1, 2], [3, 4], [5]]
    assert metrics.feature_groups(W, threshold=0.2)[0] == [0, 1, 2, 3, 4, 6]  # now it links them
    assert metrics.feature_groups(W.numpy()) == metrics.feature_groups(W)
    with pytest.raises(ValueError, match="cosine"):
        metrics.feature_groups(W, cosine=2.0)
    with pytest.raises(ValueError, match="threshold"):
        metrics.feature_groups(W, threshold=-1)


def test_group_coordinates_keep_lengths_and_angles(block_model):
    W = block_model
    coords = metrics.group_coordinates(W, [0, 1, 2], 2)
    assert coords.shape == (2, 3) and coords.dtype == torch.float64
    sub = W[:, [0, 1, 2]].double()
    assert torch.allclose(coords.T @ coords, sub.T @ sub, atol=1e-6)
    with pytest.raises(ValueError, match="group"):
        metrics.group_coordinates(W, [0, 9], 2)
    with pytest.raises(ValueError, match="dims"):
        metrics.group_coordinates(W, [0, 1], 0)
    with pytest.raises(ValueError, match="W must be one model"):
        metrics.group_coordinates(W[None], [0, 1], 2)


def _circle(degrees, radius=1.0):
    a = torch.deg2rad(torch.tensor(degrees, dtype=torch.float64))
    return radius * torch.stack([torch.cos(a), torch.sin(a)])


def test_angular_gaps_pentagon_and_pairs():
    pentagon = theory.polytope_vertices("pentagon")
    gaps = metrics.angular_gaps(pentagon)
    assert gaps.dtype == torch.float64 and gaps.shape == (5,)
    assert torch.allclose(gaps, torch.full((5,), 72.0, dtype=torch.float64), atol=1e-4)
    pairs = torch.tensor([[1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 1.0, -1.0]])
    assert torch.allclose(metrics.angular_gaps(pairs), torch.full((4,), 90.0, dtype=torch.float64))


def test_angular_gaps_wrap_sort_and_represented_only():
    W = _circle([170.0, -170.0, 10.0])  # crosses the ±180° line
    gaps = metrics.angular_gaps(W)
    assert torch.allclose(gaps, torch.tensor([20.0, 160.0, 180.0], dtype=torch.float64), atol=1e-4)
    assert math.isclose(float(gaps.sum()), 360.0, abs_tol=1e-6)
    W = torch.cat([_circle([0.0, 120.0, 240.0]), _circle([60.0], radius=0.1)], dim=1)
    assert torch.allclose(metrics.angular_gaps(W), torch.full((3,), 120.0, dtype=torch.float64), atol=1e-4)
    assert metrics.angular_gaps(W, threshold=0.0).shape == (4,)  # the short feature counts too
    assert metrics.angular_gaps(torch.zeros(2, 3)).shape == (0,)


def test_angular_gaps_bad_input():
    with pytest.raises(ValueError, match="2-D hidden space"):
        metrics.angular_gaps(torch.randn(3, 5))
    with pytest.raises(ValueError, match="one model"):
        metrics.angular_gaps(torch.randn(4, 2, 5))
    with pytest.raises(ValueError, match="threshold"):
        metrics.angular_gaps(torch.randn(2, 5), threshold=-0.5)


def test_find_polytope_picks_the_cleanest_group():
    from toymodels_lib import theory

    W = torch.zeros(2, 4, 9)
    W[0, :2, :5] = theory.polytope_vertices("pentagon").float()  # a regular pentagon in dims 0-1
    W[1, :2, :5] = theory.polytope_vertices("pentagon").float() * torch.tensor([1.0, 1.0, 1.0, 1.0, 0.7])
    W[0, 2, 5], W[0, 2, 6] = 1.0, -1.0  # a digon in dim 2
    error, j, group = metrics.find_polytope(W, 5, 2)
    assert (j, group) == (0, [0, 1, 2, 3, 4]) and error < 1e-5
    digon = metrics.find_polytope(W, 2, 1)
    assert digon is not None and digon[1:] == (0, [5, 6])
    assert metrics.find_polytope(W, 4, 3) is None
    with pytest.raises(ValueError, match="stack of models"):
        metrics.find_polytope(W[0], 5, 2)


def test_regular_simplex_error():
    from toymodels_lib import theory

    tri = theory.polytope_vertices("triangle").float()
    assert float(metrics.regular_simplex_error(tri)) < 1e-6
    assert float(metrics.regular_simplex_error(theory.polytope_vertices("tetrahedron"))) < 1e-6
    bent = tri.clone()
    bent[:, 0] = torch.tensor([0.0, 1.0])
    assert float(metrics.regular_simplex_error(bent)) > 0.1
    assert metrics.regular_simplex_error(torch.stack([tri, bent])).shape == (2,)
    with pytest.raises(ValueError, match="at least 2 features"):
        metrics.regular_simplex_error(torch.ones(2, 1), allow_expansion=True)
    # a triangle taken from a 5-dimensional model: three columns in five rows
    group = torch.zeros(5, 3)
    group[1:3] = tri
    assert float(metrics.regular_simplex_error(group, allow_expansion=True)) < 1e-6
    with pytest.raises(ValueError, match=r"pass W\.T; if the model really has more hidden"):
        metrics.regular_simplex_error(group)


def test_group_spans(block_model):
    # the block model: a triangle (3 features in 2 dims), an antipodal pair (2 in 1), a dedicated feature
    assert metrics.group_spans(block_model) == [([0, 1, 2], 2), ([3, 4], 1), ([5], 1)]
    assert sum(span for _, span in metrics.group_spans(block_model)) == block_model.shape[0]  # a tegum product
    bent = block_model.clone()
    bent[:, 4] = torch.tensor([0.0, 0.02, -1.0, 0.0])  # a slightly bent digon still spans one dimension
    assert metrics.group_spans(bent)[1] == ([3, 4], 1)
    # three antipodal pairs 60° apart in a plane: with links only above |cos| 0.6 they are three
    # groups of span 1, three dimensions in a 2-D space: their subspaces overlap
    angles = torch.deg2rad(torch.tensor([0.0, 60.0, 120.0]))
    lines = torch.stack([torch.cos(angles), torch.sin(angles)])
    overlap = torch.stack([lines, -lines], dim=-1).reshape(2, 6)
    spans = metrics.group_spans(overlap, cosine=0.6)
    assert spans == [([0, 1], 1), ([2, 3], 1), ([4, 5], 1)] and sum(s for _, s in spans) == 3
    with pytest.raises(ValueError):
        metrics.group_spans(torch.zeros(2, 3, 4))
