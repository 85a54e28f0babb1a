"""Shared by the unit tests: the Agg backend, and a small model with known polytopes."""

import matplotlib
import pytest
import torch

matplotlib.use("Agg")  # no windows: figures are drawn to memory (set once for this folder)


@pytest.fixture
def block_model():
    """A triangle in dims 0-1, an antipodal pair in dim 2, one dedicated feature in dim 3, one
    unused feature: ``[4, 7]``."""
    from toymodels_lib import theory

    W = torch.zeros(4, 7)
    W[:2, :3] = theory.polytope_vertices("triangle").float()
    W[2, 3], W[2, 4] = 1.0, -1.0
    W[3, 5] = 1.0
    return W
