"""Phase changes of the extra feature: closed-form candidate solutions, phases and boundaries for
2 features in 1 dimension and 3 features in 2 dimensions (ReLU output)."""

from __future__ import annotations

import math

import torch

from .._types import ArrayLike, Biases, Probability, Weights
from .._validate import as_float_tensor, check_positive_int
from ._common import density_of, probability_name
from .sparsity import feature_variance

__all__ = [
    "PHASE_NAMES",
    "THREE_IN_TWO_CANDIDATES",
    "THREE_IN_TWO_TRIANGLE",
    "TWO_IN_ONE_CANDIDATES",
    "three_in_two_boundary",
    "three_in_two_candidate_losses",
    "three_in_two_expected_loss",
    "three_in_two_optimised_losses",
    "three_in_two_phase",
    "triangle_weights",
    "two_in_one_boundary",
    "two_in_one_candidate_losses",
    "two_in_one_expected_loss",
    "two_in_one_optimised_losses",
    "two_in_one_phase",
]

# Every feature has density p (zero with probability 1 − p, else U[0, 1]); the first
# feature(s) have importance 1 and the *extra* feature (the last one) has importance r.
# Candidate solutions have free parameters (feature norms, biases). The closed forms below
# fix them as follows, which is the optimum *within* each family for the "ignore" and
# "dedicate" candidates (a kept feature is reconstructed exactly by a unit weight and a
# zero bias; a dropped feature is best predicted by its mean p/2, supplied by the bias)
# but NOT for the antipodal candidate: there unit norms and zero biases are chosen, and
# the optimum of the family (smaller weights, a small positive bias) is lower still;
# :func:`two_in_one_optimised_losses` finds it numerically.

PHASE_NAMES: tuple[str, str, str] = ("not learned", "superposition", "dedicated")
"""Codes of the extra feature's phase: 0 not learned, 1 in superposition, 2 a dedicated dimension."""

TWO_IN_ONE_CANDIDATES: dict[str, tuple[tuple[float, float], int]] = {
    "ignore": ((1.0, 0.0), 0),
    "dedicate": ((0.0, 1.0), 2),
    "antipodal": ((1.0, -1.0), 1),
}
"""The 2-in-1 candidates: name -> (W as [w_1, w_extra], phase code of the extra feature)."""

THREE_IN_TWO_CANDIDATES: dict[str, tuple[tuple[float, float, float], int]] = {
    "W ⟂ [0,0,1]": ((0.0, 0.0, 1.0), 0),
    "W ⟂ [1,0,0]": ((1.0, 0.0, 0.0), 2),
    "W ⟂ [0,1,1]": ((0.0, 1.0, 1.0), 1),
    "W ⟂ [1,1,0]": ((1.0, 1.0, 0.0), 2),
}
"""The four axis-aligned 3-in-2 candidates, named by the null space of ``W`` (``W ⟂ v``:
``W v = 0``), with the phase code of the extra feature (feature 3): ``[0,0,1]`` drops it;
``[1,0,0]`` drops feature 1 and gives the extra feature a dimension; ``[0,1,1]`` makes
features 2 and 3 an antipodal pair; ``[1,1,0]`` makes features 1 and 2 an antipodal pair and
gives the extra feature a dimension. They have closed forms
(:func:`three_in_two_candidate_losses`). They leave out the fifth candidate, the triangle
(:data:`THREE_IN_TWO_TRIANGLE`), which has none and wins near ``r = 1`` at high density;
:func:`three_in_two_optimised_losses` has all five."""


def _relative_importance(relative_importance: ArrayLike) -> torch.Tensor:
    r = as_float_tensor("relative_importance", relative_importance, dtype=torch.float64)
    if (r <= 0).any():
        raise ValueError(f"relative_importance must be > 0, got {float(r.min()):g}")
    return r


