"""Shared by the site tests: every test here is marked ``site`` and runs after the book is
built (``make test`` runs ``pytest -m site`` last); the fixtures (the built site, a local
server, Debian's Chromium) are in ``tests/conftest.py``."""

import matplotlib
import pytest

matplotlib.use("Agg")  # set once for this folder

_HERE = __file__.rsplit("/", 1)[0]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.fspath).startswith(_HERE):
            item.add_marker(pytest.mark.site)
