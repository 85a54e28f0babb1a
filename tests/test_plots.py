"""The figures build, carry generated titles and labels, and reject bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from toymodels_lib import plots  # noqa: E402
from toymodels_lib.data import importance_decay  # noqa: E402
from toymodels_lib.train import TrainConfig, train_models  # noqa: E402

CFG = TrainConfig(steps=30, batch_size=64, eval_samples=256)


@pytest.fixture(scope="module")
def results():
    lin = train_models("linear", 8, 3, [0.0], importance_decay(8, 0.7), CFG)
    relu = train_models("relu", 8, 3, [0.0, 0.9, 0.999], importance_decay(8, 0.7), CFG)
    return lin, relu


def test_superposition_grid(results):
    lin, relu = results
    fig = plots.plot_superposition_grid([lin, relu])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[:4] == [
        "Linear\n1−S = 1",
        "ReLU output\n1−S = 1",
        "ReLU output\n1−S = 0.1",
        "ReLU output\n1−S = 0.001",
    ]
    assert "n = 8 features, m = 3 hidden dimensions" in fig._suptitle.get_text()
    assert "0.7^i" in fig._suptitle.get_text()
    for ax in fig.axes[:8]:
        if ax.get_xlabel():
            assert "W_i" in ax.get_xlabel()
    plt.close(fig)


def test_other_plots(results):
    _, relu = results
    fig = plots.plot_represented_vs_density(relu)
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and "n = 8" in ax.get_title()
    plt.close(fig)
    fig = plots.plot_loss_history(relu)
    assert fig.axes[0].get_yscale() == "log"
    plt.close(fig)


def test_labels():
    assert plots.density_label(0.0009999) == "1−S = 0.001"
    assert plots.model_title("relu", 0.03) == "ReLU output\n1−S = 0.03"


def test_bad_input(results):
    with pytest.raises(TypeError, match="TrainResult"):
        plots.plot_superposition_grid([])
    with pytest.raises(TypeError, match="TrainResult"):
        plots.plot_superposition_grid(["x"])
    with pytest.raises(TypeError, match="TrainResult"):
        plots.plot_represented_vs_density(None)
    with pytest.raises(ValueError, match="labels has 1 entries"):
        plots.plot_loss_history(results[1], labels=["a"])


def test_superposition_grid_wraps_into_rows(results):
    lin, relu = results
    fig = plots.plot_superposition_grid([lin, relu], ncols=2)
    heatmaps = [ax for ax in fig.axes if ax.images]
    # 4 models in rows of 2: the third model's heatmap sits below the first one
    assert len(heatmaps) == 4
    assert heatmaps[2].get_position().y0 < heatmaps[0].get_position().y0
    assert heatmaps[1].get_position().x0 > heatmaps[0].get_position().x0
    plt.close(fig)
    with pytest.raises(ValueError, match="ncols"):
        plots.plot_superposition_grid([lin, relu], ncols=0)


def test_polytope_benefit_plot():
    import torch

    from toymodels_lib import theory

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
