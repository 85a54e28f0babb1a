"""Claims of chapter 10 (computation in superposition: untied models computing |x|).

Each measure takes what the chapter shows:

- the small dense model (n = 3, m = 6): a ``TrainResult`` (the lowest-loss of 4 seeds,
  ``.best()``), with ``W_out``;
- the sweep (n = 100, m = 40, I = 0.8^i): a dict with ``"W"``, ``"W_out"`` ``[models, m, n]``,
  ``"b"`` ``[models, n]`` and ``"density"`` ``[models]`` (the shipped ``computation_abs``
  artifact's arrays);
- the motif found in a trained model: the sweep dict plus ``"motif"`` (one entry of
  :func:`~toymodels_lib.computation.find_asymmetric_motifs`) and ``"model"`` (its index);
- the hand-built motifs: a dict of losses by name.
"""

from __future__ import annotations

from typing import Any

import torch

from ..computation import computed_halves, find_asymmetric_motifs, neuron_roles, normalise_neurons
from . import at_least, at_most, claim, equals, is_true

SECTION = "Computation in Superposition"
BEST4 = "lowest loss of 4 seeds, on 131,072 samples"
BEST2 = "lower loss of 2 seeds per density, on 131,072 samples"


def _models(result: dict[str, Any]) -> list[tuple[float, torch.Tensor, torch.Tensor, torch.Tensor]]:
    W = torch.as_tensor(result["W"])
    W_out = torch.as_tensor(result["W_out"])
    b = torch.as_tensor(result["b"])
    dens = [float(d) for d in result["density"]]
    return [(dens[k], W[k], W_out[k], b[k]) for k in range(len(dens))]


@claim(
    "ch10.dense-relu-pairs",
    chapter=10,
    statement="With n = 3 dense features and m = 6 neurons, every feature gets one ReLU(x) neuron and one ReLU(−x) neuron, each carrying that feature alone (≥ 99% of its squared input weight), and (each neuron scaled so its largest input weight is 1) output |x_i| reads its two neurons with weight 1 ± 0.1 and every other neuron with a weight below 0.1 in size.",
    paper="In the dense n=3, m=6 case each feature is computed by a pair of neurons, one for ReLU(x) and one for ReLU(−x).",
    section=SECTION,
    criterion=equals("6 monosemantic neurons, one + and one − per feature, read back with weight 1"),
    selection=BEST4,
)
def _dense_pairs(result: Any) -> str:
    W, W_out = result.W[0], result.W_out[0]
    roles = neuron_roles(W, W_out, threshold=0.99)
    n = W.shape[1]
    mono = int(roles["mono"].sum())
    pairs = all(
        sorted(roles["sign"][roles["top"] == i].tolist()) == [-1.0, 1.0] for i in range(n)
    )
    w, w_out = normalise_neurons(W, W_out)
    own = torch.zeros_like(w_out, dtype=torch.bool)
    own[torch.arange(w.shape[0]), roles["top"]] = True
    read_back = bool(((w_out[own] - 1).abs() < 0.1).all() and (w_out[~own].abs() < 0.1).all())
    text = f"{mono} monosemantic neurons" + (", one + and one − per feature" if pairs else ", not one + and one − per feature")
    return text + (", read back with weight 1" if read_back else ", not read back with weight 1 by their own output only")


@claim(
    "ch10.dense-loss",
    chapter=10,
    statement="The dense 3-in-6 model's loss is below 10⁻³ (the loss of predicting every |x_i| by its mean is about 0.25).",
    paper="The dense model computes the absolute value exactly with two neurons per feature.",
    section=SECTION,
    criterion=at_most(1e-3),
    selection=BEST4,
)
def _dense_loss(result: Any) -> float:
    return float(result.losses[0])


@claim(
    "ch10.dense-sweep-monosemantic",
    chapter=10,
    statement="At 1−S = 1 every one of the 40 neurons is monosemantic (one feature carries at least 90% of its squared input weight).",
    paper="With dense features every neuron is monosemantic.",
    section=SECTION,
    criterion=equals(40),
    paper_value="all neurons monosemantic",
    selection=BEST2,
    digits=0,
)
def _dense_mono(result: dict[str, Any]) -> int:
    _, W, W_out, _ = _models(result)[0]
    return int(neuron_roles(W, W_out)["mono"].sum())


