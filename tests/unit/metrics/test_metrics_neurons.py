"""Unit tests for the chapter-2 metrics: basis alignment and neuron monosemanticity."""

import pytest
import torch

from toymodels_lib import metrics


def test_basis_alignment_and_neuron_fraction():
    W = torch.tensor([[1.0, 0.0, 1.0], [0.0, -2.0, 1.0]])  # [m=2, n=3]
    assert torch.allclose(metrics.basis_alignment(W), torch.tensor([1.0, 1.0, 0.5]))
    assert torch.allclose(metrics.neuron_top_feature_fraction(W), torch.tensor([0.5, 0.8]))
    assert metrics.n_monosemantic(W, threshold=0.8).item() == 1
    assert metrics.n_monosemantic(W).item() == 0
    # zero columns / rows give 0, leading instance axes are kept
    Z = torch.zeros(3, 2, 4)
    assert metrics.basis_alignment(Z).shape == (3, 4) and metrics.basis_alignment(Z).sum() == 0
    assert metrics.neuron_top_feature_fraction(Z).shape == (3, 2)
    assert metrics.n_monosemantic(Z).tolist() == [0, 0, 0]


def test_basis_alignment_is_rotation_sensitive():
    W = torch.eye(4)
    c = 2**-0.5
    R = torch.eye(4)
    R[:2, :2] = torch.tensor([[c, -c], [c, c]])
    assert metrics.basis_alignment(W).min() == 1.0
    assert torch.allclose(metrics.basis_alignment(R @ W)[:2], torch.tensor([0.5, 0.5]))


def test_bad_input():
    with pytest.raises(ValueError, match="threshold"):
        metrics.n_monosemantic(torch.eye(2), threshold=1.5)
    with pytest.raises(ValueError, match="W must have"):
        metrics.basis_alignment(torch.ones(3))
    with pytest.raises(TypeError, match="W"):
        metrics.neuron_top_feature_fraction("weights")
