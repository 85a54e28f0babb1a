"""Each chapter-2 check passes the right answer and fails on plausible wrong ones."""

import pytest
import torch

from toymodels_lib import checks


def orth_right(m, seed):
    g = torch.Generator().manual_seed(seed)
    Q, R = torch.linalg.qr(torch.randn(m, m, generator=g, dtype=torch.float64))
    return Q * torch.sign(torch.diagonal(R))


def test_random_orthogonal():
    checks.check_random_orthogonal(orth_right)
    with pytest.raises(AssertionError, match="QR decomposition"):
        checks.check_random_orthogonal(lambda m, seed: torch.randn(m, m, generator=torch.Generator().manual_seed(seed)))
    with pytest.raises(AssertionError, match="identity"):
        checks.check_random_orthogonal(lambda m, seed: torch.eye(m))
    with pytest.raises(AssertionError, match="same seed"):
        checks.check_random_orthogonal(lambda m, seed: torch.linalg.qr(torch.randn(m, m))[0])
    with pytest.raises(AssertionError, match="gave the same matrix"):
        checks.check_random_orthogonal(lambda m, seed: orth_right(m, 0))
    with pytest.raises(AssertionError, match="expected shape"):
        checks.check_random_orthogonal(lambda m, seed: orth_right(m + 1, seed))


def test_rotate_hidden():
    checks.check_rotate_hidden(lambda W, R: R @ W)
    with pytest.raises(AssertionError, match="inverse rotation"):
        checks.check_rotate_hidden(lambda W, R: R.T @ W)
    with pytest.raises(AssertionError, match="unchanged"):
        checks.check_rotate_hidden(lambda W, R: W.clone())
    with pytest.raises(AssertionError):
        checks.check_rotate_hidden(lambda W, R: W @ R if W.shape[0] == W.shape[1] else R @ W)


def test_hidden_relu_forward():
    checks.check_hidden_relu_forward(lambda W, b, x: torch.relu(torch.relu(x @ W.T) @ W + b))
    with pytest.raises(AssertionError, match="without the hidden ReLU"):
        checks.check_hidden_relu_forward(lambda W, b, x: torch.relu(x @ W.T @ W + b))
    with pytest.raises(AssertionError, match="without the output ReLU"):
        checks.check_hidden_relu_forward(lambda W, b, x: torch.relu(x @ W.T) @ W + b)
    with pytest.raises(AssertionError, match="without the bias"):
        checks.check_hidden_relu_forward(lambda W, b, x: torch.relu(torch.relu(x @ W.T) @ W))


def test_neuron_top_feature_fraction():
    def right(W):
        sq = W**2
        return sq.max(dim=1).values / sq.sum(dim=1)

    checks.check_neuron_top_feature_fraction(right)
    with pytest.raises(AssertionError, match="absolute values"):
        checks.check_neuron_top_feature_fraction(lambda W: W.abs().max(1).values / W.abs().sum(1))
    with pytest.raises(AssertionError, match="signed weight"):
        checks.check_neuron_top_feature_fraction(lambda W: W.max(1).values ** 2 / (W**2).sum(1))
    with pytest.raises(AssertionError, match="expected shape"):
        checks.check_neuron_top_feature_fraction(lambda W: (W**2).max(0).values / (W**2).sum(0))


def test_alignment_prediction(capsys):
    checks.check_alignment_prediction(lambda: "lower")
    checks.check_alignment_prediction(lambda: "Lower ")
    assert "pass" in capsys.readouterr().out
    for wrong, message in [("higher", "largest of m"), ("same", "largest of m"), ("less", "'higher', 'lower'")]:
        with pytest.raises(AssertionError, match=message):
            checks.check_alignment_prediction(lambda w=wrong: w)
    with pytest.raises(AssertionError, match="expected a str"):
        checks.check_alignment_prediction(lambda: 0.1)
