"""Claims of chapter 9 (neurons in superposition: the hidden-ReLU model
``h = ReLU(W x)``, ``x' = ReLU(Wᵀ h + b)`` with n = 10, m = 5, ``I_i = 0.75^i``, across
sparsity; the regimes of its neurons; the hidden bias that switches the ReLU off).

The measures take what the page shows, as dicts: ``best`` (``sweeps.best_of_seeds`` of the
shipped ``privileged_basis`` sweep), ``seed_loss`` ``[densities, seeds]``, ``W_all``
``[densities, seeds, m, n]`` and ``densities``; for the limitation, ``loss`` (model name ->
loss per density) and ``active`` (model name -> ``[densities, neurons]`` active fractions)
with ``bias_W`` (the trained hidden-bias models' weights) and ``densities``.
"""

from __future__ import annotations

from typing import Any

import torch

from ..metrics import dedicated_features, n_monosemantic, n_represented, neuron_blocks, neuron_regime
from . import Criterion, at_least, at_most, claim, equals, is_true

SECTION = "Superposition in a Privileged Basis"


def same(target: str) -> Criterion:
    """The measured description equals ``target`` (printed as "as stated", to keep the line short;
    the claims page shows the statement)."""
    return Criterion("as stated", lambda v: v == target)


def _d(p: Any) -> str:
    """A density, short: 0.35 -> ".35"."""
    return f"{float(p):g}".lstrip("0") or "0"
BEST40 = "lowest-loss of 40 seeds per density, by the loss on 131,072 samples"
BEST8 = "lowest-loss of 8 seeds per density (hidden bias), by the loss on 131,072 samples"


def _span(items: list[int]) -> str:
    if items == list(range(items[0], items[-1] + 1)) and len(items) > 1:
        return f"{items[0]}–{items[-1]}"
    return ", ".join(str(i) for i in items)


def _at(result: dict[str, Any], density: float) -> int:
    dens = [float(d) for d in result["densities"]]
    return min(range(len(dens)), key=lambda k: abs(dens[k] - density))


def _best_W(result: dict[str, Any]) -> torch.Tensor:
    return result["best"]["W"]


def _regimes(result: dict[str, Any]) -> list[str]:
    return [neuron_regime(W) for W in _best_W(result)]


@claim(
    "ch09.seeds-differ",
    chapter=9,
    statement="Seeds matter: at every density from 1−S = 0.35 down, the worst of the 40 seeds has a loss at least 10% above the best.",
    paper="The paper kept the best of 1,000 models per sparsity.",
    section=SECTION,
    criterion=at_least(1.1),
    unit="(min worst/best, 1−S ≤ .35)",
    selection=BEST40,
)
def _seeds_differ(result: dict[str, Any]) -> float:
    loss = result["seed_loss"]
    rows = [k for k, p in enumerate(result["densities"]) if float(p) <= 0.35 + 1e-9]
    return float(min(loss[k].max() / loss[k].min() for k in rows))


@claim(
    "ch09.dense-all-monosemantic",
    chapter=9,
    statement="At 1−S = 0.75 and 0.5 every one of the five neurons is monosemantic, each dedicated to one of the five most important features (0–4) with a weight of about 1; features 5–9 are not represented.",
    paper="With dense features, the model represents the most important features with one monosemantic neuron each.",
    paper_value="all monosemantic",
    section=SECTION,
    criterion=same("5/5 mono: 0–4, w≈1; 5 rep"),
    selection=BEST40,
)
def _dense(result: dict[str, Any]) -> str:
    seen = []
    for p in (0.75, 0.5):
        W = _best_W(result)[_at(result, p)]
        near = "w≈1" if float((W.abs().amax(1) - 1).abs().max()) <= 0.05 else "w≠1"
        ded = _span(dedicated_features(W)) if dedicated_features(W) else "none"
        seen.append(f"{int(n_monosemantic(W))}/5 mono: {ded}, {near}; {int(n_represented(W))} rep")
    return seen[0] if seen[0] == seen[1] else f".75: {seen[0]}; .5: {seen[1]}"


@claim(
    "ch09.sparse-polysemantic",
    chapter=9,
    statement="At 1−S = 0.01 no neuron is monosemantic, and at least 8 of the 10 features are represented.",
    paper="With sparse features, neurons become polysemantic as the model stores more features than it has neurons.",
    paper_value="at most 1 monosemantic",
    section=SECTION,
    criterion=is_true(),
    selection=BEST40,
)
def _sparse(result: dict[str, Any]) -> bool:
    W = _best_W(result)[_at(result, 0.01)]
    return int(n_monosemantic(W)) == 0 and int(n_represented(W)) >= 8


