"""plots.neurons: stacked neuron weights, loss changes under basis transformations, basis alignment."""

import matplotlib.pyplot as plt
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import plots


@pytest.fixture(scope="module")
def result():
    cfg = tm.TrainConfig(steps=20, batch_size=64, eval_samples=256, seed=0)
    return tm.train_models("hidden_relu", 6, 3, [0.2, 0.9], tm.importance_decay(6, 0.75), cfg)


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
