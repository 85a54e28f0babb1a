"""The 2-D feature-spoke plot and the capacity plot: titles from the configuration, bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import toymodels_lib as tm  # noqa: E402
from toymodels_lib import plots  # noqa: E402

CFG = tm.TrainConfig(steps=20, batch_size=64, eval_samples=256)


@pytest.fixture(scope="module")
def five_in_two():
    imp = torch.stack([tm.importance_decay(5, 0.9), torch.ones(5)])
    return tm.train_models("relu", 5, 2, sparsity=[0.0, 0.95], importance=imp, config=CFG)


def test_spokes_from_results(five_in_two):
    fig = plots.plot_feature_spokes(five_in_two)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "ReLU output\n1−S = 1\nimportance $I_i = 0.9^i$",
        "ReLU output\n1−S = 0.05\nuniform importance",
    ]
    assert "n = 5 features in m = 2 hidden dimensions" in fig._suptitle.get_text()
    # one spoke (a line from the origin) per feature and panel, labelled by feature number
    ax = fig.axes[0]
    spokes = [line for line in ax.get_lines() if (line.get_gid() or "").startswith("spoke")]
    assert len(spokes) == 5
    W = five_in_two.W[0].numpy()
    for i, line in enumerate(spokes):
        assert np.allclose(line.get_xdata(), [0, W[0, i]]) and np.allclose(line.get_ydata(), [0, W[1, i]])
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [f"feature {i}" for i in range(5)]
    plt.close(fig)


def test_spokes_from_list_and_raw_weights(five_in_two):
    fig = plots.plot_feature_spokes([five_in_two, five_in_two.select([1])])
    assert len(fig.axes) == 3
    plt.close(fig)
    W = torch.tensor([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]])
    fig = plots.plot_feature_spokes(W, titles=["an antipodal pair"], title="custom")
    assert fig.axes[0].get_title() == "an antipodal pair" and fig._suptitle.get_text() == "custom"
    plt.close(fig)
    fig = plots.plot_feature_spokes(np.stack([W.numpy(), -W.numpy()]))
    assert [ax.get_title() for ax in fig.axes] == ["model 0", "model 1"]
    plt.close(fig)


def test_spokes_bad_input(five_in_two):
    with pytest.raises(ValueError, match="m = 2"):
        plots.plot_feature_spokes(torch.randn(3, 5))
    with pytest.raises(ValueError, match="weights must be"):
        plots.plot_feature_spokes(torch.randn(5))
    with pytest.raises(TypeError, match="results must be"):
        plots.plot_feature_spokes("W")
    with pytest.raises(TypeError, match="results must be"):
        plots.plot_feature_spokes(3.0)
    with pytest.raises(ValueError, match="titles"):
        plots.plot_feature_spokes(five_in_two, titles=["only one"])
    with pytest.raises(ValueError, match="finite"):
        plots.plot_feature_spokes(torch.full((2, 3), float("nan")))
    with pytest.raises(ValueError, match="panel_size"):
        plots.plot_feature_spokes(five_in_two, panel_size=0)


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