@claim(
    "ch09.monosemantic-never-rises",
    chapter=9,
    statement="Going from dense to sparse, the number of monosemantic neurons in the best model never rises.",
    paper="As sparsity increases, models go from monosemantic to polysemantic neurons.",
    section=SECTION,
    criterion=equals(0),
    unit="rises",
    digits=0,
    selection=BEST40,
)
def _never_rises(result: dict[str, Any]) -> int:
    counts = [int(n_monosemantic(W)) for W in _best_W(result)]
    order = sorted(range(len(counts)), key=lambda k: -float(result["densities"][k]))
    seq = [counts[k] for k in order]
    return sum(1 for a, b in zip(seq, seq[1:], strict=False) if b > a)


def _where(result: dict[str, Any], keep: Any) -> str:
    hits = [_d(p) for p, W in zip(result["densities"], _best_W(result), strict=True) if keep(W)]
    return ", ".join(hits) or "none"


@claim(
    "ch09.mixed-regime",
    chapter=9,
    statement="At 1−S = 0.35, 0.25 and 0.15 the best model has neurons dedicated to the most important features beside neurons that share the less important ones.",
    paper="Mixed regimes: some features get dedicated neurons while others share polysemantic neurons, in one model.",
    section=SECTION,
    criterion=same(".35, .25, .15"),
    unit="(1−S)",
    selection=BEST40,
)
def _mixed(result: dict[str, Any]) -> str:
    return _where(result, lambda W: neuron_regime(W).startswith("dedicated beside"))


@claim(
    "ch09.pairs-of-neurons",
    chapter=9,
    statement="At 1−S = 0.35 and 0.25 the shared features sit in a pair of neurons (two neurons sharing features with each other and no other neuron); at 0.15 in a block of three.",
    paper="Neurons in pairs: two neurons jointly represent a few features in superposition.",
    section=SECTION,
    criterion=same("pairs .35, .25; triple .15"),
    selection=BEST40,
)
def _pairs(result: dict[str, Any]) -> str:
    pairs = _where(result, lambda W: any(len(b) == 2 for b in neuron_blocks(W)))
    three = _where(result, lambda W: any(len(b) == 3 for b in neuron_blocks(W)))
    return f"pairs {pairs}; triple {three}"


@claim(
    "ch09.pair-holds-antipodal-pair",
    chapter=9,
    statement="Each pair of neurons holds three features: feature 3 along one diagonal of the pair's plane, and features 4 and 5 as an antipodal pair along the other.",
    paper="Neurons in pairs: two neurons jointly represent a few features in superposition.",
    section=SECTION,
    criterion=same(".35: 3 ⟂ (4, −5); .25: 3 ⟂ (4, −5)"),
    selection=BEST40,
)
def _pair_geometry(result: dict[str, Any]) -> str:
    out = []
    for p, W in zip(result["densities"], _best_W(result), strict=True):
        for block in neuron_blocks(W):
            if len(block) != 2:
                continue
            sub = W[block]  # [2, n]: the pair's plane
            feats = [int(i) for i in torch.nonzero(sub.norm(dim=0) >= 0.5).flatten()]
            unit = sub[:, feats] / sub[:, feats].norm(dim=0)
            cos = unit.T @ unit
            anti = [(a, b) for a in range(len(feats)) for b in range(a + 1, len(feats)) if float(cos[a, b]) < -0.9]
            if len(feats) != 3 or len(anti) != 1:
                out.append(f"{_d(p)}: features {feats}")
                continue
            a, b = anti[0]
            (c,) = set(range(3)) - {a, b}
            ok = abs(float(cos[c, a])) < 0.3 and abs(float(cos[c, b])) < 0.3
            word = "⟂" if ok else "not ⟂"
            out.append(f"{_d(p)}: {feats[c]} {word} ({feats[a]}, −{feats[b]})")
    return "; ".join(out)


@claim(
    "ch09.dedicated-are-most-important",
    chapter=9,
    statement="In every model, the features with a neuron of their own are the most important ones: features 0 to k−1.",
    paper="The most important features get dedicated neurons.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST40,
)
def _most_important(result: dict[str, Any]) -> bool:
    for W in _best_W(result):
        ded = dedicated_features(W)
        if ded != list(range(len(ded))):
            return False
    return True


