"""Claims of chapter 4 (superposition and sparsity: 5 features in 2 dimensions, capacity,
feature benefit against interference, the k-sparse loss, the negative bias).

The measures take what the page shows, as dicts: ``spokes`` (the lowest-loss seed per
setting) with ``spokes_all`` and ``densities``; ``sweep`` (the slider's models) with
``densities``; ``small``/``large`` (the capacity sweeps) with their densities; the linear
loss split; the k-sparse table.
"""

from __future__ import annotations

from typing import Any

import torch

from ..metrics import angular_gaps, feature_dimensionality, feature_norms, n_antipodal, n_represented
from . import at_least, at_most, claim, equals, is_true

SECTION = "Demonstrating Superposition"
BEST6 = "lowest-loss of 6 seeds per setting, by the loss on 131,072 samples"
BEST3 = "lowest-loss of 3 seeds per density, by the loss on 131,072 samples"


def _at(result: dict[str, Any], key: str, density: float) -> int:
    dens = [float(d) for d in result[key]]
    return min(range(len(dens)), key=lambda k: abs(dens[k] - density))


def _represented(W: torch.Tensor) -> list[int]:
    return [int(i) for i in torch.nonzero(feature_norms(W) > 0.5).flatten()]


@claim(
    "ch04.dense-two-orthogonal",
    chapter=4,
    statement="Dense features (1−S = 1, I_i = 0.9^i): features 0 and 1 get orthogonal directions of length about 1; the other three are not represented.",
    paper="With dense features the model learns the top m features orthogonally, like PCA.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST6,
)
def _dense(result: dict[str, Any]) -> bool:
    W = result["spokes"].W[_at(result, "densities", 1.0)]
    n = feature_norms(W)
    cos = float(W[:, 0] @ W[:, 1] / (n[0] * n[1]))
    return _represented(W) == [0, 1] and abs(cos) < 0.1 and bool(((n[:2] - 1).abs() < 0.1).all())


@claim(
    "ch04.pairs-at-0.3",
    chapter=4,
    statement="At 1−S = 0.3 four features are represented, in two antipodal pairs.",
    paper="As sparsity increases, features are organised into antipodal pairs.",
    section=SECTION,
    criterion=equals("4 represented, 4 in pairs"),
    selection=BEST6,
)
def _pairs(result: dict[str, Any]) -> str:
    W = result["spokes"].W[_at(result, "densities", 0.3)]
    return f"{int(n_represented(W))} represented, {int(n_antipodal(W))} in pairs"


@claim(
    "ch04.five-near-pentagon-at-0.1",
    chapter=4,
    statement="At 1−S = 0.1 (I_i = 0.9^i) all five features are represented, already close to a regular pentagon: every gap within 5° of 72°.",
    paper="With more sparsity all five features are represented, in a pentagon.",
    section=SECTION,
    criterion=at_most(5.0),
    unit="° (largest gap − 72°; five represented)",
    digits=2,
    selection=BEST6,
)
def _five(result: dict[str, Any]) -> float:
    W = result["spokes"].W[_at(result, "densities", 0.1)]
    if int(n_represented(W)) != 5:
        return float("inf")
    return float((angular_gaps(W) - 72).abs().max())


@claim(
    "ch04.regular-pentagon",
    chapter=4,
    statement="With uniform importance at 1−S = 0.05 the five features form a regular pentagon: every gap within 1° of 72°.",
    paper="Five features in two dimensions form a regular pentagon.",
    section=SECTION,
    paper_value="72° gaps, D_i = 2/5",
    criterion=at_most(1.0),
    unit="° (largest gap − 72°)",
    digits=2,
    selection=BEST6,
)
def _pentagon(result: dict[str, Any]) -> float:
    W = result["spokes"].W[_at(result, "densities", 0.05)]
    return float((angular_gaps(W) - 72).abs().max())


@claim(
    "ch04.pentagon-dimensionality",
    chapter=4,
    statement="Every feature of the pentagon has dimensionality D_i = 0.40 (two fifths of a dimension).",
    paper="Each feature of a pentagon gets 2/5 of a dimension.",
    section="The Geometry of Superposition",
    paper_value="2/5",
    criterion=at_most(0.01),
    unit="(largest |D_i − 0.4|)",
    digits=2,
    selection=BEST6,
)
def _pentagon_d(result: dict[str, Any]) -> float:
    W = result["spokes"].W[_at(result, "densities", 0.05)]
    return float((feature_dimensionality(W) - 0.4).abs().max())


