"""Student copies and artifacts record the version of the book they were made from."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest

import toymodels_lib
from toymodels_lib import coursework as cw
from toymodels_lib import sweeps
from toymodels_lib.artifacts import load_artifact, save_artifact

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
SHIPPED = sorted(sweeps.SHIPPED.glob("*.npz"))


def _tiny_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    md = nbformat.v4.new_markdown_cell("**Exercise 9.1** (double)\n\n*Hint*: multiply by two.")
    sol = nbformat.v4.new_code_cell("def double(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION")
    sol.metadata["tags"] = ["solution", "hide-input"]
    chk = nbformat.v4.new_code_cell("checks.check_double(double)")
    chk.metadata["tags"] = ["check"]
    nb.cells = [md, sol, chk]
    return nb


def test_student_copy_records_the_version_in_its_metadata():
    nb = _tiny_notebook()
    student = cw.student_notebook(nb, "09_tiny.ipynb")
    assert student.metadata["toymodels_book"] == {"version": toymodels_lib.__version__, "student_copy": True}
    assert student.metadata["kernelspec"] == nb.metadata["kernelspec"]
    assert "toymodels_book" not in nb.metadata, "the instructor notebook is not modified"
    nbformat.validate(student)


def test_written_student_copies_carry_the_version(tmp_path):
    src = tmp_path / "book"
    src.mkdir()
    nbformat.write(_tiny_notebook(), str(src / "09_tiny.ipynb"))
    (written,) = cw.write_student_copies(src, tmp_path / "student")
    meta = json.loads(written.read_text())["metadata"]
    assert meta["toymodels_book"]["version"] == toymodels_lib.__version__


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.ipynb"))[:1], ids=lambda p: p.name)
def test_a_chapter_student_copy_carries_the_version(path):
    student = cw.student_notebook(nbformat.read(str(path), as_version=4), str(path))
    assert student.metadata["toymodels_book"]["version"] == toymodels_lib.__version__


def test_saved_artifact_records_the_library_version(tmp_path):
    path = save_artifact(tmp_path / "a.npz", {"W": np.zeros((2, 3))}, name="tiny", version=1, seed=0, config={})
    art = load_artifact(path, name="tiny", version=1)
    assert art.meta["library_version"] == toymodels_lib.__version__
    with np.load(path, allow_pickle=False) as npz:
        assert json.loads(str(npz["__meta__"]))["library_version"] == toymodels_lib.__version__


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_artifacts_carry_the_version_they_were_built_from(path):
    version = load_artifact(path).meta.get("library_version")
    assert isinstance(version, str) and version.count(".") == 2, f"{path.name}: library_version {version!r}"
    as_tuple = tuple(map(int, version.split(".")))
    assert as_tuple <= tuple(map(int, toymodels_lib.__version__.split(".")))


def test_there_are_shipped_artifacts():
    assert SHIPPED, "toymodels_lib/sweeps/shipped/*.npz"
