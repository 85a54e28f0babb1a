"""Unit tests of toymodels_lib.phase (grid, classification, batched training, artifacts)."""

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib.sweeps import phase


def test_phase_grid():
    r, p = phase.phase_grid()
    assert r.shape == (10,) and p.shape == (10,)
    assert r[0] == pytest.approx(0.1) and r[-1] == pytest.approx(10.0)
    assert p[0] == pytest.approx(1.0) and p[-1] == pytest.approx(0.01)
    assert np.allclose(np.diff(np.log(r)), np.log(r[1] / r[0]))
    r, p = phase.phase_grid(3, 4, importance_range=(0.5, 2.0), density_range=(0.5, 0.05))
    assert r.tolist() == pytest.approx([0.5, 1.0, 2.0]) and len(p) == 4
    with pytest.raises(TypeError, match="n_importance"):
        phase.phase_grid(2.5)
    with pytest.raises(ValueError, match="density_range"):
        phase.phase_grid(density_range=(2.0, 0.1))
    with pytest.raises(TypeError, match="importance_range"):
        phase.phase_grid(importance_range=0.1)


def test_phase_importance():
    imp = phase.phase_importance(3, [0.5, 2.0])
    assert imp.tolist() == [[1.0, 1.0, 0.5], [1.0, 1.0, 2.0]]
    with pytest.raises(ValueError, match="relative_importance"):
        phase.phase_importance(2, [0.0])
    with pytest.raises(ValueError, match="n_features"):
        phase.phase_importance(1, [1.0])


def test_classify_extra_feature():
    W = torch.tensor(
        [
            [[1.0, 0.1]],  # not learned
            [[1.0, -1.0]],  # superposition (antipodal)
            [[0.0, 1.0]],  # dedicated
            [[0.3, 1.0]],  # shares weakly: 0.09 < 0.25, dedicated
        ]
    )
    assert phase.classify_extra_feature(W).tolist() == [0, 1, 2, 2]
    W3 = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, -1.0]], [[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]]])
    assert phase.classify_extra_feature(W3).tolist() == [1, 2]
    assert phase.classify_extra_feature(W3[0]).item() == 1  # a single [m, n] model
    with pytest.raises(ValueError, match="W must be .* with n >= 2 features"):
        phase.classify_extra_feature(torch.zeros(1, 1))
    with pytest.raises(ValueError, match=r"W has shape \(2, 1\).*pass W\.T"):  # [features, hidden]
        phase.classify_extra_feature(torch.zeros(2, 1))
    with pytest.raises(ValueError, match="norm_threshold"):
        phase.classify_extra_feature(W, norm_threshold=-1.0)
    with pytest.raises(TypeError, match="W"):
        phase.classify_extra_feature("weights")


def test_theory_phase_and_agreement():
    r, p = phase.phase_grid(4, 3)
    t2 = phase.theory_phase(2, r, density=p)
    assert t2.shape == (3, 4)
    assert t2[0].tolist() == [0, 0, 2, 2] and t2[-1].tolist() == [1, 1, 1, 1]
    assert phase.theory_phase(3, r, density=p)[:, 2:].eq(2).all()
    assert phase.phase_agreement(t2, t2) == 1.0
    assert phase.phase_agreement([[0, 1]], [[0, 2]]) == 0.5
    with pytest.raises(ValueError, match="n_features"):
        phase.theory_phase(4, r, density=p)
    with pytest.raises(ValueError, match="same shape"):
        phase.phase_agreement([[0, 1]], [[0, 1, 2]])


def _small(tmp_seed=0):
    cfg = tm.TrainConfig(steps=60, batch_size=128, seed=tmp_seed, eval_samples=1024)
    return phase.train_phase_diagram(2, relative_importance=[0.5, 2.0], density=[1.0, 0.1, 0.02], n_seeds=3, config=cfg)


