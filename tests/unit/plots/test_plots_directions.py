"""plots.directions: 2-D feature spokes and grouped feature directions."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import plots

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
    with pytest.raises(ValueError, match="results must have 2 to 3 dimensions"):
        plots.plot_feature_spokes(torch.randn(5))
    # five features in two dimensions in the paper notebook's layout, [features, hidden]
    with pytest.raises(ValueError, match=r"results has shape \(5, 2\).*\[hidden, features\].*pass results\.T"):
        plots.plot_feature_spokes(torch.randn(5, 2))
    with pytest.raises(ValueError, match=r"results has shape \(3, 5, 2\).*transpose\(-1, -2\)"):
        plots.plot_feature_spokes(torch.randn(3, 5, 2))
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


def _two_models():
    W = torch.zeros(2, 2, 3)
    W[:, 0, 0] = 1.0
    W[:, 1, 1], W[:, 1, 2] = 1.0, -1.0
    return W


def test_feature_directions():
    fig = plots.plot_feature_directions(_two_models(), ["a", "b"], groups=[[0], [1, 2]], group_labels=["x", "y"])
    assert isinstance(fig, matplotlib.figure.Figure)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    spokes = [line for line in fig.axes[0].get_lines() if (line.get_gid() or "").startswith("spoke")]
    assert len(spokes) == 3 and spokes[1].get_color() == spokes[2].get_color() != spokes[0].get_color()
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["x", "y"]
    plt.close(fig)


def test_feature_directions_bad_input():
    W = _two_models()
    with pytest.raises(ValueError):
        plots.plot_feature_directions(W, ["a"])
    with pytest.raises(ValueError):
        plots.plot_feature_directions(torch.zeros(2, 3, 3), ["a", "b"])


POINTS = {"man": [0.0, 0.0], "woman": [1.0, 0.1], "king": [0.1, 1.0], "queen": [1.1, 1.1]}
PAIRS = {"male → female": [("man", "woman"), ("king", "queen")], "common → royal": [("man", "king"), ("woman", "queen")]}


def test_word_offsets():
    fig = plots.plot_word_offsets(POINTS, PAIRS, title="words")
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("") == 4 and set(POINTS) <= set(texts)  # four arrows, every word labelled
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(PAIRS)
    assert ax.get_title() == "words" and ax.get_xlabel() == "principal component 1"
    plt.close(fig)


def test_word_offsets_bad_input():
    with pytest.raises(ValueError, match="pairs"):
        plots.plot_word_offsets(POINTS, {"x": [("man", "prince")]})
    with pytest.raises(ValueError, match="points"):
        plots.plot_word_offsets({"man": [0.0, 0.0, 1.0]}, {"x": []})
    with pytest.raises(TypeError, match="points"):
        plots.plot_word_offsets([], PAIRS)
    with pytest.raises(ValueError, match="colours"):
        plots.plot_word_offsets(POINTS, PAIRS, colours=["red"])


WORDS = ["man", "woman", "boy", "girl"]


def test_probe_projection():
    fig = plots.plot_probe_projection(WORDS, [-1.0, 0.8, -0.3, 0.5], [False, True, False, True], threshold=0.1,
                                      held_out=["boy", "girl"])
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["man", "boy (held out)", "girl (held out)", "woman"]  # sorted by projection
    assert [p.get_hatch() for p in ax.patches] == [None, "//", "//", None]
    plt.close(fig)


def test_probe_projection_bad_input():
    with pytest.raises(ValueError, match="projection"):
        plots.plot_probe_projection(WORDS, [1.0, 2.0], [True] * 4, threshold=0.0)
    with pytest.raises(ValueError, match="positive"):
        plots.plot_probe_projection(WORDS, [1.0] * 4, [True], threshold=0.0)
    with pytest.raises(ValueError, match="threshold"):
        plots.plot_probe_projection(WORDS, [1.0] * 4, [True] * 4, threshold=float("nan"))
    with pytest.raises(TypeError, match="words"):
        plots.plot_probe_projection("man", [1.0], [True], threshold=0.0)


def _label_boxes(ax):
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    return {t.get_gid(): t.get_window_extent(renderer) for t in ax.texts if (t.get_gid() or "").startswith("label")}


def test_labels_of_merged_features_do_not_overprint():
    # features 0 and 2 point the same way (a collapsed pair); feature 3 is short and shares feature 1's
    # direction: every label must stay readable, and feature 3's number must not sit on feature 1's spoke
    W = torch.tensor([[0.7, 0.0, 0.69, 0.0, -1.0], [-0.7, 1.0, -0.71, 0.4, 0.0]])
    fig = plots.plot_feature_directions(W[None], ["merged"], groups=[[0, 2], [1, 3], [4]])
    boxes = _label_boxes(fig.axes[0])
    assert sorted(boxes) == [f"label {i}" for i in range(5)]
    names = sorted(boxes)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            assert not boxes[names[a]].overlaps(boxes[names[b]]), (names[a], names[b])
    texts = {t.get_gid(): t.get_position() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("label")}
    assert texts["label 3"][1] > 1.0  # beyond the tip of feature 1 (length 1), not on its spoke
    plt.close(fig)


def test_feature_directions_wrap_into_rows():
    W = torch.stack([_two_models()[0]] * 4)
    fig = plots.plot_feature_directions(W, list("abcd"), ncols=2)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == list("abcd")
    rows = sorted({round(ax.get_position().y0, 3) for ax in shown})
    assert len(rows) == 2  # two rows of two panels
    assert fig.get_figwidth() == pytest.approx(2 * 2.6)  # two panels of the default 2.6 in
    # by default as many panels per row as fit the page's column, never wider
    default = plots.plot_feature_directions(W, list("abcd"))
    assert default.get_figwidth() <= plots.COLUMN_WIDTH_IN
    assert len({round(ax.get_position().y0, 3) for ax in default.axes if ax.get_visible()}) == 2
    plt.close("all")
    fig = plots.plot_feature_directions(W[:3], list("abc"), ncols=2)
    assert sum(ax.get_visible() for ax in fig.axes) == 3  # the fourth cell stays empty
    plt.close(fig)
    with pytest.raises(ValueError, match="ncols"):
        plots.plot_feature_directions(W, list("abcd"), ncols=0)
