"""Unit tests for the chapter-9 neuron metrics: dedicated features, neuron blocks, regimes."""

import pytest
import torch

from toymodels_lib import metrics


def _model(rows):
    return torch.tensor(rows, dtype=torch.float32)


ALL_MONO = _model([[1, 0, 0, 0, 0.05], [0, -1, 0, 0, 0], [0, 0, 1, 0, 0]])
WITH_PAIR = _model([[1, 0, 0, 0, 0, 0], [0, 0.9, 0.8, -0.8, 0, 0.1], [0, 0.9, -0.8, 0.8, 0, 0.1], [0, 0, 0, 0, 1, 0]])
WITH_TRIPLE = _model([
    [1, 0, 0, 0, 0, 0, 0], [0, 0.9, 0.8, 0, 0, 0, 0], [0, 0, 0.8, 0.9, 0, 0, 0], [0, 0.6, 0, 0.7, 0, 0, 0.1],
])
ALL_POLY = _model([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]])


def test_dedicated_features():
    assert metrics.dedicated_features(ALL_MONO) == [0, 1, 2]
    assert metrics.dedicated_features(WITH_PAIR) == [0, 4]
    assert metrics.dedicated_features(ALL_POLY) == []
    # a monosemantic neuron whose weight is too small dedicates nothing
    assert metrics.dedicated_features(0.3 * ALL_MONO) == []
    assert metrics.dedicated_features(0.3 * ALL_MONO, min_weight=0.2) == [0, 1, 2]
    with pytest.raises(ValueError, match="threshold"):
        metrics.dedicated_features(ALL_MONO, threshold=1.5)
    with pytest.raises(ValueError, match="min_weight"):
        metrics.dedicated_features(ALL_MONO, min_weight=0.0)
    with pytest.raises(ValueError, match="one model"):
        metrics.dedicated_features(torch.zeros(2, 3, 5))
    with pytest.raises(ValueError, match="transpos"):
        metrics.dedicated_features(ALL_MONO.T)


def test_neuron_blocks():
    assert metrics.neuron_blocks(ALL_MONO) == [[0], [1], [2]]
    assert metrics.neuron_blocks(WITH_PAIR) == [[0], [3], [1, 2]]
    assert metrics.neuron_blocks(WITH_TRIPLE) == [[0], [1, 2, 3]]  # linked through shared features
    assert metrics.neuron_blocks(ALL_POLY) == [[0, 1, 2]]
    assert metrics.neuron_blocks(torch.zeros(2, 4)) == [[0], [1]]  # dead neurons stand alone
    with pytest.raises(ValueError, match="min_weight"):
        metrics.neuron_blocks(ALL_MONO, min_weight=-1)


def test_neuron_regime():
    assert metrics.neuron_regime(ALL_MONO) == "all monosemantic"
    assert metrics.neuron_regime(WITH_PAIR) == "dedicated beside pairs"
    assert metrics.neuron_regime(WITH_TRIPLE) == "dedicated beside polysemantic"
    assert metrics.neuron_regime(ALL_POLY) == "all polysemantic"
    # the regime does not depend on the order of the neurons or the features' signs
    perm = WITH_PAIR[[3, 1, 0, 2]] * torch.tensor([1.0, -1.0, 1.0, 1.0, 1.0, 1.0])
    assert metrics.neuron_regime(perm) == "dedicated beside pairs"
    with pytest.raises(TypeError):
        metrics.neuron_regime("W")
