"""The chapter-10 exercise checks pass the right answers and fail plausible wrong ones."""

import pytest
import torch

from toymodels_lib import checks


# --- absolute value by hand ----------------------------------------------------------------
def abs_right(n):
    W = torch.cat([torch.eye(n), -torch.eye(n)])
    return W, W.abs()


def abs_positive_only(n):
    W = torch.cat([torch.eye(n), torch.eye(n)])  # both neurons pass ReLU(x)
    return W, W / 2


def abs_negative_readout(n):
    W = torch.cat([torch.eye(n), -torch.eye(n)])
    return W, W  # reads the ReLU(-x) neuron with -1


def abs_transposed(n):
    W, W_out = abs_right(n)
    return W.T, W_out.T


def abs_half_scale(n):
    W, W_out = abs_right(n)
    return W, W_out / 2


def test_abs_weights():
    checks.check_abs_weights(abs_right)
    with pytest.raises(AssertionError, match=r"ReLU\(x\), not \|x\|"):
        checks.check_abs_weights(abs_positive_only)
    with pytest.raises(AssertionError, match="ReLU"):
        checks.check_abs_weights(abs_negative_readout)
    with pytest.raises(AssertionError, match="rows are neurons"):
        checks.check_abs_weights(abs_transposed)
    with pytest.raises(AssertionError, match="values differ"):
        checks.check_abs_weights(abs_half_scale)
    with pytest.raises(AssertionError, match="pair"):
        checks.check_abs_weights(lambda n: (abs_right(n)[0],))


# --- the inhibitor's weight ----------------------------------------------------------------
def test_inhibitor_weight():
    checks.check_inhibitor_weight(lambda r: -r * r)
    with pytest.raises(AssertionError, match="two weights"):
        checks.check_inhibitor_weight(lambda r: -r)
    with pytest.raises(AssertionError, match="negative"):
        checks.check_inhibitor_weight(lambda r: r * r)
    with pytest.raises(AssertionError, match="large weight"):
        checks.check_inhibitor_weight(lambda r: -1 / (r * r))
    with pytest.raises(AssertionError, match="expected -9, got -4"):
        checks.check_inhibitor_weight(lambda r: -4.0)  # right only for r = 2
    with pytest.raises(AssertionError, match="number"):
        checks.check_inhibitor_weight(lambda r: "minus r squared")


# --- predict, then run: the order of the motif losses --------------------------------------
def test_motif_order():
    checks.check_motif_order(lambda: ["asymmetric+inhibitor", "symmetric", "asymmetric"])
    with pytest.raises(AssertionError, match="not the order"):
        checks.check_motif_order(lambda: ["symmetric", "asymmetric+inhibitor", "asymmetric"])
    with pytest.raises(AssertionError, match="not the order"):
        checks.check_motif_order(lambda: ["asymmetric+inhibitor", "asymmetric", "symmetric"])
    with pytest.raises(AssertionError, match="each of"):
        checks.check_motif_order(lambda: ["asymmetric+inhibitor", "symmetric"])
    with pytest.raises(AssertionError, match="expected a list"):
        checks.check_motif_order(lambda: ("asymmetric+inhibitor", "symmetric", "asymmetric"))
