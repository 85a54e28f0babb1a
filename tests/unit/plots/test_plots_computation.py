"""Unit tests of the chapter-10 figures (toymodels_lib.plots.computation)."""

import matplotlib.pyplot as plt
import pytest
import torch

from toymodels_lib import plots, widgets
from toymodels_lib.computation import motif_model


def test_plot_abs_weights():
    W = torch.cat([torch.eye(3), -torch.eye(3)])
    fig = plots.plot_abs_weights(W, W.abs())
    assert len(fig.axes) == 2 and "n = 3" in fig._suptitle.get_text()
    plt.close(fig)
    with pytest.raises(ValueError, match="same shape"):
        plots.plot_abs_weights(W, W[:, :2])


def test_plot_neuron_stacks():
    g = torch.Generator().manual_seed(0)
    W = torch.randn(3, 8, 20, generator=g)
    fig = plots.plot_neuron_stacks_across_sparsity(W, [1.0, 0.1, 0.01])
    titles = [ax.get_title(loc="left") for ax in fig.axes[:3]]
    assert titles[0].startswith("1−S = 1:") and "monosemantic" in titles[2]
    plt.close(fig)
    with pytest.raises(ValueError, match="one value per model"):
        plots.plot_neuron_stacks_across_sparsity(W, [1.0, 0.1])
    with pytest.raises(ValueError, match="W"):
        plots.plot_neuron_stacks_across_sparsity(W[0], [1.0])


def test_plot_motif_weights():
    m = motif_model("asymmetric+inhibitor")
    fig = plots.plot_motif_weights(m.W[0], m.W_out[0], [0, 1], [0, 1], title="motif")
    assert fig._suptitle.get_text() == "motif"
    plt.close(fig)
    with pytest.raises(ValueError, match="neurons"):
        plots.plot_motif_weights(m.W[0], m.W_out[0], [5], [0])
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_motif_weights(m.W[0], m.W_out[0], [], [0])


def test_table_is_the_books_one_html_table():
    t = plots.table(["a", "b"], [[1, 0.123456], ["x<y", 2.0]], caption="cap", digits=2)
    html = t._repr_html_()
    assert "<th>a</th>" in html and "<td>0.12</td>" in html and "x&lt;y" in html and "<caption>cap</caption>" in html
    assert t.column("b") == [0.123456, 2.0]
    assert widgets.table is plots.table
    with pytest.raises(ValueError, match="rows\\[0\\] must have 2 cells"):
        plots.table(["a", "b"], [[1]])
    with pytest.raises(TypeError, match="headers"):
        plots.table([], [])
    with pytest.raises(KeyError, match="no column"):
        t.column("c")
