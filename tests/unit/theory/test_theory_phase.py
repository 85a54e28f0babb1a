"""toymodels_lib.theory.phase: closed forms of the 2-in-1 and 3-in-2 phase problems."""

import math

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import theory


@pytest.fixture(autouse=True)
def _one_thread():
    """These tests run many tiny tensor operations; on a busy CPU, intra-op threads fighting over
    them make each one ~10x slower, so they run on one thread (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


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
    "three_in_two_expected_loss": lambda **kw: theory.three_in_two_expected_loss(
        theory.triangle_weights([0.9, 0.8, 2.0, 0.1, 0.2])[0], torch.tensor([0.1, 0.1, 0.2], dtype=torch.float64),
        0.5, n_grid=8, **kw),
    "three_in_two_optimised_losses": lambda **kw: theory.three_in_two_optimised_losses(0.5, steps=3, n_grid=4, **kw),
}


def test_positional_probability_is_rejected():
    for call in (
        lambda: theory.two_in_one_candidate_losses(0.5, 0.2),
        lambda: theory.three_in_two_candidate_losses(0.5, 0.2),
        lambda: theory.two_in_one_phase(0.5, 0.2),
        lambda: theory.three_in_two_phase(0.5, 0.2),
        lambda: theory.two_in_one_expected_loss(_W, _B, 0.5, 0.2),
        lambda: theory.two_in_one_optimised_losses(0.5, 0.2),
        lambda: theory.three_in_two_expected_loss(torch.zeros(2, 3), torch.zeros(3), 0.5, 0.2),
        lambda: theory.three_in_two_optimised_losses(0.5, 0.2),
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


# ----------------------------------------------------------------------------- integration, optimisation
def test_three_in_two_expected_loss_matches_monte_carlo_and_converges():
    W = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.9, -0.5, 0.1], [0.2, 0.7, -0.9]]], dtype=torch.float64)
    b = torch.tensor([[0.0, 0.0, 0.1], [0.05, 0.1, -0.05]], dtype=torch.float64)
    r, p = 0.7, 0.4
    q = theory.three_in_two_expected_loss(W, b, r, density=p)
    # the first model is exact for features 1, 2 and drops the extra one (bias 0.1 instead of p/2)
    assert float(q[0]) == pytest.approx(r * (p / 3 - p * 0.1 + (1 - 0) * 0.01), rel=1e-9)
    mc = _mc_loss(W.float(), b.float(), torch.tensor([1.0, 1.0, r]), p, n_samples=400_000)
    assert q.tolist() == pytest.approx(mc.tolist(), rel=0.02)
    coarse = theory.three_in_two_expected_loss(W, b, r, density=p, n_grid=16)
    fine = theory.three_in_two_expected_loss(W, b, r, density=p, n_grid=256)
    assert torch.allclose(coarse, fine, rtol=2e-3) and torch.allclose(q, fine, rtol=2e-4)
    # a 3-in-2 model made of a dropped feature 1 and a 2-in-1 pair (features 2, 3) costs the
    # 2-in-1 loss plus E[x₁²] = p/3 (feature 1 comes back as 0, its bias is 0)
    W2 = torch.tensor([[0.8, -0.6]], dtype=torch.float64)
    b2 = torch.tensor([0.02, 0.1], dtype=torch.float64)
    two = theory.two_in_one_expected_loss(W2, b2, 0.5, density=0.3)
    imp_swap = theory.three_in_two_expected_loss(
        torch.tensor([[0.0, 0.8, -0.6], [0.0, 0.0, 0.0]], dtype=torch.float64),
        torch.tensor([0.0, 0.02, 0.1], dtype=torch.float64), 0.5, density=0.3, n_grid=256,
    )
    assert float(imp_swap) == pytest.approx(float(two) + 0.3 / 3, rel=1e-5)  # midpoints: E[x²] to 1/(12·256²)


def test_triangle_weights():
    W, b = theory.triangle_weights([1.0, 1.0, 2 * math.pi / 3, 0.1, 0.2])
    assert torch.allclose(W @ torch.ones(3, dtype=torch.float64), torch.zeros(2, dtype=torch.float64), atol=1e-12)
    assert torch.allclose(W.norm(dim=0), torch.ones(3, dtype=torch.float64))
    cos = tm.cosine_similarity_matrix(W).double()
    assert torch.allclose(cos[torch.triu_indices(3, 3, 1).unbind()], torch.full((3,), -0.5, dtype=torch.float64))
    assert b.tolist() == [0.1, 0.1, 0.2]
    W, _ = theory.triangle_weights(torch.tensor([[0.8, 1.0, math.pi / 2, 0.0, 0.0]]))
    assert W.shape == (1, 2, 3) and float(tm.cosine_similarity_matrix(W[0])[0, 1]) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="params"):
        theory.triangle_weights([1.0, 1.0, 2.0])


def test_triangle_wins_at_r1_and_its_loss_is_real():
    """At r = 1 the (regular) triangle beats every other candidate, optimised or not, at p = 0.6 and 0.8."""
    o = theory.three_in_two_optimised_losses(1.0, density=[0.6, 0.8])
    tri = o[theory.THREE_IN_TWO_TRIANGLE]
    assert tri.tolist() == pytest.approx([0.0940, 0.1028], abs=5e-4)
    others = torch.stack([o[k] for k in theory.THREE_IN_TWO_CANDIDATES]).min(0).values
    closed = torch.stack(list(theory.three_in_two_candidate_losses(1.0, density=torch.tensor([0.6, 0.8])).values()))
    assert (tri < 0.99 * others).all() and (tri < 0.97 * closed.min(0).values).all()
    a, c, phi, b12, b3 = o["triangle_params"][0].tolist()
    assert a == pytest.approx(c, rel=0.01) and phi == pytest.approx(2 * math.pi / 3, abs=0.01)
    assert b12 == pytest.approx(b3, abs=0.01) and b12 > 0
    # the best candidate's weights are the triangle's, and sampling them gives the same loss
    W, b = theory.triangle_weights(o["triangle_params"])
    assert torch.allclose(o["best_W"], W) and torch.allclose(o["best_b"], b)
    mc = _mc_loss(W.float(), b.float(), torch.ones(3), torch.tensor([0.6, 0.8]), n_samples=400_000)
    assert mc.tolist() == pytest.approx(tri.tolist(), rel=0.01)


def test_three_in_two_optimised_at_the_reviewed_points():
    """r = 0.774, p = 0.599: a deformed triangle (extra feature in superposition) beats
    dropping the extra feature (0.0851); r = 1.29, p = 0.6: features 1 and 2 share a
    dimension at a loss far below dropping feature 1 (0.110), the extra feature kept apart."""
    o = theory.three_in_two_optimised_losses([0.774, 1.29], density=[0.599, 0.6])
    drop_extra, drop_first = o["W ⟂ [0,0,1]"], o["W ⟂ [1,0,0]"]
    assert float(drop_extra[0]) == pytest.approx(0.0851, abs=1e-4)
    assert float(o[theory.THREE_IN_TWO_TRIANGLE][0]) == pytest.approx(0.0831, abs=2e-4)
    assert float(drop_first[1]) == pytest.approx(0.110, abs=1e-3)
    best = torch.stack([o[k] for k in [*theory.THREE_IN_TWO_CANDIDATES, theory.THREE_IN_TWO_TRIANGLE]]).min(0).values
    assert float(best[1]) == pytest.approx(0.0988, abs=3e-4)
    assert tm.classify_extra_feature(o["best_W"]).tolist() == [1, 2]
    cos = tm.cosine_similarity_matrix(o["best_W"][1])
    assert float(cos[0, 1]) < -0.9 and abs(float(cos[0, 2])) < 0.3


def test_two_in_one_optimisation_converges_in_every_cell():
    """Each cell's optimum is not above the best of random restarts (each optimised on its own
    with torch's L-BFGS), a sparse cell with a tiny loss included."""
    r = torch.tensor([0.15, 0.6, 3.0, 0.2], dtype=torch.float64)
    p = torch.tensor([0.9, 0.2, 0.01, 0.29], dtype=torch.float64)
    o = theory.two_in_one_optimised_losses(r, density=p, n_grid=32)
    g = torch.Generator().manual_seed(0)
    for i in range(r.shape[0]):
        best = float("inf")
        for _ in range(2):
            low = torch.tensor([0.4, -1.2, -0.05, -0.05], dtype=torch.float64)
            x = (low + torch.tensor([0.8, 0.8, 0.25, 0.25], dtype=torch.float64) * torch.rand(4, generator=g,
                 dtype=torch.float64)).requires_grad_(True)
            opt = torch.optim.LBFGS([x], lr=1.0, max_iter=60, tolerance_grad=1e-12, tolerance_change=1e-15,
                                    line_search_fn="strong_wolfe")

            def closure(x=x, opt=opt, i=i):
                opt.zero_grad()
                loss = theory.two_in_one_expected_loss(x[:2], x[2:], r[i], density=p[i], n_grid=32)
                loss.backward()
                return loss

            opt.step(closure)
            with torch.no_grad():
                best = min(best, float(theory.two_in_one_expected_loss(x[:2], x[2:], r[i], density=p[i], n_grid=32)))
        assert float(o["antipodal"][i]) <= best * (1 + 1e-6), (float(r[i]), float(p[i]))


def test_optimised_bad_input():
    with pytest.raises(ValueError, match="W must be"):
        theory.three_in_two_expected_loss(torch.zeros(1, 3), torch.zeros(3), 1.0, density=0.5)
    with pytest.raises(ValueError, match="n_grid"):
        theory.three_in_two_expected_loss(torch.zeros(2, 3), torch.zeros(3), 1.0, density=0.5, n_grid=2)
    with pytest.raises(TypeError, match="steps"):
        theory.three_in_two_optimised_losses(1.0, density=0.5, steps=0.5)
    with pytest.raises(ValueError, match="relative_importance"):
        theory.three_in_two_optimised_losses(0.0, density=0.5)
