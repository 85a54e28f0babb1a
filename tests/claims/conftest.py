"""Shared by the claims tests: the Agg backend, and the ``claims`` marker on every test here.

These tests check the book's claims (``toymodels_lib.claims``) where a chapter cannot
afford to retrain: small seeded runs and the shipped sweeps."""

import matplotlib
import pytest

matplotlib.use("Agg")  # no windows: figures are drawn to memory (set once for this folder)

_HERE = __file__.rsplit("/", 1)[0]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.fspath).startswith(_HERE):
            item.add_marker(pytest.mark.claims)
