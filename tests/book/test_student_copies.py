"""The student copies of the real chapters: no solution code, and they stop at the first exercise.

For every notebook book/*.ipynb (new chapters are picked up automatically):
- no line of any solution block survives in any cell of the student copy (a line that also
  appears in the instructor notebook outside the solution blocks, such as a closing bracket,
  gives nothing away and is allowed); outputs and execution counts are stripped;
- executed top to bottom (up to and including the first exercise's check cell, which keeps
  the test fast; nothing after it can run anyway), the copy runs cleanly until the first
  exercise and stops there with a NotImplementedError carrying that exercise's hint.
The instructor notebooks themselves pass every check: nbmake executes them (`make test`).
"""

import ast
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from toymodels_lib import coursework as cw

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
WITH_EXERCISES = [p for p in NOTEBOOKS if "**Exercise" in p.read_text()]


def _pair(path):
    nb = nbformat.read(str(path), as_version=4)
    found, problems = cw.parse_notebook(nb, path.name, min_exercises=0)
    assert not problems, "\n".join(str(p) for p in problems)
    return nb, found, cw.student_notebook(nb, path.name)


def _solution_lines(cell_source):
    blocks, _ = cw._blocks(cell_source)
    lines = cell_source.split("\n")
    inside = {k for begin, end, _ in blocks for k in range(begin, end + 1)}
    return [lines[k] for k in sorted(inside)], [line for k, line in enumerate(lines) if k not in inside]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_solution_code_in_student_copy(path):
    nb, found, student = _pair(path)
    solution_cells = {e.solution_cell for e in found}
    secret, public = set(), set()
    for k, cell in enumerate(nb.cells):
        if k in solution_cells:
            inside, outside = _solution_lines(cell.source)
            secret.update(s.strip() for s in inside if s.strip())
            public.update(s.strip() for s in outside)
        else:
            public.update(s.strip() for s in cell.source.split("\n"))
    secret -= public
    assert found == [] or secret, f"{path.name}: found no solution lines to look for"
    for k, cell in enumerate(student.cells):
        leaked = [s for s in (line.strip() for line in cell.source.split("\n")) if s in secret]
        assert not leaked, f"{path.name}, cell {k} of the student copy keeps solution lines: {leaked}"
        assert "BEGIN SOLUTION" not in cell.source and "END SOLUTION" not in cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_is_clean_and_keeps_everything_else(path):
    nb, found, student = _pair(path)
    assert len(student.cells) == len(nb.cells)
    by_solution = {e.solution_cell: e for e in found}
    for k, (c, s) in enumerate(zip(nb.cells, student.cells, strict=True)):
        assert s.cell_type == c.cell_type and s.get("id") == c.get("id")
        if s.cell_type == "code":
            assert s.outputs == [] and s.execution_count is None
        if k in by_solution:
            e = by_solution[k]
            assert "hide-input" not in s.metadata.get("tags", []), "students must see the code they complete"
            assert s.source.count("raise NotImplementedError(") == len(cw._blocks(c.source)[0])
            messages = [
                node.exc.args[0].value
                for node in ast.walk(ast.parse(s.source))
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args
                and isinstance(node.exc.args[0], ast.Constant)
            ]
            assert messages and all(m == e.message for m in messages), messages
            assert e.hint in e.message
            _, outside = _solution_lines(c.source)
            kept = [line for line in s.source.split("\n") if "raise NotImplementedError(" not in line]
            assert kept == outside, f"{path.name}, cell {k}: lines outside the markers must be kept as they are"
        else:
            assert s.source == c.source
            assert s.metadata.get("tags", []) == c.metadata.get("tags", [])


def test_write_student_copies_of_the_book(tmp_path):
    out = tmp_path / "student"
    written = cw.write_student_copies(BOOK, out)
    assert sorted(p.name for p in written) == [p.name for p in NOTEBOOKS]
    if (BOOK / "data").is_dir():
        assert sorted(p.name for p in (out / "data").iterdir()) == sorted(p.name for p in (BOOK / "data").iterdir())
    for p in written:
        nbformat.validate(nbformat.read(str(p), as_version=4))


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.name)
def test_student_copy_runs_until_the_first_exercise_and_stops_with_its_hint(path, tmp_path):
    nb, found, student = _pair(path)
    assert found, f"{path.name} mentions an exercise but none was parsed"
    first = found[0]
    student.cells = student.cells[: first.check_cell + 1]
    client = NotebookClient(
        student,
        timeout=600,  # per cell; generous for a loaded machine
        kernel_name="python3",
        resources={"metadata": {"path": str(BOOK)}},  # the chapter's own folder, for book/data
    )
    with pytest.raises(CellExecutionError):
        client.execute()
    errors = [
        (k, out)
        for k, cell in enumerate(student.cells)
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert errors, f"{path.name}: the student copy raised no error at exercise {first.number}"
    k, err = errors[0]
    assert k in (first.solution_cell, first.check_cell), (
        f"{path.name}: the student copy failed in cell {k} ({err['ename']}: {err['evalue']}) before "
        f"the first exercise (solution cell {first.solution_cell}, check cell {first.check_cell})"
    )
    assert err["ename"] == "NotImplementedError", f"{path.name}: {err['ename']}: {err['evalue']}"
    assert f"Exercise {first.number}" in err["evalue"] and first.hint in err["evalue"], err["evalue"]


def test_the_repositorys_student_copies_are_current():
    """student/ holds the student copies that Colab and Binder open (the chapter pages link
    them); they must be exactly what the chapters give today, and none may be left over."""
    folder = ROOT / "student"
    expected = {p.name: p for p in cw.find_notebooks(BOOK)}
    committed = {p.name for p in folder.glob("*.ipynb")}
    advice = "run `make student` and commit student/"
    assert committed == set(expected), f"student/ has {sorted(committed)}, the book {sorted(expected)}: {advice}"
    for name, path in expected.items():
        want = nbformat.writes(cw.student_notebook(nbformat.read(str(path), as_version=4), name))
        have = nbformat.writes(nbformat.read(str(folder / name), as_version=4))
        assert have == want, f"student/{name} is not the student copy of book/{name}: {advice}"
