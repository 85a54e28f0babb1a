"""Claims of chapter 2 (privileged bases: the concept, on layers whose weights the page
builds; nothing is trained).

The measures take what the page shows: ``changes`` (label -> relative output changes of a
layer under transformations of its hidden space), ``layers`` (label -> weights
``[neurons, features]``), the random-direction baseline, and the outputs of the
predict-then-run experiment.
"""

from __future__ import annotations

from typing import Any

from ..metrics import basis_alignment, feature_norms, neuron_top_feature_fraction
from . import at_least, at_most, claim, equals, is_true

SECTION = "Privileged vs Non-privileged Bases"
PAPER_BASIS = (
    "A representation has a privileged basis when some architectural feature, such as an "
    "elementwise nonlinearity, makes its basis directions special; otherwise it can be "
    "rotated freely and only directions mean anything."
)


@claim(
    "ch02.linear-rotation-invariant",
    chapter=2,
    statement="Rotating the hidden space of the linear layer leaves its output unchanged, to rounding (float64).",
    paper=PAPER_BASIS,
    section=SECTION,
    criterion=at_most(1e-12),
    unit="(largest relative change over 20 rotations)",
)
def _linear_rotation(result: dict[str, Any]) -> float:
    return max(float(v) for v in result["changes"]["linear, rotation"])


@claim(
    "ch02.relu-rotation-changes",
    chapter=2,
    statement="Every one of the 20 rotations changes the ReLU layer's output by a sizeable fraction.",
    paper=PAPER_BASIS,
    section=SECTION,
    criterion=at_least(0.05),
    unit="(smallest relative change over 20 rotations)",
    digits=2,
)
def _relu_rotation(result: dict[str, Any]) -> float:
    return min(float(v) for v in result["changes"]["ReLU, rotation"])


@claim(
    "ch02.relu-permutation-rescaling-invariant",
    chapter=2,
    statement="Permuting the neurons, or rescaling each by a positive factor (and undoing it in the read-out), leaves the ReLU layer unchanged.",
    paper="An elementwise nonlinearity treats each neuron alike, so relabelling neurons changes nothing.",
    section=SECTION,
    criterion=at_most(1e-12),
    unit="(largest relative change)",
)
def _relu_perm(result: dict[str, Any]) -> float:
    vals = list(result["changes"]["ReLU, permutation"]) + list(result["changes"]["ReLU, positive rescaling"])
    return max(float(v) for v in vals)


@claim(
    "ch02.rotated-layer-polysemantic",
    chapter=2,
    statement="Rotating the aligned layer leaves no neuron monosemantic: each now reads a mixture of features.",
    paper="Polysemanticity is what we would expect if features were not aligned with neurons.",
    section="Definitions and Motivation: Features, Directions, and Superposition",
    criterion=equals(0),
    unit="monosemantic neurons",
)
def _rotated_poly(result: dict[str, Any]) -> int:
    return int((neuron_top_feature_fraction(result["layers"]["rotated"]) >= 0.9).sum())


@claim(
    "ch02.mono-and-poly-coexist",
    chapter=2,
    statement="The mixed layer reads 6 features with 4 neurons: 2 neurons monosemantic and 2 polysemantic, side by side.",
    paper="Monosemantic and polysemantic neurons can coexist in one model (Superposition in a Privileged Basis).",
    section="Superposition in a Privileged Basis",
    criterion=equals("2 mono, 2 poly, 6 features"),
)
def _coexist(result: dict[str, Any]) -> str:
    W = result["layers"]["mixed"]
    top = neuron_top_feature_fraction(W)
    mono = int((top >= 0.9).sum())
    stored = int((feature_norms(W) > 0.5).sum())
    return f"{mono} mono, {W.shape[0] - mono} poly, {stored} features"


@claim(
    "ch02.rotated-alignment-like-random",
    chapter=2,
    statement="The rotated layer's mean alignment lies within the range of random directions (the middle 90% of 10,000), far below the aligned layer's 1.",
    paper=PAPER_BASIS,
    section=SECTION,
    criterion=is_true(),
)
def _rotated_alignment(result: dict[str, Any]) -> bool:
    W = result["layers"]["rotated"]
    keep = feature_norms(W) > 0.5
    mean = float(basis_alignment(W)[keep].mean())
    rand = result["random_alignments"].double()
    low, high = float(rand.quantile(0.05)), float(rand.quantile(0.95))
    return low <= mean <= high


@claim(
    "ch02.polysemantic-neuron-is-ambiguous",
    chapter=2,
    statement="Feature 0 alone comes back as feature 0 alone; feature 2 alone and feature 4 alone, which share neuron 2, both come back as features 2 and 4.",
    paper="A polysemantic neuron responds to several unrelated features, so its activation alone does not say which one is present.",
    section="Superposition in a Privileged Basis",
    criterion=equals("0 → {0}; 2 → {2, 4}; 4 → {2, 4}"),
)
def _ambiguous(result: dict[str, Any]) -> str:
    parts = []
    for i in (0, 2, 4):
        out = result["outputs"][i]
        active = [int(k) for k in range(out.shape[0]) if float(out[k]) > 0.5]
        parts.append(f"{i} → {{{', '.join(map(str, active))}}}")
    return "; ".join(parts)


@claim(
    "ch02.random-alignment-falls-with-m",
    chapter=2,
    statement="The more neurons, the less aligned a random direction: the mean alignment of 10,000 random directions falls from m = 4 to 16 to 64, where it is less than a third of its value at m = 4.",
    paper=PAPER_BASIS,
    section=SECTION,
    criterion=at_most(0.33),
    unit="(mean at m = 64 over mean at m = 4; 1 if it does not fall at every step)",
    digits=2,
)
def _alignment_falls(result: dict[str, Any]) -> float:
    by_m = result["random_alignment_by_m"]
    means = [float(by_m[m]) for m in sorted(by_m)]
    if len(means) < 3 or any(b >= a for a, b in zip(means, means[1:], strict=False)):
        return 1.0
    return means[-1] / means[0]
