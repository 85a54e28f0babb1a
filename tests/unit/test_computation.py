"""Unit tests of the untied absolute-value model (models.UntiedReLUModel), the trainer's
signed features and targets, toymodels_lib.computation and the computation sweep (chapter 10)."""

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import computation as comp
from toymodels_lib.sweeps import make_computation


def _abs_weights(n):
    W = torch.cat([torch.eye(n), -torch.eye(n)])
    return W, W.abs()


# --- the model -----------------------------------------------------------------------------
def test_untied_model_shapes_and_init():
    model = tm.make_model("untied", 3, 6, 4, seed=1)
    assert isinstance(model, tm.UntiedReLUModel) and model.kind == "untied"
    assert model.W.shape == (4, 6, 3) and model.W_out.shape == (4, 6, 3) and model.b.shape == (4, 3)
    # Xavier scale per instance, and W_out from its own stream (not a copy of W)
    assert not torch.allclose(model.W, model.W_out)
    big = tm.make_model("untied", 50, 40, 2, seed=0)
    assert float(big.W.detach().std()) == pytest.approx((2 / 90) ** 0.5, rel=0.1)
    # instance k's weights depend on its key only, not on how many instances there are
    one = tm.make_model("untied", 3, 6, 1, seed=1)
    assert torch.equal(one.W[0], model.W[0]) and torch.equal(one.W_out[0], model.W_out[0])
    # the same key gives the tied model's W
    tied = tm.make_model("hidden_relu", 6, 3, 1, seed=1)
    assert tied.W.shape == (1, 3, 6)


