"""Argument checks shared by the library.

Every public function validates its input before any tensor work starts and raises a
``ValueError`` or ``TypeError`` whose message names the argument, the value received and
what is allowed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import torch

__all__ = [
    "as_float_tensor",
    "as_weights",
    "check_choice",
    "check_path",
    "check_positive_int",
    "check_probability",
    "check_real",
    "check_seed",
    "check_density",
    "check_sparsity",
    "resolve_density",
    "resolve_device",
    "resolve_sparsity",
]


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def check_positive_int(name: str, value: Any, *, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {_describe(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


MAX_SEED = 2**63 - 1
"""The largest seed: torch's generators take a signed 64-bit integer."""


def check_seed(name: str, value: Any) -> int:
    """Return ``value`` as an ``int`` if it is a seed: an integer in ``[0, 2**63 - 1]``."""
    seed = check_positive_int(name, value, minimum=0)
    if seed > MAX_SEED:
        raise ValueError(f"{name} must be an integer in [0, 2**63 - 1], got {seed}")
    return seed


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` inside the given interval."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    interval = _interval(low, high, low_open, high_open)
    try:
        x = float(value)
    except OverflowError:  # an int beyond float's range
        raise ValueError(f"{name} must be a finite number in {interval}, got an integer too large for a float") from None
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"{name} must be a finite number in {interval}, got {x}")
    if low is not None and (x < low or (low_open and x == low)):
        raise ValueError(f"{name} must be in {interval}, got {x}")
    if high is not None and (x > high or (high_open and x == high)):
        raise ValueError(f"{name} must be in {interval}, got {x}")
    return x


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    left = "(" if (low_open or low is None) else "["
    right = ")" if (high_open or high is None) else "]"
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    return f"{left}{lo}, {hi}{right}"


def check_path(name: str, value: Any) -> Path:
    """``value`` as a ``Path`` if it is a non-empty string or path object."""
    if isinstance(value, bytes) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (a str or pathlib.Path), got {_describe(value)}")
    if str(value) == "":
        raise ValueError(f"{name} must be a file path, got an empty string")
    return Path(value)


def check_choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of the ``allowed`` strings."""
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}, got {_describe(value)}")
    return value


def as_float_tensor(
    name: str,
    value: Any,
    *,
    min_dim: int = 0,
    max_dim: int | None = None,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """Convert numbers, sequences, arrays or tensors to a finite float tensor.

    Raises ``TypeError`` for things that are not numeric and ``ValueError`` for NaN or
    infinite entries or a wrong number of dimensions.
    """
    if isinstance(value, torch.Tensor):
        if value.dtype == torch.bool or value.is_complex():
            raise TypeError(f"{name} must hold real numbers, got a {value.dtype} tensor")
        t = value.detach().to(dtype)
    elif isinstance(value, bool):
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
    elif isinstance(value, (Real, Sequence, np.ndarray)) and not isinstance(value, str):
        try:
            arr = np.asarray(value, dtype=np.float64)
        except OverflowError:  # an int beyond float64's range
            raise ValueError(f"{name} must be finite, got an integer too large for a float") from None
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must be a number or an array of numbers, got {_describe(value)}"
            ) from None
        t = torch.as_tensor(arr, dtype=dtype)
    else:
        raise TypeError(f"{name} must be a number or an array of numbers, got {_describe(value)}")
    if t.dim() < min_dim or (max_dim is not None and t.dim() > max_dim):
        allowed = f"{min_dim}" if max_dim == min_dim else f"{min_dim} to {max_dim}"
        raise ValueError(
            f"{name} must have {allowed} dimensions, got shape {tuple(t.shape)}"
        )
    if t.numel() and not torch.isfinite(t).all():
        if _finite_before_conversion(value):
            raise ValueError(
                f"{name} holds numbers too large for {dtype} (at most about {torch.finfo(dtype).max:.3g}), "
                f"got {_describe(value)}"
            )
        raise ValueError(f"{name} must be finite (no NaN or inf), got {_describe(value)}")
    return t


def _finite_before_conversion(value: Any) -> bool:
    """Whether ``value`` was finite before it was converted to a narrower float type."""
    try:
        if isinstance(value, torch.Tensor):
            return bool(torch.isfinite(value.detach()).all())
        return bool(np.isfinite(np.asarray(value, dtype=np.float64)).all())
    except (TypeError, ValueError, OverflowError):
        return False


def as_weights(
    name: str,
    value: Any,
    *,
    min_dim: int = 2,
    max_dim: int | None = None,
    allow_expansion: bool = False,
    expansion_keyword: bool = False,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """Toy-model weights ``[..., hidden, features]`` as a finite float tensor.

    The one place where metrics, plots, theory and models read weights. Besides what
    :func:`as_float_tensor` checks (numbers, finite, ``min_dim`` to ``max_dim`` dimensions),
    the weights need at least one hidden dimension and one feature, and, unless
    ``allow_expansion``, no more hidden dimensions (rows) than features (columns): a toy model
    compresses, so a taller matrix is almost always the ``[features, hidden]`` layout of the
    paper's notebook, and the error says how to transpose it. ``expansion_keyword`` says that
    the caller takes ``allow_expansion=True`` (the message then offers it).
    """
    if not isinstance(allow_expansion, bool):
        raise TypeError(f"allow_expansion must be True or False, got {_describe(allow_expansion)}")
    t = as_float_tensor(name, value, min_dim=min_dim, max_dim=max_dim, dtype=dtype)
    shape = tuple(t.shape)
    if t.shape[-1] == 0 or t.shape[-2] == 0:
        raise ValueError(f"{name} must have at least one hidden dimension and one feature, got shape {shape}")
    hidden, features = t.shape[-2], t.shape[-1]
    if hidden > features and not allow_expansion:
        flip = f"{name}.T" if t.dim() == 2 else f"{name}.transpose(-1, -2)"
        layout = {2: "[hidden, features]", 3: "[instances, hidden, features]"}.get(
            t.dim(), "[..., hidden, features]"
        )
        escape = (
            "; if the model really has more hidden dimensions than features, pass allow_expansion=True"
            if expansion_keyword
            else ""
        )
        raise ValueError(
            f"{name} has shape {shape}: {hidden} hidden dimensions (rows) but only {features} "
            f"feature{'' if features == 1 else 's'} (columns). Weights are {layout}, and a toy model has no more hidden dimensions than "
            f"features; weights in the paper notebook's [features, hidden] layout need transposing: "
            f"pass {flip}{escape}"
        )
    return t


def check_probability(name: str, t: torch.Tensor, *, closed_high: bool) -> None:
    """Require every entry of ``t`` in [0, 1] (or [0, 1) when ``closed_high`` is false)."""
    bad = (t < 0) | ((t > 1) if closed_high else (t >= 1))
    if bad.any():
        first = float(t[bad].flatten()[0])
        allowed = "[0, 1]" if closed_high else "[0, 1)"
        raise ValueError(f"{name} must be in {allowed}, got {first:g}")


def _probability_tensor(
    name: str, value: Any, *, low_open: bool, high_open: bool, max_dim: int | None, dtype: torch.dtype
) -> torch.Tensor:
    """``value`` as a ``dtype`` tensor inside [0, 1] with the given open ends.

    The range is checked on the exact (float64) values first, so that 1.000000001 is not
    let through by rounding to 1.0 in float32, and then on the rounded ones, so that a value
    that rounds onto a forbidden end (a density of 1e-50 becomes 0.0) is refused too."""
    exact = as_float_tensor(name, value, max_dim=max_dim, dtype=torch.float64)
    allowed = _interval(0.0, 1.0, low_open, high_open)
    rounded = exact.to(dtype)
    for t, note in ((exact, ""), (rounded, f" once rounded to {dtype}")):
        bad = ((t <= 0) if low_open else (t < 0)) | ((t >= 1) if high_open else (t > 1))
        if bad.any():
            got = float(exact[bad].flatten()[0])
            raise ValueError(f"{name} must be in {allowed}{note}, got {got!r}")
    return rounded


def check_sparsity(name: str, value: Any, *, max_dim: int | None = 2, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Sparsity ``S``: probability that a feature is zero; allowed in [0, 1)."""
    return _probability_tensor(name, value, low_open=False, high_open=True, max_dim=max_dim, dtype=dtype)


def check_density(name: str, value: Any, *, max_dim: int | None = 2, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Density ``p = 1 − S``: probability that a feature is active; allowed in (0, 1]."""
    return _probability_tensor(name, value, low_open=True, high_open=False, max_dim=max_dim, dtype=dtype)


def resolve_density(
    sparsity: Any = None,
    density: Any = None,
    *,
    max_dim: int | None = 2,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """The one place where ``sparsity=`` and ``density=`` meet: exactly one must be given.

    Sparsity ``S`` (probability that a feature is zero) is allowed in [0, 1); density
    ``p = 1 − S`` in (0, 1]. Returns the density as a tensor. Every public function that
    takes either keyword calls this, so a mix-up is an error rather than a silent
    ``1 − x``.
    """
    if (sparsity is None) == (density is None):
        given = "both" if sparsity is not None else "neither"
        raise TypeError(f"give exactly one of sparsity= (S in [0, 1)) or density= (1 - S in (0, 1]); got {given}")
    if density is not None:
        return check_density("density", density, max_dim=max_dim, dtype=dtype)
    return 1.0 - check_sparsity("sparsity", sparsity, max_dim=max_dim, dtype=dtype)


def resolve_sparsity(
    sparsity: Any = None,
    density: Any = None,
    *,
    max_dim: int | None = 2,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """Like :func:`resolve_density`, but returns the sparsity ``S = 1 − p``."""
    if density is None and sparsity is not None:
        return check_sparsity("sparsity", sparsity, max_dim=max_dim, dtype=dtype)
    return 1.0 - resolve_density(sparsity, density, max_dim=max_dim, dtype=dtype)


def resolve_device(device: Any = "auto") -> torch.device:
    """The one device resolver: ``"auto"`` (or None) picks CUDA when available, else the CPU;
    ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or a ``torch.device`` are taken as given."""
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {_describe(device)}")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}") from None
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was asked for but CUDA is not available here")
    return dev
