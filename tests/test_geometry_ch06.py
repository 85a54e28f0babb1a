"""Unit tests of chapter 6's geometry figures (plots); the polytopes of theory are tested in unit/theory/test_theory_polytopes.py."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from toymodels_lib import plots, theory  # noqa: E402


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