def _r_and_p(
    relative_importance: ArrayLike, sparsity: Probability | None, density: Probability | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """``r`` and the density ``p`` (float64, any shapes that broadcast), broadcast against each other."""
    r = _relative_importance(relative_importance)
    p = density_of(sparsity, density, max_dim=None)
    try:
        r, p = torch.broadcast_tensors(r, p)
    except RuntimeError:
        raise ValueError(
            f"relative_importance (shape {tuple(r.shape)}) and {probability_name(sparsity, density)} "
            f"(shape {tuple(p.shape)}) must broadcast against each other"
        ) from None
    return r, p


def two_in_one_candidate_losses(
    relative_importance: ArrayLike, *, sparsity: Probability | None = None, density: Probability | None = None
) -> dict[str, torch.Tensor]:
    """Expected loss of each 2-in-1 candidate (paper's sum over features), elementwise.

    With ``v = Var(x)`` (:func:`~toymodels_lib.theory.feature_variance`):

    - ``ignore``: ``W = [1, 0]``, bias ``p/2`` on the extra feature: ``r v``;
    - ``dedicate``: ``W = [0, 1]``, bias ``p/2`` on feature 1: ``v``;
    - ``antipodal``: ``W = [1, −1]``, ``b = 0``: ``(1 + r) p²/6`` (when both features fire the
      smaller one is lost and the larger one is reduced by it: each error is ``min(x₁, x₂)``,
      and ``E[min(U, V)²] = 1/6``).

    ``relative_importance`` (``r > 0``) broadcasts with the probability; give exactly one of
    ``sparsity=`` (``S`` in [0, 1)) or ``density=`` (``p = 1 − S`` in (0, 1]).
    """
    r, p = _r_and_p(relative_importance, sparsity, density)
    var = feature_variance(density=p)
    return {"ignore": r * var, "dedicate": var.clone(), "antipodal": (1 + r) * p**2 / 6}


def three_in_two_candidate_losses(
    relative_importance: ArrayLike, *, sparsity: Probability | None = None, density: Probability | None = None
) -> dict[str, torch.Tensor]:
    """Expected loss of each axis-aligned 3-in-2 candidate; features 1, 2 have importance 1, the extra one ``r``.

    With the same choices as :func:`two_in_one_candidate_losses` (unit norms; a dropped
    feature gets bias ``p/2`` and costs ``v = Var(x)``; antipodal pairs have zero bias and cost
    ``(I_a + I_b) p²/6``):

    - ``W ⟂ [0,0,1]`` (extra dropped): ``r v``;
    - ``W ⟂ [1,0,0]`` (feature 1 dropped): ``v``;
    - ``W ⟂ [0,1,1]`` (features 2 and 3 antipodal): ``(1 + r) p²/6``;
    - ``W ⟂ [1,1,0]`` (features 1 and 2 antipodal): ``p²/3``.

    The triangle has no closed form and is not among them (see
    :func:`three_in_two_optimised_losses`). Give exactly one of ``sparsity=`` or ``density=``.
    """
    r, p = _r_and_p(relative_importance, sparsity, density)
    var = feature_variance(density=p)
    names = list(THREE_IN_TWO_CANDIDATES)
    return {
        names[0]: r * var,
        names[1]: var.clone(),
        names[2]: (1 + r) * p**2 / 6,
        names[3]: (p**2 / 3).expand_as(r).clone(),
    }


def _phase_from(losses: dict[str, torch.Tensor], codes: list[int]) -> torch.Tensor:
    stacked = torch.stack(list(losses.values()))
    return torch.as_tensor(codes)[stacked.argmin(dim=0)]


def two_in_one_phase(
    relative_importance: ArrayLike, *, sparsity: Probability | None = None, density: Probability | None = None
) -> torch.Tensor:
    """Phase code of the extra feature (see ``PHASE_NAMES``) for the best 2-in-1 candidate.

    Give exactly one of ``sparsity=`` or ``density=``; it broadcasts with ``relative_importance``.
    """
    codes = [c for _, c in TWO_IN_ONE_CANDIDATES.values()]
    losses = two_in_one_candidate_losses(relative_importance, sparsity=sparsity, density=density)
    return _phase_from(losses, codes)


def three_in_two_phase(
    relative_importance: ArrayLike, *, sparsity: Probability | None = None, density: Probability | None = None
) -> torch.Tensor:
    """Phase code of the extra feature for the best of the four axis-aligned 3-in-2 candidates.

    The closed-form map; it leaves out the triangle (see :func:`three_in_two_optimised_losses`).
    Give ``sparsity=`` or ``density=``.
    """
    codes = [c for _, c in THREE_IN_TWO_CANDIDATES.values()]
    losses = three_in_two_candidate_losses(relative_importance, sparsity=sparsity, density=density)
    return _phase_from(losses, codes)


def two_in_one_boundary(relative_importance: ArrayLike) -> torch.Tensor:
    """Density below which the antipodal candidate wins: ``4r/(2 + 5r)`` for ``r ≤ 1``, ``4/(5 + 2r)`` above.

    Above the curve the extra feature is ignored (``r < 1``) or gets the dimension (``r > 1``);
    the two branches meet at the triple point ``r = 1``, ``p = 4/7``.
    """
    r = _relative_importance(relative_importance)
    return torch.where(r <= 1, 4 * r / (2 + 5 * r), 4 / (5 + 2 * r))


def three_in_two_boundary(relative_importance: ArrayLike) -> torch.Tensor:
    """Density below which a superposed axis-aligned candidate wins in the 3-in-2 problem.

    ``r ≤ 1``: ``4r/(2 + 5r)`` (extra feature antipodal with feature 2 beats dropping it);
    ``r > 1``: ``4/7`` (features 1 and 2 antipodal beat dropping feature 1; the extra
    feature keeps a dedicated dimension on both sides of this line, so the line is no
    boundary of its phase). Both lines are for the table's unit-norm candidates: the
    optimised 1–2 pair beats dropping feature 1 at much higher densities, and the triangle
    takes over near ``r = 1`` (:func:`three_in_two_optimised_losses`).
    """
    r = _relative_importance(relative_importance)
    return torch.where(r <= 1, 4 * r / (2 + 5 * r), torch.full_like(r, 4 / 7))


def _midpoints(n: int) -> torch.Tensor:
    return (torch.arange(n, dtype=torch.float64) + 0.5) / n


def two_in_one_expected_loss(
    W: Weights,
    b: Biases,
    relative_importance: ArrayLike,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    n_grid: int = 256,
) -> torch.Tensor:
    """Expected loss of 2-in-1 ReLU-output models ``x' = ReLU(WᵀW x + b)``, (almost) exactly.

    ``W`` is ``[..., 1, 2]`` (or ``[..., 2]``), ``b`` is ``[..., 2]``; ``relative_importance``
    and the probability (exactly one of ``sparsity=`` or ``density=``) broadcast with the
    leading axes. The loss is split by which features fire,
    ``(1−p)² L₀₀ + p(1−p)(L₁₀ + L₀₁) + p² L₁₁``; ``L₀₀``, ``L₁₀``, ``L₀₁`` are computed in closed
    form, and ``L₁₁`` in closed form over the second feature's value and with ``n_grid``
    midpoints over the first (relative error about ``1e-6`` at the default, falling as
    ``1/n_grid²``). Differentiable in ``W`` and ``b``. Chapter 5.
    """
    n_grid = check_positive_int("n_grid", n_grid, minimum=8)
    w = as_float_tensor("W", W, min_dim=1, dtype=torch.float64) if not isinstance(W, torch.Tensor) else W
    bb = as_float_tensor("b", b, min_dim=1, dtype=torch.float64) if not isinstance(b, torch.Tensor) else b
    if w.dim() >= 2 and w.shape[-2] == 1:
        w = w[..., 0, :]
    if w.shape[-1] != 2 or bb.shape[-1] != 2:
        raise ValueError(
            f"W must be [..., 1, 2] or [..., 2] and b [..., 2], got shapes {tuple(W.shape) if hasattr(W, 'shape') else W} "
            f"and {tuple(bb.shape)}"
        )
    w, bb = w.to(torch.float64), bb.to(torch.float64)
    r, p = _r_and_p(relative_importance, sparsity, density)
    importance = torch.stack([torch.ones_like(r), r], -1)
    return _expected_loss(w[..., None, :], bb, importance, p, n_grid)


def _square_integral(e0: torch.Tensor, e1: torch.Tensor, lo: torch.Tensor, hi: torch.Tensor) -> torch.Tensor:
    """``∫_lo^hi (e0 + e1 w)² dw``, elementwise."""
    return e0**2 * (hi - lo) + e0 * e1 * (hi**2 - lo**2) + e1**2 * (hi**3 - lo**3) / 3


def _inner_integral(c0: torch.Tensor, c1: torch.Tensor, a0: torch.Tensor, a1: torch.Tensor) -> torch.Tensor:
    """``∫_0^1 (c0 + c1 w − ReLU(a0 + a1 w))² dw`` in closed form, elementwise (broadcasting).

    The ReLU is on for ``w`` on one side of ``−a0/a1`` (clipped to [0, 1]); there the
    integrand is ``((c0 − a0) + (c1 − a1) w)²``, elsewhere ``(c0 + c1 w)²``.
    """
    zero = torch.zeros_like(a0 + a1)
    one = torch.ones_like(zero)
    up, down = a1 > 1e-12, a1 < -1e-12
    root = (-a0 / torch.where(up | down, a1, torch.ones_like(a1))).clamp(0.0, 1.0)
    lo = torch.where(up, root, torch.where(down | (a0 > 0), zero, one))
    hi = torch.where(down, root, one)
    c0, c1 = c0 + zero, c1 + zero
    return (
        _square_integral(c0, c1, zero, one)
        - _square_integral(c0, c1, lo, hi)
        + _square_integral(c0 - a0, c1 - a1, lo, hi)
    )


_POINTS: dict[tuple[int, int], tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]] = {}


