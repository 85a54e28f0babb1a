"""The chapter-7 exercise checks pass the right answers and fail plausible wrong ones."""

import numpy as np
import pytest
import torch

from toymodels_lib import checks, dynamics


# --- counting jumps ----------------------------------------------------------------------
def jumps_right(steps, dims, min_change):
    return len(dynamics.dimensionality_jumps(steps, dims, min_change=min_change))


def jumps_every_step(steps, dims, min_change):
    s = np.maximum(np.asarray(steps, dtype=float), 1.0)
    d = np.asarray(dims, dtype=float)
    ends = np.minimum(2 * s, s[-1])
    total = 0
    for i in range(d.shape[1]):
        later = np.interp(np.log(ends), np.log(s), d[:, i])
        total += int(np.sum((np.abs(later - d[:, i]) >= min_change) & (ends > s)))
    return total


def jumps_whole_run(steps, dims, min_change):
    d = np.asarray(dims, dtype=float)
    return int(np.sum(np.abs(d[-1] - d[0]) >= min_change))


def test_count_jumps():
    checks.check_count_jumps(jumps_right)
    with pytest.raises(AssertionError, match="consecutive steps"):
        checks.check_count_jumps(jumps_every_step)
    with pytest.raises(AssertionError, match="expected"):
        checks.check_count_jumps(jumps_whole_run)
    with pytest.raises(AssertionError, match="expected a int"):
        checks.check_count_jumps(lambda s, d, t: 1.0)


# --- plateau prediction ------------------------------------------------------------------
def _collapsed():
    a, b = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])
    return torch.stack([a, a, a, b, b, b], dim=1) * 0.6


def test_plateau_directions():
    checks.check_plateau_directions(lambda: 2, _collapsed())
    with pytest.raises(AssertionError, match="Six is where training ends"):
        checks.check_plateau_directions(lambda: 6, _collapsed())
    with pytest.raises(AssertionError, match="one direction per hidden dimension"):
        checks.check_plateau_directions(lambda: 3, _collapsed())
    with pytest.raises(AssertionError, match="shape"):
        checks.check_plateau_directions(lambda: 2, torch.zeros(2, 6))


# --- principal directions ----------------------------------------------------------------
def pca_right(x, k):
    return dynamics.principal_directions(x, k)


def pca_uncentred(x, k):
    return torch.linalg.eigh(x.T @ x)[1][:, -k:].flip(-1).T


def pca_smallest(x, k):
    c = x - x.mean(0)
    return torch.linalg.eigh(c.T @ c)[1][:, :k].T


def pca_columns(x, k):
    c = x - x.mean(0)
    return torch.linalg.eigh(c.T @ c)[1][:, -k:]


def test_principal_directions():
    checks.check_principal_directions(pca_right)
    checks.check_principal_directions(lambda x, k: -pca_right(x, k))  # signs do not matter
    with pytest.raises(AssertionError, match="subtract the mean"):
        checks.check_principal_directions(pca_uncentred)
    with pytest.raises(AssertionError, match="smallest eigenvalues"):
        checks.check_principal_directions(pca_smallest)
    with pytest.raises(AssertionError, match="shape"):
        checks.check_principal_directions(pca_columns)
