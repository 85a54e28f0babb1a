"""Claims of chapter 6 (the geometry of superposition).

Each measure takes what the chapter shows, as a dict:

- the uniform sweep (n = 400, m = 30): ``{"W": [models, m, n], "density": [models]}``;
  the shape comparison adds ``"inverse_density"`` and ``"benefit"`` (name -> values from
  ``theory.polytope_benefit``), the loss table ``"sweep_loss"`` and ``"shape_loss"``;
- the small trained shapes: ``{"triangle": TrainResult, "tetrahedron": TrainResult}``
  (12 seeds each);
- the non-uniform pentagon: ``{"W": [settings, 2, 5], "feature0_density": [...]}``;
- correlated features: ``{"correlated": W, "anticorrelated": W, "pairs": [(0, 1), (2, 3)]}``
  and ``{"W": W, "sets": [[0, 1, 2], [3, 4, 5]], "kept": [...]}``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..metrics import (
    cosine_similarity_matrix,
    dimensions_per_feature,
    feature_dimensionality,
    feature_groups,
    feature_norms,
    group_spans,
    regular_simplex_error,
)
from ..theory import polytope_fractions
from . import at_least, at_most, between, claim, equals, is_true

UNIFORM = "Uniform Superposition"
NON_UNIFORM = "Non-Uniform Superposition"
CORRELATED = "Correlated and Anticorrelated Features"
SMALL = "lowest loss of 12 seeds, on 131,072 samples"
FOUR = "lowest loss of 4 seeds, on 131,072 samples"

BAND = (1.8, 4.1)
"""The band of 1/(1−S) where the sweep's dimensionalities sit on polytope fractions."""
NEAR = 0.02
"""How close to a fraction ``D_i`` must be to count as on it."""
SPARSE_FROM = 7.0
"""From this 1/(1−S) on the sweep's features share the space evenly."""


# ----------------------------------------------------------------- the uniform sweep
def _sweep(result: dict[str, Any]) -> tuple[torch.Tensor, np.ndarray]:
    W = torch.as_tensor(np.asarray(result["W"], dtype=np.float32)) if not isinstance(result["W"], torch.Tensor) else result["W"].float()
    inv = 1.0 / np.asarray(result["density"], dtype=np.float64)
    return W, inv


def _represented(W: torch.Tensor) -> torch.Tensor:
    return feature_norms(W) > 0.5


def _fractions() -> np.ndarray:
    return np.array([v for _, v in polytope_fractions()])


def near_fraction(dims: torch.Tensor, value: float | None = None) -> torch.Tensor:
    """Which ``D_i`` lie within 0.02 of a polytope fraction (or of ``value``)."""
    targets = torch.tensor(_fractions() if value is None else [value], dtype=dims.dtype)
    return ((dims[..., None] - targets).abs() < NEAR).any(-1)


def share_near(result: dict[str, Any], low: float = 0.0, high: float = float("inf"),
               value: float | None = None) -> tuple[int, int]:
    """``(on a fraction, represented)`` over the sweep's models with ``low ≤ 1/(1−S) ≤ high``."""
    W, inv = _sweep(result)
    keep = torch.from_numpy((inv >= low) & (inv <= high))
    dims, rep = feature_dimensionality(W[keep]), _represented(W[keep])
    return int((near_fraction(dims, value) & rep).sum()), int(rep.sum())


def plateau(result: dict[str, Any], tol: float = 0.03) -> list[int]:
    """The longest run of consecutive models with ``|D* − 1/2| ≤ tol``."""
    W, _ = _sweep(result)
    on = (dimensions_per_feature(W) - 0.5).abs() <= tol
    best: list[int] = []
    run: list[int] = []
    for k, flag in enumerate(on.tolist()):
        run = run + [k] if flag else []
        if len(run) > len(best):
            best = run
    return best


@claim(
    "ch06.dstar-one-dense",
    chapter=6,
    statement="At S = 0 the sweep has D* = 1: ‖W‖_F² = m.",
    paper="D* sticks at 1 when the features are dense.",
    section=UNIFORM,
    criterion=between(0.99, 1.01),
    unit="= D*, S = 0",
    paper_value="1",
)
def _dstar_dense(result: dict[str, Any]) -> float:
    W, inv = _sweep(result)
    return float(dimensions_per_feature(W[int(np.argmin(inv))]))


