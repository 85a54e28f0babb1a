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
path or bad markup writes nothing.

``student`` never deletes or replaces a file it did not create. It writes into a new or
empty folder, or into a folder it wrote before: there it keeps a manifest,
``OUT/.student-copies.json``, listing every file it wrote, and a later run replaces (or
removes, when the book no longer has them) only those; anyone else's files in ``OUT`` stay,
and a new copy that would land on one of them stops the run. It refuses an output folder
that is the root of the file system (``student book/ $UNSET/``), an empty path, the home
folder, the book itself or a folder inside it, and a folder that contains the book.
Solution markers in a Markdown (or raw) cell are a markup problem: such cells reach the
student copy unchanged. ``validate`` prints one line per problem,
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
    "MANIFEST",
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
            marked = [k + 1 for k, line in enumerate(cell.source.split("\n")) if _ANY_MARKER_RE.search(line)]
            if marked:
                kind = "Markdown" if cell.cell_type == "markdown" else cell.cell_type
                problem(i, f"solution markers in a {kind} cell (line {', '.join(map(str, marked))}): student "
                           "copies keep such cells as they are, so the answer would be handed out; put the "
                           "solution in a code cell tagged 'solution'")
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


MANIFEST = ".student-copies.json"
"""The file in an output folder that lists what :func:`write_student_copies` wrote there."""

_GENERATOR = "toymodels_lib.coursework"


def _read_manifest(out_dir: Path) -> list[str] | None:
    """The files listed by ``out_dir``'s manifest (relative paths inside it), or None if
    there is no manifest. A manifest that is not ours, or lists a path outside ``out_dir``, is
    an error: the folder then holds things this module did not write."""
    path = out_dir / MANIFEST
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"] if isinstance(data, dict) and data.get("generator") == _GENERATOR else None
    except (OSError, ValueError, KeyError):
        files = None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ValueError(
            f"out {str(out_dir)!r} has a {MANIFEST} that this generator did not write (or that is damaged); "
            "choose an empty or new folder"
        )
    for f in files:
        rel = Path(f)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts or f == MANIFEST:
            raise ValueError(
                f"out {str(out_dir)!r}: its {MANIFEST} lists {f!r}, which is not a file inside the folder; "
                "the manifest has been edited, so nothing is replaced; choose an empty or new folder"
            )
    return files


def _write_manifest(folder: Path, files: Iterable[str], src: Path) -> None:
    """Write the manifest atomically (a temporary file in ``folder``, then a rename)."""
    from . import __version__

    data = {
        "generator": _GENERATOR,
        "version": __version__,
        "source": str(src),
        "note": "Written by python -m toymodels_lib.coursework student. The files listed here are the "
                "student copies it wrote; a later run replaces only these. Delete this file and they "
                "become yours.",
        "files": sorted(set(files)),
    }
    fd, tmp = tempfile.mkstemp(prefix=MANIFEST + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, folder / MANIFEST)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_out(out: object, src: Path, src_dir: Path) -> tuple[Path, list[str] | None]:
    """The output folder, resolved, and its manifest's files (None for a new or empty folder).

    Refuses, before anything is written: a path that is not a str or path; an empty string
    (an unset variable); the root of the file system (``student book/ $UNSET/``); the home
    folder; the source folder, a folder inside it or one that contains it; a file; and a
    non-empty folder that this generator did not write (no manifest)."""
    if isinstance(out, bytes) or not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a str or a path, got {type(out).__name__}")
    if str(out).strip() == "":
        raise ValueError("out is an empty path (an unset variable?); name the folder for the student copies")
    given = str(out)
    out_dir = Path(out).resolve()
    if out_dir.parent == out_dir:
        raise ValueError(
            f"out {given!r} is the root of the file system ({out_dir}); an unset variable in "
            "'student book/ $OUT/' gives '/': name a folder for the student copies"
        )
    try:
        home = Path.home().resolve()
    except (RuntimeError, KeyError):  # no home folder known
        home = None
    if home is not None and out_dir == home:
        raise ValueError(
            f"out {given!r} is your home folder ({out_dir}); name a folder for the student copies, such as "
            f"{str(home / 'student')!r}"
        )
    src_real = src.resolve()
    if _inside(out_dir, src_dir.resolve()):
        raise ValueError(
            f"out {given!r} is the book directory {str(src_dir)!r} or inside it: the student "
            "copies would overwrite or mix with the instructor notebooks; choose another directory"
        )
    if _inside(src_real, out_dir):
        raise ValueError(
            f"out {given!r} contains the source {str(src)!r}: the student copies would be written among "
            "the instructor's files; choose a folder outside it"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"out {given!r} exists and is not a directory")
    if not out_dir.exists():
        return out_dir, None
    listed = _read_manifest(out_dir)
    if listed is None and any(out_dir.iterdir()):
        raise ValueError(
            f"out {given!r} is not empty and holds no {MANIFEST}, so this generator did not write it; it "
            "never deletes or replaces files it did not create. Choose an empty or new folder (or, if "
            "the folder holds only old student copies, delete them yourself)"
        )
    return out_dir, listed


