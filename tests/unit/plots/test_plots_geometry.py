"""plots.geometry: D*, D_i scatter and histogram, polytope pictures, polytope benefit."""

import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch

from toymodels_lib import plots, theory


def test_geometry_plots_return_figures(block_model):
    W = torch.stack([block_model, 0.9 * block_model])
    density = [1.0, 0.1]
    for fig in (
        plots.plot_dimensions_per_feature(W, density=density),
        plots.plot_feature_dimensionality(W, density=density),
        plots.plot_dimensionality_histogram(W),
        plots.plot_polytopes([W[0][:, [0, 1, 2]], theory.polytope_vertices("tetrahedron")],
                             titles=["triangle", "tetrahedron"], dimensionality=[[2 / 3] * 3, [0.75] * 4]),
        plots.plot_feature_directions(W[:, :2, :3], ["a", "b"], groups=[[0], [1, 2]], group_labels=["x", "y"]),
    ):
        assert isinstance(fig, matplotlib.figure.Figure)
        assert any(ax.get_title() for ax in fig.axes)  # every figure states what it shows
        plt.close(fig)
    fig = plots.plot_dimensions_per_feature(W, density=density)
    assert "n = 7, m = 4" in fig.axes[0].get_title()
    plt.close(fig)


def test_geometry_plots_bad_input(block_model):
    W = torch.stack([block_model])
    with pytest.raises(ValueError):
        plots.plot_dimensions_per_feature(W[0], density=[1.0])
    with pytest.raises(ValueError):
        plots.plot_dimensions_per_feature(W, density=[1.0, 0.5])
    with pytest.raises(ValueError):
        plots.plot_feature_dimensionality(W, density=[0.0])
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


def test_polytopes_draw_each_group_in_its_own_span():
    fig = plots.plot_polytopes([theory.polytope_vertices("pentagon"), theory.polytope_vertices("tetrahedron")])
    flat, solid = fig.axes
    assert flat.name == "rectilinear" and len(flat.texts) == 5  # one arrow per feature
    assert solid.name == "3d"
    assert [ax.get_title() for ax in fig.axes] == ["5 features in 2 dimensions", "4 features in 3 dimensions"]
    plt.close(fig)


def test_polytope_benefit_plot():
    inv = torch.logspace(0, 1, 12, dtype=torch.float64)
    names = ["dedicated dimension", "triangle", "digon"]
    benefit = {n: theory.polytope_benefit(n, sparsity=1 - 1 / inv)["benefit"] for n in names}
    fig = plots.plot_polytope_benefit(inv, benefit)
    assert len(fig.axes) == 2  # all sparsities and the zoom on 1/(1-S) <= 2
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == names
    plt.close(fig)
    with pytest.raises(ValueError, match="one value per 1/\\(1-S\\)"):
        plots.plot_polytope_benefit(inv, {"digon": benefit["digon"][:5]})
    with pytest.raises(ValueError, match="inverse_density"):
        plots.plot_polytope_benefit([0.5, 1.0], {"digon": [1.0, 1.0]})
    with pytest.raises(TypeError, match="non-empty dict"):
        plots.plot_polytope_benefit(inv, {})


# every plot that takes raw weights: the argument's name and a call; the weights given are
# [models, hidden, features] (2 models with 2 hidden dimensions and 3 features)
RAW_WEIGHT_PLOTS = {
    "plot_dimensions_per_feature": ("W", lambda W: plots.plot_dimensions_per_feature(W, density=[1.0, 0.1])),
    "plot_feature_dimensionality": ("W", lambda W: plots.plot_feature_dimensionality(W, density=[1.0, 0.1])),
    "plot_dimensionality_histogram": ("W", lambda W: plots.plot_dimensionality_histogram(W)),
    "plot_feature_directions": ("Ws", lambda W: plots.plot_feature_directions(W, ["a", "b"])),
    "plot_feature_spokes": ("results", lambda W: plots.plot_feature_spokes(W)),
    "plot_one_sparse_response": ("W", lambda W: plots.plot_one_sparse_response(W[0], torch.zeros(W.shape[-1]))),
}


@pytest.mark.parametrize("name", sorted(RAW_WEIGHT_PLOTS))
def test_raw_weight_plots_refuse_the_papers_layout(name):
    """Weights as [features, hidden] (the paper notebook's layout) are refused, not drawn transposed."""
    arg, call = RAW_WEIGHT_PLOTS[name]
    W = torch.tensor([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]])  # an antipodal pair and a dedicated feature
    W = torch.stack([W, 0.8 * W])  # [2 models, 2 hidden, 3 features]
    plt.close(call(W))  # the library's layout draws
    with pytest.raises(ValueError) as info:
        call(W.transpose(-1, -2))
    msg = str(info.value)
    assert f"{arg} has shape" in msg and "hidden, features]" in msg and f"pass {arg}." in msg, msg


def _sweep_like():
    """Three models of 40 features in 4 dimensions, like chapter 6's sweep: dense (a projection
    that embeds every feature weakly, D_i = m/n = 0.1), four antipodal pairs, and the same pairs longer."""
    torch.manual_seed(0)
    Q, _ = torch.linalg.qr(torch.randn(40, 4))
    dense = 0.8 * Q.T  # norms about 0.25: no feature represented
    pairs = torch.zeros(4, 40)
    for k in range(4):
        pairs[k, 2 * k], pairs[k, 2 * k + 1] = 1.0, -1.0
    return torch.stack([dense, pairs, 1.1 * pairs]), [1.0, 0.3, 0.1]


def test_dimensionality_scatter_has_a_colour_bar_and_keeps_its_legend_off_the_dots():
    W, density = _sweep_like()
    fig = plots.plot_feature_dimensionality(W, density=density)
    ax, bar = fig.axes
    assert "W_i" in bar.get_ylabel()  # the dot colours are explained
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    points = [p for c in ax.collections for p in ax.transData.transform(c.get_offsets())]
    assert points and not any(box.contains(x, y) for x, y in points)
    plt.close(fig)


def test_dimensionality_histogram_split_by_band():
    W, density = _sweep_like()
    fig = plots.plot_dimensionality_histogram(W, density=density, band=(2, 5))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1/(1−S) from 2 to 5", "other models"]
    assert "16 represented features of 3 models" in ax.get_title()  # the dense model's features are not represented
    plt.close(fig)
    with pytest.raises(ValueError, match="density"):
        plots.plot_dimensionality_histogram(W, band=(2, 5))
    with pytest.raises(ValueError, match="band"):
        plots.plot_dimensionality_histogram(W, density=density, band=(5, 2))
    with pytest.raises(ValueError, match="threshold"):
        plots.plot_dimensionality_histogram(W, threshold=-1)
