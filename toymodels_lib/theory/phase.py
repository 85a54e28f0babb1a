"""Phase changes of the extra feature: closed-form candidate solutions, phases and boundaries for
2 features in 1 dimension and 3 features in 2 dimensions (ReLU output)."""

from __future__ import annotations

import torch

from .._types import ArrayLike, Biases, Probability, Weights
from .._validate import as_float_tensor, check_positive_int
from ._common import density_of, probability_name
from .sparsity import feature_variance

__all__ = [
    "PHASE_NAMES",
    "THREE_IN_TWO_CANDIDATES",
    "TWO_IN_ONE_CANDIDATES",
    "three_in_two_boundary",
    "three_in_two_candidate_losses",
    "three_in_two_phase",
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
"""The 3-in-2 candidates, named by the null space of ``W`` (``W ⟂ v``: ``W v = 0``), with the
phase code of the extra feature (feature 3): ``[0,0,1]`` drops it; ``[1,0,0]`` drops feature 1
and gives the extra feature a dimension; ``[0,1,1]`` makes features 2 and 3 an antipodal
pair; ``[1,1,0]`` makes features 1 and 2 an antipodal pair and gives the extra feature a
dimension."""


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
    """Expected loss of each 3-in-2 candidate; features 1, 2 have importance 1, the extra one ``r``.

    With the same choices as :func:`two_in_one_candidate_losses` (unit norms; a dropped
    feature gets bias ``p/2`` and costs ``v = Var(x)``; antipodal pairs have zero bias and cost
    ``(I_a + I_b) p²/6``):

    - ``W ⟂ [0,0,1]`` (extra dropped): ``r v``;
    - ``W ⟂ [1,0,0]`` (feature 1 dropped): ``v``;
    - ``W ⟂ [0,1,1]`` (features 2 and 3 antipodal): ``(1 + r) p²/6``;
    - ``W ⟂ [1,1,0]`` (features 1 and 2 antipodal): ``p²/3``.

    Give exactly one of ``sparsity=`` or ``density=``.
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
    """Phase code of the extra feature for the best 3-in-2 candidate (``sparsity=`` or ``density=``)."""
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
    """Density below which a superposed candidate wins in the 3-in-2 problem.

    ``r ≤ 1``: ``4r/(2 + 5r)`` (extra feature antipodal with feature 2 beats dropping it);
    ``r > 1``: ``4/7`` (features 1 and 2 antipodal beat dropping feature 1; the extra
    feature keeps a dedicated dimension on both sides of this line).
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
    """Expected loss of 2-in-1 ReLU-output models ``x' = ReLU(WᵀW x + b)`` by quadrature.

    ``W`` is ``[..., 1, 2]`` (or ``[..., 2]``), ``b`` is ``[..., 2]``; ``relative_importance``
    and the probability (exactly one of ``sparsity=`` or ``density=``) broadcast with the
    leading axes. The loss is split by which features
    fire, ``(1−p)² L₀₀ + p(1−p)(L₁₀ + L₀₁) + p² L₁₁``, and each term is integrated over the
    uniform values with the midpoint rule (``n_grid`` points per axis; error about
    ``1/n_grid²``). Differentiable in ``W`` and ``b``.
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
    w1, w2, b1, b2 = w[..., 0, None], w[..., 1, None], bb[..., 0, None], bb[..., 1, None]
    u = _midpoints(n_grid * 4)
    relu = torch.relu
    L00 = relu(b1[..., 0]) ** 2 + r * relu(b2[..., 0]) ** 2
    L10 = ((u - relu(w1 * w1 * u + b1)) ** 2 + r[..., None] * relu(w1 * w2 * u + b2) ** 2).mean(-1)
    L01 = (relu(w1 * w2 * u + b1) ** 2 + r[..., None] * (u - relu(w2 * w2 * u + b2)) ** 2).mean(-1)
    g = _midpoints(n_grid)
    U, V = torch.meshgrid(g, g, indexing="ij")
    U, V = U.reshape(-1), V.reshape(-1)
    L11 = (
        (U - relu(w1 * w1 * U + w1 * w2 * V + b1)) ** 2
        + r[..., None] * (V - relu(w1 * w2 * U + w2 * w2 * V + b2)) ** 2
    ).mean(-1)
    return (1 - p) ** 2 * L00 + p * (1 - p) * (L10 + L01) + p**2 * L11


def two_in_one_optimised_losses(
    relative_importance: ArrayLike,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    steps: int = 60,
    n_grid: int = 96,
) -> dict[str, torch.Tensor]:
    """Candidate losses with each candidate's free parameters optimised.

    ``ignore`` and ``dedicate`` are already optimal within their families (the closed
    forms). For ``antipodal`` the weights ``(w₁, w₂)`` (with ``w₁ > 0 > w₂``) and both biases are
    optimised with L-BFGS from ``W = [1, −1], b = 0`` on the quadrature loss of
    :func:`two_in_one_expected_loss`; the result is never above the closed form.
    Give exactly one of ``sparsity=`` or ``density=``. Returns the three losses and
    ``"antipodal_params"`` ``[..., 4]`` = ``(w₁, w₂, b₁, b₂)``.
    """
    steps = check_positive_int("steps", steps)
    r, p = _r_and_p(relative_importance, sparsity, density)
    closed = two_in_one_candidate_losses(r, density=p)
    shape = r.shape
    rf, pf = r.reshape(-1), p.reshape(-1)
    params = torch.tensor([1.0, -1.0, 0.0, 0.0], dtype=torch.float64).repeat(rf.shape[0], 1)
    params.requires_grad_(True)
    opt = torch.optim.LBFGS([params], lr=1.0, max_iter=steps, line_search_fn="strong_wolfe")

    def objective() -> torch.Tensor:
        opt.zero_grad()
        loss = two_in_one_expected_loss(params[:, None, :2], params[:, 2:], rf, density=pf, n_grid=n_grid).sum()
        loss.backward()
        return loss

    opt.step(objective)
    with torch.no_grad():
        final = two_in_one_expected_loss(params[:, None, :2], params[:, 2:], rf, density=pf, n_grid=n_grid)
        anti = torch.minimum(final.reshape(shape), closed["antipodal"])
    return {
        "ignore": closed["ignore"],
        "dedicate": closed["dedicate"],
        "antipodal": anti,
        "antipodal_params": params.detach().reshape(*shape, 4),
    }

