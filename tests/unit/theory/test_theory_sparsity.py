"""toymodels_lib.theory.sparsity: moments of sparse uniform features, the linear loss split,
k-active probabilities and k-sparse losses; and the package's keyword convention."""

import ast
import math
from pathlib import Path

import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import theory
from toymodels_lib.data import sample_features


def _pentagon(scale=1.0):
    a = torch.arange(5, dtype=torch.float64) * 2 * math.pi / 5
    return scale * torch.stack([torch.cos(a), torch.sin(a)])


def _sparse_uniform(n, sparsity, seed):
    """Independent Monte Carlo draws of one sparse uniform feature (not the library's sampler)."""
    g = torch.Generator().manual_seed(seed)
    values = torch.rand(n, generator=g, dtype=torch.float64)
    return values * (torch.rand(n, generator=g, dtype=torch.float64) >= sparsity)


# ----------------------------------------------------------------------------- moments
def test_moments_monte_carlo():
    x = sample_features(1, 200_000, 1, sparsity=0.7, seed=0).double()
    mom = theory.feature_moments(sparsity=0.7)
    assert float(x.mean()) == pytest.approx(float(mom["mean"]), abs=2e-3)
    assert float((x**2).mean()) == pytest.approx(float(mom["second_moment"]), abs=2e-3)
    assert float(x.var()) == pytest.approx(float(mom["variance"]), abs=2e-3)


@pytest.mark.parametrize("sparsity", [0.0, 0.5, 0.9, 0.99])
def test_feature_variance_monte_carlo(sparsity):
    n = 400_000
    x = _sparse_uniform(n, sparsity, seed=7)
    sq = (x - x.mean()) ** 2
    se = float(sq.std()) / n**0.5  # standard error of the sample variance
    var = float(theory.feature_variance(sparsity=sparsity))
    assert abs(float(x.var()) - var) < 5 * se, (float(x.var()), var, se)
    p = 1 - sparsity
    assert var == pytest.approx(p / 3 - (p / 2) ** 2, rel=1e-12)


def test_feature_variance_shapes_and_moments_agree():
    p = torch.tensor([[1.0, 0.5], [0.2, 0.01]], dtype=torch.float64)
    var = theory.feature_variance(density=p)
    assert var.shape == (2, 2) and var.dtype == torch.float64
    assert torch.equal(theory.feature_moments(density=p)["variance"], var)
    assert float(theory.feature_variance(density=1.0)) == pytest.approx(1 / 12)  # Var(U[0, 1])


# ----------------------------------------------------------------------------- linear loss split
def test_linear_loss_split_known_values():
    v = 0.05 / 3 - 0.05**2 / 4
    two = torch.zeros(2, 5)
    two[0, 0] = two[1, 1] = 1.0
    split = tm.linear_loss_split(two, 1.0, sparsity=0.95)
    assert math.isclose(float(split["feature_benefit"]), 3 * v, rel_tol=1e-6)
    assert float(split["interference"]) == 0.0
    # regular pentagon of unit vectors: no benefit loss, interference 5 * (2 cos²72° + 2 cos²144°) v = 7.5 v
    split = tm.linear_loss_split(_pentagon(), 1.0, sparsity=0.95)
    assert float(split["feature_benefit"]) < 1e-12
    assert math.isclose(float(split["interference"]), 7.5 * v, rel_tol=1e-6)
    assert math.isclose(float(split["total"]), 7.5 * v, rel_tol=1e-6)


def test_linear_loss_split_matches_monte_carlo():
    g = torch.Generator().manual_seed(0)
    n, m, s = 6, 3, 0.7
    W = torch.randn(m, n, generator=g) * 0.5
    imp = tm.importance_decay(n, 0.8)
    mean = torch.full((n,), (1 - s) / 2)
    model = tm.LinearModel.from_weights(W, (torch.eye(n) - W.T @ W) @ mean)  # the best bias
    mc = float(tm.evaluate_loss(model, sparsity=s, importance=imp, n_samples=400_000, seed=3)[0])
    exact = float(tm.linear_loss_split(W, imp, sparsity=s)["total"])
    assert math.isclose(mc, exact, rel_tol=0.01), (mc, exact)