@claim(
    "ch06.dense-no-feature-kept",
    chapter=6,
    statement="At S = 0 no feature has ‖W_i‖ > 0.5: the model embeds every feature weakly "
    "(a projection), it gives none a dimension of its own.",
    paper="D* = 1 at the dense end (read by the paper as one dimension per feature).",
    section=UNIFORM,
    criterion=equals(0),
    unit="features with ‖W_i‖ > 0.5",
)
def _dense_none(result: dict[str, Any]) -> int:
    W, inv = _sweep(result)
    return int(_represented(W[int(np.argmin(inv))]).sum())


@claim(
    "ch06.dense-di-small",
    chapter=6,
    statement="At S = 0 every feature has D_i well below 1 (largest under 0.2; m/n = 0.075).",
    paper="D* = 1 at the dense end (read by the paper as one dimension per feature).",
    section=UNIFORM,
    criterion=at_most(0.2),
    unit="= largest D_i at S = 0",
    digits=2,
)
def _dense_di(result: dict[str, Any]) -> float:
    W, inv = _sweep(result)
    return float(feature_dimensionality(W[int(np.argmin(inv))]).max())


@claim(
    "ch06.dstar-half-plateau",
    chapter=6,
    statement="D* stays within 0.03 of 1/2 on three neighbouring models (1/(1−S) = 2.7 to 4.1).",
    paper="D* sticks at 1/2 over a range of sparsity (antipodal pairs).",
    section=UNIFORM,
    criterion=at_least(3),
    unit="models in a row",
)
def _plateau(result: dict[str, Any]) -> int:
    return len(plateau(result))


@claim(
    "ch06.dstar-below-m-over-n",
    chapter=6,
    statement="At the sparsest setting D* ends below m/n (sparse features have norms above 1).",
    paper="D* falls towards m/n as features become sparser.",
    section=UNIFORM,
    criterion=between(0.5, 0.95),
    unit="= D*/(m/n)",
    digits=2,
)
def _dstar_sparse(result: dict[str, Any]) -> float:
    W, inv = _sweep(result)
    m, n = W.shape[1], W.shape[2]
    return float(dimensions_per_feature(W[int(np.argmax(inv))])) / (m / n)


@claim(
    "ch06.sum-di-is-m",
    chapter=6,
    statement="In every model of the sweep the D_i add up to m = 30 (within 0.1).",
    paper="The feature dimensionalities share out the hidden dimensions.",
    section=UNIFORM,
    criterion=at_most(0.1),
    unit="= max |Σ D_i − m|",
    digits=2,
)
def _sum_di(result: dict[str, Any]) -> float:
    W, _ = _sweep(result)
    return float((feature_dimensionality(W).sum(-1) - W.shape[1]).abs().max())


@claim(
    "ch06.half-on-plateau",
    chapter=6,
    statement="On the D* plateau at least 90% of the represented features have D_i within 0.02 of 1/2.",
    paper="On the 1/2 plateau the features are antipodal pairs (digons).",
    section=UNIFORM,
    criterion=at_least(0.9),
    unit="of them at 1/2",
    digits=2,
    paper_value="all",
)
def _half(result: dict[str, Any]) -> float:
    W, _ = _sweep(result)
    idx = plateau(result)
    dims, rep = feature_dimensionality(W[idx]), _represented(W[idx])
    return float((near_fraction(dims, 0.5) & rep).sum()) / max(1, int(rep.sum()))


@claim(
    "ch06.band-on-fractions",
    chapter=6,
    statement="For 1/(1−S) from 1.8 to 4.1 at least 90% of the represented features sit "
    "within 0.02 of a polytope fraction.",
    paper="Feature dimensionalities cluster at 1, 3/4, 2/3, 1/2, 2/5 and 3/8.",
    section=UNIFORM,
    criterion=at_least(0.9),
    unit="on a fraction",
    digits=2,
)
def _band(result: dict[str, Any]) -> float:
    on, rep = share_near(result, *BAND)
    return on / max(1, rep)


@claim(
    "ch06.few-on-fractions",
    chapter=6,
    statement="Over the whole sweep fewer than 10% of the represented features sit within "
    "0.02 of a polytope fraction.",
    paper="Feature dimensionalities cluster at 1, 3/4, 2/3, 1/2, 2/5 and 3/8.",
    section=UNIFORM,
    criterion=at_most(0.1),
    unit="on a fraction",
    digits=2,
)
def _overall(result: dict[str, Any]) -> float:
    on, rep = share_near(result)
    return on / max(1, rep)


