"""plots.phase: phase diagrams of the extra feature."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from toymodels_lib import plots

R = np.logspace(-1, 1, 4)
P = np.logspace(0, -2, 3)
CODES = np.array([[0, 1, 2, 2], [0, 1, 1, 2], [1, 1, 1, 2]])


def test_phase_diagram_panels_and_legend():
    fig = plots.plot_phase_diagram({"a": CODES, "b": CODES}, R, P, boundary={"curve": (R, np.full(4, 0.1))},
                                   fractions={"b": np.full(CODES.shape, 0.5)}, title="x")
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert fig.axes[0].get_xscale() == fig.axes[0].get_yscale() == "log"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["not learned", "superposition", "dedicated dimension", "curve"]
    assert fig._suptitle.get_text() == "x"
    plt.close(fig)
    fig = plots.plot_phase_diagram(CODES, R, P)
    assert [ax.get_title() for ax in fig.axes] == ["phase"]
    plt.close(fig)


def test_phase_diagram_bad_input():
    with pytest.raises(ValueError, match="shape"):
        plots.plot_phase_diagram(CODES[:, :2], R, P)
    with pytest.raises(ValueError, match="codes"):
        plots.plot_phase_diagram(CODES + 3, R, P)
    with pytest.raises(ValueError, match="positive"):
        plots.plot_phase_diagram(CODES, -R, P)
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_phase_diagram({}, R, P)


def test_candidate_losses():
    import torch

    from toymodels_lib import theory

    density = torch.logspace(0, -2, 50, dtype=torch.float64)
    losses = theory.two_in_one_candidate_losses(0.5, density=density)
    fig = plots.plot_candidate_losses(density, losses, boundary=0.3, title="t")
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.get_lines()) == len(losses) + 2  # every candidate, the best one, the boundary
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [*losses, "best candidate"]
    assert ax.get_xscale() == "log" and ax.xaxis_inverted()
    plt.close(fig)


def test_candidate_losses_bad_input():
    d = np.logspace(0, -2, 5)
    with pytest.raises(ValueError, match="losses\\['a'\\]"):
        plots.plot_candidate_losses(d, {"a": np.ones(4)})
    with pytest.raises(TypeError, match="losses"):
        plots.plot_candidate_losses(d, {})
    with pytest.raises(ValueError, match="density"):
        plots.plot_candidate_losses(-d, {"a": np.ones(5)})
    with pytest.raises(ValueError, match="boundary"):
        plots.plot_candidate_losses(d, {"a": np.ones(5)}, boundary=2.0)
