"""Shared machinery of the exercise checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

__all__ = ["call_learner", "check_prediction", "compare", "passed"]


def passed(name: str, n_cases: int) -> None:
    print(f"✔ {name}: all {n_cases} cases pass")


def call_learner(fn: Callable[..., Any], case: str, *args: Any, returns: type = torch.Tensor) -> Any:
    """Call the learner's ``fn(*args)``; report its errors and a result that is not a ``returns``."""
    if not callable(fn):
        raise TypeError(f"pass your function itself (not its result), got {type(fn).__name__}")
    try:
        out = fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # report the learner's error with the case that caused it
        raise AssertionError(f"{case}: your function raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(out, returns):
        expected = "a torch.Tensor" if returns is torch.Tensor else f"a {returns.__name__}"
        raise AssertionError(f"{case}: expected {expected}, got {type(out).__name__}")
    return out


def check_prediction(fn: Callable[[], str], name: str, choices: tuple[str, ...], answer: str, hint: str) -> None:
    """A predict-then-run exercise: ``fn()`` returns one of ``choices`` (case and spacing
    do not matter); anything but ``answer`` fails with ``hint``, which says what to
    reconsider without giving the answer away."""
    out = call_learner(fn, "your prediction", returns=str)
    said = " ".join(out.strip().lower().split())
    if said not in choices:
        allowed = ", ".join(repr(c) for c in choices[:-1]) + f" or {choices[-1]!r}"
        raise AssertionError(f"your prediction: return {allowed}, got {out!r}")
    if said != answer:
        raise AssertionError(f"your prediction: {said!r}. {hint}")
    passed(name, 1)


def compare(
    case: str,
    expected: torch.Tensor,
    actual: torch.Tensor,
    *,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    hints: dict[str, torch.Tensor] | None = None,
) -> None:
    if tuple(actual.shape) != tuple(expected.shape):
        raise AssertionError(
            f"{case}: expected shape {tuple(expected.shape)}, got {tuple(actual.shape)}"
        )
    if actual.is_floating_point() and not torch.isfinite(actual).all():
        bad = tuple(int(i) for i in torch.nonzero(~torch.isfinite(actual))[0])
        raise AssertionError(
            f"{case}: your result has a non-finite value ({float(actual[bad])}) at index {bad}; "
            "look for a division by zero or a log of zero"
        )
    actual = actual.detach().to(expected.dtype)
    if torch.allclose(actual, expected, atol=atol, rtol=rtol):
        return
    diff = (actual - expected).abs()
    where = tuple(int(i) for i in torch.nonzero(diff == diff.max())[0])
    msg = (
        f"{case}: values differ (largest difference {float(diff.max()):.3g} at index {where}: "
        f"expected {float(expected[where]):.5g}, got {float(actual[where]):.5g})"
    )
    for hint, wrong in (hints or {}).items():
        if wrong.shape == actual.shape and torch.allclose(actual, wrong.to(actual.dtype), atol=atol, rtol=rtol):
            msg += f". Your result matches {hint}"
            break
    raise AssertionError(msg)
