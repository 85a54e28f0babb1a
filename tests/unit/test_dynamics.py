"""Chapter 7's library: the weight recorder, recorded losses, jumps, directions, principal directions."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import dynamics, plots, widgets
from toymodels_lib.train import WeightRecorder, recorded_losses


@pytest.fixture(scope="module")
def recorded():
    rec = WeightRecorder()
    res = tm.train_models("relu", 6, 2, sparsity=0.9, config=tm.TrainConfig(steps=60, log_every=20), hooks=[rec])
    return rec, res


def test_recorder_keeps_every_logged_step(recorded):
    rec, res = recorded
    assert rec.steps.tolist() == [0, 20, 40, 59]
    assert rec.W.shape == (4, 1, 2, 6) and rec.b.shape == (4, 1, 6) and rec.losses.shape == (4, 1)
    assert torch.equal(rec.W[-1], res.W)
    assert len(rec) == 4 and "4 snapshots" in repr(rec)


def test_recorder_refuses_reuse_and_empty(recorded):
    rec, _ = recorded
    with pytest.raises(ValueError, match="fresh recorder"):
        rec(0, None, torch.zeros(1))
    with pytest.raises(ValueError, match="empty"):
        _ = WeightRecorder().W


def test_recorded_losses_match_the_model(recorded):
    rec, res = recorded
    x = tm.sample_features(1, 512, 6, sparsity=0.9, seed=3)
    relu = recorded_losses(rec, data=x)
    lin = recorded_losses(rec, data=x[0], kind="linear")
    model = tm.ToyModel.from_weights(res.W, res.b, kind="relu")
    with torch.no_grad():
        direct = tm.importance_weighted_loss(model(x), x, torch.ones(1, 6))
    assert relu.shape == (4,) and math.isclose(float(relu[-1]), float(direct[0]), rel_tol=1e-5)
    assert bool((lin >= relu - 1e-6).all()) or lin.shape == (4,)
    with pytest.raises(ValueError, match="kind"):
        recorded_losses(rec, data=x, kind="tanh")
    with pytest.raises(ValueError, match="features"):
        recorded_losses(rec, data=torch.zeros(8, 5))
    with pytest.raises(ValueError, match="instance"):
        recorded_losses(rec, data=x, instance=3)
    with pytest.raises(TypeError, match="WeightRecorder"):
        recorded_losses([], data=x)


def _steps():
    return torch.tensor([0, 10, 20, 40, 80, 160, 320, 640, 1280], dtype=torch.float64)


def test_jumps_found_merged_and_scored():
    s = _steps()
    d = torch.zeros(9, 2)
    d[5:, 0] = 0.5  # feature 0 jumps between step 80 and 160
    loss = torch.linspace(1.0, 0.5, 9)
    jumps = dynamics.dimensionality_jumps(s, d, losses=loss)
    assert [(j.feature, j.start) for j in jumps] == [(0, 80.0)]
    j = jumps[0]
    assert j.d_before == 0 and j.d_after == 0.5 and j.end == 160.0 and j.loss_drop > 0
    assert dynamics.dimensionality_jumps(s, d, min_change=0.6) == []
    assert dynamics.dimensionality_jumps(s, d, after=100) == []
    assert math.isnan(dynamics.dimensionality_jumps(s, d)[0].loss_before)


def test_jumps_bad_input():
    with pytest.raises(ValueError, match="increasing"):
        dynamics.dimensionality_jumps(torch.tensor([0.0, 2.0, 1.0]), torch.zeros(3, 1))
    with pytest.raises(ValueError, match="snapshots"):
        dynamics.dimensionality_jumps(_steps(), torch.zeros(3, 1))
    with pytest.raises(ValueError, match="min_change"):
        dynamics.dimensionality_jumps(_steps(), torch.zeros(9, 1), min_change=0)
    with pytest.raises(ValueError, match="span"):
        dynamics.dimensionality_jumps(_steps(), torch.zeros(9, 1), span=1.0)


def test_loss_drops_plateau_and_first_step():
    s = torch.arange(1, 2001, dtype=torch.float64)
    x = torch.log(s)
    loss = 1.0 - 0.5 * torch.sigmoid(8 * (x - math.log(50))) - 0.4 * torch.sigmoid(8 * (x - math.log(800)))
    drops = dynamics.loss_drops(s, loss, min_rate=0.2)
    assert len(drops) == 2 and 40 < drops[0] < 62 and 650 < drops[1] < 1000
    lo, hi = dynamics.first_plateau(s, loss, max_rate=0.05)
    assert 60 < lo < 200 and 200 < hi < 700
    assert dynamics.first_step_above(s, -loss, -0.6) > 50
    assert math.isnan(dynamics.first_step_above(s, loss, 2.0))
    assert dynamics.first_step_above(s, s, 10, after=100) == 100
    with pytest.raises(ValueError, match="positive"):
        dynamics.first_plateau(s, loss - 1)
    with pytest.raises(ValueError, match="min_rate"):
        dynamics.loss_drops(s, loss, min_rate=0)


def test_jump_loss_share():
    s = _steps()
    loss = torch.tensor([1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5])
    jump = dynamics.Jump(0, 80.0, 160.0, 0.0, 0.5)
    share, cover = dynamics.jump_loss_share(s, loss, [jump])
    assert share == pytest.approx(1.0) and 0 < cover < 0.2


def test_n_directions():
    W = torch.tensor([[1.0, 0.99, 0.0, 0.0, -1.0], [0.0, 0.1, 1.0, 0.01, 0.0]])
    assert dynamics.n_directions(W) == 3  # (0, 1), 2, 4; feature 3 too short
    assert dynamics.n_directions(W, threshold=0.0) == 4 or dynamics.n_directions(W, threshold=0.0) == 3
    with pytest.raises(ValueError, match="cosine"):
        dynamics.n_directions(W, cosine=2)


def test_principal_directions_and_subspace_fraction():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(5000, 3, generator=g, dtype=torch.float64) * torch.tensor([3.0, 1.0, 0.1], dtype=torch.float64) + 5
    top = dynamics.principal_directions(x, 2)
    assert top.shape == (2, 3)
    assert abs(float(top[0, 0])) > 0.999 and abs(float(top[1, 1])) > 0.999
    W = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert dynamics.subspace_fraction(W, top) == pytest.approx(0.5, abs=1e-3)
    with pytest.raises(ValueError, match="k must be"):
        dynamics.principal_directions(x, 4)
    with pytest.raises(ValueError, match="features"):
        dynamics.subspace_fraction(W, torch.zeros(1, 4))


def test_classify_set_arrangement():
    sets = [[0, 1, 2], [3, 4, 5]]
    octa = torch.cat([torch.eye(3), -torch.eye(3)], dim=1)
    assert tm.metrics.classify_set_arrangement(octa, sets) == "octahedron"
    same_set_pairs = torch.cat([torch.eye(3), -torch.eye(3)], dim=1)[:, [0, 3, 1, 4, 2, 5]]
    assert tm.metrics.classify_set_arrangement(same_set_pairs, sets) != "octahedron"
    short = octa.clone()
    short[:, 5] = 0.1 * short[:, 5]
    assert tm.metrics.classify_set_arrangement(short, sets) == "5 of 6 represented"
    rot = torch.linalg.qr(torch.randn(3, 3, generator=torch.Generator().manual_seed(1)))[0]
    other = torch.cat([torch.eye(3), rot], dim=1)
    assert tm.metrics.classify_set_arrangement(other, sets).startswith("each set orthogonal")
    with pytest.raises(ValueError, match="more than one set"):
        tm.metrics.classify_set_arrangement(octa, [[0, 1], [1, 2]])
    with pytest.raises(ValueError, match="indices"):
        tm.metrics.classify_set_arrangement(octa, [[0, 9]])
    with pytest.raises(TypeError, match="sets"):
        tm.metrics.classify_set_arrangement(octa, "012")


def test_dynamics_plots(recorded):
    rec, _ = recorded
    dims = tm.feature_dimensionality(rec.W[:, 0])
    loss = rec.losses[:, 0]
    fig = plots.plot_dimensionality_jumps(rec.steps, dims, loss, [dynamics.Jump(1, 20.0, 40.0, 0.1, 0.5)])
    assert len(fig.axes) == 2
    fig = plots.plot_regimes(rec.steps, loss, loss * 2, torch.zeros(4), marks=[0, 20])
    assert fig.axes[0].get_yscale() == "log"
    W3 = torch.randn(2, 3, 6)
    fig = plots.plot_directions_3d(W3, ["a", "b"], sets=[[0, 1, 2], [3, 4, 5]])
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="3-D"):
        plots.plot_directions_3d(torch.randn(1, 2, 6), ["a"], sets=[[0]])
    with pytest.raises(ValueError, match="titles"):
        plots.plot_directions_3d(W3, ["a"], sets=[[0]])
    with pytest.raises(TypeError, match="Jump"):
        plots.plot_dimensionality_jumps(rec.steps, dims, loss, [1])
    with pytest.raises(ValueError, match="snapshots"):
        plots.plot_regimes(rec.steps, loss[:2], loss, loss)
    matplotlib.pyplot.close("all")


def test_table():
    t = widgets.table(["a", "b"], [[1, 0.123456], ["x<y", 2.0]], caption="cap", digits=2)
    html = t._repr_html_()
    assert "<th>a</th>" in html and "0.12" in html and "x&lt;y" in html and "cap" in html
    assert "0.12" in repr(t)
    with pytest.raises(ValueError, match="cells"):
        widgets.table(["a", "b"], [[1]])
    with pytest.raises(TypeError, match="headers"):
        widgets.table("ab", [])
    with pytest.raises(ValueError, match="digits"):
        widgets.table(["a"], [[1]], digits=0)
    assert np.isfinite(1.0)