def test_untied_model_computes_abs_with_hand_weights():
    W, W_out = _abs_weights(4)
    model = tm.UntiedReLUModel.from_weights(W, W_out, dtype=torch.float64)
    x = torch.rand(1, 64, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 2 - 1
    assert torch.allclose(model(x), x.abs())
    assert model.hidden(x).shape == (1, 64, 8) and bool((model.hidden(x) >= 0).all())
    loss = model.loss(x, torch.ones(1, 4, dtype=torch.float64))  # reconstruction loss of |x| vs x
    assert float(loss) > 0


def test_untied_from_weights_errors():
    W, W_out = _abs_weights(2)
    with pytest.raises(TypeError, match="W_out"):
        tm.UntiedReLUModel.from_weights(W)
    with pytest.raises(TypeError, match="two weight matrices"):
        tm.ToyModel.from_weights(W, kind="untied")
    with pytest.raises(ValueError, match="W_out must have the shape"):
        tm.UntiedReLUModel.from_weights(W, W_out[:3])
    with pytest.raises(ValueError, match="b must have shape"):
        tm.UntiedReLUModel.from_weights(W, W_out, torch.zeros(3))
    with pytest.raises(ValueError, match="dtype"):
        tm.UntiedReLUModel.from_weights(W, W_out, dtype=torch.int64)
    with pytest.raises(ValueError, match="n_hidden"):
        tm.UntiedReLUModel(2, 4, allow_expansion=False)


# --- training on |x| -----------------------------------------------------------------------
def test_train_untied_on_abs_keeps_w_out_and_learns():
    cfg = tm.TrainConfig(steps=300, batch_size=256, eval_samples=4096)
    res = tm.train_models("untied", 3, 6, density=1.0, features="signed", target=torch.abs, n_seeds=2, config=cfg)
    assert res.kind == "untied" and res.W_out is not None and res.W_out.shape == (2, 6, 3)
    assert float(res.losses.min()) < 0.2  # predicting every |x_i| by its mean costs about 0.25
    best = res.best()
    assert best.W_out.shape == (1, 6, 3)
    assert "W_out" in best.to_dict()
    # the reported loss is the loss on |x|
    model = tm.UntiedReLUModel.from_weights(best.W, best.W_out, best.b)
    again = tm.evaluate_loss(model, density=1.0, features="signed", target=torch.abs, n_samples=4096)
    assert float(again[0]) == pytest.approx(float(best.losses[0]), rel=0.1)


def test_tied_results_have_no_w_out():
    res = tm.train_models("relu", 3, 2, density=1.0, config=tm.TrainConfig(steps=5))
    assert res.W_out is None and "W_out" not in res.to_dict()
    assert res.select([0]).W_out is None


def test_features_argument_checked():
    model = tm.make_model("untied", 3, 6)
    with pytest.raises(ValueError, match="features"):
        tm.fit(model, density=1.0, features="gaussian", config=tm.TrainConfig(steps=2))
    sampler = tm.FeatureSampler(1, 3, density=1.0, kind="signed")
    with pytest.raises(TypeError, match="data= or features="):
        tm.fit(model, data=sampler, features="signed", config=tm.TrainConfig(steps=2))
    with pytest.raises(ValueError, match="features"):
        tm.evaluate_loss(model, density=1.0, features="normal")


def test_signed_features_are_signed():
    x = tm.FeatureSampler(1, 4, density=1.0, kind="signed", seed=0).sample(4096)
    assert float(x.min()) < -0.9 and float(x.max()) > 0.9
    assert abs(float(x.mean())) < 0.05


# --- measures ------------------------------------------------------------------------------
def test_normalise_neurons_keeps_the_function():
    g = torch.Generator().manual_seed(3)
    W, W_out = torch.randn(5, 3, generator=g), torch.randn(5, 3, generator=g)
    W[2] = 0.0
    w, w_out = comp.normalise_neurons(W, W_out)
    assert torch.allclose(w.abs().amax(1)[[0, 1, 3, 4]], torch.ones(4, dtype=torch.float64))
    assert torch.equal(w[2], torch.zeros(3, dtype=torch.float64))
    x = torch.randn(1, 32, 3, generator=g, dtype=torch.float64)
    a = tm.UntiedReLUModel.from_weights(W, W_out, dtype=torch.float64)(x)
    b = tm.UntiedReLUModel.from_weights(w, w_out, dtype=torch.float64)(x)
    assert torch.allclose(a, b)
    with pytest.raises(ValueError, match="same shape"):
        comp.normalise_neurons(W, W_out[:, :2])


def test_computed_halves_and_roles():
    W, W_out = _abs_weights(3)
    h = comp.computed_halves(W, W_out, torch.zeros(3))
    assert h.shape == (2, 3) and bool(h.all())
    # drop the ReLU(-x_1) neuron: feature 1 is computed for x > 0 only
    W2, Wo2 = W.clone(), W_out.clone()
    W2[4] = 0.0
    h = comp.computed_halves(W2, Wo2, torch.zeros(3))
    assert h[:, 1].tolist() == [True, False]
    roles = comp.neuron_roles(W, W_out)
    assert roles["top"].tolist() == [0, 1, 2, 0, 1, 2]
    assert roles["sign"].tolist() == [1, 1, 1, -1, -1, -1]
    assert bool(roles["mono"].all())
    counts = comp.sweep_counts(W2, Wo2, torch.zeros(3))
    assert counts == {"monosemantic": 5, "both": 2, "one": 1, "motifs": 0}
    with pytest.raises(ValueError, match="threshold"):
        comp.computed_halves(W, W_out, torch.zeros(3), threshold=1.5)
    with pytest.raises(ValueError, match="b must have 3"):
        comp.computed_halves(W, W_out, torch.zeros(2))


def test_motif_models_and_losses():
    sym = comp.motif_model("symmetric", bias=0.2)
    assert sym.W.shape == (1, 1, 2) and torch.allclose(sym.b, torch.tensor([[-0.2, -0.2]], dtype=torch.float64))
    inh = comp.motif_model("asymmetric+inhibitor", n_pairs=3, ratio=2.0)
    assert inh.W.shape == (1, 4, 6)
    # u alone: the inhibitor cancels r^2 u in output v exactly
    x = torch.zeros(1, 1, 6, dtype=torch.float64)
    x[0, 0, 0] = 0.7
    y = inh(x).detach()
    assert float(y[0, 0, 1]) == 0.0 and float(y[0, 0, 0]) == pytest.approx(0.7)
    losses = {k: comp.motif_loss(k, density=0.1, bias=c, n_samples=1 << 15)
              for k, c in (("symmetric", 0.35), ("asymmetric", 0.05), ("asymmetric+inhibitor", 0.05))}
    assert losses["asymmetric+inhibitor"] < losses["symmetric"] < losses["asymmetric"]
    with pytest.raises(ValueError, match="kind"):
        comp.motif_model("antisymmetric")
    with pytest.raises(ValueError, match="density"):
        comp.motif_loss("symmetric", density=0.0)
    with pytest.raises(TypeError, match="n_pairs"):
        comp.motif_model("symmetric", n_pairs=1.5)


def test_find_asymmetric_motifs_on_hand_built():
    inh = comp.motif_model("asymmetric+inhibitor", ratio=2.0)
    found = comp.find_asymmetric_motifs(inh.W[0], inh.W_out[0])
    assert len(found) == 1
    m = found[0]
    assert (m["neuron"], m["strong"], m["weak"], m["inhibitor"]) == (0, 0, 1, 1)
    assert m["ratio"] == pytest.approx(4.0) and m["inhibit"] < 0
    sym = comp.motif_model("symmetric")
    assert comp.find_asymmetric_motifs(sym.W[0], sym.W_out[0]) == []
    no_inh = comp.motif_model("asymmetric")
    assert comp.find_asymmetric_motifs(no_inh.W[0], no_inh.W_out[0]) == []
    with pytest.raises(ValueError, match="min_ratio"):
        comp.find_asymmetric_motifs(inh.W[0], inh.W_out[0], min_ratio=0.5)


# --- the sweep ------------------------------------------------------------------------------
def test_make_computation_small_and_parallel_agree():
    kw = dict(densities=[1.0, 0.1], n_seeds=2, steps=20, batch_size=64, eval_samples=1024)
    a = make_computation(6, 4, **kw)
    assert a["W"].shape == (2, 4, 6) and a["W_out"].shape == (2, 4, 6) and a["seed_losses"].shape == (2, 2)
    assert np.allclose(a["loss"], a["seed_losses"].min(1))
    # a density trains the same alone as beside others (its streams are keyed by configuration)
    b = make_computation(6, 4, **{**kw, "densities": [0.1]})
    assert np.allclose(a["W"][1], b["W"][0], atol=1e-6)
    with pytest.raises(ValueError, match="densities"):
        make_computation(6, 4, densities=[1.5])
    with pytest.raises(TypeError, match="jobs"):
        make_computation(6, 4, densities=[1.0], jobs=0.5)


def test_shipped_computation_sweep_loads():
    s = tm.sweeps.load("computation_abs")
    assert s["W"].shape == (6, 40, 100) and s["W_out"].shape == (6, 40, 100)
    assert s["density"].tolist() == pytest.approx([1.0, 0.3, 0.1, 0.03, 0.01, 0.003])
    assert s.config["n_seeds"] == 2
