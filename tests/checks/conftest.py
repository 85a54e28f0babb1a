"""Shared by the checks tests: the Agg backend."""

import matplotlib

matplotlib.use("Agg")  # no windows: figures are drawn to memory (set once for this folder)
