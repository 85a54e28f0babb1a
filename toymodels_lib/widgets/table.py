"""The HTML table of printed results, where chapters 7 and 8 find it (``widgets.table``);
the one implementation is :mod:`toymodels_lib.plots.table`."""

from ..plots.table import Table, table

__all__ = ["Table", "table"]
