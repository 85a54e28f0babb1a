"""Coursework: student copies of the chapters, and a validator of the exercise markup.

The exercise markup (DESIGN §5) is, in this order:

1. a Markdown cell with a line ``**Exercise N.M** (title)`` (``N`` = the chapter number of
   the notebook ``NN_slug.ipynb``) and a paragraph starting ``*Hint*:``;
2. one code cell tagged ``solution`` (and ``hide-input``, which collapses it on the website)
   whose answer lies between the lines ``# BEGIN SOLUTION`` and ``# END SOLUTION``, usually
   indented inside a function whose ``def`` line stays outside the markers;
3. one code cell tagged ``check`` that calls ``checks.check_…(the_function)``.

Command line::

    python -m toymodels_lib.coursework student book/ student/   # write student copies
    python -m toymodels_lib.coursework validate book/           # report malformed markup

``student`` replaces every block between the markers (inclusive) by
``raise NotImplementedError("Exercise N.M (title): … Hint: …")`` at the same indentation,
keeps everything else, strips outputs and execution counts, and removes ``hide-input`` from
solution cells (a learner must see the code they complete). Every notebook is converted in
memory first and the files are moved into place only when all of them succeeded, so a bad
path or bad markup writes nothing. ``validate`` prints one line per problem,
``<notebook>, cell <index> (id <id>): <what is wrong>`` (cells counted from 0, as in the
notebook file), and exits with status 1 when there is any.

A student copy records the book's version it was made from in its notebook metadata,
``{"toymodels_book": {"version": toymodels_lib.__version__, "student_copy": true}}``.

This module stands alone: it reads and writes notebooks with ``nbformat`` and imports
nothing else from the library but its ``__version__`` (the command line imports
``toymodels_lib.checks`` only to tell whether the checks a notebook calls exist).
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

__all__ = [
    "BEGIN_MARKER",
    "END_MARKER",
    "Exercise",
    "MarkupError",
    "Problem",
    "exercises",
    "find_notebooks",
    "main",
    "parse_notebook",
    "student_notebook",
    "validate",
    "write_student_copies",
]

BEGIN_MARKER = "# BEGIN SOLUTION"
END_MARKER = "# END SOLUTION"
MIN_EXERCISES = 3

_BEGIN_RE = re.compile(r"^(?P<indent>[ \t]*)#\s*BEGIN SOLUTION\s*$")
_END_RE = re.compile(r"^(?P<indent>[ \t]*)#\s*END SOLUTION\s*$")
_ANY_MARKER_RE = re.compile(r"(BEGIN|END)\s+SOLUTION", re.IGNORECASE)
_HEADER_RE = re.compile(r"^\s*\*\*Exercise\s+(?P<n>\d+)\.(?P<m>\d+)\*\*\s*(?P<rest>.*)$")
_HEADER_LOOSE_RE = re.compile(r"\*\*\s*Exercise\b", re.IGNORECASE)
_TITLE_RE = re.compile(r"^\((?P<title>[^)]+)\)")
_HINT_RE = re.compile(r"^\s*\*Hint\*\s*:\s*(?P<text>.*)$")
_CHECK_CALL_RE = re.compile(r"\b(check_\w+)\s*\(")
_CHAPTER_RE = re.compile(r"^(?P<n>\d+)_")


@dataclass(frozen=True)
class Problem:
    """One malformed piece of exercise markup: where it is and what is wrong."""

    notebook: str
    cell: int | None
    cell_id: str | None
    message: str

    def __str__(self) -> str:
        if self.cell is None:
            return f"{self.notebook}: {self.message}"
        where = f"cell {self.cell}" + (f" (id {self.cell_id})" if self.cell_id else "")
        return f"{self.notebook}, {where}: {self.message}"


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook, as found by :func:`parse_notebook`."""

    notebook: str
    number: str  # "3.1"
    title: str
    hint: str
    markdown_cell: int
    solution_cell: int
    check_cell: int
    checks: tuple[str, ...]  # the check_* functions its check cell calls

    @property
    def message(self) -> str:
        """The text of the ``NotImplementedError`` a student copy raises for this exercise."""
        return (
            f"Exercise {self.number} ({self.title}): replace this line with your solution, "
            f"then run the check cell. Hint: {self.hint}"
        )


