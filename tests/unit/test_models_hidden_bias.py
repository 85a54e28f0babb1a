"""The hidden-ReLU model's pre-activations and active fractions, and the hidden-bias model (chapter 9)."""

import pytest
import torch

import toymodels_lib as tm
from toymodels_lib.models import MODEL_KINDS, HiddenReLUBiasModel, HiddenReLUModel


def test_pre_activations_and_active_fraction():
    W = torch.tensor([[[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]]])
    model = HiddenReLUModel.from_weights(W)
    x = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]])
    assert torch.equal(model.pre_activations(x), torch.bmm(x, W.transpose(1, 2)))
    assert torch.allclose(model.active_fraction(x), torch.tensor([[0.25, 0.25]], dtype=torch.float64))
    with pytest.raises(ValueError, match="shape"):
        model.active_fraction(torch.zeros(1, 4, 2))


def test_hidden_bias_model():
    assert MODEL_KINDS["hidden_relu_bias"] is HiddenReLUBiasModel
    model = tm.make_model("hidden_relu_bias", 4, 2, 3, seed=1)
    assert model.c.shape == (3, 2) and float(model.c.detach().abs().sum()) == 0.0
    x = tm.sample_features(3, 16, 4, density=0.5, seed=0)
    plain = HiddenReLUModel.from_weights(model.W.detach(), model.b.detach())
    assert torch.allclose(model(x), plain(x))  # c = 0: the plain hidden-ReLU model
    with torch.no_grad():
        model.c.fill_(10.0)
    # a large hidden bias keeps every ReLU on: the hidden layer is linear
    assert torch.equal(model.active_fraction(x), torch.ones(3, 2, dtype=torch.float64))
    assert torch.allclose(model.hidden(x), torch.bmm(x, model.W.detach().transpose(1, 2)) + 10.0)


def test_hidden_bias_trains():
    cfg = tm.TrainConfig(steps=30, batch_size=64, eval_samples=256, seed=0)
    model = HiddenReLUBiasModel(5, 2, 2)
    res = tm.fit(model, density=0.3, importance=tm.importance_decay(5, 0.75), config=cfg)
    assert res.kind == "hidden_relu_bias" and res.W.shape == (2, 2, 5)
    assert float(res.model.c.detach().abs().sum()) > 0  # the hidden bias is trained too


def test_hidden_bias_from_weights():
    W = torch.tensor([[1.0, -1.0, 0.0], [0.0, 0.5, 1.0]])
    model = HiddenReLUBiasModel.from_weights(W, torch.zeros(3), c=[2.0, -1.0])
    assert torch.equal(model.c.detach(), torch.tensor([[2.0, -1.0]]))
    x = torch.tensor([[[0.0, 1.0, 0.0]]])
    assert torch.allclose(model.pre_activations(x), torch.tensor([[[1.0, -0.5]]]))
    assert torch.equal(HiddenReLUBiasModel.from_weights(W).c.detach(), torch.zeros(1, 2))
    assert tm.ToyModel.from_weights(W, kind="hidden_relu_bias").kind == "hidden_relu_bias"
    with pytest.raises(ValueError, match="one bias per neuron"):
        HiddenReLUBiasModel.from_weights(W, c=[1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="c"):
        HiddenReLUBiasModel.from_weights(W, c="big")
