"""toymodels_lib.theory.phase: closed forms of the 2-in-1 and 3-in-2 phase problems."""

import math

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import theory


def _mc_loss(W, b, importance, density, n_samples=200_000, seed=0):
    """Monte-Carlo loss of ReLU-output models with the given weights (the library's evaluator)."""
    model = tm.ReLUOutputModel.from_weights(W, b)
    return tm.evaluate_loss(model, sparsity=1 - density, importance=importance, n_samples=n_samples, seed=seed)


@pytest.mark.parametrize("r,p", [(0.3, 0.2), (1.0, 0.5), (4.0, 0.05), (0.7, 1.0)])
def test_two_in_one_closed_forms_match_monte_carlo(r, p):
    c = theory.two_in_one_candidate_losses(r, density=p)
    W = torch.tensor([[[1.0, 0.0]], [[0.0, 1.0]], [[1.0, -1.0]]])
    b = torch.tensor([[0.0, p / 2], [p / 2, 0.0], [0.0, 0.0]])
    mc = _mc_loss(W, b, torch.tensor([1.0, r]), p)
    for k, name in enumerate(["ignore", "dedicate", "antipodal"]):
        assert float(mc[k]) == pytest.approx(float(c[name]), rel=0.03, abs=2e-4), name


@pytest.mark.parametrize("r,p", [(0.3, 0.2), (2.0, 0.1)])
def test_three_in_two_closed_forms_match_monte_carlo(r, p):
    c = theory.three_in_two_candidate_losses(r, density=p)
    W = torch.tensor(
        [
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],  # W ⟂ [0,0,1]
            [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],  # W ⟂ [1,0,0]
            [[1.0, 0.0, 0.0], [0.0, 1.0, -1.0]],  # W ⟂ [0,1,1]
            [[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]],  # W ⟂ [1,1,0]
        ]
    )
    b = torch.tensor([[0, 0, p / 2], [p / 2, 0, 0], [0, 0, 0], [0, 0, 0]], dtype=torch.float32)
    mc = _mc_loss(W, b, torch.tensor([1.0, 1.0, r]), p)
    for k, name in enumerate(theory.THREE_IN_TWO_CANDIDATES):
        # the candidate really has this null space
        null = torch.tensor(theory.THREE_IN_TWO_CANDIDATES[name][0])
        assert torch.allclose(W[k] @ null, torch.zeros(2))
        assert float(mc[k]) == pytest.approx(float(c[name]), rel=0.03, abs=2e-4), name


def test_quadrature_loss_matches_closed_forms_and_monte_carlo():
    r, p = 0.5, 0.3
    c = theory.two_in_one_candidate_losses(r, density=p)
    W = torch.tensor([[[1.0, 0.0]], [[0.0, 1.0]], [[1.0, -1.0]], [[0.8, -0.6]]], dtype=torch.float64)
    b = torch.tensor([[0.0, p / 2], [p / 2, 0.0], [0.0, 0.0], [0.02, 0.1]], dtype=torch.float64)
    q = theory.two_in_one_expected_loss(W, b, r, density=p)
    assert q[:3].tolist() == pytest.approx([float(c[k]) for k in ("ignore", "dedicate", "antipodal")], rel=2e-3)
    mc = _mc_loss(W.float(), b.float(), torch.tensor([1.0, r]), p)
    assert float(q[3]) == pytest.approx(float(mc[3]), rel=0.03)


def test_boundaries_are_where_the_losses_cross():
    for r in [0.1, 0.25, 0.6, 0.99]:
        p = float(theory.two_in_one_boundary(r))
        c = theory.two_in_one_candidate_losses(r, density=p)
        assert float(c["antipodal"]) == pytest.approx(float(c["ignore"]), rel=1e-9)
    for r in [1.01, 2.0, 7.0]:
        p = float(theory.two_in_one_boundary(r))
        c = theory.two_in_one_candidate_losses(r, density=p)
        assert float(c["antipodal"]) == pytest.approx(float(c["dedicate"]), rel=1e-9)
        p3 = float(theory.three_in_two_boundary(r))
        c3 = theory.three_in_two_candidate_losses(r, density=p3)
        assert float(c3["W ⟂ [1,1,0]"]) == pytest.approx(float(c3["W ⟂ [1,0,0]"]), rel=1e-9)
    # triple point
    assert float(theory.two_in_one_boundary(1.0)) == pytest.approx(4 / 7)
    assert float(theory.three_in_two_boundary(0.3)) == pytest.approx(float(theory.two_in_one_boundary(0.3)))


def test_phases_and_symmetry():
    r = torch.logspace(-1, 1, 20, dtype=torch.float64)  # avoids r = 1, where ignore and dedicate tie
    p = torch.logspace(0, -2, 15, dtype=torch.float64)
    ph = theory.two_in_one_phase(r[None, :], density=p[:, None])
    # r <-> 1/r swaps "not learned" and "dedicated" and keeps superposition
    flipped = ph.flip(1)
    assert torch.equal(ph == 1, flipped == 1)
    assert torch.equal(ph == 0, flipped == 2)
    assert (ph[0] != 1).all()  # dense: no superposition
    assert (ph[-1] == 1).all()  # p = 0.01: antipodal everywhere on 0.1..10
    ph3 = theory.three_in_two_phase(r[None, :], density=p[:, None])
    assert (ph3[:, r > 1] == 2).all()  # an important extra feature always gets a dimension
    assert (ph3[:, r < 1] == ph[:, r < 1]).all()