def write_student_copies(src: str | os.PathLike[str], out: str | os.PathLike[str]) -> list[Path]:
    """Write the student copy of every notebook of ``src`` (a directory or one notebook) into
    the directory ``out``; subdirectories of ``src`` such as ``data/`` are copied along.

    ``out`` must be a new or empty folder, or one this function wrote before: it keeps a
    manifest, ``out/.student-copies.json``, listing every file it wrote, and replaces (or, when
    the book no longer has them, removes) only those. Files of anyone else in ``out`` are
    never touched; a file of the new copies that would land on one of them stops the run.
    ``out`` may not be the root of the file system, the home folder, the source folder (or
    inside it) or a folder that contains the source.

    All notebooks are converted and every check is made before anything is written; the
    files are then written to a temporary directory next to ``out`` and moved into place:
    on any error in the notebooks or the paths nothing is written. Returns the notebook
    paths written.
    """
    notebooks = find_notebooks(src)
    src_path = Path(src)
    src_dir = src_path if src_path.is_dir() else src_path.parent
    out_dir, listed = _check_out(out, src_path, src_dir)

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
        if src_path.is_dir()
        else []
    )

    parent = out_dir.parent
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
        written = sorted(
            p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file() or p.is_symlink()
        )
        if not out_dir.exists():
            _write_manifest(tmp, written, src_path.resolve())
            os.replace(tmp, out_dir)
        else:
            _replace_listed(tmp, out_dir, written, listed or [], src_path.resolve())
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return [out_dir / fname for fname, _ in converted]


def _replace_listed(tmp: Path, out_dir: Path, written: list[str], listed: list[str], src: Path) -> None:
    """Move the files staged in ``tmp`` into the existing folder ``out_dir``, replacing only
    files its manifest lists (``listed``) and removing listed files the new copies lack."""
    mine = set(listed)
    conflicts = []
    for rel in written:
        target = out_dir / rel
        if rel not in mine and (target.exists() or target.is_symlink()):
            conflicts.append(rel)
        elif rel in mine and target.is_dir() and not target.is_symlink():
            conflicts.append(rel + " (now a folder)")
        # a folder on the way must be a real folder: not someone's file, not a link leading elsewhere
        for anc in Path(rel).parents:
            where = out_dir / anc
            if anc == Path("."):
                continue
            if where.is_symlink():
                conflicts.append(f"{anc.as_posix()} (a link where a folder is needed)")
            elif where.exists() and not where.is_dir():
                conflicts.append(f"{anc.as_posix()} (a file where a folder is needed)")
    if conflicts:
        shown = ", ".join(sorted(set(conflicts))[:8])
        raise ValueError(
            f"out {str(out_dir)!r} already has {shown}, which this generator did not write (not in its "
            f"{MANIFEST}); it never replaces files it did not create. Move them away or choose another "
            "folder; nothing was written"
        )
    # the manifest first lists old and new files, so an interrupted run leaves every file it wrote listed
    _write_manifest(out_dir, mine | set(written), src)
    for rel in written:
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp / rel, target)
    for rel in sorted(mine - set(written)):  # files it wrote before that the book no longer has
        target = out_dir / rel
        if target.is_file() or target.is_symlink():
            target.unlink()
    _write_manifest(out_dir, written, src)


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
