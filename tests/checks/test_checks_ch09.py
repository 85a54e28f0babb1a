"""The chapter-9 exercise checks pass the right answers and fail plausible wrong ones."""

import pytest
import torch

from toymodels_lib import checks, metrics
from toymodels_lib.checks import ch09


# --- predict, then run: monosemantic neurons in the shipped best models ------------------
def _truth():
    models = ch09._best_shipped()
    return [int(metrics.n_monosemantic(models[p])) for p in ch09.PREDICTION_DENSITIES]


def test_monosemantic_predictions():
    right = _truth()
    checks.check_monosemantic_predictions(lambda: right)
    with pytest.raises(AssertionError, match="1 − S = 0.01"):
        checks.check_monosemantic_predictions(lambda: [right[0], 5])  # "dense and sparse alike"
    with pytest.raises(AssertionError, match="1 − S = 0.75"):
        checks.check_monosemantic_predictions(lambda: [right[0] - 1, right[1]])
    with pytest.raises(AssertionError, match="whole numbers"):
        checks.check_monosemantic_predictions(lambda: [4.5, 0])
    with pytest.raises(AssertionError, match="one per density"):
        checks.check_monosemantic_predictions(lambda: [5])


# --- neuron fractions ---------------------------------------------------------------------
def fractions_right(W):
    sq = W**2
    total = sq.sum(1)
    return torch.where(total > 0, sq.max(1).values / total.clamp_min(1e-30), torch.zeros_like(total))


def fractions_abs(W):
    a = W.abs()
    return torch.where(a.sum(1) > 0, a.max(1).values / a.sum(1).clamp_min(1e-30), torch.zeros(W.shape[0], dtype=W.dtype))


def fractions_per_feature(W):
    return fractions_right(W.T)


def fractions_signed_max(W):
    sq = W**2
    return torch.where(sq.sum(1) > 0, W.max(1).values.clamp_min(0) ** 2 / sq.sum(1).clamp_min(1e-30), torch.zeros(W.shape[0], dtype=W.dtype))


def fractions_nan_on_dead(W):
    sq = W**2
    return sq.max(1).values / sq.sum(1)


def test_neuron_fractions():
    checks.check_neuron_fractions(fractions_right)
    with pytest.raises(AssertionError, match="square them first"):
        checks.check_neuron_fractions(fractions_abs)
    with pytest.raises(AssertionError, match="per feature"):
        checks.check_neuron_fractions(fractions_per_feature)
    with pytest.raises(AssertionError, match="signed weight"):
        checks.check_neuron_fractions(fractions_signed_max)
    with pytest.raises(AssertionError, match="non-finite"):
        checks.check_neuron_fractions(fractions_nan_on_dead)


# --- switching the ReLU off -----------------------------------------------------------------
def relu_off_right(W, b):
    c = (-W).clamp_min(0).sum(1)
    return c, b - W.T @ c


def relu_off_generous(W, b):  # any larger c works too
    c = W.abs().sum(1) + 1.0
    return c, b - W.T @ c


def relu_off_no_bias(W, b):
    return torch.zeros(W.shape[0], dtype=W.dtype), b


def relu_off_uncompensated(W, b):
    return (-W).clamp_min(0).sum(1), b


def relu_off_positive_part(W, b):
    c = W.clamp_min(0).sum(1)
    return c, b - W.T @ c


def relu_off_wrong_sign(W, b):
    c = (-W).clamp_min(0).sum(1)
    return c, b + W.T @ c


def test_relu_switched_off():
    checks.check_relu_switched_off(relu_off_right)
    checks.check_relu_switched_off(relu_off_generous)
    with pytest.raises(AssertionError, match="negative"):
        checks.check_relu_switched_off(relu_off_no_bias)
    with pytest.raises(AssertionError, match="take it back"):
        checks.check_relu_switched_off(relu_off_uncompensated)
    with pytest.raises(AssertionError, match="negative"):
        checks.check_relu_switched_off(relu_off_positive_part)
    with pytest.raises(AssertionError, match="take it back"):
        checks.check_relu_switched_off(relu_off_wrong_sign)
    with pytest.raises(AssertionError, match="pair"):
        checks.check_relu_switched_off(lambda W, b: (W.sum(1), b, b))
    with pytest.raises(AssertionError, match="tuple"):
        checks.check_relu_switched_off(lambda W, b: W.sum(1))
