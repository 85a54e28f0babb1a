"""Every exercise check is proven to fail on a wrong answer.

``toymodels_lib.checks`` collects the ``check_*`` functions of every chapter. Each must be
exercised by a wrong-answer test: a file ``tests/test_checks_*.py`` that mentions the check
(in code, not in a comment) and expects an ``AssertionError`` with
``pytest.raises(AssertionError)``. A new check without such a test fails this suite.
"""

import ast
import io
import tokenize
from pathlib import Path

import pytest

from toymodels_lib import checks

TESTS = Path(__file__).resolve().parent
CHECK_TESTS = sorted(p for p in TESTS.glob("test_checks_*.py") if p.name != Path(__file__).name)
EXPORTED = sorted(checks.__all__)


def _expects_assertion_error(tree: ast.AST) -> bool:
    """Does the file call ``pytest.raises(AssertionError, ...)`` (or ``raises(AssertionError)``)?"""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
        first = node.args[0]
        if name == "raises" and isinstance(first, ast.Name) and first.id == "AssertionError":
            return True
    return False


def _mentioned(source: str) -> set[str]:
    """Identifiers and words inside string literals of ``source``; comments are ignored."""
    words: set[str] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME:
            words.add(tok.string)
        elif tok.type == tokenize.STRING:
            words.update(w.strip("'\"") for w in tok.string.replace(",", " ").split())
    return words


def _coverage() -> dict[str, list[str]]:
    covered: dict[str, list[str]] = {}
    for path in CHECK_TESTS:
        source = path.read_text()
        if not _expects_assertion_error(ast.parse(source)):
            continue
        for name in _mentioned(source) & set(EXPORTED):
            covered.setdefault(name, []).append(path.name)
    return covered


def test_checks_are_collected():
    assert EXPORTED, "toymodels_lib.checks exports no check_* function"
    assert all(callable(getattr(checks, n)) for n in EXPORTED)


@pytest.mark.parametrize("name", EXPORTED)
def test_every_check_has_a_wrong_answer_test(name):
    covered = _coverage()
    assert name in covered, (
        f"toymodels_lib.checks.{name} has no wrong-answer test: add one to tests/test_checks_chNN.py "
        f"that feeds it a plausible wrong answer inside `with pytest.raises(AssertionError):`"
    )


@pytest.mark.parametrize("name", EXPORTED)
def test_every_check_has_a_docstring(name):
    doc = getattr(checks, name).__doc__ or ""
    assert doc.strip(), f"{name} needs a docstring saying what the learner's function must do"


def test_chapter_check_modules_have_test_files():
    package = Path(checks.__file__).parent
    modules = sorted(p.stem for p in package.glob("ch*.py"))
    missing = [m for m in modules if not (TESTS / f"test_checks_{m}.py").exists()]
    assert not missing, f"check modules without a tests/test_checks_<module>.py: {missing}"


def test_the_scanner_sees_through_comments():
    source = "import pytest\n# check_a is mentioned only here\nwith pytest.raises(AssertionError):\n    check_b()\n"
    assert "check_a" not in _mentioned(source)
    assert "check_b" in _mentioned(source)
    assert _expects_assertion_error(ast.parse(source))
    assert not _expects_assertion_error(ast.parse("import pytest\npytest.raises(TypeError)\n"))


def test_a_nan_result_is_reported_not_a_crash():
    import torch

    from toymodels_lib import checks

    with pytest.raises(AssertionError, match="non-finite value"):
        checks.check_superposition(lambda W: torch.full((W.shape[1],), float("nan")))
