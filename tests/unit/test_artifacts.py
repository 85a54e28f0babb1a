"""Tests of toymodels_lib.artifacts: versioned, pickle-free .npz artifacts."""

import json
import zipfile

import numpy as np
import pytest
import torch

from toymodels_lib.artifacts import ARTIFACT_FORMAT, Artifact, load_artifact, save_artifact
from toymodels_lib.sweeps import (
    UNIFORM_GEOMETRY,
    make_uniform_geometry,
    shipped_path,
    uniform_geometry_densities,
)


def _save(tmp_path, **kw):
    args = dict(
        arrays={"W": np.arange(6, dtype=np.float16).reshape(1, 2, 3), "density": torch.tensor([0.5])},
        name="demo",
        version=2,
        seed=7,
        config={"n_features": 3, "densities": np.array([0.5]), "train": {"lr": 1e-2}},
    )
    args.update(kw)
    return save_artifact(tmp_path / "demo.npz", **args)


def test_round_trip(tmp_path):
    path = _save(tmp_path, extra={"seconds": 1.5})
    art = load_artifact(path, name="demo", version=2)
    assert isinstance(art, Artifact)
    assert (art.name, art.version, art.seed) == ("demo", 2, 7)
    assert art.config == {"n_features": 3, "densities": [0.5], "train": {"lr": 0.01}}
    assert art["W"].dtype == np.float16 and art["W"].shape == (1, 2, 3)
    assert np.array_equal(art["W"], np.arange(6, dtype=np.float16).reshape(1, 2, 3))
    assert np.allclose(art["density"], [0.5])
    assert "W" in art and "__meta__" not in art
    assert art.meta["format"] == ARTIFACT_FORMAT and art.meta["extra"] == {"seconds": 1.5}
    with pytest.raises(KeyError, match="no array 'b'"):
        art["b"]


def test_file_is_pickle_free_with_json_meta(tmp_path):
    path = _save(tmp_path)
    with np.load(path, allow_pickle=False) as npz:  # must not need pickle
        meta = json.loads(str(npz["__meta__"]))
        assert npz["__meta__"].dtype.kind == "U"
    assert meta["seed"] == 7 and meta["config"]["n_features"] == 3
    assert meta["arrays"]["W"] == {"dtype": "float16", "shape": [1, 2, 3]}
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["W.npy", "__meta__.npy", "density.npy"]


def test_version_and_name_are_enforced(tmp_path):
    path = _save(tmp_path)
    with pytest.raises(ValueError, match="version 2"):
        load_artifact(path, version=1)
    with pytest.raises(ValueError, match="not name='other'"):
        load_artifact(path, name="other")


def test_refuses_files_that_are_not_artifacts(tmp_path):
    plain = tmp_path / "plain.npz"
    np.savez(plain, W=np.zeros(3))
    with pytest.raises(ValueError, match="__meta__"):
        load_artifact(plain)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, W=np.array([{"a": 1}], dtype=object), __meta__=np.array("{}"))
    with pytest.raises(ValueError, match="pickle"):
        load_artifact(pickled)
    with pytest.raises(FileNotFoundError, match="make artifacts"):
        load_artifact(tmp_path / "missing.npz")


@pytest.mark.parametrize(
    "change, err",
    [
        ({"arrays": {"W": np.array([{"a": 1}], dtype=object)}}, TypeError),
        ({"arrays": {"W": np.array(["text"])}}, TypeError),
        ({"arrays": {}}, TypeError),
        ({"arrays": {"not an identifier": np.zeros(2)}}, ValueError),
        ({"arrays": {"__meta__": np.zeros(2)}}, ValueError),
        ({"name": ""}, ValueError),
        ({"name": "a/b"}, ValueError),
        ({"version": 0}, ValueError),
        ({"version": 1.0}, TypeError),
        ({"seed": -1}, ValueError),
        ({"config": [1, 2]}, TypeError),
        ({"config": {"f": lambda x: x}}, TypeError),
        ({"config": {1: "a"}}, TypeError),
        ({"extra": "text"}, TypeError),
    ],
)
def test_save_bad_input(tmp_path, change, err):
    with pytest.raises(err):
        _save(tmp_path, **change)


def test_save_needs_npz_suffix(tmp_path):
    with pytest.raises(ValueError, match=".npz"):
        save_artifact(tmp_path / "x.pkl", {"a": np.zeros(1)}, name="x", version=1, seed=0, config={})


@pytest.mark.parametrize("path", [None, 123, b"x.npz", ["x.npz"]])
def test_paths_of_the_wrong_type_are_named(tmp_path, path):
    with pytest.raises(TypeError, match="path must be a file path"):
        load_artifact(path)
    with pytest.raises(TypeError, match="path must be a file path"):
        save_artifact(path, {"a": np.zeros(1)}, name="x", version=1, seed=0, config={})


