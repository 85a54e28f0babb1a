"""plots.superposition: the WᵀW grid, feature counts, loss history and capacity figures."""

import matplotlib.pyplot as plt
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import plots
from toymodels_lib.data import importance_decay
from toymodels_lib.train import TrainConfig, train_models

CFG = TrainConfig(steps=30, batch_size=64, eval_samples=256)


@pytest.fixture(scope="module")
def results():
    lin = train_models("linear", 8, 3, sparsity=[0.0], importance=importance_decay(8, 0.7), config=CFG)
    relu = train_models("relu", 8, 3, sparsity=[0.0, 0.9, 0.999], importance=importance_decay(8, 0.7), config=CFG)
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


def test_capacity_plot():
    a = tm.train_models("relu", 8, 2, sparsity=[0.0, 0.99], importance=tm.importance_decay(8, 0.7), config=CFG)
    b = tm.train_models("relu", 16, 4, sparsity=[0.0, 0.99], importance=tm.importance_decay(16, 0.9), config=CFG)
    fig = plots.plot_capacity_vs_density([a, b])
    left, right = fig.axes
    assert left.get_xscale() == "log" and "m" in left.get_ylabel() and "F" in right.get_ylabel()
    labels = [t.get_text() for t in right.get_legend().get_texts()]
    assert labels[0].startswith("n = 8, m = 2") and "0.7^i" in labels[0]
    assert labels[1].startswith("n = 16, m = 4")
    assert len(left.get_lines()) == 3  # two sweeps and the line at 1
    plt.close(fig)
    with pytest.raises(TypeError, match="TrainResult"):
        plots.plot_capacity_vs_density([])
    with pytest.raises(ValueError, match="threshold"):
        plots.plot_capacity_vs_density(a, threshold=-1)


def test_titles_use_the_model_classes_labels(results):
    _, relu = results
    fig = plots.plot_loss_history(relu)
    assert fig.axes[0].get_title() == "Training loss, ReLU output models"
    plt.close(fig)
    with pytest.raises(TypeError, match="TrainResult"):
        plots.plot_loss_history(torch.zeros(3, 8))


def test_one_sparse_response():
    from toymodels_lib import theory

    W = theory.polytope_vertices("pentagon").float()
    b = torch.full((5,), -0.2)
    fig = plots.plot_one_sparse_response(W, b, title="pentagon")
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 2 * 5 + 2  # output and pre-activation per feature, target, zero line
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "feature 0 (active)" and labels[-1] == "target for feature 0"
    assert "0.31" in labels[1]  # W_1 . W_0 = cos 72°
    assert ax.get_title() == "pentagon"
    plt.close(fig)
    fig = plots.plot_one_sparse_response(W, b, feature=2)
    assert fig.axes[0].get_legend().get_texts()[2].get_text() == "feature 2 (active)"
    plt.close(fig)


def test_one_sparse_response_bad_input():
    W = torch.randn(2, 5)
    with pytest.raises(ValueError, match="b must hold one bias per feature"):
        plots.plot_one_sparse_response(W, torch.zeros(4))
    with pytest.raises(ValueError, match="feature"):
        plots.plot_one_sparse_response(W, torch.zeros(5), feature=5)
    with pytest.raises(ValueError, match="W must have 2 dimensions"):
        plots.plot_one_sparse_response(W[None], torch.zeros(5))
