"""The claim registry: every result the book states, with the paper's statement, and
:func:`check`, which measures it on the models a page shows and fails loudly if it does not hold.

A chapter states a result in prose right after a figure; the next code cell calls
``claims.check("ch03.relu-represents-more", result)``. ``check`` measures the claim on
``result`` (the very models drawn), prints one compact line (the measured value against
what is claimed) and raises :class:`ClaimFailed` when the claim does not hold, so the
notebook, nbmake and the site build fail. Each chapter's claims are defined in a
submodule (``ch03`` for chapter 3, …) and collected here, like the exercise checks.

While the website builds, ``_ext/claims_page.py`` points ``TOYMODELS_CLAIMS_LOG`` at a
file per page; :func:`check` appends what it measured there, and the "Does it reproduce?"
page lists every claim with the value measured in that build.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Claim",
    "ClaimFailed",
    "Measured",
    "REGISTRY",
    "at_least",
    "at_most",
    "between",
    "check",
    "claim",
    "equals",
    "get",
    "is_true",
    "LOG_ENV",
]

LOG_ENV = "TOYMODELS_CLAIMS_LOG"
"""Environment variable naming the file where :func:`check` appends its measurements."""


class ClaimFailed(AssertionError):
    """A claim the book makes does not hold for the models on the page."""


@dataclass(frozen=True)
class Criterion:
    """What a measured value must satisfy, with the words that say it (``"≥ 10"``)."""

    text: str
    holds: Callable[[Any], bool]


def at_least(bound: float) -> Criterion:
    return Criterion(f"≥ {bound:g}", lambda v: _num(v) >= bound)


def at_most(bound: float) -> Criterion:
    return Criterion(f"≤ {bound:g}", lambda v: _num(v) <= bound)


def between(low: float, high: float) -> Criterion:
    return Criterion(f"in [{low:g}, {high:g}]", lambda v: low <= _num(v) <= high)


def equals(target: Any) -> Criterion:
    if isinstance(target, (int, float)) and not isinstance(target, bool):
        return Criterion(f"= {target:g}", lambda v: _num(v) == target)
    return Criterion(f"= {target}", lambda v: v == target)


def is_true() -> Criterion:
    return Criterion("holds", lambda v: bool(v) is True)


def _num(v: Any) -> float:
    x = float(v)
    if math.isnan(x):
        raise ClaimFailed("the measured value is NaN")
    return x


@dataclass(frozen=True)
class Claim:
    """One result the book states.

    ``measure(result)`` returns the value (a number, a bool, or a string for an
    arrangement); ``criterion`` says what it must be. ``paper`` quotes or paraphrases the
    paper's statement, ``section`` names the paper's section, ``paper_value`` gives the
    paper's number where it has one. ``selection`` says how the models were chosen
    (``"lowest loss of 8 seeds"``) when a claim needs the best of several seeds.
    ``unit`` and ``digits`` format the value.
    """

    id: str
    chapter: int
    statement: str
    paper: str
    section: str
    measure: Callable[[Any], Any]
    criterion: Criterion
    paper_value: str | None = None
    selection: str | None = None
    unit: str = ""
    digits: int = 3
    figure: str | None = None

    def format(self, value: Any) -> str:
        if isinstance(value, bool) or value is None:
            text = "yes" if value else "no"
        elif isinstance(value, (int,)) or (isinstance(value, float) and value.is_integer() and self.digits == 0):
            text = f"{int(value)}"
        elif isinstance(value, float):
            text = f"{value:.{self.digits}g}" if abs(value) < 1e4 else f"{value:.3e}"
        else:
            text = str(value)
        return f"{text} {self.unit}".strip()


@dataclass(frozen=True)
class Measured:
    """What :func:`check` measured: the claim, the value, whether it held."""

    claim: Claim
    value: Any
    ok: bool
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        mark = "✔" if self.ok else "✘"
        c = self.claim
        head = f"{mark} claim {c.id}: {c.format(self.value)} (claimed {c.criterion.text}"
        if c.paper_value:
            head += f"; paper {c.paper_value}"
        head += ")"
        return head + (f" [{self.note}]" if self.note else "")

    def __repr__(self) -> str:
        return self.line()


REGISTRY: dict[str, Claim] = {}
"""Every claim of the book, by id (``"chNN.slug"``)."""


def claim(
    id: str,
    *,
    chapter: int,
    statement: str,
    paper: str,
    section: str,
    criterion: Criterion,
    paper_value: str | None = None,
    selection: str | None = None,
    unit: str = "",
    digits: int = 3,
    figure: str | None = None,
) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Register the decorated function as the measure of a new claim."""

    def register(measure: Callable[[Any], Any]) -> Callable[[Any], Any]:
        if id in REGISTRY:
            raise ValueError(f"claim {id!r} is registered twice")
        if not id.startswith(f"ch{chapter:02d}."):
            raise ValueError(f"claim id {id!r} must start with 'ch{chapter:02d}.'")
        REGISTRY[id] = Claim(
            id=id, chapter=chapter, statement=statement, paper=paper, section=section,
            measure=measure, criterion=criterion, paper_value=paper_value, selection=selection,
            unit=unit, digits=digits, figure=figure,
        )
        return measure

    return register


def get(id: str) -> Claim:
    """The registered claim ``id``; a clear error lists close ids when it is unknown."""
    if not isinstance(id, str):
        raise TypeError(f"id must be a claim id such as 'ch03.relu-represents-more', got {id!r}")
    if id not in REGISTRY:
        prefix = id.split(".")[0]
        near = sorted(k for k in REGISTRY if k.startswith(prefix))
        raise KeyError(f"no claim {id!r}; claims of {prefix}: {near}")
    return REGISTRY[id]


def _plain(value: Any) -> Any:
    """A JSON value for the log (tensors and NumPy scalars become numbers)."""
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return str(value)


def _log(measured: Measured) -> None:
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    c = measured.claim
    row = {
        "id": c.id,
        "chapter": c.chapter,
        "value": _plain(measured.value),
        "text": c.format(measured.value),
        "ok": measured.ok,
        "note": measured.note,
    }
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with open(p, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def check(id: str, result: Any, *, note: str = "") -> Measured:
    """Measure claim ``id`` on ``result``, print one line, and raise if it does not hold.

    ``result`` is what the claim's measure takes (the models a page shows: a
    ``TrainResult``, weights, or a dict of them, as the claim's docstring says). ``note``
    adds context to the printed line (``"1−S = 0.001"``).
    """
    c = get(id)
    value = c.measure(result)
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    try:
        ok = bool(c.criterion.holds(value))
    except ClaimFailed:
        ok = False
    measured = Measured(c, value, ok, note)
    _log(measured)
    print(measured.line())
    if not ok:
        raise ClaimFailed(
            f"claim {c.id} does not hold: measured {c.format(value)}, claimed {c.criterion.text}.\n"
            f"The page says: {c.statement}\nIf the figure changed, the prose must change with it."
        )
    return measured


def _collect() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_collect()