@claim(
    "ch06.even-share-sparse",
    chapter=6,
    statement="From 1/(1−S) = 7 on, each model's represented features share the space evenly: "
    "all within 15% of m/(number represented), none on a fraction.",
    paper="Sparser, the D_i fall towards m/n.",
    section=UNIFORM,
    criterion=at_most(0.15),
    unit="= max |D_i/(m/k) − 1|",
    digits=2,
)
def _even(result: dict[str, Any]) -> float:
    W, inv = _sweep(result)
    worst = 0.0
    for k in np.flatnonzero(inv >= SPARSE_FROM):
        rep = _represented(W[k])
        dims = feature_dimensionality(W[k])[rep]
        if bool(near_fraction(dims).any()):
            return float("inf")
        worst = max(worst, float((dims / (W.shape[1] / int(rep.sum())) - 1).abs().max()))
    return worst


@claim(
    "ch06.two-thirds-cluster",
    chapter=6,
    statement="The sweep has a cluster at D_i = 2/3: at least 10 represented features within 0.02 of it.",
    paper="Feature dimensionalities cluster at 2/3 (triangles).",
    section=UNIFORM,
    criterion=at_least(10),
    unit="features at 2/3",
)
def _two_thirds(result: dict[str, Any]) -> int:
    return share_near(result, value=2 / 3)[0]


def two_thirds_alone(result: dict[str, Any]) -> tuple[int, int]:
    """``(alone, at 2/3)``: represented features at D_i ≈ 2/3 without a represented partner (|cos| > 0.25)."""
    W, _ = _sweep(result)
    alone = total = 0
    for k in range(W.shape[0]):
        rep = _represented(W[k])
        at = torch.nonzero(near_fraction(feature_dimensionality(W[k]), 2 / 3) & rep).flatten().tolist()
        if not at:
            continue
        sizes = {i: len(g) for g in feature_groups(W[k], cosine=0.25) for i in g}
        total += len(at)
        alone += sum(sizes[i] == 1 for i in at)
    return alone, total


@claim(
    "ch06.two-thirds-not-triangles",
    chapter=6,
    statement="Most of the sweep's D_i ≈ 2/3 features are not triangles: they share no "
    "direction with another represented feature, only with weakly embedded ones.",
    paper="The 2/3 cluster is made of triangles.",
    section=UNIFORM,
    criterion=at_least(0.5),
    unit="of them alone",
    digits=2,
)
def _two_thirds_alone(result: dict[str, Any]) -> float:
    alone, total = two_thirds_alone(result)
    return alone / max(1, total)


@claim(
    "ch06.sweep-pentagon",
    chapter=6,
    statement="The sweep holds a clean pentagon: 5 features in 2 dimensions, every D_i within 0.01 of 2/5.",
    paper="Pentagons (D_i = 2/5) appear among the polytopes of uniform superposition.",
    section=UNIFORM,
    criterion=at_most(0.01),
    unit="= max |D_i−2/5|",
    digits=2,
    paper_value="2/5",
)
def _pentagon(result: dict[str, Any]) -> float:
    """``result["found"]``: name -> ``metrics.find_polytope`` output (or None), as the page prints it."""
    found = result["found"].get("pentagon")
    return float("inf") if found is None else float(found[0])


@claim(
    "ch06.no-clean-simplex",
    chapter=6,
    statement="The sweep holds no clean triangle or tetrahedron (all D_i within 0.06 of 2/3 or 3/4).",
    paper="Triangles (2/3) and tetrahedra (3/4) appear between the plateaus.",
    section=UNIFORM,
    criterion=is_true(),
)
def _no_simplex(result: dict[str, Any]) -> bool:
    found = result["found"]
    return all(found.get(name) is None or found[name][0] > 0.06 for name in ("triangle", "tetrahedron"))


def tegum_dims(W: torch.Tensor) -> tuple[int, int]:
    """``(dimensions the groups span, added up; m)`` for one model: m when the groups sit in
    orthogonal subspaces (a tegum product), more when their subspaces overlap."""
    return sum(span for _, span in group_spans(W, cosine=0.25)), int(W.shape[0])


