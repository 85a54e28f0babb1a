"""The chapter-4 exercise checks pass the right answers and fail plausible wrong ones."""

import math

import pytest
import torch

from toymodels_lib import checks


# --- k active probabilities -------------------------------------------------------------
def k_active_right(n_features, sparsity):
    p = 1 - sparsity
    return torch.tensor([math.comb(n_features, k) * p**k * (1 - p) ** (n_features - k) for k in range(n_features + 1)])


def k_active_sparsity_as_density(n_features, sparsity):
    p = sparsity
    return torch.tensor([math.comb(n_features, k) * p**k * (1 - p) ** (n_features - k) for k in range(n_features + 1)])


def k_active_no_coefficient(n_features, sparsity):
    p = 1 - sparsity
    return torch.tensor([p**k * (1 - p) ** (n_features - k) for k in range(n_features + 1)])


def k_active_missing_zero(n_features, sparsity):
    return k_active_right(n_features, sparsity)[1:]


def test_k_active_probabilities():
    checks.check_k_active_probabilities(k_active_right)
    with pytest.raises(AssertionError, match="1 − S"):
        checks.check_k_active_probabilities(k_active_sparsity_as_density)
    with pytest.raises(AssertionError, match="coefficient"):
        checks.check_k_active_probabilities(k_active_no_coefficient)
    with pytest.raises(AssertionError, match="including k = 0"):
        checks.check_k_active_probabilities(k_active_missing_zero)


# --- feature benefit and interference ---------------------------------------------------
def split_right(W, importance):
    gram = W.T @ W
    norms2 = torch.diagonal(gram)
    benefit = (importance * (1 - norms2) ** 2).sum()
    off = gram - torch.diag(norms2)
    interference = (importance[:, None] * off**2).sum()
    return torch.stack([benefit, interference])


def split_norm_not_squared(W, importance):
    out = split_right(W, importance)
    out[0] = (importance * (1 - W.norm(dim=0)) ** 2).sum()
    return out


def split_with_diagonal(W, importance):
    out = split_right(W, importance)
    out[1] = (importance[:, None] * (W.T @ W) ** 2).sum()
    return out


def split_no_importance(W, importance):
    return split_right(W, torch.ones_like(importance))


def split_transposed(W, importance):
    return split_right(W.T, importance)


def test_feature_benefit_interference():
    checks.check_feature_benefit_interference(split_right)
    for wrong, hint in [
        (split_norm_not_squared, "instead of"),
        (split_with_diagonal, "includes j = i"),
        (split_no_importance, "without the importance"),
        (split_transposed, "raised|shape|differ"),
    ]:
        with pytest.raises(AssertionError, match=hint):
            checks.check_feature_benefit_interference(wrong)


# --- 1-sparse loss ----------------------------------------------------------------------
def one_sparse_right(W, b, importance, values):
    n = W.shape[1]
    gram = W.T @ W
    total = 0.0
    for i in range(n):
        for x in values:
            target = torch.zeros(n)
            target[i] = x
            out = torch.relu(x * gram[i] + b)
            total = total + (importance * (target - out) ** 2).sum()
    return total / (n * len(values))


def one_sparse_linear(W, b, importance, values):
    n = W.shape[1]
    x = values[:, None, None] * torch.eye(n)[None]
    out = x @ W.T @ W + b
    return ((x - out) ** 2 * importance).sum(-1).mean()


def one_sparse_no_bias(W, b, importance, values):
    return one_sparse_right(W, torch.zeros_like(b), importance, values)


def one_sparse_summed(W, b, importance, values):
    return W.shape[1] * one_sparse_right(W, b, importance, values)


def test_one_sparse_loss():
    checks.check_one_sparse_loss(one_sparse_right)
    for wrong, hint in [
        (one_sparse_linear, "no ReLU"),
        (one_sparse_no_bias, "without the bias"),
        (one_sparse_summed, "sum over the active feature"),
    ]:
        with pytest.raises(AssertionError, match=hint):
            checks.check_one_sparse_loss(wrong)


# --- angular gaps -----------------------------------------------------------------------
def gaps_right(W):
    angles = torch.rad2deg(torch.atan2(W[1], W[0]))
    a = torch.sort(angles).values
    gaps = torch.diff(torch.cat([a, a[:1] + 360]))
    return torch.sort(gaps).values


def gaps_no_wrap(W):
    a = torch.sort(torch.rad2deg(torch.atan2(W[1], W[0]))).values
    return torch.sort(torch.diff(a)).values


def gaps_radians(W):
    return torch.deg2rad(gaps_right(W))


def gaps_unsorted_angles(W):
    # forgets to sort the angles before taking differences
    a = torch.rad2deg(torch.atan2(W[1], W[0]))
    return torch.sort(torch.diff(torch.cat([a, a[:1] + 360]))).values


def test_angular_gaps():
    checks.check_angular_gaps(gaps_right)
    with pytest.raises(AssertionError, match="wraps around"):
        checks.check_angular_gaps(gaps_no_wrap)
    with pytest.raises(AssertionError, match="radians"):
        checks.check_angular_gaps(gaps_radians)
    with pytest.raises(AssertionError, match="differ"):
        checks.check_angular_gaps(gaps_unsorted_angles)


def test_checks_reject_non_functions():
    with pytest.raises(TypeError):
        checks.check_angular_gaps(torch.zeros(2, 5))


def test_six_in_two_prediction(capsys):
    checks.check_six_in_two_prediction(lambda: (6, 6))
    assert "pass" in capsys.readouterr().out
    for wrong, message in [((5, 4), "predicted 5"), ((6, 0), "predicted 0 in antipodal"), ((6,), "pair of integers"),
                           ((7, 2), "represented <= 6"), ((6.0, 6), "pair of integers")]:
        with pytest.raises(AssertionError, match=message):
            checks.check_six_in_two_prediction(lambda w=wrong: w)
