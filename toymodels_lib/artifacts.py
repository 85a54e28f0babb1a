"""Versioned artifacts: results of sweeps too slow to run while a chapter executes.

An artifact is one ``.npz`` file (NumPy's zip of arrays; never a pickle) holding

- the arrays (weights, biases, losses, densities, ...), and
- one extra entry, ``__meta__``: a JSON string with the artifact's name, its version, the
  seed and the full configuration that produced it (sizes, densities, training settings,
  library and torch versions, the command that made it). ``library_version`` is the
  ``toymodels_lib.__version__`` that wrote the file.

:func:`load_artifact` reads it with ``np.load(..., allow_pickle=False)``, so opening an
artifact can never execute code. This module is the file format only; which sweeps the
book ships, how each is made and how a chapter loads it is :mod:`toymodels_lib.sweeps`.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ._validate import check_path, check_positive_int, check_seed

__all__ = [
    "ARTIFACT_FORMAT",
    "Artifact",
    "load_artifact",
    "save_artifact",
]

ARTIFACT_FORMAT = 1
"""Version of the file layout itself (the ``__meta__`` entry and its keys)."""

_META_KEY = "__meta__"


@dataclass
class Artifact:
    """A loaded (or freshly made) artifact: named arrays plus their provenance.

    ``config`` is the configuration that produced the arrays, ``seed`` its seed, and
    ``meta`` everything stored in the file's JSON entry (name, version, config, seed, ...).
    ``artifact["W"]`` is a shortcut for ``artifact.arrays["W"]``.
    """

    name: str
    version: int
    seed: int
    config: dict[str, Any]
    arrays: dict[str, np.ndarray]
    meta: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self.arrays:
            raise KeyError(f"artifact {self.name!r} has no array {key!r}; it has {sorted(self.arrays)}")
        return self.arrays[key]

    def __contains__(self, key: object) -> bool:
        return key in self.arrays


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name or not all(c.isalnum() or c in "_-." for c in name):
        raise ValueError(
            f"name must be a non-empty string of letters, digits, '_', '-' or '.', got {name!r}"
        )
    return name


def _jsonable(value: Any, where: str) -> Any:
    """Plain JSON values from numbers, strings, lists, dicts, NumPy and torch scalars/arrays."""
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, torch.Tensor):
        return _jsonable(value.detach().cpu().numpy(), where)
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist(), where)
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{where} keys must be strings, got {k!r}")
            out[k] = _jsonable(v, f"{where}[{k!r}]")
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, where) for v in value]
    raise TypeError(
        f"{where} must hold only numbers, strings, booleans, None, lists and dicts, "
        f"got {type(value).__name__}"
    )


def save_artifact(
    path: str | Path,
    arrays: Mapping[str, Any],
    *,
    name: str,
    version: int,
    seed: int,
    config: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``arrays`` and their provenance to one compressed ``.npz`` file.

    Parameters
    ----------
    path:
        Destination; must end in ``.npz``. Parent folders are created.
    arrays:
        Named numeric arrays (NumPy arrays or torch tensors). Object arrays are refused,
        so the file never needs pickle to load.
    name, version:
        What the artifact is (``"uniform_geometry"``) and which version of it;
        :func:`load_artifact` can insist on both.
    seed:
        The seed that produced it.
    config:
        The configuration that produced it (JSON-serialisable: numbers, strings, lists, dicts).
    extra:
        More JSON-serialisable provenance (timings, the command line, ...).

    Returns the path written.
    """
    p = check_path("path", path)
    if p.suffix != ".npz":
        raise ValueError(f"path must end in .npz, got {str(path)!r}")
    name = _check_name(name)
    version = check_positive_int("version", version)
    seed = check_seed("seed", seed)
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, got {type(config).__name__}")
    if not isinstance(arrays, Mapping) or not arrays:
        raise TypeError("arrays must be a non-empty dict of name -> array")
    out: dict[str, np.ndarray] = {}
    for key, value in arrays.items():
        if not isinstance(key, str) or not key.isidentifier() or key == _META_KEY:
            raise ValueError(f"array names must be identifiers other than {_META_KEY!r}, got {key!r}")
        arr = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"array {key!r} has dtype {arr.dtype}; only booleans, integers and floats can be "
                "stored (never objects, which would need pickle)"
            )
        out[key] = arr
    from . import __version__

    meta = {
        "format": ARTIFACT_FORMAT,
        "library_version": __version__,
        "name": name,
        "version": version,
        "seed": seed,
        "config": _jsonable(dict(config), "config"),
        "arrays": {k: {"dtype": str(v.dtype), "shape": list(v.shape)} for k, v in out.items()},
    }
    if extra is not None:
        if not isinstance(extra, Mapping):
            raise TypeError(f"extra must be a dict, got {type(extra).__name__}")
        meta["extra"] = _jsonable(dict(extra), "extra")
    out[_META_KEY] = np.array(json.dumps(meta, sort_keys=True))  # a unicode string, no pickle
    p.parent.mkdir(parents=True, exist_ok=True)
    with open(p, "wb") as fh:
        np.savez_compressed(fh, **out)
    return p


def load_artifact(
    path: str | Path, *, name: str | None = None, version: int | None = None
) -> Artifact:
    """Read an artifact written by :func:`save_artifact` (``allow_pickle=False``).

    If ``name`` or ``version`` is given, the file must match it: a chapter asking for
    version 1 of ``uniform_geometry`` refuses any other file with a clear message.
    """
    p = check_path("path", path)
    if name is not None:
        name = _check_name(name)
    if version is not None:
        version = check_positive_int("version", version)
    if not p.is_file():
        raise FileNotFoundError(f"no artifact at {str(p)!r}; make it with `make artifacts`")
    try:
        with np.load(p, allow_pickle=False) as npz:
            loaded = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        # A damaged, truncated or foreign file. NumPy's own message may suggest loading with
        # pickle, which would run code from the file: never pass that on.
        kind = type(exc).__name__
        raise ValueError(
            f"{str(p)!r} is not a readable artifact (.npz written by save_artifact): it is damaged, "
            f"truncated or another kind of file ({kind}); remake it with `make artifacts`"
        ) from None
    if _META_KEY not in loaded:
        raise ValueError(f"{str(p)!r} has no {_META_KEY!r} entry: it was not written by save_artifact")
    meta = json.loads(str(loaded.pop(_META_KEY)))
    if meta.get("format") != ARTIFACT_FORMAT:
        raise ValueError(
            f"{str(p)!r} uses artifact format {meta.get('format')!r}; this library reads format {ARTIFACT_FORMAT}"
        )
    if name is not None and meta["name"] != name:
        raise ValueError(f"{str(p)!r} holds artifact {meta['name']!r}, not name={name!r}")
    if version is not None and meta["version"] != version:
        raise ValueError(
            f"{str(p)!r} holds version {meta['version']} of {meta['name']!r}, not version={version}; "
            "remake it with `make artifacts`"
        )
    return Artifact(
        name=meta["name"],
        version=int(meta["version"]),
        seed=int(meta["seed"]),
        config=meta["config"],
        arrays=loaded,
        meta=meta,
    )
