"""The chapter-8 exercise checks pass the right answers and fail plausible wrong ones."""

import pytest
import torch

from toymodels_lib import checks


def loss_right(W, b, x, delta):
    return ((x - torch.relu((x + delta) @ W.T @ W + b)) ** 2).sum(-1).mean()


def loss_perturbed_target(W, b, x, delta):
    return ((x + delta - torch.relu((x + delta) @ W.T @ W + b)) ** 2).sum(-1).mean()


def loss_no_relu(W, b, x, delta):
    return ((x - ((x + delta) @ W.T @ W + b)) ** 2).sum(-1).mean()


def loss_mean_features(W, b, x, delta):
    return ((x - torch.relu((x + delta) @ W.T @ W + b)) ** 2).mean()


def test_attacked_loss():
    checks.check_attacked_loss(loss_right)
    with pytest.raises(AssertionError, match="clean x"):
        checks.check_attacked_loss(loss_perturbed_target)
    with pytest.raises(AssertionError, match="without the ReLU"):
        checks.check_attacked_loss(loss_no_relu)
    with pytest.raises(AssertionError, match="mean over features"):
        checks.check_attacked_loss(loss_mean_features)


def direction_right(W, i):
    row = (W.T @ W)[i]
    return row / row.norm()


def test_attack_direction():
    checks.check_attack_direction(direction_right)
    with pytest.raises(AssertionError, match="without dividing"):
        checks.check_attack_direction(lambda W, i: (W.T @ W)[i])
    with pytest.raises(AssertionError, match="hidden space"):
        checks.check_attack_direction(lambda W, i: W[:, i] / W[:, i].norm())
    with pytest.raises(AssertionError, match="differ"):
        checks.check_attack_direction(lambda W, i: -direction_right(W, i))


def test_baseline_rise():
    checks.check_baseline_rise(lambda norm: norm**2)
    with pytest.raises(AssertionError, match="squared error"):
        checks.check_baseline_rise(lambda norm: norm)
    with pytest.raises(AssertionError, match="not only when it is active"):
        checks.check_baseline_rise(lambda norm: 0.1 * norm**2)
    with pytest.raises(AssertionError, match="expected a number"):
        checks.check_baseline_rise(lambda norm: "lambda squared")
