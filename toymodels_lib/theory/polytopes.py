"""Polytopes in uniform superposition: named arrangements of ``k`` features in ``d`` dimensions, their
vertices and dimensionalities, and the loss each saves per hidden dimension."""

from __future__ import annotations

import torch

from .._types import Probability
from .._validate import check_positive_int
from ._common import density_of
from .sparsity import feature_variance

__all__ = [
    "POLYTOPES",
    "arrangement_benefit",
    "polytope_benefit",
    "polytope_dimensionality",
    "polytope_fractions",
    "polytope_vertices",
    "tegum_loss",
]

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

_REGULAR = tuple(n for n in POLYTOPES if n != "square antiprism")
"""The vertex-transitive entries of :data:`POLYTOPES` (with closed-form vertices)."""


def _check_name(name: str, allowed: tuple[str, ...] = _REGULAR) -> tuple[int, int]:
    """``(k, d)`` of a polytope name from ``allowed``, or a ValueError listing them."""
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"name must be one of {', '.join(repr(a) for a in allowed)}, got {name!r}")
    return POLYTOPES[name]


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
    k, d = _check_name(name)
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


def polytope_benefit(
    name: str,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
    step: float = 1 / 512,
) -> dict[str, torch.Tensor]:
    """How much loss a polytope saves per hidden dimension, with its norm and bias optimised.

    In uniform superposition (every feature of importance 1 and density ``p = 1 − S``) the
    model can fill its hidden space with copies of one polytope, each in a subspace of its
    own (a *tegum product*): ``k`` features on the vertices of a shape in ``d`` dimensions.
    The copies do not interact, so the polytope that saves the most loss *per hidden
    dimension* is the best arrangement. A feature the model leaves out is best predicted
    by its mean (a bias of ``p/2``) and costs ``Var(x)`` (:func:`~toymodels_lib.theory.feature_variance`); a feature with a
    dimension of its own is reconstructed exactly and costs nothing.

    For the named polytope (any vertex-transitive entry of :data:`POLYTOPES`: the dedicated
    dimension, digon, triangle, square, pentagon, hexagon, tetrahedron, octahedron, cube)
    every feature has weight ``√a`` times a unit vertex and bias ``b``; ``(a, b)`` are chosen by
    L-BFGS to minimise the expected loss, computed by quadrature: the interference
    ``s = Σ_j cos(i, j) x_j`` from the other vertices is tabulated on a grid of spacing
    ``step`` (error about ``step²``) and the feature's own value ``x ~ U[0, 1]`` is integrated
    in closed form.

    Give exactly one of ``sparsity=`` or ``density=`` (a number, ``[P]`` or ``[P, Q]``).
    Returns a dict of tensors of its shape:

    - ``"benefit"``: loss saved per hidden dimension, as a multiple of what a dedicated
      dimension saves (``Var(x)``); 1 for the dedicated dimension, larger for a shape that
      beats it;
    - ``"loss_per_feature"``: expected loss of one of its features;
    - ``"norm_squared"`` (``a``) and ``"bias"`` (``b``): the optimised parameters.
    """
    k, d = _check_name(name)
    step = float(step)
    if not (0 < step <= 0.05):
        raise ValueError(f"step must be in (0, 0.05], got {step!r}")
    p = density_of(sparsity, density)
    shape = p.shape
    p = p.reshape(-1)
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
        var = feature_variance(density=p)
        benefit = k * (var - loss) / (d * var)
    return {
        "benefit": benefit.reshape(shape),
        "loss_per_feature": loss.reshape(shape),
        "norm_squared": (params[:, 0].detach() ** 2).reshape(shape),
        "bias": params[:, 1].detach().reshape(shape),
    }


def arrangement_benefit(
    parts: list[str] | tuple[str, ...],
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
) -> torch.Tensor:
    """Loss saved by an arrangement of polytopes, each in hidden dimensions of its own.

    ``parts`` is a list of names from :data:`POLYTOPES` (a name may repeat), for example
    ``["triangle", "dedicated dimension"]`` for three of four features on a triangle and the
    fourth with a dimension to itself. The parts do not interact, so the arrangement saves
    ``Σ d · benefit``: each part's :func:`polytope_benefit` times the dimensions it spans. The
    result is in units of what one dedicated dimension saves (``Var(x)``) and has the shape of
    the probability (exactly one of ``sparsity=`` or ``density=``).
    """
    if isinstance(parts, str) or not isinstance(parts, (list, tuple)) or not parts:
        raise ValueError(f"parts must be a non-empty list of polytope names, got {parts!r}")
    total = [
        polytope_benefit(name, sparsity=sparsity, density=density)["benefit"] * POLYTOPES[name][1]
        for name in parts
    ]
    return torch.stack(total).sum(0)


def tegum_loss(
    name: str,
    n_features: int,
    n_hidden: int,
    *,
    sparsity: Probability | None = None,
    density: Probability | None = None,
) -> torch.Tensor:
    """Expected loss of a uniform-superposition model filled with copies of one polytope.

    ``n_hidden / d`` copies of the polytope (``k`` features in ``d`` dimensions each) use
    every hidden dimension; the remaining features are left out and predicted by their mean.
    With every feature of importance 1 and density ``p = 1 − S`` the loss is
    ``n · Var(x) − m · Var(x) · benefit`` (:func:`~toymodels_lib.theory.feature_variance`;
    benefit from :func:`polytope_benefit`). Needs ``d`` to divide ``n_hidden`` and enough
    features to fill it. Give exactly one of ``sparsity=`` or ``density=``.
    """
    n = check_positive_int("n_features", n_features)
    m = check_positive_int("n_hidden", n_hidden)
    k, d = _check_name(name, tuple(POLYTOPES))
    if m % d:
        raise ValueError(f"a {name} spans {d} dimensions, which does not divide n_hidden={m}")
    if n < k * (m // d):
        raise ValueError(f"{m // d} copies of a {name} need {k * (m // d)} features, got n_features={n}")
    p = density_of(sparsity, density)
    var = feature_variance(density=p)
    return n * var - m * var * polytope_benefit(name, density=p)["benefit"]

