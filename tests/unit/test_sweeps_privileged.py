"""The chapter-9 sweeps: made from their settings, loaded, the best seed of each density."""

import numpy as np
import pytest
import torch

from toymodels_lib import sweeps
from toymodels_lib.sweeps import HIDDEN_BIAS, PRIVILEGED_BASIS, best_of_seeds, make_privileged_basis


def test_make_small_and_best_of_seeds():
    art = make_privileged_basis([0.5, 0.05], n_seeds=3, steps=20, batch_size=64, eval_samples=512)
    assert art.name == "privileged_basis" and art["W"].shape == (2, 3, 5, 10) and art["loss"].shape == (2, 3)
    assert "c" not in art and art.config["model"] == "hidden_relu"
    best = best_of_seeds(art)
    assert best["W"].shape == (2, 5, 10) and best["density"] == [0.5, 0.05]
    for k in range(2):
        s = int(np.argmin(art["loss"][k]))
        assert int(best["seed"][k]) == s and torch.equal(best["W"][k], torch.from_numpy(art["W"][k, s]))


def test_make_hidden_bias():
    art = make_privileged_basis([0.3], n_seeds=2, steps=20, batch_size=64, eval_samples=512, kind="hidden_relu_bias")
    assert art.name == "hidden_bias" and art["c"].shape == (1, 2, 5)
    assert best_of_seeds(art)["c"].shape == (1, 5)


def test_bad_input():
    with pytest.raises(ValueError, match="densities"):
        make_privileged_basis([0.0])
    with pytest.raises(ValueError, match="kind"):
        make_privileged_basis([0.5], kind="relu")
    with pytest.raises(TypeError, match="privileged_basis"):
        best_of_seeds({"W": 1})
    with pytest.raises(TypeError, match="unknown settings"):
        sweeps.make("privileged_basis", colour="red")


def test_shipped_files_match_their_settings():
    for spec in (PRIVILEGED_BASIS, HIDDEN_BIAS):
        art = sweeps.load(spec["name"])
        assert art["W"].shape == (len(spec["densities"]), spec["n_seeds"], 5, 10)
        assert np.allclose(art["density"], spec["densities"])
        assert art.config["train"]["steps"] == spec["steps"] and art.config["train"]["eval_samples"] == 131_072
