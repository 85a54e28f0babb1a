"""Claims of chapter 3 (the linear-vs-ReLU toy model, n = 20, m = 5, I_i = 0.7^i).

Each measure takes what the chapter draws: ``{"linear": TrainResult, "relu": TrainResult,
"densities": [...]}`` where the ReLU result holds one model per density (the lowest-loss
seed of each) in the order of ``densities``.
"""

from __future__ import annotations

from typing import Any

import torch

from ..metrics import feature_norms, n_antipodal, n_represented, superposition
from ..theory import optimal_linear_loss
from . import at_least, at_most, claim, equals

SECTION = "Demonstrating Superposition"
BEST = "lowest-loss of 4 seeds per density, by the loss on 131,072 samples"


def _index(result: dict[str, Any], density: float) -> int:
    dens = [float(d) for d in result["densities"]]
    return min(range(len(dens)), key=lambda k: abs(dens[k] - density))


@claim(
    "ch03.linear-loss-closed-form",
    chapter=3,
    statement="The trained linear model's loss matches the closed form Σ_dropped I_i Var(x_i).",
    paper="The linear model learns the top m features, like PCA.",
    section=SECTION,
    criterion=at_most(0.02),
    unit="relative difference",
    digits=2,
)
def _linear_loss(result: dict[str, Any]) -> float:
    lin = result["linear"]
    importance = lin.importance[0]
    closed = optimal_linear_loss(importance, n_hidden=lin.n_hidden, sparsity=float(lin.sparsity[0, 0]))
    return abs(float(lin.losses[0]) - closed) / closed


@claim(
    "ch03.linear-frobenius",
    chapter=3,
    statement="The linear model has ‖W‖_F² = m: five features in five dimensions.",
    paper="‖W‖_F² = m for the linear model (it keeps m features at unit norm).",
    section=SECTION,
    criterion=at_most(0.05),
    unit="|‖W‖_F² − m|",
    digits=2,
)
def _linear_frobenius(result: dict[str, Any]) -> float:
    lin = result["linear"]
    return abs(float((lin.W[0] ** 2).sum()) - lin.n_hidden)


@claim(
    "ch03.dense-relu-represents-m",
    chapter=3,
    statement="With dense features the ReLU model represents exactly m = 5 features, like the linear one.",
    paper="With dense features the ReLU model also learns the top m features, with no superposition.",
    section=SECTION,
    criterion=equals(5),
    unit="features",
    selection=BEST,
)
def _dense_relu(result: dict[str, Any]) -> int:
    return int(n_represented(result["relu"].W[_index(result, 1.0)]))


@claim(
    "ch03.sparse-relu-represents-more",
    chapter=3,
    statement="The sparsest ReLU model (1−S = 0.001) represents at least twice as many features as dimensions.",
    paper="As sparsity increases, the model represents more features than it has dimensions.",
    section=SECTION,
    criterion=at_least(10),
    unit="features",
    selection=BEST,
)
def _sparse_relu(result: dict[str, Any]) -> int:
    return int(n_represented(result["relu"].W[_index(result, 0.001)]))


@claim(
    "ch03.most-important-untouched",
    chapter=3,
    statement="At 1−S = 0.3 the two most important features keep dimensions of their own "
    "(superposition below 0.1) while less important features pair up.",
    paper="The most important features are initially untouched; it starts with less important features.",
    section=SECTION,
    criterion=at_most(0.1),
    unit="(largest superposition of features 0–1)",
    digits=2,
    selection=BEST,
)
def _untouched(result: dict[str, Any]) -> float:
    W = result["relu"].W[_index(result, 0.3)]
    return float(superposition(W)[:2].max())


@claim(
    "ch03.pairs-in-the-middle",
    chapter=3,
    statement="At 1−S = 0.1 most represented features sit in antipodal pairs.",
    paper="Features are organised into antipodal pairs at intermediate sparsity.",
    section=SECTION,
    criterion=at_least(0.5),
    unit="of represented features in pairs",
    digits=2,
    selection=BEST,
)
def _pairs(result: dict[str, Any]) -> float:
    W = result["relu"].W[_index(result, 0.1)]
    return float(n_antipodal(W)) / max(1, int(n_represented(W)))