def test_train_phase_diagram_is_one_batched_run_in_grid_order():
    d = _small()
    assert d.W.shape == (3, 2, 3, 1, 2) and d.b.shape == (3, 2, 3, 2) and d.losses.shape == (3, 2, 3)
    assert d.classes.shape == (3, 2, 3)
    # grid point (density row 1, importance column 1), seed 2 is instance (1*2+1)*3+2 of the batched run
    cfg = tm.TrainConfig(steps=60, batch_size=128, seed=0, eval_samples=1024)
    sp = [0.0, 0.0, 0.9, 0.9, 0.98, 0.98]
    imp = phase.phase_importance(2, [0.5, 2.0, 0.5, 2.0, 0.5, 2.0])
    res = tm.train_models("relu", 2, 1, sparsity=sp, importance=imp, config=cfg, n_seeds=3)
    assert np.allclose(d.W[1, 1, 2], res.W[(1 * 2 + 1) * 3 + 2].numpy(), atol=1e-5)
    keep = d.kept()
    assert keep.sum(-1).tolist() == [[2, 2]] * 3
    assert (d.losses[~keep][:, None] >= 0).all()
    worst = d.losses.argmax(-1)
    assert not np.take_along_axis(keep, worst[..., None], -1).any()
    f = d.fractions()
    assert f.shape == (3, 2, 3) and np.allclose(f.sum(-1), 1)
    for rule in ("majority", "best"):
        ph = d.phase(rule)
        assert ph.shape == (3, 2) and set(np.unique(ph)) <= {0, 1, 2}
    assert d.theory().shape == (3, 2)
    assert 0.0 <= d.agreement() <= 1.0
    with pytest.raises(ValueError, match="rule"):
        d.phase("mean")
    with pytest.raises(ValueError, match="drop_worst"):
        d.kept(3)


def test_phase_diagram_roundtrip(tmp_path):
    d = _small()
    path = d.save(tmp_path / "phase_test.npz")
    with np.load(path, allow_pickle=False) as npz:  # pickle-free
        assert "W" in npz.files
    e = phase.PhaseDiagram.load(path)
    assert e.n_features == 2 and e.n_hidden == 1 and e.n_seeds == 3
    assert np.allclose(e.W, d.W) and np.allclose(e.losses, d.losses)
    assert e.config["steps"] == 60 and e.config["seed"] == 0
    assert np.array_equal(e.phase(), d.phase())


def test_train_phase_diagram_bad_input():
    with pytest.raises(ValueError, match="density"):
        phase.train_phase_diagram(2, relative_importance=[1.0], density=[0.0])
    with pytest.raises(ValueError, match="relative_importance"):
        phase.train_phase_diagram(2, relative_importance=[-1.0], density=[0.5])
    with pytest.raises(TypeError, match="config"):
        phase.train_phase_diagram(2, relative_importance=[1.0], density=[0.5], config={"steps": 10})
    with pytest.raises(TypeError, match="n_seeds"):
        phase.train_phase_diagram(2, relative_importance=[1.0], density=[0.5], n_seeds=2.0)


def test_plot_phase_diagram():
    import matplotlib.pyplot as plt

    from toymodels_lib import plots

    r, p = phase.phase_grid(4, 3)
    t = phase.theory_phase(2, r, density=p).numpy()
    fig = plots.plot_phase_diagram({"theory": t, "again": t}, r, p, boundary=(r, p[:1].repeat(4)),
                                   fractions={"again": np.full(t.shape, 0.5)}, title="x")
    assert len(fig.axes) == 2
    assert "relative importance" in fig.axes[0].get_xlabel()
    plt.close(fig)
    with pytest.raises(ValueError, match="shape"):
        plots.plot_phase_diagram(t[:, :2], r, p)
    with pytest.raises(ValueError, match="codes"):
        plots.plot_phase_diagram(t + 3, r, p)