@claim(
    "ch06.tegum-in-band",
    chapter=6,
    statement="From 1/(1−S) = 2.7 to 4.1 the groups of interfering features span exactly m "
    "dimensions between them (orthogonal subspaces); from 4.9 on they span more than m.",
    paper="Uniform superposition is a tegum product: each polytope in a subspace of its own.",
    section=UNIFORM,
    criterion=is_true(),
)
def _tegum(result: dict[str, Any]) -> bool:
    W, inv = _sweep(result)
    for k in np.flatnonzero((inv >= 2.5) & (inv <= SPARSE_FROM)):
        used, m = tegum_dims(W[k])
        if (inv[k] <= BAND[1]) != (used == m):
            return False
    return True


@claim(
    "ch06.one-group-sparse",
    chapter=6,
    statement="At 1/(1−S) = 7.4 every represented feature is linked to every other: one group.",
    paper="Uniform superposition is a tegum product: each polytope in a subspace of its own.",
    section=UNIFORM,
    criterion=equals(1),
    unit="group(s)",
)
def _one_group(result: dict[str, Any]) -> int:
    W, inv = _sweep(result)
    k = int(np.flatnonzero(inv >= SPARSE_FROM)[0])
    return len(feature_groups(W[k], cosine=0.25))


# ----------------------------------------------------------------- which shape wins
def winners(result: dict[str, Any]) -> list[tuple[str, float]]:
    """``(shape, first 1/(1−S) where it wins)`` in order along the curve."""
    names = list(result["benefit"])
    table = torch.stack([torch.as_tensor(result["benefit"][n]) for n in names])
    inv = torch.as_tensor(result["inverse_density"])
    win = table.argmax(0).tolist()
    out = []
    for k, w in enumerate(win):
        if k == 0 or w != win[k - 1]:
            out.append((names[w], float(inv[k])))
    return out


@claim(
    "ch06.winner-order",
    chapter=6,
    statement="As the features get sparser the best shape per dimension is the tetrahedron "
    "(D_i = 3/4), then the triangle (2/3), the digon (1/2) and the pentagon (2/5).",
    paper="D_i clusters appear in the order 3/4, 2/3, 1/2, 2/5 as sparsity grows.",
    section=UNIFORM,
    criterion=equals("3/4, 2/3, 1/2, 2/5"),
)
def _order(result: dict[str, Any]) -> str:
    names = {"tetrahedron": "3/4", "triangle": "2/3", "digon": "1/2", "pentagon": "2/5",
             "dedicated dimension": "1"}
    return ", ".join(names.get(name, name) for name, _ in winners(result))


@claim(
    "ch06.digon-closed-form",
    chapter=6,
    statement="For 1/(1−S) ≥ 3 the digon's optimised benefit matches the closed form "
    "2(1 − 2p/(4 − 3p)) of a unit digon without bias within 1%.",
    paper="An antipodal pair loses only when both features fire.",
    section=UNIFORM,
    criterion=at_most(0.01),
    unit="relative difference",
    digits=2,
)
def _digon(result: dict[str, Any]) -> float:
    inv = torch.as_tensor(result["inverse_density"], dtype=torch.float64)
    p = 1 / inv
    closed = 2 * (1 - 2 * p / (4 - 3 * p))
    opt = torch.as_tensor(result["benefit"]["digon"], dtype=torch.float64)
    keep = inv >= 3
    return float(((opt - closed).abs() / closed)[keep].max())


@claim(
    "ch06.digon-optimised-dense",
    chapter=6,
    statement="At 1/(1−S) = 1.5, where a unit digon without bias loses to a dedicated dimension "
    "(B = 0.67 < 1), the digon with optimised weight and bias beats it (B > 1).",
    paper="The best antipodal solution shrinks its weights when features are dense.",
    section=UNIFORM,
    criterion=at_least(1.0),
    unit="= optimised B there",
    digits=3,
)
def _digon_dense(result: dict[str, Any]) -> float:
    inv = torch.as_tensor(result["inverse_density"], dtype=torch.float64)
    k = int((inv - 1.5).abs().argmin())
    return float(torch.as_tensor(result["benefit"]["digon"], dtype=torch.float64)[k])


def digon_models(result: dict[str, Any], share: float = 0.9) -> list[int]:
    """Models of the sweep where at least ``share`` of the represented features sit at 1/2."""
    W, _ = _sweep(result)
    dims, rep = feature_dimensionality(W), _represented(W)
    on = (near_fraction(dims, 0.5) & rep).sum(-1).double() / rep.sum(-1).clamp_min(1)
    return torch.nonzero(on >= share).flatten().tolist()


