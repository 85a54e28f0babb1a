"""Checks for the book's exercises: ``check_*`` functions, one per exercise.

Each check runs a learner's function on fixed, seeded cases against the library's
reference. On success it prints one short line; on failure it raises an
``AssertionError`` that says which case failed, the expected and the actual values.

The checks of each chapter live in a submodule (``ch03`` for chapter 3, …); every
``check_*`` function of every submodule is collected here, so a new chapter's checks are
available as ``toymodels_lib.checks.check_…`` without editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

__all__: list[str] = []


def _collect() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name in getattr(module, "__all__", []):
            if name.startswith("check_"):
                if name in found:
                    raise ImportError(f"two chapters define {name}: rename one")
                found[name] = getattr(module, name)
    return found


globals().update(_collect())
__all__ = sorted(n for n in globals() if n.startswith("check_"))
