"""Word vectors for the linear-representation chapter, learned from a synthetic corpus.

Nothing is downloaded. :func:`generate_corpus` writes sentences about sixteen people-words
(``king``, ``queen``, ``man``, ``woman``, ``prince``, ``princesses``, …) that are defined
by four binary latent attributes: royalty, gender, age and number. Each sentence holds one
such word together with context words that depend on its attributes (``throne`` for
royal words, ``she`` for female words, ``toy`` for young ones, ``are`` for plurals) and
some filler words, in random order. :func:`learn_embeddings` turns the corpus into word
vectors the classical way: a co-occurrence matrix, positive pointwise mutual information
(PPMI) and a truncated SVD. Because the attributes are known, we can check that they
became *directions*: ``king − man + woman`` lands on ``queen``.

A reader with real vectors (for example GloVe) can load them with :func:`load_glove` and
run the same cells on them; :class:`WordVectors` is the common interface.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ._validate import check_positive_int, check_real, check_seed

__all__ = [
    "ATTRIBUTES",
    "CONTEXT_WORDS",
    "FILLER_WORDS",
    "WordVectors",
    "analogy_accuracy",
    "attribute_labels",
    "attribute_of",
    "cooccurrence_matrix",
    "entity_words",
    "generate_corpus",
    "learn_embeddings",
    "load_glove",
    "make_analogies",
    "mean_difference_direction",
    "ppmi",
    "save_glove",
]

# Four binary latent attributes: (value 0, value 1).
ATTRIBUTES: dict[str, tuple[str, str]] = {
    "royalty": ("common", "royal"),
    "gender": ("male", "female"),
    "age": ("adult", "young"),
    "number": ("singular", "plural"),
}

# The people-words, indexed by (royalty, gender, age, number) values 0/1.
_ENTITIES: dict[tuple[int, int, int, int], str] = {
    (0, 0, 0, 0): "man", (0, 0, 0, 1): "men",
    (0, 1, 0, 0): "woman", (0, 1, 0, 1): "women",
    (0, 0, 1, 0): "boy", (0, 0, 1, 1): "boys",
    (0, 1, 1, 0): "girl", (0, 1, 1, 1): "girls",
    (1, 0, 0, 0): "king", (1, 0, 0, 1): "kings",
    (1, 1, 0, 0): "queen", (1, 1, 0, 1): "queens",
    (1, 0, 1, 0): "prince", (1, 0, 1, 1): "princes",
    (1, 1, 1, 0): "princess", (1, 1, 1, 1): "princesses",
}  # fmt: skip

# Context words that co-occur with each attribute value.
CONTEXT_WORDS: dict[str, tuple[str, ...]] = {
    "common": ("farm", "village", "market", "cottage", "field", "trade"),
    "royal": ("crown", "throne", "palace", "reign", "castle", "kingdom"),
    "male": ("he", "him", "his", "himself", "beard", "sir"),
    "female": ("she", "her", "hers", "herself", "gown", "madam"),
    "adult": ("work", "tax", "wine", "married", "job", "debt"),
    "young": ("toy", "school", "play", "lesson", "small", "game"),
    "singular": ("is", "was", "a", "one", "has", "each"),
    "plural": ("are", "were", "many", "they", "have", "those"),
}

# Words with no attribute signal.
FILLER_WORDS: tuple[str, ...] = (
    "the", "and", "of", "to", "in", "with", "at", "on", "from", "day", "time", "that",
)  # fmt: skip


def entity_words() -> list[str]:
    """The sixteen people-words, in a fixed order (``man``, ``men``, ``woman``, …)."""
    return list(_ENTITIES.values())


def attribute_of(word: str) -> dict[str, str]:
    """The latent attributes of a people-word: ``attribute_of("queen")["gender"] == "female"``."""
    for key, w in _ENTITIES.items():
        if w == word:
            return {name: ATTRIBUTES[name][v] for name, v in zip(ATTRIBUTES, key, strict=True)}
    raise ValueError(f"word must be one of the people-words {entity_words()}, got {word!r}")


def _check_attribute(attribute: Any) -> str:
    if not isinstance(attribute, str) or attribute not in ATTRIBUTES:
        options = ", ".join(repr(a) for a in ATTRIBUTES)
        raise ValueError(f"attribute must be one of {options}, got {attribute!r}")
    return attribute


def attribute_labels(words: Sequence[str], attribute: str) -> torch.Tensor:
    """0/1 labels of ``words`` for one attribute (1 = the second value, e.g. ``female``)."""
    attribute = _check_attribute(attribute)
    if isinstance(words, str) or not isinstance(words, Sequence):
        raise TypeError(f"words must be a list of words, got {type(words).__name__}")
    ones = ATTRIBUTES[attribute][1]
    return torch.tensor([float(attribute_of(w)[attribute] == ones) for w in words])


def generate_corpus(
    n_sentences: int = 10_000,
    *,
    seed: int = 0,
    p_context: float = 0.8,
    p_noise: float = 0.1,
    n_filler: int = 3,
) -> list[list[str]]:
    """Sentences generated from latent attributes.

    Each sentence has one people-word (chosen with Zipf-like frequencies, so some words are
    rarer than others). For each of the four attributes, with probability ``p_context`` a
    context word of the word's attribute value is added, and with probability ``p_noise``
    one of the *other* value (noise, so the signal is not perfectly clean). Then up to
    ``n_filler`` filler words, and the sentence is shuffled. Deterministic given ``seed``.
    """
    n_sentences = check_positive_int("n_sentences", n_sentences)
    seed = check_seed("seed", seed)
    p_context = check_real("p_context", p_context, low=0.0, high=1.0)
    p_noise = check_real("p_noise", p_noise, low=0.0, high=1.0)
    n_filler = check_positive_int("n_filler", n_filler, minimum=0)
    rng = np.random.default_rng(seed)
    keys = list(_ENTITIES)
    freq = 1.0 / np.arange(1, len(keys) + 1) ** 0.5
    freq = freq[rng.permutation(len(keys))]
    freq /= freq.sum()
    words = rng.choice(len(keys), size=n_sentences, p=freq)
    names = list(ATTRIBUTES)
    n_attr = len(names)
    # all random draws at once (fast), then assemble the sentences
    use_ctx = rng.random((n_sentences, n_attr)) < p_context
    use_noise = rng.random((n_sentences, n_attr)) < p_noise
    ctx_pick = rng.integers(0, 1 << 30, size=(n_sentences, n_attr, 2))
    n_fill = rng.integers(0, n_filler + 1, size=n_sentences)
    fill_pick = rng.integers(0, len(FILLER_WORDS), size=(n_sentences, max(n_filler, 1)))
    order_keys = rng.random((n_sentences, 2 * n_attr + max(n_filler, 1) + 1))
    corpus = []
    for s_idx, k in enumerate(words):
        key = keys[k]
        sentence = [_ENTITIES[key]]
        for j, (a, v) in enumerate(zip(names, key, strict=True)):
            if use_ctx[s_idx, j]:
                ctx = CONTEXT_WORDS[ATTRIBUTES[a][v]]
                sentence.append(ctx[ctx_pick[s_idx, j, 0] % len(ctx)])
            if use_noise[s_idx, j]:
                ctx = CONTEXT_WORDS[ATTRIBUTES[a][1 - v]]
                sentence.append(ctx[ctx_pick[s_idx, j, 1] % len(ctx)])
        sentence.extend(FILLER_WORDS[i] for i in fill_pick[s_idx, : n_fill[s_idx]])
        order = np.argsort(order_keys[s_idx, : len(sentence)])
        corpus.append([sentence[i] for i in order])
    return corpus


def _check_corpus(corpus: Any) -> None:
    if isinstance(corpus, str) or not isinstance(corpus, Sequence) or not corpus:
        raise TypeError("corpus must be a non-empty list of sentences (lists of words)")
    for k, s in enumerate(corpus[:50]):
        if isinstance(s, str) or not isinstance(s, Sequence) or not all(isinstance(w, str) for w in s):
            raise TypeError(f"corpus[{k}] must be a list of words (strings), got {s!r:.60}")


def cooccurrence_matrix(
    corpus: Sequence[Sequence[str]], window: int | None = None
) -> tuple[np.ndarray, list[str]]:
    """Symmetric co-occurrence counts ``[V, V]`` and the vocabulary (sorted by frequency).

    Two words co-occur when they are at most ``window`` positions apart in a sentence
    (``None``: anywhere in the same sentence).
    """
    _check_corpus(corpus)
    if window is not None:
        window = check_positive_int("window", window)
    counts: dict[str, int] = {}
    for s in corpus:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    vocab = sorted(counts, key=lambda w: (-counts[w], w))
    index = {w: i for i, w in enumerate(vocab)}
    V = len(vocab)
    flat = np.zeros(V * V)
    if window is None:
        # all pairs of positions within a sentence: with B[s, w] = count of w in sentence s,
        # C = BᵀB minus each position paired with itself
        B = np.zeros((len(corpus), V))
        rows = np.repeat(np.arange(len(corpus)), [len(s) for s in corpus])
        cols = np.fromiter((index[w] for s in corpus for w in s), dtype=np.int64, count=len(rows))
        np.add.at(B, (rows, cols), 1.0)
        flat = (B.T @ B - np.diag(B.sum(0))).reshape(-1)
    else:
        for s in corpus:
            ids = [index[w] for w in s]
            for i, a in enumerate(ids):
                for b in ids[i + 1 : min(len(ids), i + window + 1)]:
                    flat[a * V + b] += 1
                    flat[b * V + a] += 1
    C = flat.reshape(V, V)
    return C, vocab


def ppmi(counts: Any) -> np.ndarray:
    """Positive pointwise mutual information ``max(0, log P(w, c) / (P(w) P(c)))`` of a count matrix."""
    C = np.asarray(counts, dtype=np.float64)
    if C.ndim != 2 or C.shape[0] != C.shape[1]:
        raise ValueError(f"counts must be a square [V, V] matrix, got shape {C.shape}")
    if not np.isfinite(C).all() or (C < 0).any() or C.sum() <= 0:
        raise ValueError("counts must be finite, non-negative and not all zero")
    total = C.sum()
    row = C.sum(1, keepdims=True)
    col = C.sum(0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(C * total / (row * col))
    pmi[~np.isfinite(pmi)] = 0.0
    return np.maximum(pmi, 0.0)


@dataclass
class WordVectors:
    """Words and their vectors (``vectors[k]`` belongs to ``words[k]``), with analogy tools."""

    words: list[str]
    vectors: torch.Tensor  # [V, d]

    def __post_init__(self) -> None:
        if not isinstance(self.words, list) or not all(isinstance(w, str) for w in self.words):
            raise TypeError("words must be a list of strings")
        if not isinstance(self.vectors, torch.Tensor) or self.vectors.dim() != 2:
            raise TypeError("vectors must be a 2-D torch.Tensor [words, dimensions]")
        if self.vectors.shape[0] != len(self.words):
            raise ValueError(
                f"vectors has {self.vectors.shape[0]} rows but there are {len(self.words)} words"
            )
        self._index = {w: i for i, w in enumerate(self.words)}
        if len(self._index) != len(self.words):
            dup = next(w for i, w in enumerate(self.words) if self._index[w] != i)
            raise ValueError(f"words must be unique, {dup!r} appears more than once")

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def index(self, word: str) -> int:
        if word not in self._index:
            raise KeyError(f"{word!r} is not in the vocabulary ({len(self.words)} words)")
        return self._index[word]

    def __getitem__(self, word: str) -> torch.Tensor:
        return self.vectors[self.index(word)]

    def stack(self, words: Sequence[str]) -> torch.Tensor:
        """Vectors of several words, ``[len(words), d]``."""
        return self.vectors[[self.index(w) for w in words]]

    def nearest(
        self, query: Any, k: int = 5, *, exclude: Iterable[str] = (), among: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` words with the largest cosine similarity to ``query`` (a vector or a word)."""
        k = check_positive_int("k", k)
        q = self[query] if isinstance(query, str) else torch.as_tensor(query, dtype=self.vectors.dtype)
        if q.shape != (self.dim,):
            raise ValueError(f"query must be a word or a vector of length {self.dim}, got shape {tuple(q.shape)}")
        idx = list(range(len(self.words))) if among is None else [self.index(w) for w in among]
        drop = set(exclude)
        idx = [i for i in idx if self.words[i] not in drop]
        V = self.vectors[idx]
        cos = V @ q / (V.norm(dim=1) * q.norm()).clamp_min(1e-12)
        order = torch.argsort(cos, descending=True)[:k]
        return [(self.words[idx[int(i)]], float(cos[i])) for i in order]

    def analogy(
        self, a: str, b: str, c: str, k: int = 5, *, among: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """"``a`` is to ``b`` as ``c`` is to ?": the words nearest ``b − a + c`` (inputs excluded).

        ``analogy("man", "king", "woman")`` computes ``king − man + woman``.
        """
        query = self[b] - self[a] + self[c]
        return self.nearest(query, k, exclude=(a, b, c), among=among)


def learn_embeddings(
    corpus: Sequence[Sequence[str]], dim: int = 12, *, window: int | None = None
) -> WordVectors:
    """Word vectors from PPMI + truncated SVD: ``U_d √Σ_d`` of the PPMI matrix.

    Deterministic (the SVD's sign ambiguity is fixed so each component's largest entry is
    positive). ``dim`` must not exceed the vocabulary size.
    """
    dim = check_positive_int("dim", dim)
    C, vocab = cooccurrence_matrix(corpus, window)
    if dim > len(vocab):
        raise ValueError(f"dim must be at most the vocabulary size {len(vocab)}, got {dim}")
    M = ppmi(C)
    U, S, _ = np.linalg.svd(M)
    U = U[:, :dim]
    signs = np.sign(U[np.abs(U).argmax(0), np.arange(dim)])
    U = U * np.where(signs == 0, 1.0, signs)
    vectors = U * np.sqrt(S[:dim])
    return WordVectors(list(vocab), torch.tensor(vectors, dtype=torch.float32))


def make_analogies(attribute: str | None = None) -> list[tuple[str, str, str, str]]:
    """All analogies ``(a, b, c, d)`` — "a is to b as c is to d" — among the people-words
    in which ``b`` differs from ``a`` in exactly one attribute (``attribute``, or any), ``c``
    has the same value of it as ``a``, and ``d`` is ``c`` with it changed like ``a`` to ``b``.
    ``("man", "king", "woman", "queen")`` is one of them: 4 attributes x 16 x 7 = 448 in all."""
    names = list(ATTRIBUTES)
    flips = names if attribute is None else [_check_attribute(attribute)]
    out = []
    keys = list(_ENTITIES)
    for a_name in flips:
        j = names.index(a_name)
        for ka, kc in itertools.permutations(keys, 2):
            kb = tuple(v ^ (i == j) for i, v in enumerate(ka))
            kd = tuple(v ^ (i == j) for i, v in enumerate(kc))
            if kc[j] != ka[j]:  # c must start where a starts, so c + (b - a) is a word
                continue
            out.append((_ENTITIES[ka], _ENTITIES[kb], _ENTITIES[kc], _ENTITIES[kd]))
    return out


def analogy_accuracy(
    wv: WordVectors,
    analogies: Sequence[tuple[str, str, str, str]],
    *,
    k: int = 1,
    among: Sequence[str] | None = None,
) -> float:
    """Fraction of analogies ``(a, b, c, d)`` whose ``d`` is among the top ``k`` of ``b − a + c``."""
    if not isinstance(wv, WordVectors):
        raise TypeError(f"wv must be WordVectors, got {type(wv).__name__}")
    if not analogies:
        raise ValueError("analogies must be a non-empty list of (a, b, c, d) tuples")
    hits = 0
    for quad in analogies:
        if len(quad) != 4:
            raise ValueError(f"each analogy must be (a, b, c, d), got {quad!r}")
        a, b, c, d = quad
        hits += d in [w for w, _ in wv.analogy(a, b, c, k, among=among)]
    return hits / len(analogies)


def mean_difference_direction(vectors: Any, labels: Any) -> torch.Tensor:
    """A linear probe: the unit vector from the mean of class 0 to the mean of class 1.

    ``vectors`` is ``[N, d]``, ``labels`` is ``[N]`` of 0/1 (both classes present).
    """
    X = torch.as_tensor(vectors, dtype=torch.float32)
    y = torch.as_tensor(labels)
    if X.dim() != 2:
        raise ValueError(f"vectors must be [N, d], got shape {tuple(X.shape)}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"labels must have shape ({X.shape[0]},), got {tuple(y.shape)}")
    y = y.to(torch.float32)
    if not bool(((y == 0) | (y == 1)).all()) or y.min() == y.max():
        raise ValueError("labels must be 0/1 with both classes present")
    d = X[y == 1].mean(0) - X[y == 0].mean(0)
    return d / d.norm().clamp_min(1e-12)


# ---------------------------------------------------------------- GloVe-format files
def save_glove(wv: WordVectors, path: str | os.PathLike[str]) -> Path:
    """Write ``wv`` as a GloVe text file: one line per word, ``word v1 v2 …``."""
    if not isinstance(wv, WordVectors):
        raise TypeError(f"wv must be WordVectors, got {type(wv).__name__}")
    path = Path(path)
    with path.open("w", encoding="utf-8") as f:
        for w, v in zip(wv.words, wv.vectors.tolist(), strict=True):
            if not w or any(ch.isspace() for ch in w):
                raise ValueError(f"words in a GloVe file cannot be empty or contain spaces, got {w!r}")
            f.write(w + " " + " ".join(f"{x:.6g}" for x in v) + "\n")
    return path


def load_glove(path: str | os.PathLike[str], *, max_words: int | None = None) -> WordVectors:
    """Read a GloVe-format text file (``word v1 v2 … vd`` per line, UTF-8).

    The dimension is taken from the first line; every other line must have the same number
    of values. A word2vec-style header line ``<count> <dim>`` is skipped. Blank lines are
    ignored. A malformed line raises ``ValueError`` naming the file, the line number and
    what was expected. ``max_words`` keeps only the first words (GloVe files are sorted by
    frequency).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path, got {type(path).__name__}")
    if max_words is not None:
        max_words = check_positive_int("max_words", max_words)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no GloVe file at {str(path)!r}")
    words: list[str] = []
    rows: list[list[float]] = []
    seen: dict[str, int] = {}
    dim: int | None = None
    with path.open("r", encoding="utf-8-sig") as f:  # utf-8-sig: a byte-order mark is not part of the first word
        for lineno, line in enumerate(f, 1):
            parts = line.rstrip("\n").rstrip("\r").split(" ")
            parts = [p for p in parts if p != ""]
            if not parts:
                continue
            if dim is None and lineno == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                continue  # word2vec header "count dim"
            word, values = parts[0], parts[1:]
            if dim is None:
                if not values:
                    raise ValueError(
                        f"{path}:{lineno}: expected a word followed by its vector's numbers, "
                        f"got only {word!r}"
                    )
                dim = len(values)
            elif len(values) != dim:
                raise ValueError(
                    f"{path}:{lineno}: expected a word followed by {dim} numbers (the dimension "
                    f"set by the first line), got {len(values)} values for {word!r}"
                )
            try:
                vec = [float(v) for v in values]
            except ValueError:
                bad = next(v for v in values if not _is_float(v))
                raise ValueError(
                    f"{path}:{lineno}: expected {dim} numbers after the word {word!r}, "
                    f"but {bad!r} is not a number"
                ) from None
            if not all(math.isfinite(x) for x in vec):
                raise ValueError(f"{path}:{lineno}: the vector of {word!r} has NaN or infinite values")
            if word in seen:
                raise ValueError(
                    f"{path}:{lineno}: the word {word!r} already appeared on line {seen[word]}"
                )
            seen[word] = lineno
            words.append(word)
            rows.append(vec)
            if max_words is not None and len(words) >= max_words:
                break
    if not words:
        raise ValueError(f"{path}: the file holds no word vectors")
    return WordVectors(words, torch.tensor(rows, dtype=torch.float32))


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