def test_linear_loss_split_batched_and_per_feature_sparsity():
    W = torch.randn(4, 3, 7)
    out = tm.linear_loss_split(W, tm.importance_decay(7, 0.9), sparsity=[0.5] * 7)
    assert out["total"].shape == (4,)
    single = tm.linear_loss_split(W[2], tm.importance_decay(7, 0.9), sparsity=0.5)
    assert torch.allclose(out["total"][2], single["total"])


# ----------------------------------------------------------------------------- k active features
def test_k_active_probabilities():
    P = tm.k_active_probabilities(5, sparsity=0.95)
    assert P.shape == (6,) and math.isclose(float(P.sum()), 1.0, rel_tol=1e-6)
    assert math.isclose(float(P[0]), 0.95**5, rel_tol=1e-6)
    assert math.isclose(float(P[1]), 5 * 0.05 * 0.95**4, rel_tol=1e-6)
    assert torch.allclose(tm.k_active_probabilities(3, sparsity=0.0), torch.tensor([0, 0, 0, 1.0], dtype=torch.float64))


def test_k_sparse_loss_exact_cases():
    W = _pentagon(1.1)
    b = torch.full((5,), -0.25, dtype=torch.float64)
    assert float(tm.k_sparse_loss(W, b, 1.0, 0)) == 0.0
    assert math.isclose(float(tm.k_sparse_loss(W, b, 1.0, 0, kind="linear")), 5 * 0.0625)
    # identity model, no bias: perfect reconstruction for every k
    eye = torch.eye(4)
    for k in range(5):
        assert float(tm.k_sparse_loss(eye, torch.zeros(4), 1.0, k)) < 1e-12
    # a single feature in one dimension with W = 0: L_1 = E[x²] = 1/3 (MC)
    assert math.isclose(float(tm.k_sparse_loss(torch.zeros(1, 1), torch.zeros(1), 1.0, 1, n_samples=200_000)),
                        1 / 3, rel_tol=0.01)


def test_k_sparse_loss_batched_and_seeded():
    W = torch.randn(3, 2, 5)
    b = torch.randn(3, 5) * 0.1
    out = tm.k_sparse_loss(W, b, tm.importance_decay(5, 0.9), 2)
    assert out.shape == (3,)
    again = tm.k_sparse_loss(W[1], b[1], tm.importance_decay(5, 0.9), 2)
    assert torch.allclose(out[1], again)


def test_bad_input():
    W = torch.randn(2, 5)
    b = torch.zeros(5)
    with pytest.raises(ValueError, match="sparsity"):
        tm.linear_loss_split(W, 1.0, sparsity=1.0)
    with pytest.raises(ValueError, match="importance"):
        tm.linear_loss_split(W, [1.0, 2.0], sparsity=0.5)
    with pytest.raises(ValueError, match="importance"):
        tm.linear_loss_split(W, -1.0, sparsity=0.5)
    with pytest.raises(ValueError, match="W"):
        tm.linear_loss_split(torch.ones(5), 1.0, sparsity=0.5)
    with pytest.raises(TypeError, match="W"):
        tm.linear_loss_split("W", 1.0, sparsity=0.5)
    # the paper notebook's [features, hidden] layout is refused, not read as 2 features in 5 dimensions
    with pytest.raises(ValueError, match=r"W has shape \(5, 2\).*pass W\.T"):
        tm.linear_loss_split(W.T, 1.0, sparsity=0.5)
    with pytest.raises(ValueError, match=r"W has shape \(5, 2\).*pass W\.T"):
        tm.k_sparse_loss(W.T, torch.zeros(2), 1.0, 1)
    with pytest.raises(ValueError, match="n_features"):
        tm.k_active_probabilities(0, sparsity=0.5)
    with pytest.raises(TypeError, match="n_features"):
        tm.k_active_probabilities(2.5, sparsity=0.5)
    with pytest.raises(ValueError, match="sparsity"):
        tm.k_active_probabilities(5, sparsity=[0.5, 0.5])
    with pytest.raises(ValueError, match="sparsity"):
        tm.k_active_probabilities(5, sparsity=-0.1)
    with pytest.raises(ValueError, match="k must be at most"):
        tm.k_sparse_loss(W, b, 1.0, 6)
    with pytest.raises(ValueError, match="k must"):
        tm.k_sparse_loss(W, b, 1.0, -1)
    with pytest.raises(ValueError, match="kind"):
        tm.k_sparse_loss(W, b, 1.0, 1, kind="gelu")
    with pytest.raises(ValueError, match="b must have shape"):
        tm.k_sparse_loss(W, torch.zeros(4), 1.0, 1)
    with pytest.raises(ValueError, match="n_samples"):
        tm.k_sparse_loss(W, b, 1.0, 1, n_samples=0)
    assert "k_sparse_loss" in theory.__all__ and "linear_loss_split" in tm.__all__


