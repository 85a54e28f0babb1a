"""plots.plot_neuron_weights: one panel per model, titles from the configuration."""

import matplotlib

matplotlib.use("Agg")

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