def digon_band(result: dict[str, Any]) -> tuple[float, float]:
    """The range of 1/(1−S) where the digon is the predicted winner."""
    order = winners(result)
    for k, (name, start) in enumerate(order):
        if name == "digon":
            end = order[k + 1][1] if k + 1 < len(order) else float("inf")
            return start, end
    return float("nan"), float("nan")


@claim(
    "ch06.digons-inside-band",
    chapter=6,
    statement="Every model of the sweep whose represented features are (≥ 90%) digons lies "
    "inside the band where the theory says the digon wins.",
    paper="The 1/2 plateau sits where antipodal pairs are the best arrangement.",
    section=UNIFORM,
    criterion=is_true(),
)
def _inside(result: dict[str, Any]) -> bool:
    _, inv = _sweep(result)
    low, high = digon_band(result)
    models = digon_models(result)
    return bool(models) and all(low <= inv[k] <= high for k in models)


@claim(
    "ch06.digons-start-late",
    chapter=6,
    statement="The sweep's digons start later than predicted: at 1/(1−S) = 1.8, inside the "
    "digon band, no represented feature has D_i ≈ 1/2.",
    paper="The 1/2 plateau sits where antipodal pairs are the best arrangement.",
    section=UNIFORM,
    criterion=at_most(0.1),
    unit="at 1/2 there",
    digits=2,
)
def _late(result: dict[str, Any]) -> float:
    W, inv = _sweep(result)
    low, _ = digon_band(result)
    k = int(np.flatnonzero(inv >= low)[0])
    rep = _represented(W[k])
    return float((near_fraction(feature_dimensionality(W[k]), 0.5) & rep).sum()) / max(1, int(rep.sum()))


@claim(
    "ch06.near-best-shape",
    chapter=6,
    statement="Up to 1/(1−S) = 8 every model's loss is within 2% of the best single shape's.",
    paper="Uniform superposition models are tegum products of the best polytopes.",
    section=UNIFORM,
    criterion=at_most(0.02),
    unit="= max |gap|",
    digits=2,
)
def _best_shape(result: dict[str, Any]) -> float:
    sweep = np.asarray(result["sweep_loss"], dtype=np.float64)
    shape = np.asarray(result["shape_loss"], dtype=np.float64)
    return float(np.abs(sweep / shape - 1).max())


@claim(
    "ch06.dense-near-best",
    chapter=6,
    statement="Where the tetrahedron or the triangle should win (1/(1−S) ≤ 1.5), the sweep's "
    "projections come within 0.5% of their loss.",
    paper="The tetrahedron and the triangle win at the dense end.",
    section=UNIFORM,
    criterion=at_most(0.005),
    unit="= max gap there",
    digits=2,
)
def _dense_best(result: dict[str, Any]) -> float:
    inv = 1 / np.asarray(result["loss_density"], dtype=np.float64)
    gap = np.asarray(result["sweep_loss"], dtype=np.float64) / np.asarray(result["shape_loss"], dtype=np.float64) - 1
    return float(gap[inv <= 1.5].max())


@claim(
    "ch06.pentagon-early",
    chapter=6,
    statement="The sweep's clean pentagon comes before the theory's pentagon band starts.",
    paper="Pentagons (D_i = 2/5) follow the digons as sparsity grows.",
    section=UNIFORM,
    criterion=is_true(),
)
def _early(result: dict[str, Any]) -> bool:
    _, inv = _sweep(result)
    found = result["found"].get("pentagon")
    start = dict(winners(result)).get("pentagon", float("inf"))
    return found is not None and inv[found[1]] < start


@claim(
    "ch06.sparse-beats-one-shape",
    chapter=6,
    statement="At 1/(1−S) = 7.4 the trained model's loss is below that of the best single shape.",
    paper="Uniform superposition models are tegum products of the best polytopes.",
    section=UNIFORM,
    criterion=at_most(0.0),
    unit="= gap there",
    digits=2,
)
def _below(result: dict[str, Any]) -> float:
    inv = 1 / np.asarray(result["loss_density"], dtype=np.float64)
    k = int(np.argmax(inv))
    return float(np.asarray(result["sweep_loss"])[k] / np.asarray(result["shape_loss"])[k] - 1)


