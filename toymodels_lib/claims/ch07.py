"""Claims of chapter 7 (learning dynamics: jumps of the feature dimensionalities with drops
of the loss; learning as a sequence of geometric transformations, 6 features in 3 dimensions).

The measures take what the page shows, as dicts:

- ``jumps`` (uniform superposition, n = 20, m = 5): ``steps`` ``[snapshots]``, ``dims``
  ``[snapshots, features]``, ``losses`` ``[snapshots]`` (on fixed samples), ``jumps`` (from
  :func:`toymodels_lib.dynamics.dimensionality_jumps`), ``W`` (the final ``[m, n]``) and
  ``after`` (the first step jumps are counted from);
- ``regimes`` (two sets of three correlated features, m = 3): ``steps``, ``losses``,
  ``linear_losses`` (the same weights without the ReLU), ``within`` (mean cosine within a
  set), ``counts`` (distinct directions per snapshot), ``plateau`` (the first plateau's start
  and end step), ``W_seeds`` ``[seeds, 3, 6]``, ``sets`` and, after exercise 7.3, ``pca``
  (the share of ``‖W‖_F²`` in the data's top two principal directions on the plateau).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..dynamics import loss_drops
from ..metrics import classify_set_arrangement, feature_dimensionality, n_antipodal, n_represented
from . import Criterion, at_least, at_most, claim, equals

SECTION = "Learning Dynamics"


def _span(result: dict[str, Any], lo: float, hi: float) -> np.ndarray:
    """The snapshots from step ``lo`` up to (not including) step ``hi``."""
    s = np.asarray(result["steps"], dtype=np.float64)
    return (s >= lo) & (s < hi)


@claim(
    "ch07.ends-in-digons",
    chapter=7,
    statement="The uniform-superposition model (n = 20, m = 5, 1/(1−S) = 3) ends with 10 features represented, all in antipodal pairs with D_i = 1/2 ± 0.03; the other 10 are dropped.",
    paper="At this sparsity the features end in digons (D_i = 1/2).",
    section=SECTION,
    criterion=equals("10 represented, 10 in pairs, all D_i = 1/2"),
)
def _digons(result: dict[str, Any]) -> str:
    W = torch.as_tensor(result["W"])
    rep = int(n_represented(W))
    d = feature_dimensionality(W)
    kept = d[torch.linalg.vector_norm(W, dim=0) > 0.5]
    ok = bool(((kept - 0.5).abs() <= 0.03).all())
    return f"{rep} represented, {int(n_antipodal(W))} in pairs, " + ("all D_i = 1/2" if ok else "not all D_i = 1/2")


@claim(
    "ch07.jump-count",
    chapter=7,
    statement="During training the features' D_i jump (change by at least 0.2 within a doubling of the step count) at least 8 times.",
    paper="Feature dimensionalities jump between energy levels during training.",
    section=SECTION,
    criterion=at_least(8),
    unit="jumps",
    digits=0,
)
def _count(result: dict[str, Any]) -> int:
    return len(result["jumps"])


@claim(
    "ch07.every-jump-lowers-loss",
    chapter=7,
    statement="Every jump comes with a fall of the loss: the smallest loss drop across a jump's window is at least 0.01.",
    paper="The jumps are accompanied by drops in the loss.",
    section=SECTION,
    criterion=at_least(0.01),
    unit="(smallest loss drop over a jump)",
)
def _every(result: dict[str, Any]) -> float:
    return min(j.loss_drop for j in result["jumps"])


@claim(
    "ch07.loss-falls-during-jumps",
    chapter=7,
    statement="The loss drops when features jump: every drop of the loss after step 100 (a local maximum of its rate of fall, at least 0.05 per e-fold of steps) lies inside a jump's window; there are at least 3 such drops.",
    paper="The jumps between energy levels are accompanied by drops in the loss.",
    section=SECTION,
    criterion=at_least(1.0),
    unit="= share of the loss drops that lie inside a jump window (1: all of them)",
)
def _share(result: dict[str, Any]) -> float:
    drops = loss_drops(result["steps"], result["losses"], min_rate=0.05, after=100)
    if len(drops) < 3:
        return float("nan")
    inside = sum(any(j.start <= d <= j.end for j in result["jumps"]) for d in drops)
    return inside / len(drops)


@claim(
    "ch07.late-jump",
    chapter=7,
    statement="The last jump takes a feature from nearly nothing (D_i < 0.1) to 1/2 (± 0.05), and lowers the loss by at least 0.03.",
    paper="Late in training a feature can jump to a new level, with a visible drop of the loss.",
    section=SECTION,
    criterion=at_least(0.03),
    unit="(loss drop of the last jump)",
)
def _late(result: dict[str, Any]) -> float:
    last = max(result["jumps"], key=lambda j: j.start)
    if not (last.d_before < 0.1 and abs(last.d_after - 0.5) <= 0.05):
        return float("nan")
    return last.loss_drop


@claim(
    "ch07.first-plateau-linear",
    chapter=7,
    statement="On the first plateau of the loss the ReLU does almost no work (the same weights without it lose at most 15% more, against more than 10 times more at the end) and the features of each set point nearly the same way (mean cosine within a set at least 0.85 throughout).",
    paper="Training passes through distinct regimes; the first is the linear solution.",
    section=SECTION,
    criterion=at_most(0.15),
    unit="(largest relative loss increase without the ReLU on the plateau)",
)
def _linear(result: dict[str, Any]) -> float:
    lo, hi = result["plateau"]
    keep = _span(result, lo, hi + 1)
    within = np.asarray(result["within"])[keep]
    if within.size == 0 or float(within.min()) < 0.85:
        return float("nan")
    gap = (np.asarray(result["linear_losses"]) - np.asarray(result["losses"])) / np.asarray(result["losses"])
    return float(gap[keep].max())


@claim(
    "ch07.plateau-long",
    chapter=7,
    statement="The first plateau is long: it ends at least twice as late as it starts (the loss falls by less than 0.25 per e-fold of steps on it).",
    paper="Each regime is a distinct stage of training.",
    section=SECTION,
    criterion=at_least(2),
    unit="× (end step / start step)",
    digits=2,
)
def _long(result: dict[str, Any]) -> float:
    lo, hi = result["plateau"]
    return float(hi / max(lo, 1.0))


def _grows_from_two_to_six(seq: str) -> bool:
    counts = [int(c) for c in seq.split(" → ")] if seq else []
    return bool(counts) and counts[0] == 2 and counts[-1] == 6 and all(b > a for a, b in zip(counts, counts[1:], strict=False))


@claim(
    "ch07.directions-2-to-6",
    chapter=7,
    statement="The number of distinct directions the features point along starts at 2 (each set moves as one) and only grows, to 6: features split off, never merge again.",
    paper="Each regime is a simple geometric transformation of the previous one.",
    section=SECTION,
    criterion=Criterion("starts at 2, only grows, ends at 6", _grows_from_two_to_six),
)
def _dirs(result: dict[str, Any]) -> str:
    seq: list[int] = []
    for c in result["counts"]:
        c = int(c)
        if c >= 2 and (not seq or c != seq[-1]):
            seq.append(c)
    return " → ".join(map(str, seq))


@claim(
    "ch07.frames-2-4-6",
    chapter=7,
    statement="In the frames shown, the features point along 2 directions on the first plateau (B), 4 in the middle of the second regime (D) and 6 at the octahedron (E).",
    paper="Each regime is a simple geometric transformation of the previous one.",
    section=SECTION,
    criterion=equals("2, 4, 6"),
)
def _frames(result: dict[str, Any]) -> str:
    c = result["frame_counts"]
    return f"{c['B']}, {c['D']}, {c['E']}"


@claim(
    "ch07.relu-at-the-end",
    chapter=7,
    statement="At the end the ReLU does most of the work: the same weights without it lose at least 10 times more.",
    paper="Later regimes are nonlinear.",
    section=SECTION,
    criterion=at_least(10),
    unit="× (loss without / with the ReLU)",
    digits=3,
)
def _end(result: dict[str, Any]) -> float:
    return float(np.asarray(result["linear_losses"])[-1] / np.asarray(result["losses"])[-1])


@claim(
    "ch07.octahedron-every-seed",
    chapter=7,
    statement="Every seed ends in the octahedron: three antipodal pairs, each joining the two sets, the features of a set orthogonal.",
    paper="Training often ends in an octahedron, with features of different sets antipodal.",
    section=SECTION,
    criterion=equals(1.0),
    unit="of the seeds",
)
def _octa(result: dict[str, Any]) -> float:
    W = result["W_seeds"]
    names = [classify_set_arrangement(W[k], result["sets"]) for k in range(W.shape[0])]
    return sum(n == "octahedron" for n in names) / len(names)


@claim(
    "ch07.halfway-sets-orthogonal",
    chapter=7,
    statement="Halfway through training (step 2,000) every seed that is not yet an octahedron already has the features of each set orthogonal: what remains is a rotation of one set's axes against the other's.",
    paper="Each regime is a simple geometric transformation of the previous one.",
    section=SECTION,
    criterion=at_least(1.0),
    unit="of the seeds (octahedron or each set orthogonal)",
)
def _halfway(result: dict[str, Any]) -> float:
    W = result["W_seeds_halfway"]
    names = [classify_set_arrangement(W[k], result["sets"]) for k in range(W.shape[0])]
    return sum(n == "octahedron" or n.startswith("each set orthogonal") for n in names) / len(names)


@claim(
    "ch07.plateau-is-pca",
    chapter=7,
    statement="On the first plateau at least 95% of ‖W‖_F² lies in the span of the data's top two principal directions (the sums of the two sets): the model is doing PCA.",
    paper="The first regime is the linear (PCA-like) solution.",
    section=SECTION,
    criterion=at_least(0.95),
    unit="of ‖W‖_F²",
)
def _pca(result: dict[str, Any]) -> float:
    return float(result["pca"])
