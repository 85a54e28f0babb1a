"""Checks for the exercises of chapter 1, linear representations."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from ._common import call_learner as _call
from ._common import check_prediction as _check_prediction
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = [
    "check_analogy",
    "check_cosine_similarities",
    "check_probe_direction",
    "check_royalty_transfer_prediction",
]


def check_cosine_similarities(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(vectors, query)`` returns the cosine similarity of each row of
    ``vectors`` (``[V, d]``) with ``query`` (``[d]``): a ``[V]`` tensor."""
    g = torch.Generator().manual_seed(11)
    cases = [
        ("3 words in 2-D", torch.tensor([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0]]), torch.tensor([2.0, 0.0])),
        ("20 random words in 8-D", torch.randn(20, 8, generator=g) * 3, torch.randn(8, generator=g) * 0.5),
        ("50 random words in 12-D", torch.randn(50, 12, generator=g) + 1, torch.randn(12, generator=g)),
    ]
    for k, (desc, V, q) in enumerate(cases, 1):
        case = f"case {k} ({desc})"
        out = _call(fn, case, V.clone(), q.clone())
        rn, qn = V.norm(dim=1), q.norm()
        dots = V @ q
        _compare(
            case,
            dots / (rn * qn),
            out,
            hints={
                "plain dot products (divide by both norms)": dots,
                "dot products divided by the words' norms only (divide by the query's norm too)": dots / rn,
                "dot products divided by the query's norm only (divide by each word's norm too)": dots / qn,
            },
        )
    _passed("check_cosine_similarities", len(cases))


def _analogy_cases() -> list[tuple[str, torch.Tensor, list[str], tuple[str, str, str], str, dict[str, str]]]:
    cases = []
    # 1: clean structure, king - man + woman = queen
    words = ["man", "woman", "king", "queen", "apple", "jester"]
    V = torch.tensor(
        [[1.0, 0.0, 0.0, 0.2], [1.0, 1.0, 0.0, 0.2], [1.0, 0.0, 1.0, 0.2], [1.0, 1.0, 1.0, 0.2],
         [0.0, 0.0, 0.0, 1.0], [1.0, 1.0, -1.0, 0.2]]
    )
    cases.append(("king − man + woman", V, words, ("man", "king", "woman"), "queen", {
        "jester": "computed a − b + c (it should be b − a + c)",
    }))
    # 2: the target is closest to an input word: inputs must be excluded
    words = ["a", "b", "c", "d", "e"]
    V = torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.2, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.45], [0.7, 0.7, 0.0]])
    cases.append(("the query is nearest an input word", V, words, ("a", "b", "c"), "d", {
        "c": "returned one of the input words (exclude a, b and c)",
        "b": "returned one of the input words (exclude a, b and c)",
    }))
    # 3: cosine, not Euclidean distance: 'far' points the same way as the target
    words = ["p", "q", "r", "far", "near", "other"]
    V = torch.tensor(
        [[0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [3.0, 3.0, 3.0], [1.0, 0.5, 0.6], [-1.0, 0.0, 0.0]]
    )
    cases.append(("cosine similarity, not distance", V, words, ("p", "q", "r"), "far", {
        "near": "used Euclidean distance (use cosine similarity)",
    }))
    return cases


def check_analogy(fn: Callable[[torch.Tensor, Sequence[str], str, str, str], str]) -> None:
    """Exercise: ``fn(vectors, words, a, b, c)`` returns the word (a string) whose vector
    has the largest cosine similarity with ``vectors[b] − vectors[a] + vectors[c]``,
    leaving out ``a``, ``b`` and ``c`` themselves."""
    if not callable(fn):
        raise TypeError(f"pass your function itself (not its result), got {type(fn).__name__}")
    cases = _analogy_cases()
    for k, (desc, V, words, (a, b, c), expected, hints) in enumerate(cases, 1):
        case = f"case {k} ({desc}: {a} is to {b} as {c} is to ?)"
        try:
            out = fn(V.clone(), list(words), a, b, c)
        except NotImplementedError:
            raise
        except Exception as exc:
            raise AssertionError(f"{case}: your function raised {type(exc).__name__}: {exc}") from exc
        if not isinstance(out, str):
            raise AssertionError(f"{case}: expected a word (a string), got {type(out).__name__} {out!r:.40}")
        if out != expected:
            msg = f"{case}: expected {expected!r}, got {out!r}"
            if out in hints:
                msg += f". It looks like you {hints[out]}"
            raise AssertionError(msg)
    _passed("check_analogy", len(cases))


def check_probe_direction(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(X, y)`` returns the unit vector pointing from the mean of the rows of
    ``X`` with label 0 to the mean of those with label 1 (``X`` is ``[N, d]``, ``y`` is ``[N]``)."""
    g = torch.Generator().manual_seed(5)
    cases = []
    for N, d, shift in [(8, 3, 2.0), (40, 10, 0.7), (25, 6, 1.5)]:
        y = (torch.arange(N) % 3 == 0).float()
        X = torch.randn(N, d, generator=g) + 0.5
        X[y == 1] += shift * torch.linspace(1.0, -1.0, d)
        cases.append((N, d, X, y))
    for k, (N, d, X, y) in enumerate(cases, 1):
        case = f"case {k} (N={N} vectors in {d}-D, {int(y.sum())} with label 1)"
        out = _call(fn, case, X.clone(), y.clone())
        diff = X[y == 1].mean(0) - X[y == 0].mean(0)
        unit = diff / diff.norm()
        m1 = X[y == 1].mean(0)
        _compare(
            case,
            unit,
            out,
            hints={
                "the difference of the means, not normalised to length 1": diff,
                "the direction from class 1 to class 0 (the sign is flipped)": -unit,
                "the mean of class 1 alone (subtract the mean of class 0)": m1 / m1.norm(),
            },
        )
    _passed("check_probe_direction", len(cases))


def check_royalty_transfer_prediction(fn: Callable[[], str]) -> None:
    """Exercise 1.4 (predict, then run): ``fn()`` returns ``"all"``, ``"about half"`` or
    ``"none"``: how many of the 8 female people-words a royalty probe fitted on the 8 male
    words alone puts on the right side of its threshold.

    The answer is ``"all"``; the run after the exercise fits the probe and the claim
    ``ch01.royalty-probe-transfers`` asserts it on the vectors the page shows.
    """
    _check_prediction(
        fn, "royalty_transfer_prediction", ("all", "about half", "none"), "all",
        "The chapter found each word vector close to b + W z: one "
        "direction per attribute, added whatever the other attributes are. Is queen − woman "
        "different from king − man? Run the next cell and count.",
    )
