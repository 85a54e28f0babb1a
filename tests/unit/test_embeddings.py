"""Unit tests for toymodels_lib.embeddings: corpus, PPMI + SVD vectors, analogies, GloVe files."""

import numpy as np
import pytest
import torch

import toymodels_lib as tm
from toymodels_lib import embeddings as E


@pytest.fixture(scope="module")
def wv():
    return E.learn_embeddings(E.generate_corpus(3000, seed=0), dim=10)


def test_corpus_is_deterministic_and_built_from_the_vocabulary():
    a = E.generate_corpus(200, seed=3)
    b = E.generate_corpus(200, seed=3)
    c = E.generate_corpus(200, seed=4)
    assert a == b and a != c
    vocab = set(E.entity_words()) | set(E.FILLER_WORDS)
    for words in E.CONTEXT_WORDS.values():
        vocab |= set(words)
    for sentence in a:
        assert sum(w in E.entity_words() for w in sentence) == 1
        assert set(sentence) <= vocab


def test_corpus_context_follows_attributes():
    corpus = E.generate_corpus(2000, seed=0, p_noise=0.0)
    for sentence in corpus:
        person = next(w for w in sentence if w in E.entity_words())
        attrs = E.attribute_of(person)
        for name, (v0, v1) in E.ATTRIBUTES.items():
            wrong = v1 if attrs[name] == v0 else v0
            assert not set(sentence) & set(E.CONTEXT_WORDS[wrong])


def test_attributes_and_labels():
    assert len(E.entity_words()) == 16
    assert E.attribute_of("queen") == {"royalty": "royal", "gender": "female", "age": "adult", "number": "singular"}
    assert E.attribute_labels(["king", "queen", "girls"], "gender").tolist() == [0.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="attribute"):
        E.attribute_labels(["king"], "colour")
    with pytest.raises(ValueError, match="people-words"):
        E.attribute_of("apple")


def test_cooccurrence_counts_pairs_within_a_sentence():
    C, vocab = E.cooccurrence_matrix([["a", "b", "c"], ["a", "b"], ["a", "a"]])
    i = {w: k for k, w in enumerate(vocab)}
    assert vocab[0] == "a"
    assert C[i["a"], i["b"]] == 2 and C[i["b"], i["a"]] == 2
    assert C[i["a"], i["c"]] == 1 and C[i["b"], i["c"]] == 1
    assert C[i["a"], i["a"]] == 2  # the two 'a' of the last sentence, both orders
    assert np.allclose(C, C.T)
    C1, _ = E.cooccurrence_matrix([["a", "b", "c"]], window=1)
    j = {w: k for k, w in enumerate(_)}
    assert C1[j["a"], j["c"]] == 0 and C1[j["a"], j["b"]] == 1