@claim(
    "ch10.dense-sweep-both-halves",
    chapter=10,
    statement="At 1−S = 1 every feature the model computes at all, it computes in both halves (x > 0 and x < 0), with a ReLU(x) and a ReLU(−x) neuron: 2 × (features computed) = (halves computed).",
    paper="Dense: each computed feature uses a ReLU(x) and a ReLU(−x) neuron.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST2,
)
def _dense_halves(result: dict[str, Any]) -> bool:
    _, W, W_out, b = _models(result)[0]
    h = computed_halves(W, W_out, b)
    return int(h.sum()) == 2 * int(h.all(0).sum())


@claim(
    "ch10.dense-sweep-features",
    chapter=10,
    statement="At 1−S = 1 the model computes the 12 most important features (features 0–11), fewer than the 20 that one ReLU(x)/ReLU(−x) pair each would allow.",
    paper="Dense: the model computes m/2 = 20 features, two neurons each.",
    section=SECTION,
    criterion=equals("features 0–11"),
    paper_value="20 (m/2)",
    selection=BEST2,
    digits=0,
)
def _dense_features(result: dict[str, Any]) -> str:
    _, W, W_out, b = _models(result)[0]
    idx = computed_halves(W, W_out, b).all(0).nonzero().flatten().tolist()
    if idx and idx == list(range(len(idx))):
        return f"features 0–{len(idx) - 1}"
    return f"features {idx}"


@claim(
    "ch10.dense-duplicates",
    chapter=10,
    statement="At 1−S = 1, 16 of the 40 neurons duplicate a half that another neuron already carries (same main feature, same sign), all on the most important features: the model spends neurons on copies instead of on features 12–19.",
    paper="(not in the paper) The paper's description is the idealised m/2 features.",
    section=SECTION,
    criterion=equals(16),
    selection=BEST2,
    digits=0,
)
def _dense_duplicates(result: dict[str, Any]) -> int:
    _, W, W_out, _ = _models(result)[0]
    roles = neuron_roles(W, W_out)
    halves = {(int(t), int(s)) for t, s in zip(roles["top"].tolist(), roles["sign"].tolist(), strict=True)}
    return int(W.shape[0]) - len(halves)


@claim(
    "ch10.sparse-polysemantic",
    chapter=10,
    statement="At the sparsest setting, 1−S = 0.003, none of the 40 neurons is monosemantic: every neuron carries several features.",
    paper="With sparse features the model uses superposition: neurons become polysemantic.",
    section=SECTION,
    criterion=equals(0),
    selection=BEST2,
    digits=0,
)
def _sparse_poly(result: dict[str, Any]) -> int:
    _, W, W_out, _ = _models(result)[-1]
    return int(neuron_roles(W, W_out)["mono"].sum())


@claim(
    "ch10.mono-falls",
    chapter=10,
    statement="The number of monosemantic neurons at 1−S = 0.003 is less than half that at 1−S = 1 and at 1−S = 0.3.",
    paper="Monosemantic when dense, polysemantic when sparse.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST2,
)
def _mono_falls(result: dict[str, Any]) -> bool:
    counts = [int(neuron_roles(W, Wo)["mono"].sum()) for _, W, Wo, _ in _models(result)]
    return counts[-1] * 2 < min(counts[0], counts[1])


@claim(
    "ch10.sparse-halves",
    chapter=10,
    statement="At 1−S = 0.003 the model computes more features in one half only (x > 0 or x < 0) than in both halves.",
    paper="(not in the paper) Sparse models spend their neurons on halves of features.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST2,
)
def _sparse_halves(result: dict[str, Any]) -> bool:
    _, W, W_out, b = _models(result)[-1]
    h = computed_halves(W, W_out, b)
    one = int((h.any(0) & ~h.all(0)).sum())
    return one > int(h.all(0).sum())


@claim(
    "ch10.motif-in-trained",
    chapter=10,
    statement="The model shown holds an asymmetric motif: one neuron stores two features with input weights at least 2 : 1 apart, reads them back with weights in roughly the reciprocal ratio (the weak feature read at least twice as strongly), and a second neuron that fires on the strong feature writes negatively into the weak feature's output.",
    paper="Asymmetric superposition: a neuron stores two features with unequal weights (e.g. 2 and −1/2), reads them back with reciprocal weights, and another neuron inhibits the positive interference.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST2,
)
def _motif(result: dict[str, Any]) -> bool:
    mot = result["motif"]
    return bool(mot["ratio"] >= 2 and mot["r_weak"] >= 2 * mot["r_strong"] and mot["inhibit"] < 0)