@claim(
    "ch04.some-seeds-leave-one-out",
    chapter=4,
    statement="At 1−S = 0.1 some seeds leave a feature out that the lowest-loss seed represents.",
    paper="Small models often end in local minima; the paper keeps the best of several runs.",
    section=SECTION,
    criterion=at_least(1),
    unit="features fewer in the worst seed",
)
def _seeds(result: dict[str, Any]) -> int:
    k = _at(result, "densities", 0.1)
    all_ = result["spokes_all"]
    s = all_.n_seeds
    counts = n_represented(all_.W[k * s:(k + 1) * s])
    return int(n_represented(result["spokes"].W[k])) - int(counts.min())


@claim(
    "ch04.slider-dense-projection",
    chapter=4,
    statement="At the slider's dense end (uniform importance) the model keeps a 2-D projection: ‖W‖_F² ≈ 2 spread over at least three features of unequal length, no two of them orthogonal pairs singled out.",
    paper="With dense features and equal importance, any m-dimensional projection is optimal (as in PCA with a degenerate spectrum).",
    section=SECTION,
    criterion=is_true(),
    selection=BEST3,
)
def _slider_dense(result: dict[str, Any]) -> bool:
    W = result["sweep"].W[_at(result, "densities", 1.0)]
    frob = float((W**2).sum())
    n = feature_norms(W)
    return abs(frob - 2) < 0.1 and int((n > 0.3).sum()) >= 3 and float(n.max() - n[n > 0.3].min()) > 0.2


@claim(
    "ch04.slider-pairs-then-five",
    chapter=4,
    statement="On the slider, 1−S = 0.5 and 0.3 show two antipodal pairs, and from 1−S = 0.2 on all five features are represented.",
    paper="Sparser features: antipodal pairs, then all five features.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST3,
)
def _slider_pairs(result: dict[str, Any]) -> bool:
    sweep, dens = result["sweep"], [float(d) for d in result["densities"]]
    ok = True
    for d in (0.5, 0.3):
        W = sweep.W[_at(result, "densities", d)]
        ok &= int(n_represented(W)) == 4 and int(n_antipodal(W)) == 4
    for k, d in enumerate(dens):
        if d <= 0.2:
            ok &= int(n_represented(sweep.W[k])) == 5
    return bool(ok)


@claim(
    "ch04.capacity-dense-is-m",
    chapter=4,
    statement="Dense features: both capacity sweeps store m features, ‖W‖_F² = m (within 2%).",
    paper="Dense models store m features, like the linear model.",
    section=SECTION,
    criterion=at_most(0.02),
    unit="(largest |‖W‖_F²/m − 1|)",
    digits=2,
)
def _cap_dense(result: dict[str, Any]) -> float:
    worst = 0.0
    for key in ("small", "large"):
        res = result[key]
        k = _at(result, f"{key}_densities", 1.0)
        worst = max(worst, abs(float((res.W[k] ** 2).sum()) / res.n_hidden - 1))
    return worst


@claim(
    "ch04.capacity-sparse-over-2m",
    chapter=4,
    statement="At 1−S = 0.001 each capacity sweep represents more than twice as many features as it has dimensions.",
    paper="As sparsity increases, the number of represented features grows well beyond m.",
    section=SECTION,
    criterion=at_least(2.0),
    unit="(represented features / m, the smaller of the two)",
    digits=3,
)
def _cap_sparse(result: dict[str, Any]) -> float:
    ratios = []
    for key in ("small", "large"):
        res = result[key]
        k = _at(result, f"{key}_densities", 0.001)
        ratios.append(int(n_represented(res.W[k])) / res.n_hidden)
    return min(ratios)


@claim(
    "ch04.small-levels-off-large-climbs",
    chapter=4,
    statement="The n = 20 model levels off (the same count at 1−S = 0.01, 0.003 and 0.001) while the n = 80 model keeps climbing from 1−S = 0.01 to 0.001.",
    paper="Larger models keep packing in more features as sparsity increases.",
    section=SECTION,
    criterion=is_true(),
)
def _levels(result: dict[str, Any]) -> bool:
    small = [int(n_represented(result["small"].W[_at(result, "small_densities", d)])) for d in (0.01, 0.003, 0.001)]
    large = [int(n_represented(result["large"].W[_at(result, "large_densities", d)])) for d in (0.01, 0.001)]
    return len(set(small)) == 1 and large[1] > large[0]


