"""Unit tests for toymodels_lib.models, including the hand-derived gradients."""

import pytest
import torch

from toymodels_lib.data import importance_decay, sample_features
from toymodels_lib.models import (
    HiddenReLUModel,
    LinearModel,
    ReLUOutputModel,
    ToyModel,
    importance_weighted_loss,
    make_model,
)


def test_shapes_and_forward():
    m = ReLUOutputModel(6, 2, n_instances=3)
    assert m.W.shape == (3, 2, 6) and m.b.shape == (3, 6)
    x = sample_features(3, 10, 6, sparsity=0.5)
    y = m(x)
    assert y.shape == (3, 10, 6)
    expected = torch.relu(torch.einsum("ibn,imn->ibm", x, m.W) @ m.W + m.b[:, None, :])
    assert torch.allclose(y, expected, atol=1e-6)
    assert torch.allclose(m.hidden(x), torch.einsum("ibn,imn->ibm", x, m.W), atol=1e-6)


def test_linear_and_hidden_relu_forward():
    x = sample_features(2, 8, 5, sparsity=0.3)
    lin = LinearModel(5, 3, n_instances=2)
    h = torch.einsum("ibn,imn->ibm", x, lin.W)
    assert torch.allclose(lin(x), h @ lin.W + lin.b[:, None, :], atol=1e-6)
    hid = HiddenReLUModel(5, 3, n_instances=2)
    h = torch.relu(torch.einsum("ibn,imn->ibm", x, hid.W))
    assert torch.allclose(hid(x), torch.relu(h @ hid.W + hid.b[:, None, :]), atol=1e-6)


def test_xavier_scale_per_instance():
    """Init std is sqrt(2/(m+n)) whatever the number of instances."""
    for n_inst in (1, 50):
        m = LinearModel(40, 10, n_instances=n_inst)
        std = float(m.W.detach().std())
        assert abs(std - (2 / 50) ** 0.5) < (0.03 if n_inst == 50 else 0.04)


def test_init_independent_of_instance_count():
    a = ReLUOutputModel(8, 3, n_instances=2, seed=5)
    b = ReLUOutputModel(8, 3, n_instances=6, seed=5)
    assert torch.equal(a.W.data, b.W.data[:2])
    c = ReLUOutputModel(8, 3, n_instances=2, seed=6)
    assert not torch.equal(a.W.data, c.W.data)


@pytest.mark.parametrize("cls", [LinearModel, ReLUOutputModel])
def test_analytic_gradient_matches_autograd(cls):
    torch.manual_seed(0)
    model = cls(12, 4, n_instances=3, seed=1)
    with torch.no_grad():
        model.b.normal_(0, 0.3)
    x = sample_features(3, 256, 12, sparsity=[0.0, 0.5, 0.9], seed=2)
    imp = importance_decay(12, 0.8).expand(3, 12).contiguous()
    loss, dW, db = model.analytic_loss_grad(x, imp)
    out = model(x)
    ref = ((out - x) ** 2 * imp[:, None, :]).sum(-1).mean(-1)
    ref.sum().backward()
    assert torch.allclose(loss, ref.detach(), rtol=1e-5, atol=1e-7)
    assert torch.allclose(dW, model.W.grad, rtol=1e-4, atol=1e-6)
    assert torch.allclose(db, model.b.grad, rtol=1e-4, atol=1e-6)


def test_make_model():
    assert isinstance(make_model("relu", 5, 2, 3), ReLUOutputModel)
    assert make_model("linear", 5, 2).kind == "linear"
    with pytest.raises(ValueError, match="kind must be one of"):
        make_model("tanh", 5, 2)


@pytest.mark.parametrize(
    "args, err, match",
    [
        ((5, 6), ValueError, "n_hidden=6 is larger than n_features=5"),
        ((0, 2), ValueError, "n_features"),
        ((5, 0), ValueError, "n_hidden"),
        ((5, 2.0), TypeError, "n_hidden"),
    ],
)
def test_bad_sizes(args, err, match):
    with pytest.raises(err, match=match):
        ReLUOutputModel(*args)