@claim(
    "ch10.motif-count",
    chapter=10,
    statement="Asymmetric motifs appear only in the sparse models: none at 1−S = 1 or 0.3, at least one in every model at 1−S ≤ 0.03.",
    paper="The motif is how the model superposes computation when features are sparse.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST2,
)
def _motif_count(result: dict[str, Any]) -> bool:
    counts = {d: len(find_asymmetric_motifs(W, Wo)) for d, W, Wo, _ in _models(result)}
    dense_none = all(c == 0 for d, c in counts.items() if d >= 0.3)
    sparse_some = all(c >= 1 for d, c in counts.items() if d <= 0.03)
    return dense_none and sparse_some


@claim(
    "ch10.inhibitor-beats-symmetric",
    chapter=10,
    statement="Hand-built, 4 pairs of sparse features (1−S = 0.1) in 5 neurons: asymmetric superposition with one shared inhibitor has a lower loss than the best symmetric use of the same 5 neurons (3 symmetric pairs and one pair computed exactly), measured on 2¹⁹ samples.",
    paper="Asymmetric superposition with an inhibitor converts positive interference into negative interference, which the ReLU removes.",
    section=SECTION,
    criterion=is_true(),
)
def _inhibitor(result: dict[str, float]) -> bool:
    return result["asymmetric+inhibitor, 4 pairs, 5 neurons"] < result["symmetric, 3 pairs + 1 exact, 5 neurons"]


@claim(
    "ch10.asymmetric-needs-inhibitor",
    chapter=10,
    statement="Without the inhibitor, the asymmetric pair is worse than the symmetric pair (one neuron each, 1−S = 0.1): the large interference r²u in the weak feature's output costs more than the symmetric pair loses.",
    paper="The inhibiting neuron is what makes asymmetric superposition pay.",
    section=SECTION,
    criterion=is_true(),
)
def _needs(result: dict[str, float]) -> bool:
    return result["asymmetric, 1 pair, 1 neuron"] > result["symmetric, 1 pair, 1 neuron"]




def _motif_parts(result: dict[str, Any]) -> tuple[dict[str, Any], torch.Tensor, torch.Tensor, torch.Tensor]:
    k = int(result["model"])
    _, W, W_out, b = _models(result)[k]
    return result["motif"], W.double(), W_out.double(), b.double()


@claim(
    "ch10.motif-negative-interference",
    chapter=10,
    statement="In the motif shown, with the strong feature active alone on its half at full size (value ±1), the weak feature's output gets a pre-activation of at most 0.05: the inhibitor cancels almost all of the interference (next claim), and what is left is small enough for the output to stay near zero.",
    paper="The inhibiting neuron converts positive interference into negative interference.",
    section=SECTION,
    criterion=at_most(0.05),
    unit="(pre-activation of the weak output)",
)
def _motif_negative(result: dict[str, Any]) -> float:
    mot, W, W_out, b = _motif_parts(result)
    x = torch.zeros(W.shape[1], dtype=torch.float64)
    x[mot["strong"]] = 1.0 if mot["w_strong"] > 0 else -1.0
    h = torch.relu(W @ x)
    return float(h @ W_out[:, mot["weak"]] + b[mot["weak"]])


@claim(
    "ch10.motif-without-inhibitor",
    chapter=10,
    statement="Without the inhibitor neuron's contribution, the same input would drive the weak feature's output above 1/2: large positive interference.",
    paper="Asymmetric superposition on its own causes large positive interference in the weakly stored feature's output.",
    section=SECTION,
    criterion=at_least(0.5),
    unit="(pre-activation without the inhibitor)",
)
def _motif_without(result: dict[str, Any]) -> float:
    mot, W, W_out, b = _motif_parts(result)
    x = torch.zeros(W.shape[1], dtype=torch.float64)
    x[mot["strong"]] = 1.0 if mot["w_strong"] > 0 else -1.0
    h = torch.relu(W @ x)
    h[mot["inhibitor"]] = 0.0
    return float(h @ W_out[:, mot["weak"]] + b[mot["weak"]])


@claim(
    "ch10.motif-inhibitor-is-own-neuron",
    chapter=10,
    statement="The inhibitor is one of the strong feature's own neurons: its main input is the strong feature, and it also writes positively into the strong feature's output.",
    paper="(not in the paper) An observation on the motif shown.",
    section=SECTION,
    criterion=is_true(),
)
def _motif_own(result: dict[str, Any]) -> bool:
    mot, W, W_out, _ = _motif_parts(result)
    k = mot["inhibitor"]
    return int(W[k].abs().argmax()) == mot["strong"] and float(W_out[k, mot["strong"]]) > 0


