"""The chapter-6 exercise checks pass the right answers and fail plausible wrong ones."""

import pytest
import torch

from toymodels_lib import checks


# ----------------------------------------------------------------- D*
def dstar_right(W):
    return W.shape[0] / (W**2).sum()


def dstar_features(W):
    return W.shape[1] / (W**2).sum()


def dstar_inverted(W):
    return (W**2).sum() / W.shape[0]


def test_dimensions_per_feature():
    checks.check_dimensions_per_feature(dstar_right)
    with pytest.raises(AssertionError, match="number of hidden dimensions m"):
        checks.check_dimensions_per_feature(dstar_features)
    with pytest.raises(AssertionError, match="inverse"):
        checks.check_dimensions_per_feature(dstar_inverted)


# ----------------------------------------------------------------- D_i
def di_right(W):
    norms = W.norm(dim=0)
    unit = W / norms
    return norms**2 / ((unit.T @ W) ** 2).sum(dim=1)


def di_cosines(W):
    unit = W / W.norm(dim=0)
    return 1 / ((unit.T @ unit) ** 2).sum(dim=1)


def di_no_square(W):
    norms = W.norm(dim=0)
    unit = W / norms
    return norms / ((unit.T @ W) ** 2).sum(dim=1)


def di_wrong_axis(W):
    norms = W.norm(dim=0)
    unit = W / norms
    return norms**2 / ((unit.T @ W) ** 2).sum(dim=0)


def test_feature_dimensionality():
    checks.check_feature_dimensionality(di_right)
    for wrong, hint in [(di_cosines, "normalise only W_i"), (di_no_square, "squared norm"), (di_wrong_axis, "sum over i instead of j")]:
        with pytest.raises(AssertionError, match=hint):
            checks.check_feature_dimensionality(wrong)
    with pytest.raises(AssertionError, match="expected shape"):
        checks.check_feature_dimensionality(lambda W: di_right(W)[None])


# ----------------------------------------------------------------- pair sampler
def pair_right(batch_size, density, relation):
    values = torch.rand(batch_size, 2)
    u = torch.rand(batch_size, 1)
    if relation == "correlated":
        active = (u < density).expand(batch_size, 2)
    else:
        active = torch.cat([u < density, (u >= density) & (u < 2 * density)], dim=1)
    return values * active


def pair_independent(batch_size, density, relation):
    return torch.rand(batch_size, 2) * (torch.rand(batch_size, 2) < density)


def pair_half_density(batch_size, density, relation):
    if relation == "correlated":
        return pair_right(batch_size, density, relation)
    u = torch.rand(batch_size, 1)
    first = torch.rand(batch_size, 1) < 0.5
    fire = u < density
    return torch.rand(batch_size, 2) * torch.cat([fire & first, fire & ~first], dim=1)


def pair_copied_values(batch_size, density, relation):
    x = pair_right(batch_size, density, relation)
    if relation == "correlated":
        x[:, 1] = x[:, 0]
    return x


def test_feature_pair_batch():
    checks.check_feature_pair_batch(pair_right)
    with pytest.raises(AssertionError, match="shared random decision"):
        checks.check_feature_pair_batch(pair_independent)
    with pytest.raises(AssertionError, match="probability 2p"):
        checks.check_feature_pair_batch(pair_half_density)
    with pytest.raises(AssertionError, match="independently"):
        checks.check_feature_pair_batch(pair_copied_values)
    with pytest.raises(AssertionError, match="expected shape"):
        checks.check_feature_pair_batch(lambda b, p, r: pair_right(b, p, r).T)


def test_checks_are_collected():
    for name in ("check_dimensions_per_feature", "check_feature_dimensionality", "check_feature_pair_batch",
                 "check_four_in_three_winner"):
        assert name in checks.__all__


# ----------------------------------------------------------------- four features in three dimensions
def _saved(name, dims, sparsity):
    from toymodels_lib import theory

    return dims * float(theory.polytope_benefit(name, sparsity=sparsity)["benefit"])


def winner_right(s):
    totals = {"tetrahedron": _saved("tetrahedron", 3, s), "triangle + dedicated": _saved("triangle", 2, s) + 1,
              "digon + 2 dedicated": _saved("digon", 1, s) + 2}
    return max(totals, key=totals.get)


def winner_per_dimension(s):
    # compares the shapes' per-dimension benefits, ignoring what the dedicated dimensions save
    per_dim = {"tetrahedron": _saved("tetrahedron", 1, s), "triangle + dedicated": _saved("triangle", 1, s),
               "digon + 2 dedicated": _saved("digon", 1, s)}
    return max(per_dim, key=per_dim.get)


def test_four_in_three_winner():
    checks.check_four_in_three_winner(winner_right)
    with pytest.raises(AssertionError, match="benefits per dimension"):
        checks.check_four_in_three_winner(winner_per_dimension)
    with pytest.raises(AssertionError, match="expected 'digon \\+ 2 dedicated'"):
        checks.check_four_in_three_winner(lambda s: "tetrahedron")
    with pytest.raises(AssertionError, match="return one of"):
        checks.check_four_in_three_winner(lambda s: "cube")
    with pytest.raises(AssertionError, match="expected a str, got int"):
        checks.check_four_in_three_winner(lambda s: 3)
    with pytest.raises(AssertionError, match="raised ZeroDivisionError"):
        checks.check_four_in_three_winner(lambda s: 1 / 0)
    with pytest.raises(NotImplementedError):
        checks.check_four_in_three_winner(lambda s: (_ for _ in ()).throw(NotImplementedError()))
    with pytest.raises(TypeError, match="function itself"):
        checks.check_four_in_three_winner("tetrahedron")


# ----------------------------------------------------------------- predict, then run (plateau)
def _plateau_run(m, density=1 / 3, n=None):
    """A stand-in for a trained model on the plateau: m antipodal pairs among n = 10 m features."""
    from types import SimpleNamespace

    n = 10 * m if n is None else n
    W = torch.zeros(1, m, n)
    for k in range(m):
        W[0, k, 2 * k], W[0, k, 2 * k + 1] = 1.0, -1.0
    return SimpleNamespace(W=W, n_hidden=m, n_features=n, sparsity=torch.full((1, n), 1 - density))


def test_plateau_prediction():
    runs = {3: _plateau_run(3), 4: _plateau_run(4)}
    checks.check_plateau_prediction(lambda m: 2 * m, runs)
    for wrong, hint in [(lambda m: m, "dense picture"), (lambda m: 10 * m, "add up to m"),
                        (lambda m: m // 2 if m % 2 == 0 else 99, "predicted")]:
        with pytest.raises(AssertionError, match=hint):
            checks.check_plateau_prediction(wrong, runs)
    with pytest.raises(AssertionError, match="expected a int"):
        checks.check_plateau_prediction(lambda m: 2.0 * m, runs)
    with pytest.raises(AssertionError, match="density 1/3"):
        checks.check_plateau_prediction(lambda m: 2 * m, {3: _plateau_run(3, density=0.5)})
    with pytest.raises(AssertionError, match="n = 30 features"):
        checks.check_plateau_prediction(lambda m: 2 * m, {3: _plateau_run(3, n=20)})
    with pytest.raises(TypeError, match="runs"):
        checks.check_plateau_prediction(lambda m: 2 * m, [])
