"""plots.neurons, chapter 9: the neuron stacks, the regime table, the ReLU activity bars."""

import matplotlib.pyplot as plt
import pytest
import torch

from toymodels_lib import plots


def _models():
    g = torch.Generator().manual_seed(0)
    mono = torch.eye(3, 6)
    return {"dense": mono, "sparse": torch.randn(3, 6, generator=g), "mixed": torch.cat([torch.eye(2, 6), torch.ones(1, 6)])}


def test_plot_neuron_stacks():
    fig = plots.plot_neuron_stacks(_models(), columns=2)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert len(panels) == 3
    assert panels[0].get_title().endswith("3/3 mono")
    assert [t.get_text() for t in panels[0].get_xticklabels()] == ["0\nM", "1\nM", "2\nM"]
    assert panels[2].get_title().endswith("2/3 mono")
    assert sum(1 for ax in fig.axes if not ax.get_visible()) == 1  # 3 panels in a 2 x 2 grid
    assert "superposition" in fig.axes[-1].get_ylabel()  # the colour bar
    plt.close(fig)
    fig = plots.plot_neuron_stacks({"x": torch.eye(2, 4)}, sort_neurons=False, title="custom")
    assert fig._suptitle.get_text() == "custom"
    plt.close(fig)


def test_plot_neuron_stacks_bad_input():
    with pytest.raises(TypeError, match="models"):
        plots.plot_neuron_stacks([torch.eye(2, 4)])
    with pytest.raises(ValueError, match="transpos"):
        plots.plot_neuron_stacks({"tall": torch.eye(4, 2)})
    with pytest.raises(ValueError, match="same number of features"):
        plots.plot_neuron_stacks({"a": torch.eye(2, 4), "b": torch.eye(2, 5)})
    with pytest.raises(ValueError, match="columns"):
        plots.plot_neuron_stacks({"a": torch.eye(2, 4)}, columns=0)
    with pytest.raises(TypeError, match="sort_neurons"):
        plots.plot_neuron_stacks({"a": torch.eye(2, 4)}, sort_neurons="yes")


def test_neuron_regime_table():
    table = plots.neuron_regime_table(_models(), caption="c")
    assert table.column("model") == ["dense", "sparse", "mixed"]
    assert table.column("monosemantic neurons")[0] == "3 of 3"
    assert table.column("regime")[0] == "all monosemantic"
    assert table.column("features with a neuron of their own")[2] == "0, 1"
    html = table._repr_html_()
    assert html.startswith("<table") and "<caption>c</caption>" in html and html.count("<tr>") == 4
    assert "regime" in repr(table)
    with pytest.raises(KeyError, match="columns"):
        table.column("nope")
    with pytest.raises(ValueError, match="cells"):
        plots.table(["a", "b"], [[1]])


def test_plot_relu_activity():
    fig = plots.plot_relu_activity({"no bias": [0.3, 0.5, 0.2], "hidden bias": [1.0, 0.99, 1.0]})
    ax = fig.axes[0]
    assert len(ax.patches) == 6 and ax.get_ylim() == (0.0, 1.0)
    plt.close(fig)
    with pytest.raises(ValueError, match="same number of neurons"):
        plots.plot_relu_activity({"a": [0.1], "b": [0.1, 0.2]})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        plots.plot_relu_activity({"a": [1.5]})
    with pytest.raises(TypeError, match="fractions"):
        plots.plot_relu_activity([0.1])


def test_plot_neuron_matrix_own_scales():
    fig = plots.plot_neuron_matrix({"a": torch.eye(2, 4), "b": 5 * torch.eye(2, 4)}, shared_scale=False)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert [im.get_clim() for im in images] == [(-1.0, 1.0), (-5.0, 5.0)]
    plt.close(fig)
    with pytest.raises(TypeError, match="shared_scale"):
        plots.plot_neuron_matrix({"a": torch.eye(2, 4)}, shared_scale="no")


def test_plot_neuron_stacks_wraps_ten_panels_to_fit_the_page():
    # chapter 9 asks for five per row; the row must still fit the column (the conftest checks the width)
    models = {f"m{k}": torch.eye(2, 4) for k in range(10)}
    fig = plots.plot_neuron_stacks(models, columns=5)
    assert fig.get_figwidth() <= plots.COLUMN_WIDTH_IN
    assert len({round(ax.get_position().y0, 2) for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"}) >= 2
