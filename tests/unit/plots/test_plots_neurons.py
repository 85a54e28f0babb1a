"""plots.neurons: stacked neuron weights, loss changes under basis transformations, basis alignment."""

import matplotlib.pyplot as plt
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import plots


@pytest.fixture(scope="module")
def result():
    cfg = tm.TrainConfig(steps=20, batch_size=64, eval_samples=256, seed=0)
    return tm.train_models("hidden_relu", 6, 3, sparsity=[0.2, 0.9], importance=tm.importance_decay(6, 0.75), config=cfg)


def test_plot_neuron_weights(result):
    fig = plots.plot_neuron_weights(result)
    panels = [ax for ax in fig.axes if ax.get_xlabel() == "neuron"]
    assert len(panels) == 2
    assert "1−S = 0.8" in panels[0].get_title() and "monosemantic" in panels[0].get_title()
    assert "m = 3 neurons" in fig._suptitle.get_text() and "0.75^i" in fig._suptitle.get_text()
    assert len(panels[0].get_xticks()) == 3
    # one bar segment per (neuron, feature)
    assert len(panels[0].patches) == 3 * 6
    plt.close(fig)
    fig = plots.plot_neuron_weights([result.select([1])], sort_neurons=False, title="custom")
    assert fig._suptitle.get_text() == "custom"
    plt.close(fig)


def test_plot_neuron_weights_bad_input(result):
    with pytest.raises(TypeError, match="TrainResult"):
        plots.plot_neuron_weights(torch.zeros(3, 6))
    with pytest.raises(TypeError, match="sort_neurons"):
        plots.plot_neuron_weights(result, sort_neurons="yes")


def test_neuron_panels_are_titled_with_the_model_label(result):
    fig = plots.plot_neuron_weights(result)
    assert fig.axes[0].get_title().startswith("ReLU hidden layer\n")
    plt.close(fig)


CHANGES = {"linear, rotation": [1e-16, 3e-16, 0.0], "ReLU hidden, rotation": [0.2, 0.4, 0.3]}


def test_transform_loss_changes():
    fig = plots.plot_transform_loss_changes(CHANGES, title="t")
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_title() == "t"
    assert [t.get_text() for t in ax.get_xticklabels()] == list(CHANGES)
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(dots) == 2 and min(dots[0].get_ydata()) == 1e-17  # the exact zero sits on the floor
    assert "1e-17" in ax.texts[0].get_text()
    plt.close(fig)


def test_transform_loss_changes_bad_input():
    with pytest.raises(TypeError, match="changes"):
        plots.plot_transform_loss_changes({})
    with pytest.raises(TypeError, match="changes\\['a'\\]"):
        plots.plot_transform_loss_changes({"a": ["x"]})
    with pytest.raises(ValueError, match="floor"):
        plots.plot_transform_loss_changes(CHANGES, floor=0.0)


def test_basis_alignment():
    table = {"random directions": 0.4, "linear model": 0.5, "ReLU hidden": 0.9}
    fig = plots.plot_basis_alignment(table, colours=["gray", "tab:blue", "tab:red"], title="t")
    ax = fig.axes[0]
    assert len(fig.axes) == 1 and len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table)
    assert ax.get_xlim() == (0.0, 1.0) and ax.yaxis_inverted()  # first entry at the top
    plt.close(fig)
    with pytest.raises(ValueError, match="colours"):
        plots.plot_basis_alignment(table, colours=["gray"])
    with pytest.raises(ValueError, match="one number"):
        plots.plot_basis_alignment({"a": [0.1, 0.2]})
    with pytest.raises(TypeError, match="alignment"):
        plots.plot_basis_alignment([0.1, 0.2])


def test_plot_neuron_matrix_labels_each_neuron():
    aligned = torch.eye(3, 5)
    mixed = torch.tensor([[1.0, 0, 0, 0, 0], [0, 1.0, 0, -1.0, 0], [0, 0, 1.0, 0, -1.0]])
    fig = plots.plot_neuron_matrix({"aligned": aligned, "mixed": mixed})
    panels = [ax for ax in fig.axes if ax.get_xlabel() == "feature i"]
    assert [ax.get_title() for ax in panels] == ["aligned\n3/3 monosemantic", "mixed\n1/3 monosemantic"]
    words = [t.get_text() for t in panels[1].get_yticklabels()]
    assert words == ["0 mono", "1 poly", "2 poly"]
    assert any(ax.get_ylabel() == r"weight $W_{ji}$" for ax in fig.axes)  # the colour bar
    plt.close(fig)


def test_plot_neuron_matrix_bad_input():
    with pytest.raises(TypeError, match="layers"):
        plots.plot_neuron_matrix(torch.eye(3))
    with pytest.raises(ValueError, match="same shape"):
        plots.plot_neuron_matrix({"a": torch.eye(3), "b": torch.eye(2)})
    with pytest.raises(ValueError, match=r"layers\['a'\]"):
        plots.plot_neuron_matrix({"a": torch.zeros(2, 3, 4)})


def test_a_result_with_more_neurons_than_features_is_drawn():
    """A result's weights are [hidden, features] by construction: a model that expands (two
    features, four neurons, as in the absolute-value task) is drawn, not refused as transposed."""

    class Expanding(tm.HiddenReLUModel):
        def __init__(self):
            super().__init__(2, 4, n_instances=1, allow_expansion=True)

    res = tm.fit(Expanding(), sparsity=0.0, config=tm.TrainConfig(steps=3, batch_size=16, eval_samples=64))
    fig = plots.plot_neuron_weights(res)
    panels = [ax for ax in fig.axes if ax.get_xlabel() == "neuron"]
    assert len(panels[0].get_xticks()) == 4 and "monosemantic" in panels[0].get_title()
    plt.close(fig)
    fig = plots.plot_superposition_grid(res)
    assert "m = 4 hidden dimensions" in fig._suptitle.get_text()
    plt.close(fig)
