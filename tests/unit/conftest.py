"""Shared by the unit tests: the Agg backend."""

import matplotlib

matplotlib.use("Agg")  # no windows: figures are drawn to memory (set once for this folder)
