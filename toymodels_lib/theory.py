"""Closed forms for the toy models (paper's loss: a sum over features).

For sparse uniform features (zero with probability ``S``, else ``U[0, 1]``; density
``p = 1 − S``): ``E[x] = p/2``, ``E[x²] = p/3``, ``Var(x) = p/3 − p²/4``.
"""

from __future__ import annotations

from typing import Any

import torch

from ._validate import as_float_tensor, check_positive_int, check_sparsity

__all__ = [
    "k_active_probabilities",
    "k_sparse_loss",
    "linear_loss_split",
    "POLYTOPES",
    "feature_moments",
    "arrangement_benefit",
    "polytope_benefit",
    "tegum_loss",
    "polytope_dimensionality",
    "polytope_fractions",
    "polytope_vertices",
    "optimal_linear_features",
    "optimal_linear_gram",
    "optimal_linear_loss",
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


def _importance_and_density(importance: Any, sparsity: Any) -> tuple[torch.Tensor, torch.Tensor]:
    imp = as_float_tensor("importance", importance, min_dim=1, max_dim=1, dtype=torch.float64)
    if (imp < 0).any():
        raise ValueError(f"importance must be >= 0, got {float(imp.min()):g}")
    s = check_sparsity("sparsity", sparsity).to(torch.float64)
    if s.dim() > 1 or (s.dim() == 1 and s.shape[0] != imp.shape[0]):
        raise ValueError(
            f"sparsity must be a number or one value per feature ({imp.shape[0]}), got shape {tuple(s.shape)}"
        )
    return imp, (1.0 - s).expand_as(imp)


def feature_moments(sparsity: Any) -> dict[str, torch.Tensor]:
    """``E[x]``, ``E[x²]`` and ``Var(x)`` of a sparse uniform feature."""
    p = 1.0 - check_sparsity("sparsity", sparsity).to(torch.float64)
    return {"mean": p / 2, "second_moment": p / 3, "variance": p / 3 - p**2 / 4}


def optimal_linear_features(
    importance: Any, sparsity: Any, n_hidden: int, *, bias: bool = True
) -> torch.Tensor:
    """Indices of the features the optimal linear model keeps: the top ``m`` by ``I_i Var(x_i)``.

    Without a bias the ranking is by ``I_i E[x_i²]`` (the same order for a shared sparsity).
    Ties keep the lower index (the more important feature under a decaying schedule).
    """
    imp, p = _importance_and_density(importance, sparsity)
    m = check_positive_int("n_hidden", n_hidden)
    if m > imp.shape[0]:
        raise ValueError(f"n_hidden={m} is larger than the number of features ({imp.shape[0]})")
    score = imp * ((p / 3 - p**2 / 4) if bias else p / 3)
    order = torch.argsort(score, descending=True, stable=True)
    return torch.sort(order[:m]).values


def optimal_linear_gram(importance: Any, sparsity: Any, n_hidden: int) -> torch.Tensor:
    """``WᵀW`` of the optimal linear model: the projector onto the kept features (``[n, n]``)."""
    imp, _ = _importance_and_density(importance, sparsity)
    keep = optimal_linear_features(importance, sparsity, n_hidden)
    diag = torch.zeros(imp.shape[0], dtype=torch.float64)
    diag[keep] = 1.0
    return torch.diag(diag)


def optimal_linear_loss(importance: Any, sparsity: Any, n_hidden: int, *, bias: bool = True) -> float:
    """Loss of the optimal linear model ``x' = WᵀWx + b``, summed over features.

    With the bias, a dropped feature is predicted by its mean, so each costs
    ``I_i (p/3 − p²/4)``; without a bias it costs ``I_i p/3``. Kept features cost nothing.
    """
    imp, p = _importance_and_density(importance, sparsity)
    keep = optimal_linear_features(importance, sparsity, n_hidden, bias=bias)
    dropped = torch.ones(imp.shape[0], dtype=torch.bool)
    dropped[keep] = False
    per_feature = p / 3 - p**2 / 4 if bias else p / 3
    return float((imp * per_feature)[dropped].sum())


# --------------------------------------------------------------------------- polytopes (chapter 6)
POLYTOPES: dict[str, tuple[int, int]] = {
    "dedicated dimension": (1, 1),
    "tetrahedron": (4, 3),
    "triangle": (3, 2),
    "digon": (2, 1),
    "square": (4, 2),
    "octahedron": (6, 3),
    "pentagon": (5, 2),
    "cube": (8, 3),
    "square antiprism": (8, 3),
    "hexagon": (6, 2),
}
"""Named arrangements of ``k`` features in ``d`` dimensions: ``name -> (k, d)``."""


def polytope_dimensionality(n_points: int, n_dims: int) -> float:
    """``D_i = d / k``: the dimensionality of each of ``k`` unit vectors spread evenly in ``d`` dimensions.

    "Evenly" means a tight frame, ``Σ_j Ŵ_j Ŵ_jᵀ = (k/d) I`` (regular polygons, the
    tetrahedron, the octahedron, the cube): then ``Σ_j (Ŵ_i·Ŵ_j)² = k/d`` for every ``i``.
    The square antiprism that the paper labels ``3/8`` is not exactly a tight frame
    (its ``D_i`` is about 0.374).
    """
    k = check_positive_int("n_points", n_points)
    d = check_positive_int("n_dims", n_dims)
    if d > k:
        raise ValueError(f"n_dims={d} is larger than n_points={k}: k points span at most k dimensions")
    return d / k


def polytope_fractions() -> list[tuple[str, float]]:
    """The dimensionalities at which the paper's ``D_i`` cluster: 1, 3/4, 2/3, 1/2, 2/5, 3/8.

    A list of ``(label, value)`` from largest to smallest, one entry per distinct value
    (the label names the usual polytope: "1/2 digon", ...).
    """
    names = ["dedicated dimension", "tetrahedron", "triangle", "digon", "pentagon", "square antiprism"]
    out = []
    for name in names:
        k, d = POLYTOPES[name]
        frac = "1" if k == d else f"{d}/{k}"
        out.append((f"{frac} {name}", polytope_dimensionality(k, d)))
    return out


def polytope_vertices(name: str) -> torch.Tensor:
    """Unit vectors of a named polytope as columns, ``[d, k]`` (a ``W`` for the metrics).

    ``name`` is one of ``POLYTOPES`` except the square antiprism (whose optimal shape has
    no closed form); regular polygons start at angle 0.
    """
    allowed = [n for n in POLYTOPES if n != "square antiprism"]
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"name must be one of {', '.join(repr(a) for a in allowed)}, got {name!r}")
    k, d = POLYTOPES[name]
    if name == "dedicated dimension":
        return torch.ones(1, 1, dtype=torch.float64)
    if name == "digon":
        return torch.tensor([[1.0, -1.0]], dtype=torch.float64)
    if d == 2:
        angles = 2 * torch.pi * torch.arange(k, dtype=torch.float64) / k
        return torch.stack([torch.cos(angles), torch.sin(angles)])
    if name == "tetrahedron":
        v = torch.tensor([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=torch.float64)
    elif name == "octahedron":
        eye = torch.eye(3, dtype=torch.float64)
        v = torch.cat([eye, -eye])
    else:  # cube
        v = torch.tensor(
            [[x, y, z] for x in (1, -1) for y in (1, -1) for z in (1, -1)], dtype=torch.float64
        )
    return (v / v.norm(dim=1, keepdim=True)).T.contiguous()


# ----------------------------------------------------------------------------------------
# Phase changes: 2 features in 1 dimension and 3 features in 2 dimensions (ReLU output)
# ----------------------------------------------------------------------------------------
#
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


def _r_and_p(relative_importance: Any, density: Any) -> tuple[torch.Tensor, torch.Tensor]:
    r = as_float_tensor("relative_importance", relative_importance, dtype=torch.float64)
    if (r <= 0).any():
        raise ValueError(f"relative_importance must be > 0, got {float(r.min()):g}")
    p = as_float_tensor("density", density, dtype=torch.float64)
    if ((p <= 0) | (p > 1)).any():
        bad = p[(p <= 0) | (p > 1)].flatten()[0]
        raise ValueError(f"density must be in (0, 1], got {float(bad):g}")
    try:
        r, p = torch.broadcast_tensors(r, p)
    except RuntimeError:
        raise ValueError(
            f"relative_importance (shape {tuple(r.shape)}) and density (shape {tuple(p.shape)}) "
            "must broadcast against each other"
        ) from None
    return r, p


def two_in_one_candidate_losses(relative_importance: Any, density: Any) -> dict[str, torch.Tensor]:
    """Expected loss of each 2-in-1 candidate (paper's sum over features), elementwise.

    - ``ignore``: ``W = [1, 0]``, bias ``p/2`` on the extra feature: ``r (p/3 − p²/4)``;
    - ``dedicate``: ``W = [0, 1]``, bias ``p/2`` on feature 1: ``p/3 − p²/4``;
    - ``antipodal``: ``W = [1, −1]``, ``b = 0``: ``(1 + r) p²/6`` (when both features fire the
      smaller one is lost and the larger one is reduced by it: each error is ``min(x₁, x₂)``,
      and ``E[min(U, V)²] = 1/6``).

    ``relative_importance`` (``r > 0``) and ``density`` (``p`` in (0, 1]) broadcast.
    """
    r, p = _r_and_p(relative_importance, density)
    var = p / 3 - p**2 / 4
    return {"ignore": r * var, "dedicate": var.clone(), "antipodal": (1 + r) * p**2 / 6}


def three_in_two_candidate_losses(relative_importance: Any, density: Any) -> dict[str, torch.Tensor]:
    """Expected loss of each 3-in-2 candidate; features 1, 2 have importance 1, the extra one ``r``.

    With the same choices as :func:`two_in_one_candidate_losses` (unit norms; a dropped
    feature gets bias ``p/2``; antipodal pairs have zero bias and cost ``(I_a + I_b) p²/6``):

    - ``W ⟂ [0,0,1]`` (extra dropped): ``r (p/3 − p²/4)``;
    - ``W ⟂ [1,0,0]`` (feature 1 dropped): ``p/3 − p²/4``;
    - ``W ⟂ [0,1,1]`` (features 2 and 3 antipodal): ``(1 + r) p²/6``;
    - ``W ⟂ [1,1,0]`` (features 1 and 2 antipodal): ``p²/3``.
    """
    r, p = _r_and_p(relative_importance, density)
    var = p / 3 - p**2 / 4
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


def two_in_one_phase(relative_importance: Any, density: Any) -> torch.Tensor:
    """Phase code of the extra feature (see ``PHASE_NAMES``) for the best 2-in-1 candidate."""
    codes = [c for _, c in TWO_IN_ONE_CANDIDATES.values()]
    return _phase_from(two_in_one_candidate_losses(relative_importance, density), codes)


def three_in_two_phase(relative_importance: Any, density: Any) -> torch.Tensor:
    """Phase code of the extra feature for the best 3-in-2 candidate."""
    codes = [c for _, c in THREE_IN_TWO_CANDIDATES.values()]
    return _phase_from(three_in_two_candidate_losses(relative_importance, density), codes)


def two_in_one_boundary(relative_importance: Any) -> torch.Tensor:
    """Density below which the antipodal candidate wins: ``4r/(2 + 5r)`` for ``r ≤ 1``, ``4/(5 + 2r)`` above.

    Above the curve the extra feature is ignored (``r < 1``) or gets the dimension (``r > 1``);
    the two branches meet at the triple point ``r = 1``, ``p = 4/7``.
    """
    r, _ = _r_and_p(relative_importance, 1.0)
    return torch.where(r <= 1, 4 * r / (2 + 5 * r), 4 / (5 + 2 * r))


def three_in_two_boundary(relative_importance: Any) -> torch.Tensor:
    """Density below which a superposed candidate wins in the 3-in-2 problem.

    ``r ≤ 1``: ``4r/(2 + 5r)`` (extra feature antipodal with feature 2 beats dropping it);
    ``r > 1``: ``4/7`` (features 1 and 2 antipodal beat dropping feature 1; the extra
    feature keeps a dedicated dimension on both sides of this line).
    """
    r, _ = _r_and_p(relative_importance, 1.0)
    return torch.where(r <= 1, 4 * r / (2 + 5 * r), torch.full_like(r, 4 / 7))


def _midpoints(n: int) -> torch.Tensor:
    return (torch.arange(n, dtype=torch.float64) + 0.5) / n


def two_in_one_expected_loss(
    W: Any, b: Any, relative_importance: Any, density: Any, *, n_grid: int = 256
) -> torch.Tensor:
    """Expected loss of 2-in-1 ReLU-output models ``x' = ReLU(WᵀW x + b)`` by quadrature.

    ``W`` is ``[..., 1, 2]`` (or ``[..., 2]``), ``b`` is ``[..., 2]``; ``relative_importance``
    and ``density`` broadcast with the leading axes. The loss is split by which features
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
    r, p = _r_and_p(relative_importance, density)
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
    relative_importance: Any, density: Any, *, steps: int = 60, n_grid: int = 96
) -> dict[str, torch.Tensor]:
    """Candidate losses with each candidate's free parameters optimised.

    ``ignore`` and ``dedicate`` are already optimal within their families (the closed
    forms). For ``antipodal`` the weights ``(w₁, w₂)`` (with ``w₁ > 0 > w₂``) and both biases are
    optimised with L-BFGS from ``W = [1, −1], b = 0`` on the quadrature loss of
    :func:`two_in_one_expected_loss`; the result is never above the closed form.
    Returns the three losses and ``"antipodal_params"`` ``[..., 4]`` = ``(w₁, w₂, b₁, b₂)``.
    """
    steps = check_positive_int("steps", steps)
    r, p = _r_and_p(relative_importance, density)
    closed = two_in_one_candidate_losses(r, p)
    shape = r.shape
    rf, pf = r.reshape(-1), p.reshape(-1)
    params = torch.tensor([1.0, -1.0, 0.0, 0.0], dtype=torch.float64).repeat(rf.shape[0], 1)
    params.requires_grad_(True)
    opt = torch.optim.LBFGS([params], lr=1.0, max_iter=steps, line_search_fn="strong_wolfe")

    def objective() -> torch.Tensor:
        opt.zero_grad()
        loss = two_in_one_expected_loss(params[:, None, :2], params[:, 2:], rf, pf, n_grid=n_grid).sum()
        loss.backward()
        return loss

    opt.step(objective)
    with torch.no_grad():
        final = two_in_one_expected_loss(params[:, None, :2], params[:, 2:], rf, pf, n_grid=n_grid)
        anti = torch.minimum(final.reshape(shape), closed["antipodal"])
    return {
        "ignore": closed["ignore"],
        "dedicate": closed["dedicate"],
        "antipodal": anti,
        "antipodal_params": params.detach().reshape(*shape, 4),
    }


# --------------------------------------------------------------------------- sparsity (chapter 4)
def _weights_and_bias(W: Any, b: Any | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    w = as_float_tensor("W", W, min_dim=2, dtype=torch.float64)
    if w.shape[-1] == 0 or w.shape[-2] == 0:
        raise ValueError(f"W must have at least one hidden dimension and one feature, got shape {tuple(w.shape)}")
    if b is None:
        return w, None
    bias = as_float_tensor("b", b, min_dim=1, dtype=torch.float64)
    if bias.shape[-1] != w.shape[-1] or tuple(bias.shape[:-1]) != tuple(w.shape[:-2]):
        raise ValueError(
            f"b must have shape {tuple(w.shape[:-2]) + (w.shape[-1],)} to match W {tuple(w.shape)}, "
            f"got {tuple(bias.shape)}"
        )
    return w, bias


def _feature_importance(importance: Any, n: int) -> torch.Tensor:
    imp = as_float_tensor("importance", importance, max_dim=1, dtype=torch.float64)
    if imp.dim() == 0:
        imp = imp.expand(n)
    if imp.shape[0] != n:
        raise ValueError(f"importance must be a number or one value per feature ({n}), got shape {tuple(imp.shape)}")
    if (imp < 0).any():
        raise ValueError(f"importance must be >= 0, got {float(imp.min()):g}")
    return imp


def linear_loss_split(W: Any, importance: Any, sparsity: Any) -> dict[str, torch.Tensor]:
    """The linear model's loss split into feature benefit and interference.

    For ``x' = WᵀWx + b`` with the best bias ``b = (1 − WᵀW) E[x]`` and independent features
    of variance ``v_i = Var(x_i)``, the error on feature ``j`` is ``Σ_i (δ_ji − W_j·W_i)(x_i − E x_i)``, so

    ``L = Σ_j I_j v_j (1 − ‖W_j‖²)²  +  Σ_j Σ_{i≠j} I_j v_i (W_j·W_i)²``.

    The first term (``"feature_benefit"``) is what a feature costs when it is not given a
    unit-norm direction; the second (``"interference"``) is what it costs that other
    features leak into it. ``W`` is ``[..., m, n]``; each returned tensor has shape ``[...]``
    (``"total"`` is their sum). Exact; with equal variances it is the paper's split times ``v``.
    """
    w, _ = _weights_and_bias(W)
    imp = _feature_importance(importance, w.shape[-1])
    s = check_sparsity("sparsity", sparsity).to(torch.float64)
    if s.dim() > 1 or (s.dim() == 1 and s.shape[0] != w.shape[-1]):
        raise ValueError(
            f"sparsity must be a number or one value per feature ({w.shape[-1]}), got shape {tuple(s.shape)}"
        )
    p = (1.0 - s).expand(w.shape[-1])
    var = p / 3 - p**2 / 4
    gram = w.transpose(-1, -2) @ w  # [..., j, i]
    diag = torch.diagonal(gram, dim1=-2, dim2=-1)
    benefit = (imp * var * (1 - diag) ** 2).sum(-1)
    off = gram**2 - torch.diag_embed(diag**2)
    interference = (imp[:, None] * off * var[None, :]).sum((-2, -1))
    return {"feature_benefit": benefit, "interference": interference, "total": benefit + interference}


def k_active_probabilities(n_features: int, sparsity: Any) -> torch.Tensor:
    """``P(exactly k features active)`` for ``k = 0 … n``: binomial with density ``p = 1 − S``.

    ``sparsity`` is one number (all features share it). Returns ``[n_features + 1]``.
    """
    import math

    n = check_positive_int("n_features", n_features)
    s = check_sparsity("sparsity", sparsity)
    if s.dim() != 0:
        raise ValueError(f"sparsity must be one number here (shared by all features), got shape {tuple(s.shape)}")
    p = 1.0 - float(s)
    return torch.tensor(
        [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)], dtype=torch.float64
    )


def k_sparse_loss(
    W: Any,
    b: Any,
    importance: Any,
    k: int,
    *,
    kind: str = "relu",
    n_samples: int = 8192,
    seed: int = 0,
) -> torch.Tensor:
    """The loss on inputs with exactly ``k`` active features, ``L_k``.

    The ``k`` active features are drawn uniformly without replacement and their values
    from ``U[0, 1]``; the rest are 0. ``kind`` is ``"relu"`` (``x' = ReLU(WᵀWx + b)``) or
    ``"linear"`` (``x' = WᵀWx + b``). ``L_0 = Σ_i I_i f(b_i)²`` is exact; for ``k ≥ 1`` the value
    is a Monte Carlo average over ``n_samples`` seeded inputs (the same inputs for every model).
    With ``P(k)`` from :func:`k_active_probabilities`, the full loss is ``Σ_k P(k) L_k``.
    ``W`` is ``[..., m, n]``, ``b`` is ``[..., n]``; the result has shape ``[...]``.
    """
    from ._validate import check_choice

    w, bias = _weights_and_bias(W, b)
    n = w.shape[-1]
    imp = _feature_importance(importance, n)
    k = check_positive_int("k", k, minimum=0)
    if k > n:
        raise ValueError(f"k must be at most the number of features ({n}), got {k}")
    kind = check_choice("kind", kind, ("relu", "linear"))
    n_samples = check_positive_int("n_samples", n_samples)
    seed = check_positive_int("seed", seed, minimum=0)
    act = torch.relu if kind == "relu" else (lambda t: t)
    assert bias is not None
    if k == 0:
        return (imp * act(bias) ** 2).sum(-1)
    g = torch.Generator().manual_seed(seed)
    order = torch.rand(n_samples, n, generator=g).argsort(dim=-1)[:, :k]
    x = torch.zeros(n_samples, n, dtype=torch.float64)
    x.scatter_(1, order, torch.rand(n_samples, k, generator=g, dtype=torch.float64))
    gram = w.transpose(-1, -2) @ w  # [..., n, n]
    out = act(x @ gram + bias.unsqueeze(-2))  # gram is symmetric
    return ((out - x) ** 2 * imp).sum(-1).mean(-1)


# --------------------------------------------------------------------------- which polytope wins (chapter 6)
def _interference_distribution(cosines: list[float], density: torch.Tensor, step: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Law of ``s = Σ_j c_j x_j`` on a grid of spacing ``step``: positions ``[K]`` and weights ``[P, K]``.

    Each ``x_j`` is 0 with probability ``1 − p``, else ``U[0, 1]``. Every term's uniform part is
    cut into fine slices whose mass is shared between the two nearest grid points (this keeps
    the mean exact); the terms are then convolved.
    """
    P = density.shape[0]
    lo = sum(min(c, 0.0) for c in cosines)
    hi = sum(max(c, 0.0) for c in cosines)
    i_lo, i_hi = int(torch.floor(torch.tensor(lo / step))) - 1, int(torch.ceil(torch.tensor(hi / step))) + 1
    K = i_hi - i_lo + 1
    weights = torch.zeros(P, K, dtype=torch.float64)
    weights[:, -i_lo] = 1.0  # s = 0 with certainty before any term
    slices = 4 * int(round(1.0 / step))
    t = (torch.arange(slices, dtype=torch.float64) + 0.5) / slices
    for c in cosines:
        term = torch.zeros(K, dtype=torch.float64)
        pos = c * t / step  # in grid units, relative to s = 0
        below = torch.floor(pos)
        frac = pos - below
        idx = below.long() - i_lo
        term.index_add_(0, idx, (1 - frac) / slices)
        term.index_add_(0, (idx + 1).clamp(max=K - 1), frac / slices)
        # convolve the running law with this term's uniform part (by FFT), shifted to its offset
        nz = torch.nonzero(term).flatten()
        first, last = int(nz[0]), int(nz[-1])
        g = term[first : last + 1]
        shift0 = first + i_lo  # grid offset of g[0] from s = 0
        n_fft = K + g.shape[0]
        full = torch.fft.irfft(torch.fft.rfft(weights, n=n_fft) * torch.fft.rfft(g, n=n_fft), n=n_fft)
        new = torch.zeros_like(weights)
        src_lo, src_hi = max(0, -shift0), min(n_fft, K - shift0)
        new[:, src_lo + shift0 : src_hi + shift0] = full[:, src_lo:src_hi]
        new.clamp_(min=0.0)
        weights = (1 - density)[:, None] * weights + density[:, None] * new
    positions = (torch.arange(K, dtype=torch.float64) + i_lo) * step
    return positions, weights


def polytope_benefit(name: str, sparsity: Any, *, step: float = 1 / 512) -> dict[str, torch.Tensor]:
    """How much loss a polytope saves per hidden dimension, with its norm and bias optimised.

    In uniform superposition (every feature of importance 1 and density ``p = 1 − S``) the
    model can fill its hidden space with copies of one polytope, each in a subspace of its
    own (a *tegum product*): ``k`` features on the vertices of a shape in ``d`` dimensions.
    The copies do not interact, so the polytope that saves the most loss *per hidden
    dimension* is the best arrangement. A feature the model leaves out is best predicted
    by its mean (a bias of ``p/2``) and costs ``Var(x) = p/3 − p²/4``; a feature with a
    dimension of its own is reconstructed exactly and costs nothing.

    For the named polytope (any vertex-transitive entry of :data:`POLYTOPES`: the dedicated
    dimension, digon, triangle, square, pentagon, hexagon, tetrahedron, octahedron, cube)
    every feature has weight ``√a`` times a unit vertex and bias ``b``; ``(a, b)`` are chosen by
    L-BFGS to minimise the expected loss, computed by quadrature: the interference
    ``s = Σ_j cos(i, j) x_j`` from the other vertices is tabulated on a grid of spacing
    ``step`` (error about ``step²``) and the feature's own value ``x ~ U[0, 1]`` is integrated
    in closed form.

    Returns a dict of tensors shaped like ``sparsity``:

    - ``"benefit"``: loss saved per hidden dimension, as a multiple of what a dedicated
      dimension saves (``Var(x)``); 1 for the dedicated dimension, larger for a shape that
      beats it;
    - ``"loss_per_feature"``: expected loss of one of its features;
    - ``"norm_squared"`` (``a``) and ``"bias"`` (``b``): the optimised parameters.
    """
    allowed = [n for n in POLYTOPES if n != "square antiprism"]
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"name must be one of {', '.join(repr(a) for a in allowed)}, got {name!r}")
    step = float(step)
    if not (0 < step <= 0.05):
        raise ValueError(f"step must be in (0, 0.05], got {step!r}")
    s = check_sparsity("sparsity", sparsity).to(torch.float64)
    shape = s.shape
    p = (1.0 - s).reshape(-1)
    k, d = POLYTOPES[name]
    if k == 1:  # a dedicated dimension reconstructs its feature exactly: a = 1, b = 0, no loss
        ones = torch.ones(shape, dtype=torch.float64)
        return {"benefit": ones, "loss_per_feature": torch.zeros(shape, dtype=torch.float64),
                "norm_squared": ones.clone(), "bias": torch.zeros(shape, dtype=torch.float64)}
    V = polytope_vertices(name)
    cosines = [float(c) for c in (V[:, 0] @ V[:, 1:]).tolist()]
    positions, weights = _interference_distribution(cosines, p, step)
    keep = weights.sum(0) > 1e-15
    positions, weights = positions[keep], weights[:, keep]  # [K], [P, K]
    params = torch.tensor([1.0, 0.0], dtype=torch.float64).repeat(p.shape[0], 1).requires_grad_(True)

    def loss_of(par: torch.Tensor) -> torch.Tensor:
        a, b = par[:, 0, None] ** 2, par[:, 1, None]  # [P, 1]: a = ‖W_i‖² ≥ 0
        c = a * positions + b  # [P, K]: the output before the ReLU is a·x + c
        off = (torch.relu(c) ** 2 * weights).sum(-1)  # the feature is off (x = 0)
        # the feature is on, x ~ U[0, 1]: ∫₀¹ (x − ReLU(a x + c))² dx in closed form; the
        # ReLU is off below t = −c/a (clipped to [0, 1]), where the error is x².
        t = (-c / a.clamp(min=1e-9)).clamp(0.0, 1.0)
        on = (
            t**3 / 3
            + (1 - a) ** 2 * (1 - t**3) / 3
            - (1 - a) * c * (1 - t**2)
            + c**2 * (1 - t)
        )
        return (1 - p) * off + p * (on * weights).sum(-1)

    opt = torch.optim.LBFGS([params], lr=1.0, max_iter=100, tolerance_grad=1e-12, line_search_fn="strong_wolfe")

    def objective() -> torch.Tensor:
        opt.zero_grad()
        total = loss_of(params).sum()
        total.backward()
        return total

    opt.step(objective)
    with torch.no_grad():
        loss = loss_of(params)
        var = p / 3 - p**2 / 4
        benefit = k * (var - loss) / (d * var)
    return {
        "benefit": benefit.reshape(shape),
        "loss_per_feature": loss.reshape(shape),
        "norm_squared": (params[:, 0].detach() ** 2).reshape(shape),
        "bias": params[:, 1].detach().reshape(shape),
    }


def arrangement_benefit(parts: Any, sparsity: Any) -> torch.Tensor:
    """Loss saved by an arrangement of polytopes, each in hidden dimensions of its own.

    ``parts`` is a list of names from :data:`POLYTOPES` (a name may repeat), for example
    ``["triangle", "dedicated dimension"]`` for three of four features on a triangle and the
    fourth with a dimension to itself. The parts do not interact, so the arrangement saves
    ``Σ d · benefit``: each part's :func:`polytope_benefit` times the dimensions it spans. The
    result is in units of what one dedicated dimension saves (``Var(x)``) and has the shape of
    ``sparsity``.
    """
    if isinstance(parts, str) or not isinstance(parts, (list, tuple)) or not parts:
        raise ValueError(f"parts must be a non-empty list of polytope names, got {parts!r}")
    total = [polytope_benefit(name, sparsity)["benefit"] * POLYTOPES[name][1] for name in parts]
    return torch.stack(total).sum(0)


def tegum_loss(name: str, n_features: int, n_hidden: int, sparsity: Any) -> torch.Tensor:
    """Expected loss of a uniform-superposition model filled with copies of one polytope.

    ``n_hidden / d`` copies of the polytope (``k`` features in ``d`` dimensions each) use
    every hidden dimension; the remaining features are left out and predicted by their mean.
    With every feature of importance 1 and density ``p = 1 − S`` the loss is
    ``n · Var(x) − m · Var(x) · benefit`` (``Var(x) = p/3 − p²/4``; benefit from
    :func:`polytope_benefit`). Needs ``d`` to divide ``n_hidden`` and enough features to fill it.
    """
    n = check_positive_int("n_features", n_features)
    m = check_positive_int("n_hidden", n_hidden)
    if not isinstance(name, str) or name not in POLYTOPES:
        raise ValueError(f"name must be one of {', '.join(repr(a) for a in POLYTOPES)}, got {name!r}")
    k, d = POLYTOPES[name]
    if m % d:
        raise ValueError(f"a {name} spans {d} dimensions, which does not divide n_hidden={m}")
    if n < k * (m // d):
        raise ValueError(f"{m // d} copies of a {name} need {k * (m // d)} features, got n_features={n}")
    p = 1.0 - check_sparsity("sparsity", sparsity).to(torch.float64)
    var = p / 3 - p**2 / 4
    return n * var - m * var * polytope_benefit(name, 1.0 - p)["benefit"]
