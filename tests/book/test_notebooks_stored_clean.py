"""Notebooks are stored without outputs, and every chapter follows the book's shape."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))
    ]
    assert not dirty, f"{path.name}: cells {dirty} are stored with outputs; strip them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell(path):
    nb = json.loads(path.read_text())
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    src = "".join(first_code["source"])
    assert "hide-input" in first_code.get("metadata", {}).get("tags", []), f"{path.name}: setup cell not tagged hide-input"
    assert "import toymodels_lib" in src
    assert "manual_seed" in src or "SEED" in src, f"{path.name}: the setup cell must seed the randomness"
    assert " -U" not in src and "--upgrade" not in src, f"{path.name}: never upgrade packages on Colab"