def test_optimised_antipodal_is_lower_and_moves_the_boundary():
    ps = torch.tensor([0.26, 0.28, 0.29, 0.30, 0.31])
    o = theory.two_in_one_optimised_losses(0.2, density=ps, n_grid=64)
    closed = theory.two_in_one_candidate_losses(0.2, density=ps)
    assert (o["antipodal"] <= closed["antipodal"] + 1e-12).all()
    # the closed-form boundary is 0.8/3 = 0.267; the optimised one lies near 0.297
    assert float(theory.two_in_one_boundary(0.2)) == pytest.approx(0.8 / 3)
    wins = (o["antipodal"] < o["ignore"]).tolist()
    assert wins == [True, True, True, False, False]
    params = o["antipodal_params"][0]
    assert 0 < abs(float(params[1])) < 1 and float(params[3]) > 0  # shrunk weight, positive bias


def test_bad_input():
    with pytest.raises(ValueError, match="relative_importance"):
        theory.two_in_one_candidate_losses(-1.0, density=0.5)
    with pytest.raises(ValueError, match="density"):
        theory.three_in_two_candidate_losses(1.0, density=0.0)
    with pytest.raises(ValueError, match="density"):
        theory.two_in_one_phase(1.0, density=1.5)
    with pytest.raises(TypeError, match="relative_importance"):
        theory.two_in_one_boundary("big")
    with pytest.raises(ValueError, match="broadcast"):
        theory.two_in_one_candidate_losses([1.0, 2.0], density=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="W must be"):
        theory.two_in_one_expected_loss(torch.zeros(3), torch.zeros(2), 1.0, density=0.5)
    with pytest.raises(ValueError, match="n_grid"):
        theory.two_in_one_expected_loss(torch.zeros(2), torch.zeros(2), 1.0, density=0.5, n_grid=2)
    with pytest.raises(TypeError, match="steps"):
        theory.two_in_one_optimised_losses(1.0, density=0.5, steps=1.5)
    assert math.isfinite(float(theory.two_in_one_candidate_losses(np.float64(2.0), density=1.0)["dedicate"]))


def test_bad_sparsity_message_names_the_keyword():
    with pytest.raises(ValueError, match=r"sparsity must be in \[0, 1\), got 1"):
        theory.two_in_one_candidate_losses(0.5, sparsity=1.0)
    with pytest.raises(ValueError, match=r"relative_importance \(shape \(2,\)\) and sparsity \(shape \(3,\)\) must broadcast"):
        theory.three_in_two_phase([1.0, 2.0], sparsity=[0.1, 0.2, 0.3])


# ----------------------------------------------------------------------------- keyword convention
_W = torch.tensor([[[1.0, 0.0]], [[0.8, -0.6]]], dtype=torch.float64)
_B = torch.tensor([[0.0, 0.1], [0.02, 0.1]], dtype=torch.float64)
_CALLS = {
    "two_in_one_candidate_losses": lambda **kw: theory.two_in_one_candidate_losses(0.5, **kw),
    "three_in_two_candidate_losses": lambda **kw: theory.three_in_two_candidate_losses(0.5, **kw),
    "two_in_one_phase": lambda **kw: theory.two_in_one_phase(0.5, **kw),
    "three_in_two_phase": lambda **kw: theory.three_in_two_phase(2.0, **kw),
    "two_in_one_expected_loss": lambda **kw: theory.two_in_one_expected_loss(_W, _B, 0.5, n_grid=32, **kw),
    "two_in_one_optimised_losses": lambda **kw: theory.two_in_one_optimised_losses(0.5, steps=5, n_grid=16, **kw),
}


def test_positional_probability_is_rejected():
    for call in (
        lambda: theory.two_in_one_candidate_losses(0.5, 0.2),
        lambda: theory.three_in_two_candidate_losses(0.5, 0.2),
        lambda: theory.two_in_one_phase(0.5, 0.2),
        lambda: theory.three_in_two_phase(0.5, 0.2),
        lambda: theory.two_in_one_expected_loss(_W, _B, 0.5, 0.2),
        lambda: theory.two_in_one_optimised_losses(0.5, 0.2),
    ):
        with pytest.raises(TypeError, match="positional"):
            call()


@pytest.mark.parametrize("name", list(_CALLS))
def test_exactly_one_keyword(name, exactly_one_keyword):
    exactly_one_keyword(_CALLS[name])


@pytest.mark.parametrize("name", list(_CALLS))
def test_density_and_sparsity_agree(name):
    s = torch.tensor([0.0, 0.3, 0.8, 0.95], dtype=torch.float64)
    a, b = _CALLS[name](sparsity=s[:, None]), _CALLS[name](density=1 - s[:, None])
    if not isinstance(a, dict):
        a, b = {"": a}, {"": b}
    for key in a:
        assert a[key].shape == b[key].shape, key
        assert torch.allclose(a[key].double(), b[key].double(), rtol=1e-9, atol=1e-12), key
