"""Each chapter-1 check passes the right answer and fails on plausible wrong ones."""

import pytest
import torch

from toymodels_lib import checks


def cos_right(V, q):
    return V @ q / (V.norm(dim=1) * q.norm())


def test_cosine_similarities():
    checks.check_cosine_similarities(cos_right)
    with pytest.raises(AssertionError, match="plain dot products"):
        checks.check_cosine_similarities(lambda V, q: V @ q)
    with pytest.raises(AssertionError, match="words' norms only"):
        checks.check_cosine_similarities(lambda V, q: V @ q / V.norm(dim=1))
    with pytest.raises(AssertionError, match="expected a torch.Tensor"):
        checks.check_cosine_similarities(lambda V, q: (V @ q).tolist())
    with pytest.raises(TypeError, match="function itself"):
        checks.check_cosine_similarities(cos_right(torch.ones(2, 2), torch.ones(2)))


def _analogy(exclude=True, sign=1, euclid=False):
    def fn(V, words, a, b, c):
        idx = {w: i for i, w in enumerate(words)}
        t = V[idx[b]] - V[idx[a]] + V[idx[c]] if sign > 0 else V[idx[a]] - V[idx[b]] + V[idx[c]]
        s = -(V - t).norm(dim=1) if euclid else cos_right(V, t)
        if exclude:
            for w in (a, b, c):
                s[idx[w]] = -float("inf")
        return words[int(s.argmax())]

    return fn


def test_analogy():
    checks.check_analogy(_analogy())
    with pytest.raises(AssertionError, match="a − b \\+ c"):
        checks.check_analogy(_analogy(sign=-1))
    with pytest.raises(AssertionError, match="input words"):
        checks.check_analogy(_analogy(exclude=False))
    with pytest.raises(AssertionError, match="Euclidean"):
        checks.check_analogy(_analogy(euclid=True))
    with pytest.raises(AssertionError, match="a string"):
        checks.check_analogy(lambda V, words, a, b, c: 3)
    with pytest.raises(AssertionError, match="raised KeyError"):
        checks.check_analogy(lambda V, words, a, b, c: {}[a])


def test_probe_direction():
    def right(X, y):
        d = X[y == 1].mean(0) - X[y == 0].mean(0)
        return d / d.norm()

    checks.check_probe_direction(right)
    with pytest.raises(AssertionError, match="not normalised"):
        checks.check_probe_direction(lambda X, y: X[y == 1].mean(0) - X[y == 0].mean(0))
    with pytest.raises(AssertionError, match="sign is flipped"):
        checks.check_probe_direction(lambda X, y: -right(X, y))
    with pytest.raises(AssertionError, match="mean of class 1 alone"):
        checks.check_probe_direction(lambda X, y: X[y == 1].mean(0) / X[y == 1].mean(0).norm())


def test_royalty_transfer_prediction(capsys):
    checks.check_royalty_transfer_prediction(lambda: "all")
    checks.check_royalty_transfer_prediction(lambda: " All ")
    assert "pass" in capsys.readouterr().out
    for wrong, message in [("about half", "king − man"), ("none", "king − man"), ("most", "'all', 'about half'")]:
        with pytest.raises(AssertionError, match=message):
            checks.check_royalty_transfer_prediction(lambda w=wrong: w)
    with pytest.raises(AssertionError, match="expected a str"):
        checks.check_royalty_transfer_prediction(lambda: 8)
