"""plots.dictionary: SAE decoder directions over a 2-D model, the L0/FVU trade-off, recovery (chapter 11)."""

import math

import matplotlib.pyplot as plt
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import plots


@pytest.fixture(scope="module")
def pentagon_sae():
    a = torch.arange(5) * 2 * math.pi / 5
    W = torch.stack([torch.cos(a), torch.sin(a)])
    r = tm.train_sae(W, n_latents=5, l1=0.3, density=0.05, n_seeds=3, steps=50, batch_size=64)
    tm.evaluate_sae(r, n_samples=512)
    return r


def test_directions_panels_titles_and_lines(pentagon_sae):
    fig = plots.plot_sae_directions(pentagon_sae, [0, 2], titles=["first", "third"])
    titled = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title().split("\n")[0] for ax in titled] == ["first", "third"]
    assert titled[0].get_title().endswith("features found")
    assert len(titled[0].lines) == 5  # one line per latent
    assert len(fig.legends) == 1
    plt.close(fig)


def test_directions_errors(pentagon_sae):
    with pytest.raises(TypeError, match="SAEResult"):
        plots.plot_sae_directions("x", [0])
    with pytest.raises(ValueError, match="instances"):
        plots.plot_sae_directions(pentagon_sae, [5])
    with pytest.raises(ValueError, match="titles"):
        plots.plot_sae_directions(pentagon_sae, [0, 1], titles=["one"])
    W3 = torch.randn(3, 6)
    r = tm.train_sae(W3, n_latents=4, l1=0.1, density=0.1, steps=2, batch_size=8)
    with pytest.raises(ValueError, match="2-D hidden space"):
        plots.plot_sae_directions(r, [0])
    a = torch.arange(5) * 2 * math.pi / 5
    fresh = tm.train_sae(torch.stack([torch.cos(a), torch.sin(a)]), n_latents=3, l1=0.1, density=0.05, steps=2, batch_size=8)
    with pytest.raises(ValueError, match="evaluate_sae"):
        plots.plot_sae_directions(fresh, [0])


def test_tradeoff_lines_and_errors():
    pts = {3: {"l0": [1.0, 0.2], "fvu": [0.01, 0.5], "full": [0.0, 0.0]},
           5: {"l0": [0.5, 0.1], "fvu": [0.001, 0.4], "full": [0.5, 1.0]}}
    fig = plots.plot_sae_tradeoff(pts, n_features=5)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["3 latents", "5 latents"] and "every seed finds all 5" in labels
    plt.close(fig)
    with pytest.raises(ValueError, match="non-empty"):
        plots.plot_sae_tradeoff({}, n_features=5)
    with pytest.raises(ValueError, match="lacks 'fvu'"):
        plots.plot_sae_tradeoff({3: {"l0": [1.0], "full": [0.0]}}, n_features=5)
    with pytest.raises(ValueError, match="same length"):
        plots.plot_sae_tradeoff({3: {"l0": [1.0], "fvu": [0.1, 0.2], "full": [0.0]}}, n_features=5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        plots.plot_sae_tradeoff({3: {"l0": [1.0], "fvu": [0.1], "full": [2.0]}}, n_features=5)


def test_recovery_panels_and_errors(pentagon_sae):
    fig = plots.plot_feature_recovery({"pentagon": pentagon_sae})
    ax = fig.axes[0]
    assert ax.get_title() == "pentagon\n5 features represented"
    assert len(ax.collections) == 3  # one set of dots per seed
    plt.close(fig)
    with pytest.raises(ValueError, match="non-empty"):
        plots.plot_feature_recovery({})
    with pytest.raises(TypeError, match="SAEResult"):
        plots.plot_feature_recovery({"x": 1})
