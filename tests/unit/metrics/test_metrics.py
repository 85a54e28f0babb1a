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


# every public function of metrics that takes weights, with the other arguments it needs
WEIGHT_FUNCTIONS = {
    "feature_norms": lambda W, **kw: metrics.feature_norms(W, **kw),
    "cosine_similarity_matrix": lambda W, **kw: metrics.cosine_similarity_matrix(W, **kw),
    "interference": lambda W, **kw: metrics.interference(W, **kw),
    "superposition": lambda W, **kw: metrics.superposition(W, **kw),
    "dimensions_per_feature": lambda W, **kw: metrics.dimensions_per_feature(W, **kw),
    "feature_dimensionality": lambda W, **kw: metrics.feature_dimensionality(W, **kw),
    "n_represented": lambda W, **kw: metrics.n_represented(W, **kw),
    "n_antipodal": lambda W, **kw: metrics.n_antipodal(W, **kw),
    "antipodal_pairs": lambda W, **kw: metrics.antipodal_pairs(W, **kw),
    "basis_alignment": lambda W, **kw: metrics.basis_alignment(W, **kw),
    "neuron_top_feature_fraction": lambda W, **kw: metrics.neuron_top_feature_fraction(W, **kw),
    "n_monosemantic": lambda W, **kw: metrics.n_monosemantic(W, **kw),
    "feature_groups": lambda W, **kw: metrics.feature_groups(W, **kw),
    "group_spans": lambda W, **kw: metrics.group_spans(W, **kw),
    "group_coordinates": lambda W, **kw: metrics.group_coordinates(W, [0, 1], 2, **kw),
    "classify_extra_feature": lambda W, **kw: metrics.classify_extra_feature(W, **kw),
    "regular_simplex_error": lambda W, **kw: metrics.regular_simplex_error(W, **kw),
    "classify_set_arrangement": lambda W, **kw: metrics.classify_set_arrangement(W, [[0], [1, 2]], **kw),
    "dedicated_features": lambda W, **kw: metrics.dedicated_features(W, **kw),
    "neuron_blocks": lambda W, **kw: metrics.neuron_blocks(W, **kw),
    "neuron_regime": lambda W, **kw: metrics.neuron_regime(W, **kw),
}
assert set(WEIGHT_FUNCTIONS) | {"angular_gaps", "find_polytope", "max_cosine_similarity", "normalise_neurons"} == set(metrics.__all__)


@pytest.mark.parametrize("name", sorted(WEIGHT_FUNCTIONS))
def test_weights_in_the_papers_layout_are_refused(name):
    """[features, hidden] (the paper notebook's layout) has more rows than columns: a clear error."""
    fn = WEIGHT_FUNCTIONS[name]
    W = torch.randn(3, 8, generator=torch.Generator().manual_seed(1))  # [hidden, features]
    fn(W)  # the library's layout works
    fn(torch.randn(4, 4))  # square weights are a toy model too
    with pytest.raises(ValueError) as info:
        fn(W.T)
    msg = str(info.value)
    assert "W has shape (8, 3)" in msg and "[hidden, features]" in msg and "pass W.T" in msg
    assert "allow_expansion=True" in msg
    # a model that really expands says so, and gets the same numbers as for the columns it holds
    fn(W.T, allow_expansion=True)
    with pytest.raises(TypeError, match="allow_expansion must be True or False"):
        fn(W, allow_expansion="yes")


def test_a_stack_in_the_papers_layout_is_refused_with_transpose_advice():
    W = torch.randn(4, 3, 8)
    assert metrics.n_represented(W).shape == (4,)
    with pytest.raises(ValueError, match=r"\[instances, hidden, features\].*W\.transpose\(-1, -2\)"):
        metrics.n_represented(W.transpose(-1, -2))
    with pytest.raises(ValueError, match=r"W\.transpose\(-1, -2\)"):
        metrics.find_polytope(W.transpose(-1, -2), 2, 1)
    with pytest.raises(ValueError, match=r"pass W\.T"):
        metrics.angular_gaps(torch.randn(5, 2))


def test_expansion_gives_the_columns_own_numbers():
    """allow_expansion only lifts the layout check: the numbers are those of the columns given."""
    W = torch.randn(6, 2, generator=torch.Generator().manual_seed(2))  # 2 features, 6 neurons
    assert torch.allclose(metrics.feature_norms(W, allow_expansion=True), W.norm(dim=0))
    frac = metrics.neuron_top_feature_fraction(W, allow_expansion=True)
    assert frac.shape == (6,) and torch.allclose(frac, (W**2).amax(1) / (W**2).sum(1))