@claim(
    "ch09.all-polysemantic-when-sparse",
    chapter=9,
    statement="From 1−S = 0.1 down (the five sparsest densities) no neuron of the best model is monosemantic.",
    paper="With sparse features, all neurons are polysemantic.",
    section=SECTION,
    criterion=equals(5),
    unit="sparsest",
    digits=0,
    selection=BEST40,
)
def _all_poly(result: dict[str, Any]) -> int:
    regimes = _regimes(result)
    order = sorted(range(len(regimes)), key=lambda k: float(result["densities"][k]))
    run = 0
    for k in order:
        if regimes[k] != "all polysemantic":
            break
        run += 1
    return run


# --- the limitation: a hidden bias switches the ReLU off -------------------------------------
@claim(
    "ch09.relu-off-copy-exact",
    chapter=9,
    statement="A hidden-bias model built from a (rotated) ReLU-output model with the ReLU switched off has the ReLU-output model's loss, to float precision.",
    paper="With a hidden bias the model can make its hidden layer linear and so avoid the ReLU.",
    section=SECTION,
    criterion=at_most(1e-5),
    unit="(max rel. diff.)",
)
def _copy(result: dict[str, Any]) -> float:
    a, b = result["loss"]["ReLU output"], result["loss"]["its copy, ReLU off"]
    return float(((a - b).abs() / a).max())


@claim(
    "ch09.hidden-bias-relu-on",
    chapter=9,
    statement="Trained with a hidden bias, every neuron keeps its ReLU on (its input positive) for at least 99% of inputs at each of the three densities: the hidden layer is linear on all but about one input in a hundred or fewer.",
    paper="The model avoids using its ReLU whenever it can.",
    section=SECTION,
    criterion=at_least(0.99),
    unit="(min share on)",
    selection=BEST8,
)
def _relu_on(result: dict[str, Any]) -> float:
    return float(result["active"]["trained hidden bias"].min())


@claim(
    "ch09.hidden-bias-on-more-often",
    chapter=9,
    statement="At every density, every neuron of the hidden-bias model is on more often than any neuron of the model without a hidden bias, and without the bias every neuron is on less often at each sparser density.",
    paper="The model avoids using its ReLU whenever it can.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST8,
)
def _on_more_often(result: dict[str, Any]) -> bool:
    on, off = result["active"]["trained hidden bias"], result["active"]["no hidden bias"]
    order = sorted(range(len(result["densities"])), key=lambda k: -float(result["densities"][k]))
    falls = all(bool((off[b] < off[a]).all()) for a, b in zip(order, order[1:], strict=False))
    return bool((on.min(1).values > off.max(1).values).all()) and falls


@claim(
    "ch09.hidden-bias-matches-relu-output",
    chapter=9,
    statement="The trained hidden-bias models reach about the loss of the ReLU-output models (within 25%: the ReLU-output models' own best of 4 changes by about ten percent from one training seed to another), and at every density a lower loss than the hidden-ReLU models without a bias.",
    paper="The model avoids using its ReLU whenever it can.",
    section=SECTION,
    criterion=at_most(0.25),
    unit="(max |bias/ReLU out − 1|)",
    selection=BEST8,
)
def _matches(result: dict[str, Any]) -> float:
    hb, ro, nb = (result["loss"][k] for k in ("hidden ReLU, trained hidden bias", "ReLU output",
                                              "hidden ReLU, no hidden bias"))
    if not bool((hb < nb).all()):
        return float("inf")
    return float((hb / ro - 1).abs().max())


@claim(
    "ch09.hidden-bias-polysemantic",
    chapter=9,
    statement="With a hidden bias no neuron is monosemantic, at any of the three densities.",
    paper="Without a privileged basis, there is no reason for features to align with neurons.",
    section=SECTION,
    criterion=equals(0),
    unit="mono",
    digits=0,
    selection=BEST8,
)
def _bias_poly(result: dict[str, Any]) -> int:
    return int(sum(int(n_monosemantic(W)) for W in result["bias_W"]))


@claim(
    "ch09.mixed-model-shares-less-important",
    chapter=9,
    statement="In the mixed models the dedicated neurons hold features 0–2 (0.35, 0.25) or 0–1 (0.15), and the shared neurons hold the next, less important features: 3–5 at 0.35 and 0.25, 2–6 at 0.15 (features with a weight of at least 0.5).",
    paper="The most important features get dedicated neurons; less important ones share polysemantic neurons.",
    section=SECTION,
    criterion=same(".35: 0–2 | 3–5; .25: 0–2 | 3–5; .15: 0–1 | 2–6"),
    unit="(own | shared)",
    selection=BEST40,
)
def _shares_less_important(result: dict[str, Any]) -> str:
    out = []
    for p, W in zip(result["densities"], _best_W(result), strict=True):
        if not neuron_regime(W).startswith("dedicated beside"):
            continue
        ded = dedicated_features(W)
        mono_rows = {int(W[:, i].abs().argmax()) for i in ded}
        shared = sorted({int(i) for j in range(W.shape[0]) if j not in mono_rows
                         for i in torch.nonzero(W[j].abs() >= 0.5).flatten()})
        out.append(f"{_d(p)}: {_span(ded)} | {_span(shared) if shared else 'none'}")
    return "; ".join(out)