def _integration_points(n: int, n_grid: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Where :func:`_expected_loss` evaluates the inner integral, for every set of active features at once.

    Returns ``outer`` ``[P, n]`` (the values of the active features but the last, zeros
    elsewhere), ``last`` ``[P, n]`` (one-hot: the feature integrated in closed form),
    ``k`` ``[P]`` (how many features are active) and ``share`` ``[P]`` (``1 / points`` of that set).
    """
    if (n, n_grid) in _POINTS:
        return _POINTS[(n, n_grid)]
    g = _midpoints(n_grid)
    outer, last, ks, share = [], [], [], []
    subsets = [[i for i in range(n) if mask >> i & 1] for mask in range(1, 2**n)]
    for k in range(1, n + 1):
        X = torch.cartesian_prod(*([g] * (k - 1))).reshape(-1, k - 1) if k > 1 else torch.zeros(1, 0, dtype=torch.float64)
        for A in (a for a in subsets if len(a) == k):
            o = torch.zeros(X.shape[0], n, dtype=torch.float64)
            o[:, list(A[:-1])] = X
            one_hot = torch.zeros(X.shape[0], n, dtype=torch.float64)
            one_hot[:, A[-1]] = 1.0
            outer.append(o)
            last.append(one_hot)
            ks.append(torch.full((X.shape[0],), float(k), dtype=torch.float64))
            share.append(torch.full((X.shape[0],), 1.0 / X.shape[0], dtype=torch.float64))
    _POINTS[(n, n_grid)] = (torch.cat(outer), torch.cat(last), torch.cat(ks), torch.cat(share))
    return _POINTS[(n, n_grid)]


def _expected_loss(W: torch.Tensor, b: torch.Tensor, importance: torch.Tensor, p: torch.Tensor, n_grid: int) -> torch.Tensor:
    """Expected loss of ReLU-output models ``x' = ReLU(WᵀW x + b)`` with a few features.

    ``W`` ``[..., m, n]``, ``b`` ``[..., n]``, ``importance`` ``[..., n]``, ``p`` ``[...]``
    (leading axes broadcast); every feature is 0 with probability ``1 − p``, else ``U[0, 1]``.
    The loss is split by which set ``A`` of features fires (probability
    ``p^|A| (1−p)^(n−|A|)``). Given the values of all active features but the last, every
    output is a ReLU of a linear function of the last one, so that integral is done in
    closed form (:func:`_inner_integral`); the others are integrated with ``n_grid``
    midpoints per axis (so one active feature is exact, two cost ``n_grid`` points, three
    ``n_grid²``; the error falls as ``1/n_grid²``). Differentiable in ``W`` and ``b``.
    """
    n = W.shape[-1]
    outer, last, k, share = _integration_points(n, n_grid)
    gram = W.transpose(-1, -2) @ W
    a0 = outer @ gram + b[..., None, :]  # [..., P, n]: the pre-activations without the last feature
    a1 = last @ gram  # [..., P, n]: their slopes in the last feature
    err = (importance[..., None, :] * _inner_integral(outer, last, a0, a1)).sum(-1)  # [..., P]
    pk = p[..., None]
    weight = pk**k * (1 - pk) ** (n - k) * share
    return (importance * torch.relu(b) ** 2).sum(-1) * (1 - p) ** n + (weight * err).sum(-1)


def three_in_two_expected_loss(
    W: Weights,
    b: Biases,
    relative_importance: ArrayLike,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    n_grid: int = 64,
) -> torch.Tensor:
    """Expected loss of 3-in-2 ReLU-output models ``x' = ReLU(WᵀW x + b)`` by quadrature.

    ``W`` is ``[..., 2, 3]``, ``b`` ``[..., 3]``; features 1 and 2 have importance 1, the
    extra (third) one ``relative_importance``; every feature has density ``p`` (exactly one
    of ``sparsity=`` or ``density=``). Those and the leading axes of ``W`` broadcast. The loss
    is split by which features fire; the integral over the last active feature is done in
    closed form and the others with ``n_grid`` midpoints per axis (relative error about
    ``2e-4`` at ``n_grid = 32``, falling as ``1/n_grid²``). Differentiable in ``W`` and ``b``.
    Chapter 5 ranks trained 3-in-2 models by it, and optimises candidates with it.
    """
    n_grid = check_positive_int("n_grid", n_grid, minimum=4)
    w = as_float_tensor("W", W, min_dim=2) if not isinstance(W, torch.Tensor) else W
    bb = as_float_tensor("b", b, min_dim=1) if not isinstance(b, torch.Tensor) else b
    if w.dim() < 2 or w.shape[-2:] != (2, 3) or bb.shape[-1:] != (3,):
        raise ValueError(
            f"W must be [..., 2, 3] and b [..., 3], got shapes {tuple(w.shape)} and {tuple(bb.shape)}"
        )
    w, bb = w.to(torch.float64), bb.to(torch.float64)
    r, p = _r_and_p(relative_importance, sparsity, density)
    importance = torch.stack([torch.ones_like(r), torch.ones_like(r), r], -1)
    return _expected_loss(w, bb, importance, p, n_grid)


def _value_and_grad(loss, theta: torch.Tensor, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    th = theta.detach().requires_grad_(True)
    value = loss(th, rows)
    (grad,) = torch.autograd.grad(value.sum(), th)
    return value.detach(), grad


def _minimise_rows(loss, theta: torch.Tensor, *, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Minimise ``loss(theta, rows)`` (one value per row of ``theta`` ``[C, d]``) for every row on its own.

    BFGS with a backtracking (Armijo) line search, batched: every row has its own inverse
    Hessian estimate, step length and acceptance, so a row with a small loss converges as
    well as one with a large loss (one line search for a summed objective, as L-BFGS on
    ``loss.sum()`` does, leaves such rows unconverged). Deterministic. A row stops when a
    full step lowers its loss by no more than a relative ``1e-13``, when its line search
    fails (a kink or a flat minimum), or after ``steps`` iterations. Returns the parameters
    and their losses.
    """
    theta = theta.detach().clone()
    C, d = theta.shape
    eye = torch.eye(d, dtype=theta.dtype)
    value, grad = _value_and_grad(loss, theta, torch.arange(C))
    hinv = eye.repeat(C, 1, 1) * (0.1 / grad.abs().amax(-1).clamp_min(1e-12))[:, None, None]
    direction = -(hinv @ grad[..., None])[..., 0]
    alpha = torch.ones(C, dtype=theta.dtype)
    active = torch.arange(C)
    for _ in range(steps):
        if active.numel() == 0:
            break
        a = active
        trial = theta[a] + alpha[a, None] * direction[a]
        tried, tgrad = _value_and_grad(loss, trial, a)
        slope = (grad[a] * direction[a]).sum(-1)
        ok = torch.isfinite(tried) & (tried <= value[a] + 1e-4 * alpha[a] * slope)
        s, y = trial - theta[a], tgrad - grad[a]
        sy = (s * y).sum(-1)
        update = ok & (sy > 1e-18)
        rho = torch.where(update, 1 / sy.clamp_min(1e-300), torch.zeros_like(sy))
        V = eye - rho[:, None, None] * s[:, :, None] * y[:, None, :]
        hinv[a] = V @ hinv[a] @ V.transpose(1, 2) + rho[:, None, None] * s[:, :, None] * s[:, None, :]
        converged = ok & (alpha[a] == 1) & (value[a] - tried <= 1e-13 * value[a].abs())
        theta[a] = torch.where(ok[:, None], trial, theta[a])
        value[a] = torch.where(ok, tried, value[a])
        grad[a] = torch.where(ok[:, None], tgrad, grad[a])
        alpha[a] = torch.where(ok, torch.ones_like(alpha[a]), alpha[a] * 0.25)
        new_dir = -(hinv[a] @ grad[a][..., None])[..., 0]
        uphill = (new_dir * grad[a]).sum(-1) >= 0  # a broken estimate: restart from a small gradient step
        hinv[a] = torch.where(uphill[:, None, None], 1e-2 * eye, hinv[a])
        direction[a] = torch.where(ok[:, None], torch.where(uphill[:, None], -1e-2 * grad[a], new_dir), direction[a])
        active = a[~(converged | (alpha[a] < 1e-10))]
    return theta, value


def _best_of_starts(loss, starts: torch.Tensor, n_cells: int, *, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Minimise from every start ``[S, d]`` in every cell; the lowest result per cell ``([C, d], [C])``."""
    S, d = starts.shape
    theta0 = starts.repeat(n_cells, 1)  # row = cell * S + start

    def rowloss(th: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        return loss(th, rows // S)

    theta, final = _minimise_rows(rowloss, theta0, steps=steps)
    theta, final = theta.reshape(n_cells, S, d), final.reshape(n_cells, S)
    k = final.argmin(-1)
    return theta[torch.arange(n_cells), k], final[torch.arange(n_cells), k]


_ANTIPODAL_STARTS = torch.tensor(
    [[1.0, -1.0, 0.0, 0.0], [1.0, -0.6, 0.0, 0.1], [0.6, -1.0, 0.1, 0.0], [0.85, -0.85, 0.1, 0.1]],
    dtype=torch.float64,
)
"""Deterministic starts of the antipodal family ``(w₁, w₂, b₁, b₂)`` for the per-cell optimisation."""


def _optimise_antipodal(r: torch.Tensor, p: torch.Tensor, *, steps: int, n_grid: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Best antipodal ``(w₁, w₂, b₁, b₂)`` per cell (flat ``r``, ``p``) and its quadrature loss."""

    def loss(th: torch.Tensor, cells: torch.Tensor) -> torch.Tensor:
        return two_in_one_expected_loss(th[:, None, :2], th[:, 2:], r[cells], density=p[cells], n_grid=n_grid)

    return _best_of_starts(loss, _ANTIPODAL_STARTS, r.shape[0], steps=steps)


def two_in_one_optimised_losses(
    relative_importance: ArrayLike,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    steps: int = 100,
    n_grid: int = 96,
) -> dict[str, torch.Tensor]:
    """Candidate losses with each candidate's free parameters optimised, cell by cell.

    ``ignore`` and ``dedicate`` are already optimal within their families (the closed
    forms). For ``antipodal`` the weights and both biases ``(w₁, w₂, b₁, b₂)`` are optimised
    on the quadrature loss of :func:`two_in_one_expected_loss`, in every cell on its own
    (damped Newton with per-cell steps, at most ``steps`` iterations) from four
    deterministic starts (``W = [1, −1], b = 0`` among them), keeping the lowest; the result
    is never above the closed form. (The optimum may leave the family: where the pair no
    longer pays, ``w₂`` shrinks to 0 and the loss meets ``ignore``'s.)

    Give exactly one of ``sparsity=`` or ``density=``. Returns the three losses,
    ``"antipodal_params"`` ``[..., 4]`` = ``(w₁, w₂, b₁, b₂)``, and the weights of the
    lowest-loss candidate in each cell, ``"best_W"`` ``[..., 1, 2]`` and ``"best_b"`` ``[..., 2]``.
    Chapter 5.
    """
    steps = check_positive_int("steps", steps)
    n_grid = check_positive_int("n_grid", n_grid, minimum=8)
    r, p = _r_and_p(relative_importance, sparsity, density)
    closed = two_in_one_candidate_losses(r, density=p)
    shape = r.shape
    rf, pf = r.reshape(-1), p.reshape(-1)
    params, final = _optimise_antipodal(rf, pf, steps=steps, n_grid=n_grid)
    start = torch.tensor([1.0, -1.0, 0.0, 0.0], dtype=torch.float64)
    worse = final > closed["antipodal"].reshape(-1)
    params = torch.where(worse[:, None], start, params)
    anti = torch.minimum(final, closed["antipodal"].reshape(-1)).reshape(shape)
    zero = torch.zeros_like(pf)
    cand_W = torch.stack(
        [torch.stack([torch.ones_like(pf), zero], -1), torch.stack([zero, torch.ones_like(pf)], -1), params[:, :2]], 1
    )
    cand_b = torch.stack([torch.stack([zero, pf / 2], -1), torch.stack([pf / 2, zero], -1), params[:, 2:]], 1)
    losses = torch.stack([closed["ignore"].reshape(-1), closed["dedicate"].reshape(-1), anti.reshape(-1)], 1)
    k = losses.argmin(-1)
    rows = torch.arange(rf.shape[0])
    return {
        "ignore": closed["ignore"],
        "dedicate": closed["dedicate"],
        "antipodal": anti,
        "antipodal_params": params.reshape(*shape, 4),
        "best_W": cand_W[rows, k].reshape(*shape, 1, 2),
        "best_b": cand_b[rows, k].reshape(*shape, 2),
    }


THREE_IN_TWO_TRIANGLE = "W ⟂ [1,1,1]"
"""Name of the fifth 3-in-2 candidate, the triangle: the three features 120° apart when regular
(``W [1, 1, 1]ᵀ = 0``), deformed when the extra feature's importance differs
(:func:`triangle_weights`). It has no closed form; :func:`three_in_two_optimised_losses`
optimises it."""


def triangle_weights(params: ArrayLike) -> tuple[torch.Tensor, torch.Tensor]:
    """Weights ``[..., 2, 3]`` and biases ``[..., 3]`` of the (deformed) triangle with ``params`` ``[..., 5]``.

    ``params = (a, c, φ, b₁₂, b₃)``: features 1 and 2 have norm ``a`` and sit at angles
    ``±φ`` from the extra feature, which has norm ``c``; features 1 and 2 share the bias
    ``b₁₂``, the extra feature has ``b₃``. ``a = c``, ``φ = 2π/3`` is the regular triangle
    (``W [1, 1, 1]ᵀ = 0``); ``φ = π/2`` puts features 1 and 2 in an antipodal pair with the
    extra feature orthogonal to them. Chapter 5.
    """
    t = as_float_tensor("params", params, min_dim=1, dtype=torch.float64) if not isinstance(params, torch.Tensor) else params
    if t.shape[-1] != 5:
        raise ValueError(f"params must be [..., 5] = (a, c, phi, b12, b3), got shape {tuple(t.shape)}")
    a, c, phi, b12, b3 = t.unbind(-1)
    zero = torch.zeros_like(a)
    W = torch.stack(
        [torch.stack([a * torch.sin(phi), -a * torch.sin(phi), zero], -1),
         torch.stack([a * torch.cos(phi), a * torch.cos(phi), c], -1)],
        -2,
    )
    return W, torch.stack([b12, b12, b3], -1)


def _canonical_triangle(params: torch.Tensor) -> torch.Tensor:
    """The same triangle with ``a, c ≥ 0`` and ``0 ≤ φ ≤ π`` (the loss does not change).

    ``(a, φ)`` and ``(−a, φ + π)`` give the same weights; ``(c, φ)`` and ``(−c, π − φ)`` give
    the reflected ones; ``−φ`` swaps features 1 and 2, which have the same importance and bias.
    """
    a, c, phi, b12, b3 = params.unbind(-1)
    phi = torch.where(a < 0, phi + math.pi, phi)
    phi = torch.where(c < 0, math.pi - phi, phi)
    phi = torch.remainder(phi + math.pi, 2 * math.pi) - math.pi
    return torch.stack([a.abs(), c.abs(), phi.abs(), b12, b3], -1)


_TRIANGLE_STARTS = torch.tensor(
    [
        [1.0, 1.0, 2 * math.pi / 3, 0.0, 0.0],
        [0.9, 0.9, 2 * math.pi / 3, 0.25, 0.25],
        [1.0, 0.7, 0.62 * math.pi, 0.15, 0.35],
        [1.0, 0.3, 0.55 * math.pi, 0.05, 0.3],
    ],
    dtype=torch.float64,
)
"""Deterministic starts of the triangle family ``(a, c, φ, b₁₂, b₃)``: regular (two biases), deformed."""


def three_in_two_optimised_losses(
    relative_importance: ArrayLike,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    steps: int = 100,
    n_grid: int = 12,
) -> dict[str, torch.Tensor]:
    """The five 3-in-2 candidates with their free parameters optimised, cell by cell.

    The four candidates of :data:`THREE_IN_TWO_CANDIDATES` are a kept feature plus a 2-in-1
    problem: dropping a feature is optimal as in the closed form, and the two pairs are
    optimised as in :func:`two_in_one_optimised_losses` (features 2 and 3 with importances
    ``(1, r)``; features 1 and 2 with ``(1, 1)``, the extra feature exact on its own axis).
    The fifth, the **triangle** ``W ⟂ [1,1,1]``, has no closed form: features 1 and 2 at
    angles ``±φ`` from the extra feature (:func:`triangle_weights`), with the two norms, the
    angle and two biases optimised on :func:`three_in_two_expected_loss` (``n_grid``
    midpoints per axis for three active features while optimising, then evaluated at
    ``2·n_grid``) from four deterministic starts, the regular triangle among them.

    Returns each candidate's loss, ``"triangle_params"`` ``[..., 5]``, and the weights of the
    lowest-loss candidate in each cell, ``"best_W"`` ``[..., 2, 3]`` and ``"best_b"`` ``[..., 3]``
    (classify them to get the extra feature's phase). Chapter 5.
    """
    steps = check_positive_int("steps", steps)
    n_grid = check_positive_int("n_grid", n_grid, minimum=4)
    r, p = _r_and_p(relative_importance, sparsity, density)
    shape = r.shape
    rf, pf = r.reshape(-1), p.reshape(-1)
    C = rf.shape[0]
    var = feature_variance(density=pf)
    ones = torch.ones_like(rf)
    pair23, loss23 = _optimise_antipodal(rf, pf, steps=steps, n_grid=8 * n_grid)
    pair12, loss12 = _optimise_antipodal(ones, pf, steps=steps, n_grid=8 * n_grid)
    closed23, closed12 = (1 + rf) * pf**2 / 6, pf**2 / 3
    unit = torch.tensor([1.0, -1.0, 0.0, 0.0], dtype=torch.float64)
    pair23 = torch.where((loss23 > closed23)[:, None], unit, pair23)
    pair12 = torch.where((loss12 > closed12)[:, None], unit, pair12)

    def tri_loss(th: torch.Tensor, cells: torch.Tensor, grid: int = n_grid) -> torch.Tensor:
        W, b = triangle_weights(th)
        return three_in_two_expected_loss(W, b, rf[cells], density=pf[cells], n_grid=grid)

    tri, _ = _best_of_starts(tri_loss, _TRIANGLE_STARTS, C, steps=steps)
    tri = _canonical_triangle(tri)
    with torch.no_grad():
        tri_final = tri_loss(tri, torch.arange(C), 2 * n_grid)

    names = list(THREE_IN_TWO_CANDIDATES)
    zero = torch.zeros_like(rf)

    def mat(rows: list[list[torch.Tensor]]) -> torch.Tensor:
        return torch.stack([torch.stack(row, -1) for row in rows], -2)

    cand_W = [
        mat([[ones, zero, zero], [zero, ones, zero]]),
        mat([[zero, ones, zero], [zero, zero, ones]]),
        mat([[ones, zero, zero], [zero, pair23[:, 0], pair23[:, 1]]]),
        mat([[pair12[:, 0], pair12[:, 1], zero], [zero, zero, ones]]),
        triangle_weights(tri)[0],
    ]
    cand_b = [
        torch.stack([zero, zero, pf / 2], -1),
        torch.stack([pf / 2, zero, zero], -1),
        torch.stack([zero, pair23[:, 2], pair23[:, 3]], -1),
        torch.stack([pair12[:, 2], pair12[:, 3], zero], -1),
        triangle_weights(tri)[1],
    ]
    losses = [rf * var, var, torch.minimum(loss23, closed23), torch.minimum(loss12, closed12), tri_final]
    stacked = torch.stack(losses, 1)
    k = stacked.argmin(-1)
    rows = torch.arange(C)
    out = {name: v.reshape(shape) for name, v in zip([*names, THREE_IN_TWO_TRIANGLE], losses, strict=True)}
    out["triangle_params"] = tri.reshape(*shape, 5)
    out["best_W"] = torch.stack(cand_W, 1)[rows, k].reshape(*shape, 2, 3)
    out["best_b"] = torch.stack(cand_b, 1)[rows, k].reshape(*shape, 3)
    return out