def test_ppmi_is_nonnegative_and_matches_formula():
    C = np.array([[0.0, 4.0, 1.0], [4.0, 0.0, 1.0], [1.0, 1.0, 2.0]])
    M = E.ppmi(C)
    assert (M >= 0).all()
    total = C.sum()
    expected = max(0.0, np.log(C[0, 1] * total / (C[0].sum() * C[:, 1].sum())))
    assert M[0, 1] == pytest.approx(expected)
    with pytest.raises(ValueError, match="square"):
        E.ppmi(np.ones((2, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        E.ppmi(-np.ones((2, 2)))


def test_learn_embeddings_shape_and_determinism(wv):
    again = E.learn_embeddings(E.generate_corpus(3000, seed=0), dim=10)
    assert wv.vectors.shape == (len(wv.words), 10)
    assert torch.equal(wv.vectors, again.vectors) and wv.words == again.words
    with pytest.raises(ValueError, match="dim"):
        E.learn_embeddings(E.generate_corpus(50, seed=0), dim=10_000)
    with pytest.raises(TypeError, match="dim"):
        E.learn_embeddings(E.generate_corpus(50, seed=0), dim=2.5)
    with pytest.raises(TypeError, match="corpus"):
        E.learn_embeddings("king queen", dim=2)


def test_word_vectors_interface(wv):
    assert "king" in wv and "dragon" not in wv
    assert wv["king"].shape == (wv.dim,)
    assert wv.stack(["king", "queen"]).shape == (2, wv.dim)
    top = wv.nearest("king", 3)
    assert top[0][0] == "king" and top[0][1] == pytest.approx(1.0, abs=1e-5)
    assert all(w != "king" for w, _ in wv.nearest("king", 3, exclude=["king"]))
    among = wv.nearest("king", 2, among=["apple"] if "apple" in wv else ["man", "woman"])
    assert {w for w, _ in among} <= {"man", "woman"}
    with pytest.raises(KeyError, match="dragon"):
        wv["dragon"]
    with pytest.raises(ValueError, match="query"):
        wv.nearest(torch.zeros(wv.dim + 1))
    with pytest.raises(TypeError, match="k"):
        wv.nearest("king", k="3")
    with pytest.raises(ValueError, match="unique"):
        tm.WordVectors(["a", "a"], torch.zeros(2, 3))
    with pytest.raises(ValueError, match="rows"):
        tm.WordVectors(["a", "b"], torch.zeros(3, 3))


def test_make_analogies():
    all_ = E.make_analogies()
    assert len(all_) == 4 * 16 * 7
    assert ("man", "king", "woman", "queen") in all_
    assert ("man", "king", "kings", "men") not in all_  # c must share a's royalty
    gender = E.make_analogies("gender")
    assert len(gender) == 16 * 7
    for a, b, c, d in gender:
        assert E.attribute_of(a)["gender"] != E.attribute_of(b)["gender"]
        assert E.attribute_of(c)["gender"] == E.attribute_of(a)["gender"]
        assert E.attribute_of(d)["gender"] == E.attribute_of(b)["gender"]
    with pytest.raises(ValueError, match="attribute"):
        E.make_analogies("size")


def test_analogy_accuracy_validates(wv):
    with pytest.raises(TypeError, match="wv"):
        E.analogy_accuracy({"king": 1}, [("man", "king", "woman", "queen")])
    with pytest.raises(ValueError, match="non-empty"):
        E.analogy_accuracy(wv, [])
    with pytest.raises(ValueError, match="a, b, c, d"):
        E.analogy_accuracy(wv, [("man", "king", "woman")])
    assert 0.0 <= E.analogy_accuracy(wv, [("man", "king", "woman", "queen")]) <= 1.0


def test_mean_difference_direction():
    X = torch.tensor([[0.0, 0.0], [0.0, 2.0], [3.0, 0.0], [3.0, 2.0]])
    d = E.mean_difference_direction(X, torch.tensor([0, 0, 1, 1]))
    assert torch.allclose(d, torch.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match="both classes"):
        E.mean_difference_direction(X, torch.zeros(4))
    with pytest.raises(ValueError, match="labels"):
        E.mean_difference_direction(X, torch.zeros(3))
    with pytest.raises(ValueError, match="vectors"):
        E.mean_difference_direction(torch.zeros(4), torch.zeros(4))


# ------------------------------------------------------------------ GloVe-format files
def test_load_glove_reads_a_small_file(tmp_path):
    p = tmp_path / "vecs.txt"
    p.write_text("the 0.1 0.2 0.3\nking 1 0 -1.5\n\nqueen 1e-1 2 3\n", encoding="utf-8")
    wv = tm.load_glove(p)
    assert wv.words == ["the", "king", "queen"] and wv.dim == 3
    assert torch.allclose(wv["king"], torch.tensor([1.0, 0.0, -1.5]))
    assert torch.allclose(wv["queen"], torch.tensor([0.1, 2.0, 3.0]))
    assert tm.load_glove(p, max_words=2).words == ["the", "king"]


def test_load_glove_skips_a_word2vec_header(tmp_path):
    p = tmp_path / "w2v.txt"
    p.write_text("2 2\nking 1 2\nqueen 3 4\n")
    assert tm.load_glove(p).words == ["king", "queen"]


def test_save_and_load_glove_round_trip(tmp_path, wv):
    path = E.save_glove(wv, tmp_path / "out.txt")
    back = tm.load_glove(path)
    assert back.words == wv.words
    assert torch.allclose(back.vectors, wv.vectors, atol=1e-5)
    with pytest.raises(ValueError, match="spaces"):
        E.save_glove(tm.WordVectors(["a b"], torch.zeros(1, 2)), tmp_path / "bad.txt")


@pytest.mark.parametrize(
    "text, pattern",
    [
        ("king 1 2 3\nqueen 1 2\n", r":2: expected a word followed by 3 numbers .* got 2 values for 'queen'"),
        ("king 1 2 3\nqueen 1 2 3 4\n", r":2: expected a word followed by 3 numbers .* got 4 values"),
        ("king 1 2\nqueen 1 x\n", r":2: expected 2 numbers after the word 'queen', but 'x' is not a number"),
        ("king\n", r":1: expected a word followed by its vector's numbers"),
        ("king 1 2\nking 3 4\n", r":2: the word 'king' already appeared on line 1"),
        ("king 1 nan\n", r":1: the vector of 'king' has NaN"),
        ("\n\n", r"holds no word vectors"),
    ],
)
def test_load_glove_rejects_malformed_files(tmp_path, text, pattern):
    p = tmp_path / "bad.txt"
    p.write_text(text)
    with pytest.raises(ValueError, match=pattern):
        tm.load_glove(p)


def test_load_glove_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="no GloVe file"):
        tm.load_glove(tmp_path / "missing.txt")
    with pytest.raises(TypeError, match="path"):
        tm.load_glove(42)
    p = tmp_path / "ok.txt"
    p.write_text("a 1\n")
    with pytest.raises(ValueError, match="max_words"):
        tm.load_glove(p, max_words=0)


def test_glove_file_with_a_byte_order_mark(tmp_path):
    from toymodels_lib.embeddings import load_glove

    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffthe 0.1 0.2\ncat 0.3 0.4\n".encode())
    wv = load_glove(path)
    assert "the" in wv and "\ufeffthe" not in wv