@claim(
    "ch09.represented-climbs",
    chapter=9,
    statement="In the all-polysemantic models the number of represented features climbs from 8 (1−S = 0.1) to all 10 (0.03 and sparser).",
    paper="With sparse features the model represents more features than it has neurons.",
    section=SECTION,
    criterion=same("8, 9, 10, 10, 10"),
    unit="(1−S = .1 → .01)",
    selection=BEST40,
)
def _represented(result: dict[str, Any]) -> str:
    order = sorted(range(len(result["densities"])), key=lambda k: -float(result["densities"][k]))
    Ws = _best_W(result)
    return ", ".join(str(int(n_represented(Ws[k]))) for k in order if neuron_regime(Ws[k]) == "all polysemantic")


@claim(
    "ch09.best-seed-not-most-common",
    chapter=9,
    statement="At 1−S = 0.25 the lowest-loss seed is not in the regime that most seeds land in.",
    paper="The paper kept the best of 1,000 models per sparsity.",
    section=SECTION,
    criterion=same(".25"),
    unit="(1−S)",
    selection=BEST40,
)
def _best_not_common(result: dict[str, Any]) -> str:
    hits = []
    for p, regimes, W in zip(result["densities"], result["per_seed"], _best_W(result), strict=True):
        mine = neuron_regime(W)
        if regimes.count(mine) < max(regimes.count(r) for r in set(regimes)):
            hits.append(_d(p))
    return ", ".join(hits) or "none"


@claim(
    "ch09.seeds-disagree-in-between",
    chapter=9,
    statement="The seeds split (no regime holds three quarters of the 40) at 1−S = 0.35, 0.25, 0.15 and 0.1; at the other densities at least 34 of the 40 seeds share one regime.",
    paper="The paper kept the best of 1,000 models per sparsity.",
    section=SECTION,
    criterion=same("split .35, .25, .15, .1; else ≥ 34/40"),
    selection=BEST40,
)
def _seeds_disagree(result: dict[str, Any]) -> str:
    per_seed = result["per_seed"]
    split, agree = [], []
    for p, regimes in zip(result["densities"], per_seed, strict=True):
        top = max(regimes.count(r) for r in set(regimes))
        (split if top < 0.75 * len(regimes) else agree).append((float(p), top))
    least = min(t for _, t in agree) if agree else 0
    return f"split {', '.join(_d(p) for p, _ in split)}; else ≥ {least}/{len(per_seed[0])}"


@claim(
    "ch09.hidden-bias-halves-loss",
    chapter=9,
    statement="At 1−S = 0.1 the hidden-bias model's loss is less than half that of the hidden-ReLU model without a bias.",
    paper="The model avoids using its ReLU whenever it can.",
    section=SECTION,
    criterion=at_most(0.5),
    unit="(with/without, 1−S = .1)",
    selection=BEST8,
)
def _halves(result: dict[str, Any]) -> float:
    k = _at(result, 0.1)
    return float(result["loss"]["hidden ReLU, trained hidden bias"][k] / result["loss"]["hidden ReLU, no hidden bias"][k])


@claim(
    "ch09.rotation-hurts-trained",
    chapter=9,
    statement="Rotating the hidden space of a trained hidden-ReLU model (the best model at each density, three random rotations) raises its loss by at least half.",
    paper="A ReLU on the hidden layer makes the basis privileged: rotations change the model.",
    section=SECTION,
    criterion=at_least(0.5),
    unit="(smallest relative loss change)",
    selection=BEST40,
)
def _rotation(result: dict[str, Any]) -> float:
    return float(min(result["changes"]["hidden ReLU,\nrotation"]))


@claim(
    "ch09.permutation-free",
    chapter=9,
    statement="Permuting its neurons changes the loss only by rounding, and the same weights read as a ReLU-output model (linear hidden layer) are unchanged by rotations and permutations alike.",
    paper="A privileged basis is defined up to permutations (and positive rescalings) of the neurons.",
    section=SECTION,
    criterion=at_most(1e-5),
    unit="(largest relative change)",
    selection=BEST40,
)
def _permutation(result: dict[str, Any]) -> float:
    keys = ["hidden ReLU,\npermutation", "ReLU output,\nrotation", "ReLU output,\npermutation"]
    return float(max(max(result["changes"][k]) for k in keys))
