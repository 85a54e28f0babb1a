"""Every chapter's exercises follow the markup of DESIGN §5.

For each notebook book/*.ipynb (new chapters are picked up automatically): at least three
exercises, each a `**Exercise N.M** (title)` Markdown cell with a hint, then a `solution`
cell (collapsed on the website with `hide-input`) whose answer lies between
`# BEGIN SOLUTION` / `# END SOLUTION` inside a function, then a `check` cell calling a check
that toymodels_lib.checks defines. Every exported check is used by some exercise.
"""

import ast
from pathlib import Path

import nbformat
import pytest

from toymodels_lib import checks
from toymodels_lib import coursework as cw

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if p.name[:2].isdigit()]
KNOWN = set(checks.__all__)


def _exercises(path):
    nb = nbformat.read(str(path), as_version=4)
    return nb, cw.parse_notebook(nb, str(path.relative_to(ROOT)), known_checks=KNOWN)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markup_is_valid(path):
    _, (_, problems) = _exercises(path)
    assert not problems, "malformed exercise markup:\n" + "\n".join(str(p) for p in problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_at_least_three_numbered_exercises(path):
    _, (found, _) = _exercises(path)
    chapter = int(path.name.split("_")[0])
    assert len(found) >= 3, f"{path.name} has {len(found)} exercise(s); each chapter needs at least 3"
    assert [e.number for e in found] == [f"{chapter}.{k}" for k in range(1, len(found) + 1)]
    assert all(e.hint and e.title for e in found)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_asks_to_predict_then_run(path):
    """Each chapter has a "predict, then run" exercise (DESIGN §5): the learner commits to a
    prediction (checked, with feedback), the model answer is the collapsed solution, and
    the page then runs the experiment."""
    _, (found, _) = _exercises(path)
    predict = [e for e in found if e.title.lower().startswith("predict, then run")]
    assert predict, f"{path.name} has no exercise titled '(predict, then run...)'"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_solutions_are_function_bodies_and_keep_their_signature(path):
    nb, (found, _) = _exercises(path)
    student = cw.student_notebook(nb, path.name)
    for e in found:
        tree = ast.parse(student.cells[e.solution_cell].source)
        funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        raising = [
            f for f in funcs
            for n in ast.walk(f)
            if isinstance(n, ast.Raise) and "NotImplementedError" in ast.unparse(n)
        ]
        assert raising, (
            f"{path.name}, exercise {e.number}: the solution markers must sit inside a function body, so the "
            "student copy keeps the signature and raises only when the function is called"
        )
        names = {f.name for f in funcs}
        called = nb.cells[e.check_cell].source
        assert any(n in called for n in names), (
            f"{path.name}, exercise {e.number}: the check cell does not pass the exercise's function ({names})"
        )


def test_every_exported_check_is_used_by_an_exercise():
    used = set()
    for path in NOTEBOOKS:
        _, (found, _) = _exercises(path)
        for e in found:
            used.update(e.checks)
    unused = sorted(KNOWN - used)
    assert not unused, f"checks that no exercise calls (dead code, or a missing check cell tag): {unused}"


def test_validate_command_on_the_book(capsys):
    assert cw.main(["validate", str(BOOK)]) == 0, capsys.readouterr().out