# ----------------------------------------------------------------- small trained shapes
def _regular(runs: Any) -> torch.Tensor:
    return regular_simplex_error(runs.W) < 0.03


@claim(
    "ch06.triangle-seeds",
    chapter=6,
    statement="Three features in two dimensions at 1/(1−S) = 1.8 end as a regular triangle "
    "in at least 9 of 12 seeds.",
    paper="Triangles (D_i = 2/3) are a uniform-superposition polytope.",
    section=UNIFORM,
    criterion=at_least(9),
    unit="of 12 seeds",
)
def _tri_seeds(result: dict[str, Any]) -> int:
    return int(_regular(result["triangle"]).sum())


@claim(
    "ch06.tetrahedron-seeds",
    chapter=6,
    statement="Four features in three dimensions end as a regular tetrahedron in some seeds "
    "but fewer than half (2 to 6 of 12).",
    paper="Tetrahedra (D_i = 3/4) are a uniform-superposition polytope.",
    section=UNIFORM,
    criterion=between(2, 6),
    unit="of 12 seeds",
)
def _tet_seeds(result: dict[str, Any]) -> int:
    return int(_regular(result["tetrahedron"]).sum())


@claim(
    "ch06.best-seeds-regular",
    chapter=6,
    statement="The lowest-loss seed is the regular shape for both, with every D_i within 0.02 of d/k.",
    paper="The regular polytopes are the best solutions.",
    section=UNIFORM,
    criterion=at_most(0.02),
    unit="= max |D_i − d/k|",
    digits=2,
    selection=SMALL,
)
def _best_regular(result: dict[str, Any]) -> float:
    worst = 0.0
    for name in ("triangle", "tetrahedron"):
        runs = result[name]
        best = int(runs.losses.argmin())
        if not bool(_regular(runs)[best]):
            return float("inf")
        W = runs.W[best]
        worst = max(worst, float((feature_dimensionality(W) - W.shape[0] / W.shape[1]).abs().max()))
    return worst


# ----------------------------------------------------------------- non-uniform superposition
def _at(result: dict[str, Any], density: float) -> torch.Tensor:
    dens = [float(d) for d in result["feature0_density"]]
    return torch.as_tensor(result["W"])[min(range(len(dens)), key=lambda k: abs(dens[k] - density))]


def gaps_from_feature0(W: torch.Tensor) -> list[float]:
    """Angles (degrees) between neighbouring represented features, going round from feature 0."""
    rep = torch.nonzero(feature_norms(W) > 0.5).flatten().tolist()
    ang = torch.rad2deg(torch.atan2(W[1, rep], W[0, rep])).double()
    ang = torch.sort((ang - ang[0]) % 360).values
    return torch.diff(torch.cat([ang, ang[:1] + 360])).tolist()


@claim(
    "ch06.pentagon-uniform",
    chapter=6,
    statement="With all five features at 1−S = 0.05 the model is a regular pentagon: "
    "every D_i within 0.03 of 2/5.",
    paper="Five equally sparse features in two dimensions form a pentagon.",
    section=NON_UNIFORM,
    criterion=at_most(0.03),
    unit="= max |D_i − 2/5|",
    digits=2,
    selection=FOUR,
)
def _pent(result: dict[str, Any]) -> float:
    W = _at(result, 0.05)
    if int((feature_norms(W) > 0.5).sum()) != 5:
        return float("inf")
    return float((feature_dimensionality(W) - 0.4).abs().max())


@claim(
    "ch06.sparse-feature-digons",
    chapter=6,
    statement="With feature 0 at 1−S = 0.01 it is dropped and the other four form a pair of "
    "digons (two antipodal pairs at right angles).",
    paper="Past a threshold the deformed pentagon snaps to a pair of digons.",
    section=NON_UNIFORM,
    criterion=is_true(),
    selection=FOUR,
)
def _dropped(result: dict[str, Any]) -> bool:
    W = _at(result, 0.01)
    norms = feature_norms(W)
    if float(norms[0]) > 0.1 or bool((norms[1:] < 0.5).any()):
        return False
    cos = cosine_similarity_matrix(W[:, 1:])
    if not bool(((cos < -0.95).sum(-1) == 1).all()):
        return False
    return bool((cos.abs() > 0.1).sum() == 4 + 4)  # each with itself and its partner: right angles