def test_bad_input_shapes():
    m = ReLUOutputModel(5, 2, n_instances=3)
    with pytest.raises(ValueError, match=r"\[3, batch, 5\]"):
        m(torch.zeros(2, 4, 5))
    with pytest.raises(ValueError, match=r"\[3, batch, 5\]"):
        m(torch.zeros(3, 4, 6))
    with pytest.raises(ValueError, match="shape"):
        m(torch.zeros(4, 5))
    with pytest.raises(TypeError, match="torch.Tensor"):
        m([[0.0] * 5])
    with pytest.raises(TypeError, match="floating-point"):
        m(torch.zeros(3, 4, 5, dtype=torch.long))


def test_random_orthogonal():
    from toymodels_lib.models import random_orthogonal

    Q = random_orthogonal(5, seed=3)
    assert Q.dtype == torch.float64
    assert torch.allclose(Q.T @ Q, torch.eye(5, dtype=torch.float64), atol=1e-12)
    assert torch.equal(Q, random_orthogonal(5, seed=3))
    assert not torch.allclose(Q, random_orthogonal(5, seed=4))
    assert random_orthogonal(3, dtype=torch.float32).dtype == torch.float32
    with pytest.raises(ValueError, match="m must be"):
        random_orthogonal(0)
    with pytest.raises(ValueError, match="seed"):
        random_orthogonal(3, seed=-1)


def test_from_weights_builds_the_given_model():
    W = torch.tensor([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    b = torch.tensor([0.0, -0.1, 0.2])
    m = ReLUOutputModel.from_weights(W, b)
    assert isinstance(m, ReLUOutputModel) and m.n_instances == 1 and (m.n_hidden, m.n_features) == (2, 3)
    assert torch.equal(m.W[0], W) and torch.equal(m.b[0], b) and m.W.dtype == torch.float32
    x = torch.rand(1, 4, 3)
    assert torch.allclose(m(x), torch.relu(x @ (W.T @ W) + b))
    lin = ToyModel.from_weights(W[None].repeat(2, 1, 1), kind="linear", dtype=torch.float64)
    assert lin.kind == "linear" and lin.n_instances == 2 and lin.W.dtype == torch.float64
    assert torch.equal(lin.b, torch.zeros(2, 3, dtype=torch.float64))
    # more neurons than features, when asked for: a model that expands
    wide = HiddenReLUModel.from_weights(torch.ones(4, 2), allow_expansion=True)
    assert (wide.n_hidden, wide.n_features) == (4, 2)


@pytest.mark.parametrize(
    "call, err, words",
    [
        (lambda: ToyModel.from_weights(torch.ones(2, 3)), TypeError, "kind="),
        (lambda: ToyModel.from_weights(torch.ones(2, 3), kind="tanh"), ValueError, "kind must be one of"),
        (lambda: ReLUOutputModel.from_weights(torch.ones(2, 3), kind="linear"), ValueError, "contradicts"),
        (lambda: ReLUOutputModel.from_weights(torch.ones(3)), ValueError, "W must have 2 to 3 dimensions"),
        (lambda: ReLUOutputModel.from_weights(torch.ones(2, 3), torch.ones(4)), ValueError, "b must have shape"),
        (lambda: ReLUOutputModel.from_weights(torch.ones(2, 3), dtype=torch.int64), ValueError, "dtype"),
        # the paper notebook's [features, hidden] layout
        (lambda: ReLUOutputModel.from_weights(torch.ones(5, 2)), ValueError, r"W has shape \(5, 2\).*pass W\.T"),
        (lambda: ReLUOutputModel.from_weights(torch.ones(3, 5, 2)), ValueError, r"transpose\(-1, -2\)"),
    ],
)
def test_from_weights_rejects_bad_input(call, err, words):
    with pytest.raises(err, match=words):
        call()


def test_one_loss_function_is_the_papers():
    out = torch.tensor([[[1.0, 0.0], [0.0, 0.0]]])
    target = torch.tensor([[[0.0, 0.0], [0.0, 2.0]]])
    imp = torch.tensor([[2.0, 0.5]])
    # batch row 0: 2 * 1^2; row 1: 0.5 * 2^2 -> mean over the batch of the sums over features
    assert importance_weighted_loss(out, target, imp).tolist() == [2.0]