def test_load_checks_name_and_version_before_reading(tmp_path):
    path = save_artifact(tmp_path / "x.npz", {"a": np.zeros(1)}, name="x", version=1, seed=0, config={})
    with pytest.raises(TypeError, match="version must be an integer"):
        load_artifact(path, version="1")
    with pytest.raises(ValueError, match="name must be"):
        load_artifact(path, name=5)
    with pytest.raises(ValueError, match="path must be a file path, got an empty string"):
        load_artifact("")
    assert load_artifact(path, name="x", version=1).version == 1


def test_uniform_geometry_densities():
    d = uniform_geometry_densities(5, 16.0)
    assert np.allclose(1 / d, [1, 2, 4, 8, 16])
    with pytest.raises(ValueError):
        uniform_geometry_densities(1, 10.0)
    with pytest.raises(ValueError):
        uniform_geometry_densities(5, 1.0)


def test_make_uniform_geometry_small_and_saveable(tmp_path):
    art = make_uniform_geometry(8, 2, [1.0, 0.2], steps=20, batch_size=64, weight_dtype="float32")
    assert art["W"].shape == (2, 2, 8) and art["W"].dtype == np.float32
    assert art["b"].shape == (2, 8) and art["loss"].shape == (2,)
    assert art.config["n_features"] == 8 and art.config["train"]["steps"] == 20
    assert art.name == UNIFORM_GEOMETRY["name"] and art.seed == 0
    path = save_artifact(tmp_path / "u.npz", art.arrays, name=art.name, version=art.version,
                         seed=art.seed, config=art.config, extra=art.meta["extra"])
    back = load_artifact(path, name="uniform_geometry", version=UNIFORM_GEOMETRY["version"])
    assert np.array_equal(back["W"], art["W"])
    assert back.config == art.config


@pytest.mark.parametrize(
    "kw, err",
    [
        ({"densities": [0.0, 0.5]}, ValueError),
        ({"densities": [1.5]}, ValueError),
        ({"densities": []}, ValueError),
        ({"weight_dtype": "int8"}, ValueError),
        ({"steps": 0}, ValueError),
        ({"bias_init": "random"}, ValueError),
    ],
)
def test_make_uniform_geometry_bad_input(kw, err):
    args = {"densities": [0.5], "steps": 2}
    args.update(kw)
    with pytest.raises(err):
        make_uniform_geometry(8, 2, **args)


def test_shipped_artifact_is_small_and_versioned():

    path = shipped_path("uniform_geometry")
    assert path.stat().st_size < 800_000
    art = load_artifact(path, name="uniform_geometry", version=UNIFORM_GEOMETRY["version"])
    n, m = UNIFORM_GEOMETRY["n_features"], UNIFORM_GEOMETRY["n_hidden"]
    k = UNIFORM_GEOMETRY["n_densities"]
    assert art["W"].shape == (k, m, n) and art["density"].shape == (k,)
    assert art.config["n_features"] == n and art.config["train"]["seed"] == art.seed
    assert np.allclose(art["density"], uniform_geometry_densities(k, UNIFORM_GEOMETRY["max_inverse_density"]))
    assert art.config["bias_init"] == UNIFORM_GEOMETRY["bias_init"]


def test_bias_init_zero_is_the_plain_batched_run():
    # bias_init="zero" is the paper's start and the same run as train_models; "mean" starts
    # every bias at p/2 and, at S = 0, ends lower than the zero start on this small sweep
    from toymodels_lib import TrainConfig, train_models

    dens = np.array([1.0, 0.3])
    zero = make_uniform_geometry(40, 4, dens, steps=300, batch_size=256, weight_dtype="float32",
                                 bias_init="zero")
    ref = train_models("relu", 40, 4, sparsity=(1 - dens).tolist(), importance=1.0, config=TrainConfig(steps=300, batch_size=256))
    assert np.allclose(zero["W"], ref.W.numpy(), atol=1e-6)
    mean = make_uniform_geometry(40, 4, dens, steps=300, batch_size=256, weight_dtype="float32")
    assert mean.config["bias_init"] == "mean" and zero.config["bias_init"] == "zero"
    assert mean["loss"][0] < zero["loss"][0]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:200] + bytes(b ^ 0xFF for b in data[200:400]) + data[400:],  # corrupted
        lambda data: b"just some text, not an archive\n",  # another kind of file
    ],
    ids=["truncated", "corrupted", "text"],
)
def test_damaged_artifact_gets_a_clear_error_naming_the_file(tmp_path, damage):
    path = _save(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ValueError) as err:
        load_artifact(path)
    message = str(err.value)
    assert str(path) in message and "make artifacts" in message
    assert "pickle" not in message.lower()
