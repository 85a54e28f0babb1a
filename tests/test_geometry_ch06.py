"""Unit tests of chapter 6's additions to theory (polytopes) and plots (geometry figures)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from toymodels_lib import metrics, plots, theory  # noqa: E402


@pytest.mark.parametrize("name", [n for n in theory.POLYTOPES if n != "square antiprism"])
def test_polytope_vertices_have_dimensionality_d_over_k(name):
    V = theory.polytope_vertices(name)
    k, d = theory.POLYTOPES[name]
    assert V.shape == (d, k)
    assert torch.allclose(V.norm(dim=0), torch.ones(k, dtype=V.dtype))
    dims = metrics.feature_dimensionality(V)
    assert torch.allclose(dims, torch.full((k,), theory.polytope_dimensionality(k, d), dtype=dims.dtype), atol=1e-6)
    assert abs(float(dims.sum()) - d) < 1e-6  # sum_i D_i = m for a tight frame


def test_polytope_fractions():
    values = [v for _, v in theory.polytope_fractions()]
    assert values == pytest.approx([1, 3 / 4, 2 / 3, 1 / 2, 2 / 5, 3 / 8])
    assert [label.split()[0] for label, _ in theory.polytope_fractions()] == ["1", "3/4", "2/3", "1/2", "2/5", "3/8"]


@pytest.mark.parametrize("args, err", [((0, 1), ValueError), ((3, 4), ValueError), ((2.0, 1), TypeError), ((3, "2"), TypeError)])
def test_polytope_dimensionality_bad_input(args, err):
    with pytest.raises(err):
        theory.polytope_dimensionality(*args)


@pytest.mark.parametrize("name", ["square antiprism", "heptagon", 3])
def test_polytope_vertices_bad_input(name):
    with pytest.raises(ValueError):
        theory.polytope_vertices(name)


def _block_model():
    """A triangle in dims 0-1, an antipodal pair in dim 2, one dedicated feature in dim 3, one unused feature."""
    W = torch.zeros(4, 7)
    W[:2, :3] = theory.polytope_vertices("triangle").float()
    W[2, 3], W[2, 4] = 1.0, -1.0
    W[3, 5] = 1.0
    return W


def test_feature_groups():
    groups = plots.feature_groups(_block_model())
    assert groups == [[0, 1, 2], [3, 4], [5]]
    with pytest.raises(ValueError):
        plots.feature_groups(torch.zeros(2, 3, 4))


def test_geometry_plots_return_figures():
    W = torch.stack([_block_model(), 0.9 * _block_model()])
    density = [1.0, 0.1]
    for fig in (
        plots.plot_dimensions_per_feature(W, density),
        plots.plot_feature_dimensionality(W, density),
        plots.plot_dimensionality_histogram(W),
        plots.plot_polytopes([W[0][:, [0, 1, 2]], theory.polytope_vertices("tetrahedron")],
                             titles=["triangle", "tetrahedron"], dimensionality=[[2 / 3] * 3, [0.75] * 4]),
        plots.plot_feature_directions(W[:, :2, :3], ["a", "b"], groups=[[0], [1, 2]], group_labels=["x", "y"]),
    ):
        assert isinstance(fig, matplotlib.figure.Figure)
        assert any(ax.get_title() for ax in fig.axes)  # every figure states what it shows
        plt.close(fig)
    fig = plots.plot_dimensions_per_feature(W, density)
    assert "n = 7, m = 4" in fig.axes[0].get_title()
    plt.close(fig)


def test_geometry_plots_bad_input():
    W = torch.stack([_block_model()])
    with pytest.raises(ValueError):
        plots.plot_dimensions_per_feature(W[0], [1.0])
    with pytest.raises(ValueError):
        plots.plot_dimensions_per_feature(W, [1.0, 0.5])
    with pytest.raises(ValueError):
        plots.plot_feature_dimensionality(W, [0.0])
    with pytest.raises(TypeError):
        plots.plot_polytopes(W[0])
    with pytest.raises(ValueError):
        plots.plot_polytopes([W[0][:, :1]])
    with pytest.raises(ValueError):
        plots.plot_polytopes([W[0]], titles=["a", "b"])
    with pytest.raises(ValueError):
        plots.plot_feature_directions(W, ["a"])
    with pytest.raises(ValueError):
        plots.plot_feature_directions(W[:, :2], ["a", "b"])