@claim(
    "ch03.negative-bias-when-sparse",
    chapter=3,
    statement="The mean bias is positive for dense features and negative for the sparse ones.",
    paper="Sparse models use negative biases so that small interference is cut off by the ReLU.",
    section=SECTION,
    criterion=equals(True),
    selection=BEST,
)
def _bias_sign(result: dict[str, Any]) -> bool:
    b = result["relu"].b
    dense, sparse = b[_index(result, 1.0)].mean(), b[_index(result, 0.001)].mean()
    return bool(dense > 0 and sparse < 0)


@claim(
    "ch03.seeds-differ",
    chapter=3,
    statement="At 1−S = 0.3 the seeds land at clearly different losses (local minima), so the book keeps the lowest.",
    paper="The paper reports the lowest-loss of several runs, since small models often end in local minima.",
    section=SECTION,
    criterion=at_least(0.05),
    unit="(worst seed's loss above the best, relative)",
    digits=2,
)
def _seeds_differ(result: dict[str, Any]) -> float:
    losses = result["relu_all"].seed_losses()[_index(result, 0.3)]
    return float(losses.max() / losses.min() - 1)


def _dedicated(W: Any, threshold: float = 0.1) -> list[int]:
    """Represented features with (almost) a dimension of their own: superposition below ``threshold``."""
    rep = torch.nonzero(feature_norms(W) > 0.5).flatten()
    sup = superposition(W)
    return [int(i) for i in rep if float(sup[i]) < threshold]


@claim(
    "ch03.one-dedicated-at-0.1",
    chapter=3,
    statement="At 1−S = 0.1 at most one feature (feature 0) still has a dimension of its own.",
    paper="It starts with less important features, and gradually affects the most important ones.",
    section=SECTION,
    criterion=at_most(1),
    unit="dedicated features",
    selection=BEST,
)
def _one_dedicated(result: dict[str, Any]) -> int:
    return len(_dedicated(result["relu"].W[_index(result, 0.1)]))


@claim(
    "ch03.all-superposed-from-0.03",
    chapter=3,
    statement="From 1−S = 0.03 on every represented feature, feature 0 included, is in superposition.",
    paper="It starts with less important features, and gradually affects the most important ones.",
    section=SECTION,
    criterion=equals(0),
    unit="dedicated features (at 1−S = 0.03 and sparser)",
    selection=BEST,
)
def _all_superposed(result: dict[str, Any]) -> int:
    sparse = [k for k, d in enumerate(result["densities"]) if float(d) <= 0.03]
    return sum(len(_dedicated(result["relu"].W[k])) for k in sparse)


@claim(
    "ch03.beyond-pairs-when-sparsest",
    chapter=3,
    statement="At 1−S = 0.001 the structure has moved beyond pairs: fewer than half the represented features are in antipodal pairs.",
    paper="At high sparsity the features form more complex structures than antipodal pairs.",
    section=SECTION,
    criterion=at_most(0.5),
    unit="of represented features in pairs",
    digits=2,
    selection=BEST,
)
def _beyond_pairs(result: dict[str, Any]) -> float:
    W = result["relu"].W[_index(result, 0.001)]
    return float(n_antipodal(W)) / max(1, int(n_represented(W)))


@claim(
    "ch03.uniform-represents-more",
    chapter=3,
    statement="With every feature equally important (I_i = 1) at 1−S = 0.1, the model represents at least 4 more features than the I_i = 0.7^i model at the same density.",
    paper="The less important a feature, the less it is worth its interference: importance decides which features are kept.",
    section=SECTION,
    criterion=at_least(4),
    unit="more features represented with uniform importance",
    selection="lowest-loss of 2 seeds (uniform) and of 4 seeds (0.7^i), by the loss on 131,072 samples",
)
def _uniform_more(result: dict[str, Any]) -> int:
    decayed = int(n_represented(result["relu"].W[_index(result, 0.1)]))
    return int(n_represented(result["uniform"].W[0])) - decayed