def test_bad_probability_messages_name_the_keyword():
    W = torch.randn(2, 5)
    with pytest.raises(ValueError, match=r"density must be in \(0, 1\], got 0"):
        theory.feature_variance(density=0.0)
    with pytest.raises(ValueError, match=r"sparsity must be in \[0, 1\), got 1"):
        theory.feature_moments(sparsity=1.0)
    with pytest.raises(ValueError, match=r"density must be a number or one value per feature \(5\), got shape \(2,\)"):
        tm.linear_loss_split(W, 1.0, density=[0.5, 0.5])
    with pytest.raises(ValueError, match="density must be one number here"):
        tm.k_active_probabilities(5, density=[0.5, 0.5])
    with pytest.raises(TypeError, match="sparsity must be a number"):
        theory.feature_variance(sparsity="dense")


# ----------------------------------------------------------------------------- keyword convention
_W = torch.randn(2, 5, generator=torch.Generator().manual_seed(0))
_CALLS = {  # name -> call with the probability as a keyword
    "feature_variance": lambda **kw: theory.feature_variance(**kw),
    "feature_moments": lambda **kw: theory.feature_moments(**kw),
    "linear_loss_split": lambda **kw: theory.linear_loss_split(_W, 1.0, **kw),
    "k_active_probabilities": lambda **kw: theory.k_active_probabilities(5, **kw),
}


def test_positional_probability_is_rejected():
    for call in (
        lambda: theory.feature_variance(0.5),
        lambda: theory.feature_moments(0.5),
        lambda: theory.linear_loss_split(_W, 1.0, 0.5),
        lambda: theory.k_active_probabilities(5, 0.5),
    ):
        with pytest.raises(TypeError, match="positional"):
            call()


@pytest.mark.parametrize("name", list(_CALLS))
def test_exactly_one_keyword(name):
    with pytest.raises(TypeError, match="exactly one of sparsity= .* or density="):
        _CALLS[name]()
    with pytest.raises(TypeError, match="got both"):
        _CALLS[name](sparsity=0.5, density=0.5)


@pytest.mark.parametrize("name", list(_CALLS))
@pytest.mark.parametrize("sparsity", [0.0, 0.3, 0.95])
def test_density_and_sparsity_agree(name, sparsity):
    a, b = _CALLS[name](sparsity=sparsity), _CALLS[name](density=1 - sparsity)
    if isinstance(a, dict):
        for key in a:
            assert torch.allclose(a[key], b[key], rtol=1e-12, atol=1e-15), key
    else:
        assert torch.allclose(a, b, rtol=1e-12, atol=1e-15)


# ----------------------------------------------------------------------------- the package
def test_theory_stands_alone():
    """The theory package imports only the library's _validate, _types and _loss (and torch, math)."""
    package = Path(theory.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                assert node.module in ("_validate", "_types", "_loss"), (path.name, node.module)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module == "__future__", (path.name, node.module)
            elif isinstance(node, ast.Import):
                assert all(a.name in ("math", "torch") for a in node.names), (path.name, [a.name for a in node.names])


def test_reexports():
    for name in theory.__all__:
        assert hasattr(theory, name), name
    for name in ("optimal_linear_loss", "k_active_probabilities", "polytope_vertices", "linear_loss_split"):
        assert getattr(tm, name) is getattr(theory, name)


def test_k_active_probabilities_for_many_features():
    p = theory.k_active_probabilities(2000, sparsity=0.9)
    assert p.shape == (2001,) and torch.isfinite(p).all()
    assert abs(float(p.sum()) - 1) < 1e-9
    assert int(p.argmax()) == 200  # the mode of Binomial(2000, 0.1)
    dense = theory.k_active_probabilities(3, density=1.0)
    assert dense.tolist() == [0.0, 0.0, 0.0, 1.0]