def test_expected_losses_rank_seeds_by_the_exact_loss():
    d = _small()
    exact = d.expected_losses(n_grid=64)
    assert exact.shape == d.losses.shape and (exact > 0).all()
    # the same number as the theory's integral for one model, and close to the sampled loss
    i, j, s = 1, 0, 2
    one = tm.theory.two_in_one_expected_loss(
        torch.as_tensor(d.W[i, j, s], dtype=torch.float64), torch.as_tensor(d.b[i, j, s], dtype=torch.float64),
        float(d.relative_importance[j]), density=float(d.density[i]), n_grid=64)
    assert exact[i, j, s] == pytest.approx(float(one), rel=1e-12)
    assert np.allclose(exact[0], d.losses[0], rtol=0.15)  # dense row: 1,024 samples are enough there
    e = d.ranked_by_expected_loss(n_grid=64)
    assert np.array_equal(e.losses, exact) and np.array_equal(e.W, d.W)
    assert "expected" in e.config["losses"] and "losses" not in d.config
    assert np.array_equal(e.phase("best"), np.take_along_axis(d.classes, exact.argmin(-1)[..., None], -1)[..., 0])
    # agreement against any map of the grid's shape
    assert e.agreement("best", against=e.phase("best")) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        e.agreement(against=np.zeros((2, 2)))


def test_expected_losses_of_a_three_in_two_diagram():
    cfg = tm.TrainConfig(steps=40, batch_size=128, seed=0, eval_samples=4096)
    d = phase.train_phase_diagram(3, relative_importance=[1.0], density=[0.6], n_seeds=2, config=cfg)
    exact = d.expected_losses(n_grid=32)
    assert exact.shape == (1, 1, 2)
    assert np.allclose(exact, d.losses, rtol=0.1)


def test_make_phase_theory_and_optimised_phase():
    art = phase.make_phase_theory(2, line_densities=2, steps=30, quadrature=6)
    r, p = phase.phase_grid(2, 2)
    assert np.allclose(art["relative_importance"], r) and np.allclose(art["density"], p)
    assert art["two_in_one_losses"].shape == (2, 2, 3) and art["three_in_two_losses"].shape == (2, 2, 5)
    assert art["three_in_two_W"].shape == (2, 2, 2, 3) and art["line_losses"].shape == (2, 5)
    assert art.config["three_in_two_candidates"][-1] == tm.theory.THREE_IN_TWO_TRIANGLE
    two, three = phase.optimised_phase(art, 2), phase.optimised_phase(art, 3, where="grid")
    assert two.shape == (2, 2) and three.shape == (2, 2)
    # the dense corners: r = 0.1 drops the extra feature, r = 10 gives it the dimension
    assert two[0].tolist() == [0, 2] and three[0].tolist() == [0, 2]
    assert phase.optimised_phase(art, 3, where="line").shape == (2,)
    with pytest.raises(ValueError, match="n_features"):
        phase.optimised_phase(art, 2, where="line")
    with pytest.raises(ValueError, match="where"):
        phase.optimised_phase(art, 3, where="everywhere")


def test_phase_theory_is_registered_and_shipped():
    from toymodels_lib import sweeps

    assert sweeps.SWEEPS["phase_theory"].chapter == 5
    art = sweeps.load("phase_theory")
    assert art.version == phase.PHASE_THEORY["version"]
    r, p = phase.phase_grid()
    assert np.allclose(art["relative_importance"], r) and np.allclose(art["density"], p)
    with pytest.raises(TypeError, match="unknown settings"):
        sweeps.make("phase_theory", n_seeds=3)


def test_plot_phase_diagram_wraps_panels():
    import matplotlib.pyplot as plt

    from toymodels_lib import plots

    r, p = phase.phase_grid(4, 3)
    t = phase.theory_phase(2, r, density=p).numpy()
    fig = plots.plot_phase_diagram({"a": t, "b": t, "c": t}, r, p, ncols=2)
    assert len(fig.axes) == 3  # two rows of two, the empty slot removed
    assert fig.axes[2].get_position().y0 < fig.axes[0].get_position().y0
    plt.close(fig)
    with pytest.raises(TypeError, match="ncols"):
        plots.plot_phase_diagram(t, r, p, ncols=1.5)