@claim(
    "ch06.dense-feature-pushes",
    chapter=6,
    statement="With feature 0 at 1−S = 0.2 its two neighbours move away: both gaps next to it exceed 73°.",
    paper="Varying one feature's sparsity continuously deforms the pentagon.",
    section=NON_UNIFORM,
    criterion=at_least(73),
    unit="°, nearer neighbour of 0",
    digits=3,
    selection=FOUR,
)
def _pushes(result: dict[str, Any]) -> float:
    gaps = gaps_from_feature0(_at(result, 0.2))
    return min(gaps[0], gaps[-1]) if len(gaps) == 5 else float("nan")


@claim(
    "ch06.pentagon-holds-0.4",
    chapter=6,
    statement="At 1−S = 0.4 (8 times denser than the rest) feature 0 is still one of five "
    "pentagon vertices: all five kept, every gap between 60° and 85°.",
    paper="Varying one feature's sparsity continuously deforms the pentagon.",
    section=NON_UNIFORM,
    criterion=is_true(),
    selection=FOUR,
)
def _holds(result: dict[str, Any]) -> bool:
    gaps = gaps_from_feature0(_at(result, 0.4))
    return len(gaps) == 5 and all(60 <= g <= 85 for g in gaps)


# ----------------------------------------------------------------- correlated features
def _pair_cos(W: Any, pairs: Any) -> list[float]:
    cos = cosine_similarity_matrix(torch.as_tensor(W))
    return [float(cos[a, b]) for a, b in pairs]


@claim(
    "ch06.correlated-orthogonal",
    chapter=6,
    statement="Correlated pairs end orthogonal: within-pair |cosine| below 0.15.",
    paper="Correlated features prefer to be orthogonal (a local orthogonal basis).",
    section=CORRELATED,
    criterion=at_most(0.15),
    unit="= max |cos| in pairs",
    digits=2,
    selection=FOUR,
)
def _corr(result: dict[str, Any]) -> float:
    return max(abs(c) for c in _pair_cos(result["correlated"], result["pairs"]))


@claim(
    "ch06.pairs-opposite",
    chapter=6,
    statement="With correlated pairs, each feature lies opposite one of the other pair (cosine below −0.95).",
    paper="Correlated features prefer to be orthogonal (a local orthogonal basis).",
    section=CORRELATED,
    criterion=is_true(),
    selection=FOUR,
)
def _opposite(result: dict[str, Any]) -> bool:
    cos = cosine_similarity_matrix(torch.as_tensor(result["correlated"]))
    (a, b), (c, d) = result["pairs"]
    return all(float(cos[i, [c, d]].min()) < -0.95 for i in (a, b))


@claim(
    "ch06.anticorrelated-antipodal",
    chapter=6,
    statement="Anticorrelated pairs end antipodal: within-pair cosine below −0.95.",
    paper="Anticorrelated features prefer to be antipodal.",
    section=CORRELATED,
    criterion=at_most(-0.95),
    unit="= max cos in pairs",
    digits=3,
    selection=FOUR,
)
def _anti(result: dict[str, Any]) -> float:
    return max(_pair_cos(result["anticorrelated"], result["pairs"]))


@claim(
    "ch06.correlated-collapse",
    chapter=6,
    statement="Two correlated sets of three in two dimensions collapse: in each set two "
    "features merge (cosine above 0.95).",
    paper="Correlated features that do not fit collapse (toward their principal components).",
    section=CORRELATED,
    criterion=equals(2),
    unit="sets with a merged pair",
    selection=FOUR,
)
def _collapse(result: dict[str, Any]) -> int:
    cos = cosine_similarity_matrix(torch.as_tensor(result["W"]))
    merged = 0
    for g in result["sets"]:
        sub = cos[g][:, g] - 2 * torch.eye(len(g))
        merged += int(float(sub.max()) > 0.95)
    return merged


@claim(
    "ch06.sum-direction-kept",
    chapter=6,
    statement="Each collapsed set keeps its sum direction: its vectors span at least 95% of it.",
    paper="Correlated features that do not fit collapse toward their principal components.",
    section=CORRELATED,
    criterion=at_least(0.95),
    unit="of it (the smaller set)",
    digits=3,
    selection=FOUR,
)
def _kept(result: dict[str, Any]) -> float:
    return float(min(result["kept"]))