@claim(
    "ch04.linear-pentagon-loses",
    chapter=4,
    statement="Under the linear model's loss the pentagon is a bad trade: it gains on feature benefit but pays more than that in interference, ending above two orthogonal features.",
    paper="For a linear model superposition never pays: interference always outweighs the feature benefit.",
    section=SECTION,
    criterion=is_true(),
)
def _linear_split(result: dict[str, Any]) -> bool:
    pent, two = result["split"]["the learned pentagon"], result["split"]["two orthogonal features"]
    gain = float(two["feature_benefit"] - pent["feature_benefit"])
    return gain > 0 and float(pent["interference"]) > gain and float(pent["total"]) > float(two["total"])


@claim(
    "ch04.k-sparse-decomposition",
    chapter=4,
    statement="Σ_k P(k) L_k of the ReLU pentagon matches its loss measured directly (within 5%), and is below the two-feature model's; L_0 = 0 and the pentagon loses less than the two-feature model on 1-sparse inputs.",
    paper="Sparse inputs are mostly 0- or 1-sparse, where the ReLU model's superposition costs little.",
    section=SECTION,
    criterion=is_true(),
)
def _k_sparse(result: dict[str, Any]) -> bool:
    L, p = result["L_k"], result["p_active"]
    pent, two = L["pentagon, ReLU"], L["2 orthogonal, ReLU"]
    total = float((p * pent).sum())
    direct = float(result["direct"])
    return (
        abs(total - direct) / direct < 0.05
        and total < float((p * two).sum())
        and float(pent[0]) == 0.0
        and float(pent[1]) < float(two[1])
    )


@claim(
    "ch04.negative-biases",
    chapter=4,
    statement="Once features are in superposition (1−S = 0.1 and 0.05) every bias is negative; a dropped feature's bias is near its mean (1−S)/2: 0.5 in the dense model, 0.15 at 1−S = 0.3.",
    paper="Models in superposition learn negative biases that filter out small interference.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST6,
)
def _biases(result: dict[str, Any]) -> bool:
    spokes = result["spokes"]
    sparse = all(bool((spokes.b[_at(result, "densities", d)] < 0).all()) for d in (0.1, 0.05))
    dropped_near_mean = True
    for d in (1.0, 0.3):
        k = _at(result, "densities", d)
        dropped = feature_norms(spokes.W[k]) <= 0.5
        dropped_near_mean &= bool(dropped.any()) and bool(((spokes.b[k][dropped] - d / 2).abs() < 0.05).all())
    return sparse and dropped_near_mean


@claim(
    "ch04.pentagon-every-seed",
    chapter=4,
    statement="At the pentagon's setting every one of the six seeds finds the regular pentagon (all gaps within 1° of 72°).",
    paper="Five features in two dimensions form a regular pentagon.",
    section=SECTION,
    criterion=at_most(1.0),
    unit="° (largest deviation from 72° over the seeds)",
    digits=2,
)
def _pentagon_seeds(result: dict[str, Any]) -> float:
    k = _at(result, "densities", 0.05)
    all_ = result["spokes_all"]
    s = all_.n_seeds
    return max(float((angular_gaps(all_.W[k * s + j]) - 72).abs().max()) for j in range(s))


@claim(
    "ch04.six-in-two-hexagon",
    chapter=4,
    statement="Six features of equal importance at 1−S = 0.05: the lowest-loss of four seeds represents all six, as a regular hexagon (every gap within 2° of 60°), which is three antipodal pairs.",
    paper="With more features than a pentagon in two dimensions, sparse features still share the plane as a regular polygon (the paper's 2-D examples).",
    section=SECTION,
    criterion=equals("6 represented, 6 in pairs, hexagon"),
    selection="lowest-loss of 4 seeds, by the loss on 131,072 samples",
)
def _hexagon(result: Any) -> str:
    W = result.best().W[0]
    gaps = angular_gaps(W)
    shape = "hexagon" if len(gaps) == 6 and float((gaps - 60).abs().max()) < 2.0 else "not a hexagon"
    return f"{int(n_represented(W))} represented, {int(n_antipodal(W))} in pairs, {shape}"


@claim(
    "ch04.six-in-two-single-seeds",
    chapter=4,
    statement="Single seeds at that setting do not all find it: at least one of the four leaves a feature out.",
    paper="Small models have local minima; the paper kept the best of several runs.",
    section=SECTION,
    criterion=at_least(1),
    unit="seeds of 4 with fewer than 6 features represented",
)
def _hexagon_seeds(result: Any) -> int:
    return int((n_represented(result.W) < 6).sum())