@claim(
    "ch10.mono-at-0.3",
    chapter=10,
    statement="At 1−S = 0.3 all 40 neurons are still monosemantic.",
    paper="Monosemantic neurons when features are dense.",
    section=SECTION,
    criterion=equals(40),
    selection=BEST2,
    digits=0,
)
def _mono_03(result: dict[str, Any]) -> int:
    _, W, W_out, _ = _models(result)[1]
    return int(neuron_roles(W, W_out)["mono"].sum())


@claim(
    "ch10.sparse-neuron-shape",
    chapter=10,
    statement="At 1−S = 0.003 the largest input weight of at least 90% of the neurons belongs to one of the 20 most important features, while the median neuron has more than 10 input weights above 5% of its largest: one or two large weights on important features and a tail of small weights from many others.",
    paper="Sparse neurons carry a main feature and weaker secondary ones.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST2,
)
def _sparse_shape(result: dict[str, Any]) -> bool:
    _, W, W_out, _ = _models(result)[-1]
    w, _ = normalise_neurons(W, W_out)
    top_important = float((w.abs().argmax(1) < 20).double().mean())
    tail = float((w.abs() > 0.05).sum(1).double().median())
    return top_important >= 0.9 and tail > 10


@claim(
    "ch10.sparse-taller",
    chapter=10,
    statement="Sparse neurons have larger summed input weights (each neuron scaled so its largest is 1): the mean over neurons of Σ_i |W_ji| is more than three times larger at 1−S = 0.003 than at 1−S = 1.",
    paper="(not in the paper) Read from the stacked neuron plot.",
    section=SECTION,
    criterion=at_least(3.0),
    unit="× the dense model's",
    selection=BEST2,
)
def _taller(result: dict[str, Any]) -> float:
    sums = []
    for k in (0, -1):
        _, W, W_out, _ = _models(result)[k]
        w, _ = normalise_neurons(W, W_out)
        sums.append(float(w.abs().sum(1).mean()))
    return sums[1] / sums[0]


@claim(
    "ch10.sparse-more-features",
    chapter=10,
    statement="The model at 1−S = 0.003 computes at least one half of more features than the dense model computes at all.",
    paper="With sparse features the model computes more features than it has neuron pairs.",
    section=SECTION,
    criterion=is_true(),
    selection=BEST2,
)
def _more_features(result: dict[str, Any]) -> bool:
    models = _models(result)
    dense = computed_halves(*models[0][1:]).any(0).sum()
    sparse = computed_halves(*models[-1][1:]).any(0).sum()
    return int(sparse) > int(dense)


@claim(
    "ch10.motif-negative-at-half",
    chapter=10,
    statement="At half size (the strong feature alone at ±0.5 on its half) the weak feature's output pre-activation in the motif shown is negative, so the ReLU outputs zero.",
    paper="The inhibiting neuron converts positive interference into negative interference.",
    section=SECTION,
    criterion=at_most(0.0),
    unit="(pre-activation of the weak output)",
)
def _motif_half(result: dict[str, Any]) -> float:
    mot, W, W_out, b = _motif_parts(result)
    x = torch.zeros(W.shape[1], dtype=torch.float64)
    x[mot["strong"]] = 0.5 if mot["w_strong"] > 0 else -0.5
    h = torch.relu(W @ x)
    return float(h @ W_out[:, mot["weak"]] + b[mot["weak"]])


@claim(
    "ch10.inhibitor-pair-best",
    chapter=10,
    statement="For one pair at 1−S = 0.1, the asymmetric neuron with an inhibitor has the lowest loss of the three arrangements.",
    paper="Asymmetric superposition with an inhibitor beats symmetric superposition.",
    section=SECTION,
    criterion=is_true(),
)
def _pair_best(result: dict[str, float]) -> bool:
    a = result["asymmetric+inhibitor, 1 pair, 2 neurons"]
    return a < result["symmetric, 1 pair, 1 neuron"] and a < result["asymmetric, 1 pair, 1 neuron"]


@claim(
    "ch10.dense-seeds-differ",
    chapter=10,
    statement="Not every seed of the 3-in-6 model finds the pairs: the worst of the 4 seeds ends with a loss more than 100 times the best's.",
    paper="(not in the paper) Why the chapter keeps the best of several seeds.",
    section=SECTION,
    criterion=at_least(100.0),
    unit="× the best seed's loss",
)
def _seeds_differ(result: Any) -> float:
    losses = result.losses
    return float(losses.max() / losses.min().clamp_min(1e-12))
