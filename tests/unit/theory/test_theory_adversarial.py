"""theory.adversarial (chapter 8): the attacked loss, the optimal and gradient attacks, the vulnerability."""

import matplotlib

matplotlib.use("Agg")

import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import plots
from toymodels_lib.theory import adversarial as adv


def _model(seed=0, m=3, n=8):
    g = torch.Generator().manual_seed(seed)
    W = torch.randn(m, n, generator=g, dtype=torch.float64)
    b = -0.1 * torch.rand(n, generator=g, dtype=torch.float64)
    x = torch.rand(512, n, generator=g, dtype=torch.float64) * (torch.rand(512, n, generator=g) < 0.2)
    return W, b, x


def test_attack_directions_are_unit_rows_of_the_gram_matrix():
    W, _, _ = _model()
    d = adv.attack_directions(W)
    gram = W.T @ W
    assert torch.allclose(d.norm(dim=-1), torch.ones(8, dtype=torch.float64))
    assert torch.allclose(d[2] * gram[2].norm(), gram[2])
    W[:, 3] = 0
    assert torch.all(adv.attack_directions(W)[3] == 0)


def test_attacked_loss_matches_the_model():
    W, b, x = _model()
    model = tm.ToyModel.from_weights(W, b, kind="relu", dtype=torch.float64)
    with torch.no_grad():
        direct = ((x - model(x[None])[0]) ** 2).sum(-1).mean()
    assert torch.allclose(adv.attacked_loss(W, b, x), direct)
    delta = torch.full((8,), 0.05, dtype=torch.float64)
    assert adv.attacked_loss(W, b, x, delta) != adv.attacked_loss(W, b, x)
    per_input = delta.expand(512, 8)
    assert torch.allclose(adv.attacked_loss(W, b, x, per_input), adv.attacked_loss(W, b, x, delta))


def test_optimal_attack_is_the_best_of_the_per_feature_attacks():
    W, b, x = _model()
    res = adv.optimal_attack(W, b, x, norm=0.3)
    brute = torch.stack([adv.attacked_loss(W, b, x, 0.3 * adv.attack_directions(W)[i]) for i in range(8)])
    assert torch.allclose(res["per_feature"], brute)
    assert int(res["feature"]) == int(brute.argmax())
    assert torch.allclose(res["delta"].norm(), torch.tensor(0.3, dtype=torch.float64))
    stacked = adv.optimal_attack(torch.stack([W, W]), torch.stack([b, b]), torch.stack([x, x]), norm=[0.3, 0.0])
    assert torch.allclose(stacked["loss"][0], res["loss"]) and torch.allclose(stacked["loss"][1], stacked["clean"][1])


def test_gradient_attack_has_the_norm_and_does_not_lose():
    W, b, x = _model(1)
    g = adv.gradient_attack(W, b, x, norm=0.2)
    assert abs(float(g["delta"].norm()) - 0.2) < 1e-9
    assert g["loss"] >= g["clean"]
    assert 0 <= float(g["silent"]) <= 1


def test_silent_inputs_have_zero_gradient():
    W, b, x = _model(2)
    b = b - 0.5
    silent = adv.silent_inputs(W, b, x)
    assert silent.shape == (512,) and bool(silent[(x == 0).all(-1)].all())
    xs = x[silent].clone().requires_grad_(True)
    out = torch.relu(xs @ W.T @ W + b)
    ((x[silent] - out) ** 2).sum().backward()
    assert float(xs.grad.abs().max()) == 0.0


def test_baseline_and_vulnerability():
    W0, b0 = adv.no_superposition_model(10, 4, density=0.1)
    assert torch.equal(W0[:, :4], torch.eye(4, dtype=torch.float64)) and float(b0[5]) == pytest.approx(0.05)
    x = tm.sample_features(1, 2048, 10, density=0.1, seed=1)[0].double()
    res = adv.optimal_attack(W0, b0, x, norm=0.2)
    assert float(res["loss"] - res["clean"]) == pytest.approx(0.04, rel=1e-9)
    assert float(adv.vulnerability(W0, b0, x, norm=0.2, density=0.1)) == pytest.approx(1.0)
    v = adv.vulnerability(torch.stack([W0, W0]), torch.stack([b0, b0]), torch.stack([x, x]), norm=0.2,
                          density=[0.1, 0.1])
    assert torch.allclose(v, torch.ones(2, dtype=torch.float64))
    assert float(adv.mean_input_norm(x)) == pytest.approx(float(x.norm(dim=-1).mean()))


def test_bad_input():
    W, b, x = _model()
    with pytest.raises(ValueError, match="features"):
        adv.attacked_loss(W, b, x[:, :5])
    with pytest.raises(ValueError, match="norm"):
        adv.optimal_attack(W, b, x, norm=-1.0)
    with pytest.raises(ValueError, match="norm"):
        adv.gradient_attack(W, b, x, norm=-0.1)
    with pytest.raises(ValueError, match="transpos"):
        adv.attack_directions(W.T)
    with pytest.raises(ValueError, match="n_hidden"):
        adv.no_superposition_model(3, 4, density=0.1)
    with pytest.raises(TypeError):
        adv.no_superposition_model(3, 2)


def test_adversarial_training_and_shipped_sweep():
    from toymodels_lib.sweeps.adversarial import load_adversarial_training, make_adversarial_training
    from toymodels_lib.train.adversarial import adversarial_train

    res = adversarial_train(6, 2, attack_fractions=[0.0, 1.0], density=0.1, config=tm.TrainConfig(steps=50, seed=0))
    assert res.W.shape == (2, 2, 6) and res.losses.shape == (2,) and len(res.history_steps) >= 1
    with pytest.raises(ValueError, match="attack_fractions"):
        adversarial_train(6, 2, attack_fractions=[-1.0], density=0.1)
    art = load_adversarial_training()
    assert art["W"].shape == (11, 5, 40) and art["attack_fractions"][0] == 0.0
    small = make_adversarial_training(steps=20, attack_fractions=[0.0, 0.5])
    assert small["W"].shape == (2, 5, 40)
    with pytest.raises(TypeError, match="unknown"):
        make_adversarial_training(stepz=3)


def test_adversarial_plots():
    fig = plots.plot_attack_per_feature(torch.rand(8), gradient_rise=0.5)
    assert len(fig.axes) == 1
    fig = plots.plot_vulnerability([1, 0.1], [1, 2], [1, 3])
    assert len(fig.axes) == 2
    fig = plots.plot_adversarial_training([0, 1], [3, 1], [10, 5], n_hidden=5)
    assert fig.axes[0].get_xlabel().startswith("attack")
    with pytest.raises(ValueError, match="same length"):
        plots.plot_vulnerability([1], [1, 2], [1, 3])
    matplotlib.pyplot.close("all")
