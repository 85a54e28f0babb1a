"""Claims of chapter 1 (word vectors learned from the synthetic corpus, d = 12).

Each measure takes what the page shows: the learned :class:`~toymodels_lib.embeddings.WordVectors`
(``"wv"``) and, where a claim is about a probe or a fit, the numbers the page computed from
them. The paper does not train word vectors; it cites word-vector arithmetic as the classic
evidence for linear representations, so these claims have no paper value.
"""

from __future__ import annotations

from typing import Any

import torch

from ..embeddings import analogy_accuracy, entity_words
from . import at_least, claim, equals

SECTION = "Definitions and Motivation: Features, Directions, and Superposition"
PAPER_LINEAR = (
    "Word embeddings show linear representations: king − man + woman ≈ queen "
    "(Mikolov et al. 2013), the classic evidence for features as directions."
)


def _cos(u: torch.Tensor, v: torch.Tensor) -> float:
    return float(u @ v / (u.norm() * v.norm()))


@claim(
    "ch01.king-queen",
    chapter=1,
    statement="king − man + woman lands nearest to queen (the question's words left out).",
    paper=PAPER_LINEAR,
    section=SECTION,
    criterion=equals("queen"),
)
def _king_queen(result: dict[str, Any]) -> str:
    return str(result["wv"].analogy("man", "king", "woman", k=1)[0][0])


@claim(
    "ch01.analogies-all-correct",
    chapter=1,
    statement="Every one-attribute analogy among the 16 people-words is answered correctly (top-1).",
    paper=PAPER_LINEAR,
    section=SECTION,
    criterion=equals(1.0),
    unit="(top-1 accuracy)",
)
def _all_analogies(result: dict[str, Any]) -> float:
    return float(analogy_accuracy(result["wv"], result["analogies"]))


@claim(
    "ch01.gender-offsets-parallel",
    chapter=1,
    statement="The male → female offsets of king/queen, boy/girl and prince/princess point the "
    "same way as woman − man (cosine close to 1, in all d dimensions).",
    paper="A feature is a direction: the same offset whatever the word's other attributes.",
    section=SECTION,
    criterion=at_least(0.9),
    unit="(smallest cosine with woman − man)",
)
def _offsets_parallel(result: dict[str, Any]) -> float:
    wv, pairs = result["wv"], result["pairs"]
    offsets = [wv[f] - wv[m] for m, f in pairs]
    return min(_cos(o, offsets[0]) for o in offsets[1:])


@claim(
    "ch01.probe-generalises",
    chapter=1,
    statement="The gender probe fit on the 8 adult words sorts all 8 held-out young words correctly.",
    paper="Linear probes find feature directions (the linear representation hypothesis).",
    section=SECTION,
    criterion=equals(1.0),
    unit="(held-out accuracy)",
)
def _probe(result: dict[str, Any]) -> float:
    predicted = (result["scores"] > result["threshold"]).float()
    return float((predicted == result["labels"].float()).float().mean())


@claim(
    "ch01.steering-changes-one-attribute",
    chapter=1,
    statement="Moving from king along the gender direction, the nearest people-word goes from "
    "king to queen and is never another word.",
    paper="Moving along a feature's direction changes that feature and nothing else.",
    section=SECTION,
    criterion=equals("king → queen"),
)
def _steering(result: dict[str, Any]) -> str:
    wv, direction, step = result["wv"], result["direction"], float(result["step"])
    people = entity_words()
    path: list[str] = []
    for alpha in result["alphas"]:
        word = wv.nearest(wv["king"] + float(alpha) * step * direction, 1, among=people)[0][0]
        if not path or path[-1] != word:
            path.append(word)
    return " → ".join(path)


@claim(
    "ch01.sum-of-directions",
    chapter=1,
    statement="An offset plus one direction per attribute, v = b + Wz, explains almost all "
    "(at least 95%) of the variance of the 16 people-word vectors.",
    paper="Activations are (roughly) sums of feature directions scaled by the features' values.",
    section=SECTION,
    criterion=at_least(0.95),
    unit="(R²)",
    digits=4,
)
def _r2(result: dict[str, Any]) -> float:
    return float(result["r2"])


@claim(
    "ch01.column-is-probe",
    chapter=1,
    statement="The fitted gender column of W points the same way as the probe's direction.",
    paper="Column W_i of the toy model is feature i's direction.",
    section=SECTION,
    criterion=at_least(0.9),
    unit="(cosine)",
)
def _column_probe(result: dict[str, Any]) -> float:
    return _cos(result["column"], result["direction"])


@claim(
    "ch01.royalty-probe-transfers",
    chapter=1,
    statement="A royalty probe fitted on the 8 male people-words alone puts all 8 female words on the right side of its threshold.",
    paper=PAPER_LINEAR,
    section=SECTION,
    criterion=equals("8 of 8"),
    unit="female words on the right side",
)
def _royalty_transfer(result: dict[str, Any]) -> str:
    scores, labels, threshold = result["scores"], result["labels"], float(result["threshold"])
    right = int(((scores > threshold).to(labels.dtype) == labels).sum())
    return f"{right} of {labels.numel()}"
