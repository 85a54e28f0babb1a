"""A small HTML table for printed results (chapters 7 and 8): a table is a table, not a wide line of numbers."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

__all__ = ["Table", "table"]


class Table:
    """Rows of cells shown as an HTML table in a notebook (plain text elsewhere)."""

    def __init__(self, headers: list[str], rows: list[list[str]], caption: str | None) -> None:
        self.headers, self.rows, self.caption = headers, rows, caption

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.rows
        )
        cap = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f'<table class="toymodels-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        widths = [max(len(str(x)) for x in col) for col in zip(self.headers, *self.rows, strict=True)]
        lines = [self.caption] if self.caption else []
        for row in [self.headers, *self.rows]:
            lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        return "\n".join(lines)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, caption: str | None = None, digits: int = 3) -> Table:
    """An HTML table of ``rows`` under ``headers``; floats are shown with ``digits`` significant digits.

    >>> table(["feature", "D before", "D after"], [[9, 0.01, 0.5]])
    """
    if isinstance(headers, (str, bytes)) or not isinstance(headers, Sequence) or not headers:
        raise TypeError(f"headers must be a non-empty list of strings, got {headers!r}")
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise TypeError(f"rows must be a list of rows, got {type(rows).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer, got {digits!r}")

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.{digits}g}"
        return str(v)

    out = []
    for k, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or len(row) != len(headers):
            raise ValueError(f"rows[{k}] must have {len(headers)} cells (one per header), got {row!r}")
        out.append([cell(v) for v in row])
    return Table([str(h) for h in headers], out, caption)
