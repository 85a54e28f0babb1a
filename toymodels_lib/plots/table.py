"""The book's one HTML table (chapters 7 to 10): a table is a table, not a wide line of numbers."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

__all__ = ["Table", "table"]


class Table:
    """Rows of cells under ``headers``: HTML in a notebook, aligned plain text elsewhere.

    ``rows`` keep the values as given (claims and tests read them, or one column with
    :meth:`column`); floats are shown with ``digits`` significant digits. Build it with
    :func:`table`, which checks the arguments.
    """

    def __init__(self, headers: list[str], rows: list[list[Any]], caption: str | None, digits: int) -> None:
        self.headers, self.rows, self.caption, self.digits = headers, rows, caption, digits

    def _cell(self, value: Any) -> str:
        return f"{value:.{self.digits}g}" if isinstance(value, float) else str(value)

    def column(self, name: str) -> list[Any]:
        """The values of column ``name``, top to bottom."""
        if name not in self.headers:
            raise KeyError(f"no column {name!r}; columns: {self.headers}")
        k = self.headers.index(name)
        return [row[k] for row in self.rows]

    def _repr_html_(self) -> str:
        e = html.escape
        head = "".join(f"<th>{e(h)}</th>" for h in self.headers)
        body = "".join("<tr>" + "".join(f"<td>{e(self._cell(v))}</td>" for v in row) + "</tr>" for row in self.rows)
        cap = f"<caption>{e(self.caption)}</caption>" if self.caption else ""
        return f'<table class="toymodels-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        cells = [self.headers, *([self._cell(v) for v in row] for row in self.rows)]
        widths = [max(len(str(x)) for x in col) for col in zip(*cells, strict=True)]
        lines = [self.caption] if self.caption else []
        lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
        return "\n".join(lines)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, caption: str | None = None, digits: int = 3) -> Table:
    """An HTML table of ``rows`` under ``headers`` (floats with ``digits`` significant digits).

    >>> table(["feature", "D before", "D after"], [[9, 0.01, 0.5]], caption="one jump")
    """
    if isinstance(headers, (str, bytes)) or not isinstance(headers, Sequence) or not headers:
        raise TypeError(f"headers must be a non-empty list of strings, got {headers!r}")
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise TypeError(f"rows must be a list of rows, got {type(rows).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer, got {digits!r}")
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"caption must be a string or None, got {caption!r}")
    out = []
    for k, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or len(row) != len(headers):
            raise ValueError(f"rows[{k}] must have {len(headers)} cells (one per header), got {row!r}")
        out.append(list(row))
    return Table([str(h) for h in headers], out, caption or None, digits)