class MarkupError(ValueError):
    """Raised when notebooks cannot be converted; ``.problems`` lists what is wrong."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"malformed exercise markup ({len(self.problems)} problem(s)):\n{lines}")


# --------------------------------------------------------------------------- reading


def find_notebooks(path: str | os.PathLike[str]) -> list[Path]:
    """The notebooks to process: ``path`` itself if it is a ``.ipynb`` file, else the
    ``*.ipynb`` files directly inside the directory ``path`` (sorted by name)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path, got {type(path).__name__}")
    p = Path(path)
    if p.is_file():
        if p.suffix != ".ipynb":
            raise ValueError(f"path {str(p)!r} is a file but not a notebook (.ipynb)")
        return [p]
    if not p.is_dir():
        raise FileNotFoundError(f"path {str(p)!r} does not exist; pass the book directory (book/) or a notebook")
    found = sorted(q for q in p.glob("*.ipynb") if q.is_file())
    if not found:
        raise FileNotFoundError(f"no notebooks (*.ipynb) in directory {str(p)!r}")
    return found


def _read(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as exc:  # bad JSON, not a notebook, unreadable
        raise MarkupError([Problem(str(path), None, None, f"cannot read the notebook: {exc}")]) from None


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", [])
    return list(tags) if isinstance(tags, list) else []


def _chapter(path: Path) -> int | None:
    m = _CHAPTER_RE.match(path.name)
    return int(m.group("n")) if m else None


def _hint(lines: list[str]) -> str | None:
    """The hint paragraph: the ``*Hint*:`` line and the lines after it up to a blank line."""
    for k, line in enumerate(lines):
        m = _HINT_RE.match(line)
        if m:
            parts = [m.group("text").strip()]
            for more in lines[k + 1 :]:
                if not more.strip():
                    break
                parts.append(more.strip())
            return " ".join(p for p in parts if p)
    return None


def _blocks(source: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    """Solution blocks of a cell as (begin line, end line, indent), and marker problems."""
    blocks: list[tuple[int, int, str]] = []
    problems: list[str] = []
    open_at: tuple[int, str] | None = None
    for k, line in enumerate(source.split("\n")):
        b, e = _BEGIN_RE.match(line), _END_RE.match(line)
        if b:
            if open_at is not None:
                problems.append(
                    f"line {k + 1}: '{BEGIN_MARKER}' inside the block opened on line {open_at[0] + 1} "
                    f"(close it with '{END_MARKER}' first)"
                )
            open_at = (k, b.group("indent"))
        elif e:
            if open_at is None:
                problems.append(f"line {k + 1}: '{END_MARKER}' without a '{BEGIN_MARKER}' before it")
                continue
            if e.group("indent") != open_at[1]:
                problems.append(
                    f"lines {open_at[0] + 1} and {k + 1}: '{BEGIN_MARKER}' and '{END_MARKER}' "
                    "are not indented the same"
                )
            elif k == open_at[0] + 1:
                problems.append(f"lines {open_at[0] + 1}-{k + 1}: the solution block is empty")
            blocks.append((open_at[0], k, open_at[1]))
            open_at = None
        elif _ANY_MARKER_RE.search(line):
            problems.append(
                f"line {k + 1}: malformed marker {line.strip()!r}: a marker line holds exactly "
                f"'{BEGIN_MARKER}' or '{END_MARKER}'"
            )
    if open_at is not None:
        problems.append(f"line {open_at[0] + 1}: '{BEGIN_MARKER}' is never closed by '{END_MARKER}'")
    return blocks, problems


def parse_notebook(
    nb: nbformat.NotebookNode,
    name: str,
    *,
    known_checks: Iterable[str] | None = None,
    min_exercises: int | None = None,
) -> tuple[list[Exercise], list[Problem]]:
    """Find the exercises of one notebook and every problem with their markup.

    ``name`` is the notebook's path (used in messages and for its chapter number).
    ``known_checks``, if given, are the check functions that exist: a check cell calling
    another one is a problem. ``min_exercises`` (default 3 for chapter notebooks
    ``NN_slug.ipynb``, none otherwise) is the least number of exercises required.
    """
    cells = nb.get("cells", [])
    chapter = _chapter(Path(name))
    if min_exercises is None:
        min_exercises = MIN_EXERCISES if chapter is not None else 0
    known = set(known_checks) if known_checks is not None else None
    problems: list[Problem] = []
    found: list[Exercise] = []
    claimed: set[int] = set()

    def problem(i: int | None, msg: str) -> None:
        cid = cells[i].get("id") if i is not None else None
        problems.append(Problem(name, i, cid, msg))

    def is_code(i: int, tag: str) -> bool:
        return i < len(cells) and cells[i].cell_type == "code" and tag in _tags(cells[i])

    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.split("\n")
        headers = [(k, _HEADER_RE.match(line)) for k, line in enumerate(lines)]
        headers = [(k, m) for k, m in headers if m]
        if not headers:
            if any(_HEADER_LOOSE_RE.search(line) and line.lstrip().startswith("**") for line in lines):
                problem(i, "looks like an exercise heading but is not '**Exercise N.M** (title)'")
            continue
        if len(headers) > 1:
            problem(i, "more than one '**Exercise N.M**' heading in one cell; give each exercise its own cell")
        k, m = headers[0]
        number = f"{m.group('n')}.{m.group('m')}"
        tm_ = _TITLE_RE.match(m.group("rest").strip())
        title = tm_.group("title").strip() if tm_ else ""
        if not title:
            problem(i, f"exercise {number}: the heading needs a title in parentheses, '**Exercise {number}** (title)'")
        if chapter is not None and int(m.group("n")) != chapter:
            problem(i, f"exercise {number} is in chapter {chapter}'s notebook; number it {chapter}.M")
        hint = _hint(lines[k + 1 :])
        if not hint:
            problem(i, f"exercise {number} has no hint: add a paragraph starting '*Hint*:'")
        sol, chk = i + 1, i + 2
        if not is_code(sol, "solution"):
            problem(i, f"exercise {number} is not followed by a code cell tagged 'solution'")
            continue
        claimed.add(sol)
        if not is_code(chk, "check"):
            problem(sol, f"solution cell without a following check cell (exercise {number}: the next cell "
                         "must be a code cell tagged 'check')")
            continue
        claimed.add(chk)
        names = tuple(dict.fromkeys(_CHECK_CALL_RE.findall(cells[chk].source)))
        if not names:
            problem(chk, f"check cell of exercise {number} calls no checks.check_…() function")
        elif known is not None:
            for nm in names:
                if nm not in known:
                    problem(chk, f"check cell of exercise {number} calls {nm}, which toymodels_lib.checks "
                                 "does not define")
        found.append(Exercise(name, number, title, hint or "", i, sol, chk, names))

    numbers = [e.number for e in found]
    for e in found:
        if numbers.count(e.number) > 1 and numbers.index(e.number) != found.index(e):
            problem(e.markdown_cell, f"exercise number {e.number} is used twice")
    if chapter is not None:
        expected = [f"{chapter}.{k}" for k in range(1, len(found) + 1)]
        if numbers != expected and len(set(numbers)) == len(numbers):
            problem(None, f"exercises are numbered {numbers}; number them {expected} in order")
        if len(found) < min_exercises:
            problem(None, f"chapter {chapter} has {len(found)} exercise(s); each chapter needs at least "
                          f"{min_exercises}")

    for i, cell in enumerate(cells):
        tags = _tags(cell)
        if cell.cell_type != "code":
            if "solution" in tags or "check" in tags:
                problem(i, "a Markdown cell tagged 'solution' or 'check'; only code cells carry these tags")
            continue
        if "solution" in tags and "check" in tags:
            problem(i, "a cell tagged both 'solution' and 'check'")
        if "solution" in tags:
            if i not in claimed:
                problem(i, "solution cell without an '**Exercise N.M** (title)' Markdown cell right before it")
            if "hide-input" not in tags:
                problem(i, "solution cell not tagged 'hide-input' (the website would show the answer)")
            blocks, marker_problems = _blocks(cell.source)
            for msg in marker_problems:
                problem(i, f"unbalanced solution markers, {msg}")
            if not blocks and not marker_problems:
                problem(i, f"solution cell without a '{BEGIN_MARKER}' ... '{END_MARKER}' block")
            if blocks and not marker_problems:
                try:
                    ast.parse(cell.source)
                except SyntaxError:
                    pass  # IPython syntax or a genuine error: nbmake reports it
                else:
                    try:
                        ast.parse(_strip_blocks(cell.source, blocks, "x"))
                    except SyntaxError as exc:
                        problem(i, f"the student version of this cell is not valid Python ({exc.msg}, "
                                   f"line {exc.lineno}); put the markers inside the function body")
        elif "check" in tags:
            if i not in claimed:
                problem(i, "check cell without a solution cell right before it")
        if "solution" not in tags and any(_ANY_MARKER_RE.search(line) for line in cell.source.split("\n")):
            problem(i, "solution markers in a cell not tagged 'solution': student copies would keep the answer")
    problems.sort(key=lambda p: (-1 if p.cell is None else p.cell))
    return found, problems


def _strip_blocks(source: str, blocks: list[tuple[int, int, str]], message: str) -> str:
    lines = source.split("\n")
    literal = json.dumps(message, ensure_ascii=False)  # a JSON string is a valid Python literal
    for begin, end, indent in sorted(blocks, reverse=True):
        lines[begin : end + 1] = [f"{indent}raise NotImplementedError({literal})"]
    return "\n".join(lines)


def validate(
    path: str | os.PathLike[str], *, known_checks: Iterable[str] | None = None
) -> list[Problem]:
    """Every markup problem of the notebook ``path`` or of the notebooks in directory ``path``."""
    problems: list[Problem] = []
    for nb_path in find_notebooks(path):
        try:
            nb = _read(nb_path)
        except MarkupError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(parse_notebook(nb, str(nb_path), known_checks=known_checks)[1])
    return problems


def exercises(path: str | os.PathLike[str]) -> list[Exercise]:
    """The exercises of the notebook or directory ``path``; raises :class:`MarkupError` if any
    markup is malformed."""
    found: list[Exercise] = []
    problems: list[Problem] = []
    for nb_path in find_notebooks(path):
        ex, pr = parse_notebook(_read(nb_path), str(nb_path), min_exercises=0)
        found += ex
        problems += pr
    if problems:
        raise MarkupError(problems)
    return found


# --------------------------------------------------------------------------- student copies


def student_notebook(nb: nbformat.NotebookNode, name: str = "<notebook>") -> nbformat.NotebookNode:
    """The student copy of one notebook (a new object; ``nb`` is not modified).

    Raises :class:`MarkupError` if the notebook's exercise markup is malformed.
    """
    found, problems = parse_notebook(nb, name, min_exercises=0)
    if problems:
        raise MarkupError(problems)
    from . import __version__

    out = copy.deepcopy(nb)
    out.metadata["toymodels_book"] = {"version": __version__, "student_copy": True}
    by_solution = {e.solution_cell: e for e in found}
    for i, cell in enumerate(out.cells):
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        if i in by_solution:
            blocks, _ = _blocks(cell.source)
            cell.source = _strip_blocks(cell.source, blocks, by_solution[i].message)
            cell.metadata["tags"] = [t for t in _tags(cell) if t != "hide-input"]
            if any(_BEGIN_RE.match(x) or _END_RE.match(x) for x in cell.source.split("\n")):
                raise MarkupError([Problem(name, i, cell.get("id"), "solution markers survived")])
    nbformat.validate(out)
    return out


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def write_student_copies(src: str | os.PathLike[str], out: str | os.PathLike[str]) -> list[Path]:
    """Write the student copy of every notebook of ``src`` (a directory or one notebook) into
    the directory ``out``; subdirectories of ``src`` such as ``data/`` are copied along.

    All notebooks are converted before anything is written, then written to a temporary
    directory next to ``out`` and moved into ``out`` only when all succeeded: on any error
    nothing is written. Returns the paths written.
    """
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a str or a path, got {type(out).__name__}")
    notebooks = find_notebooks(src)
    src_dir = Path(src) if Path(src).is_dir() else Path(src).parent
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"out {str(out_dir)!r} exists and is not a directory")
    if _inside(out_dir.resolve(), src_dir.resolve()):
        raise ValueError(
            f"out {str(out_dir)!r} is the book directory {str(src_dir)!r} or inside it: the student "
            "copies would overwrite or mix with the instructor notebooks; choose another directory"
        )

    converted: list[tuple[str, nbformat.NotebookNode]] = []
    problems: list[Problem] = []
    for nb_path in notebooks:
        try:
            converted.append((nb_path.name, student_notebook(_read(nb_path), str(nb_path))))
        except MarkupError as exc:
            problems.extend(exc.problems)
    if problems:
        raise MarkupError(problems)
    extra_dirs = (
        [d for d in sorted(src_dir.iterdir()) if d.is_dir() and not d.name.startswith((".", "_"))]
        if Path(src).is_dir()
        else []
    )

    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-tmp-", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the copies are ordinary files
    try:
        for fname, nb in converted:
            nbformat.write(nb, str(tmp / fname))
        for d in extra_dirs:
            shutil.copytree(d, tmp / d.name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        if not out_dir.exists():
            os.replace(tmp, out_dir)
        else:
            for item in sorted(tmp.iterdir()):
                target = out_dir / item.name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                elif target.exists() or target.is_symlink():
                    target.unlink()
                os.replace(item, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return [out_dir / fname for fname, _ in converted]


# --------------------------------------------------------------------------- command line


def _known_checks() -> set[str] | None:
    try:
        from . import checks
    except Exception:  # the validator still works without the library's checks
        return None
    return {n for n in dir(checks) if n.startswith("check_")}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m toymodels_lib.coursework",
        description="Student copies of the book's notebooks, and a validator of their exercise markup.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("student", help="write student copies (solutions removed, outputs stripped)")
    s.add_argument("src", help="the book directory (book/) or one notebook")
    s.add_argument("out", help="directory to write the student copies into (e.g. student/)")
    v = sub.add_parser("validate", help="report malformed exercise markup, exit 1 if any")
    v.add_argument("src", help="the book directory (book/) or one notebook")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            problems = validate(args.src, known_checks=_known_checks())
            for p in problems:
                print(p)
            n_nb = len(find_notebooks(args.src))
            if problems:
                print(f"{len(problems)} problem(s) in the exercise markup of {n_nb} notebook(s)", file=sys.stderr)
                return 1
            n_ex = 0
            for nb_path in find_notebooks(args.src):
                found = parse_notebook(_read(nb_path), str(nb_path))[0]
                n_ex += len(found)
                print(f"{nb_path}: {len(found)} exercise(s) " + ", ".join(e.number for e in found))
            print(f"ok: {n_ex} exercises in {n_nb} notebook(s)")
            return 0
        written = write_student_copies(args.src, args.out)
        print(f"wrote {len(written)} student notebook(s) to {args.out}")
        return 0
    except MarkupError as exc:
        print(f"error: {exc}\nnothing was written", file=sys.stderr)
        return 1
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: {exc}" + ("\nnothing was written" if args.command == "student" else ""), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
