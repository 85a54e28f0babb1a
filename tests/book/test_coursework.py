"""Unit tests of toymodels_lib.coursework on small synthetic notebooks.

The validator must name the notebook, the cell and the problem for every kind of malformed
markup; the student generator must remove every solution block (and nothing else), strip
outputs, and write nothing at all when a path or a notebook is bad.
"""

import json
import os
import subprocess
import sys

import nbformat
import pytest

from toymodels_lib import coursework as cw

SETUP = ("code", "import math\nSEED = 0", ["hide-input"])


def exercise(num, title="a title", hint="*Hint*: use math.\nIt helps.", body="    return x + 1", name="f",
             check="checks.check_f(f)"):
    return [
        ("md", f"**Exercise {num}** ({title})\n\nWrite `{name}(x)`.\n\n{hint}", []),
        (
            "code",
            f"def {name}(x):\n    # a comment outside the answer\n    # BEGIN SOLUTION\n{body}\n    # END SOLUTION",
            ["solution", "hide-input"],
        ),
        ("code", check, ["check"]),
    ]


def make_nb(path, cells, outputs=False):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    for k, (kind, src, tags) in enumerate(cells):
        c = nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
        if tags:
            c.metadata["tags"] = list(tags)
        if outputs and kind == "code":
            c.execution_count = k + 1
            c.outputs = [nbformat.v4.new_output("stream", name="stdout", text="secret output\n")]
        c["id"] = f"c{k:02d}"
        nb.cells.append(c)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def good_cells(chapter=7, n=3):
    cells = [("md", f"# Chapter {chapter}", []), SETUP]
    for k in range(1, n + 1):
        cells += exercise(f"{chapter}.{k}", name=f"f{k}", check=f"checks.check_f{k}(f{k})")
    return cells + [("md", "## Summary", [])]


KNOWN = {"check_f", "check_f1", "check_f2", "check_f3"}


def problems_of(tmp_path, cells, name="07_x.ipynb", **kw):
    path = make_nb(tmp_path / "book" / name, cells)
    return [str(p) for p in cw.validate(path, **kw)]


# --------------------------------------------------------------------------- validate


def test_good_notebook_has_no_problems_and_its_exercises(tmp_path):
    path = make_nb(tmp_path / "book" / "07_x.ipynb", good_cells())
    assert cw.validate(tmp_path / "book", known_checks=KNOWN) == []
    found = cw.exercises(path)
    assert [e.number for e in found] == ["7.1", "7.2", "7.3"]
    e = found[0]
    assert (e.title, e.markdown_cell, e.solution_cell, e.check_cell) == ("a title", 2, 3, 4)
    assert e.hint == "use math. It helps."  # the whole hint paragraph, on one line
    assert e.checks == ("check_f1",)
    assert "Exercise 7.1 (a title)" in e.message and "Hint: use math. It helps." in e.message


def test_heading_may_follow_a_section_heading_in_the_same_cell(tmp_path):
    cells = good_cells()
    cells[2] = ("md", "## Exercises\n\nIntro.\n\n" + cells[2][1], [])
    assert problems_of(tmp_path, cells) == []


@pytest.mark.parametrize(
    "mutate, cell, message",
    [
        (lambda c: c.pop(4), 3, "solution cell without a following check cell"),
        (lambda c: c.__setitem__(4, ("code", "checks.check_f1(f1)", [])), 3, "solution cell without a following check cell"),
        (lambda c: c.insert(4, ("md", "Some prose.", [])), 3, "solution cell without a following check cell"),
        (lambda c: c.pop(2), 2, "solution cell without an '**Exercise N.M** (title)' Markdown cell"),
        (lambda c: c.pop(3), 2, "is not followed by a code cell tagged 'solution'"),
        (lambda c: c.insert(1, ("code", "checks.check_f1(f1)", ["check"])), 1, "check cell without a solution cell"),
        (lambda c: c.__setitem__(3, ("code", "def f1(x):\n    # BEGIN SOLUTION\n    return x", ["solution", "hide-input"])),
         3, "is never closed"),
        (lambda c: c.__setitem__(3, ("code", "def f1(x):\n    return x\n    # END SOLUTION", ["solution", "hide-input"])),
         3, "without a '# BEGIN SOLUTION' before it"),
        (lambda c: c.__setitem__(3, ("code", "def f1(x):\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION",
                                     ["solution", "hide-input"])), 3, "inside the block opened on line 2"),
        (lambda c: c.__setitem__(3, ("code", "def f1(x):\n    return x", ["solution", "hide-input"])), 3,
         "solution cell without a '# BEGIN SOLUTION' ... '# END SOLUTION' block"),
        (lambda c: c.__setitem__(3, ("code", "def f1(x):\n    # BEGIN SOLUTION\n    # END SOLUTION", ["solution", "hide-input"])),
         3, "the solution block is empty"),
        (lambda c: c.__setitem__(3, ("code", "def f1(x):\n    # BEGIN SOLUTION\n    return x\n# END SOLUTION",
                                     ["solution", "hide-input"])), 3, "not indented the same"),
        (lambda c: c.__setitem__(3, ("code", "def f1(x):\n    # BEGIN SOLUTION:\n    return x\n    # END SOLUTION",
                                     ["solution", "hide-input"])), 3, "malformed marker"),
        (lambda c: c.__setitem__(3, ("code", "def f1(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION", ["solution"])),
         3, "not tagged 'hide-input'"),
        (lambda c: c.__setitem__(1, ("code", "x = 1\n# BEGIN SOLUTION\ny = 2\n# END SOLUTION", ["hide-input"])), 1,
         "solution markers in a cell not tagged 'solution'"),
        (lambda c: c.__setitem__(0, ("md", "# Chapter\n\n```python\n# BEGIN SOLUTION\nanswer = 42\n# END SOLUTION\n```", [])),
         0, "solution markers in a Markdown cell"),
        (lambda c: c.__setitem__(2, ("md", c[2][1] + "\n\n# END SOLUTION", [])), 2, "solution markers in a Markdown cell"),
        (lambda c: c.__setitem__(2, ("md", "**Exercise 7.1** (t)\n\nNo hint here.", [])), 2, "has no hint"),
        (lambda c: c.__setitem__(2, ("md", "**Exercise 7.1**\n\n*Hint*: h", [])), 2, "needs a title"),
        (lambda c: c.__setitem__(2, ("md", "**Exercise 3.1** (t)\n\n*Hint*: h", [])), 2, "number it 7.M"),
        (lambda c: c.__setitem__(2, ("md", "**Exercise 7.1:** (t)\n\n*Hint*: h", [])), 2, "looks like an exercise heading"),
        (lambda c: c.__setitem__(4, ("code", "print('no check here')", ["check"])), 4, "calls no checks.check_"),
        (lambda c: c.__setitem__(4, ("code", "checks.check_nothing(f1)", ["check"])), 4,
         "calls check_nothing, which toymodels_lib.checks does not define"),
        (lambda c: c.__setitem__(3, ("code", "# BEGIN SOLUTION\ndef f1(x):\n    return x\n# END SOLUTION\n    y = 1",
                                     ["solution", "hide-input"])), None, None),  # original already invalid: nbmake's job
        (lambda c: c.__setitem__(3, ("code", "def f1(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n  y = 2",
                                     ["solution", "hide-input"])), None, None),
    ],
)
def test_each_malformation_is_reported_with_notebook_and_cell(tmp_path, mutate, cell, message):
    cells = good_cells()
    mutate(cells)
    found = problems_of(tmp_path, cells, known_checks=KNOWN)
    if message is None:
        return
    prefix = f"{tmp_path / 'book' / '07_x.ipynb'}, cell {cell} (id c{cell:02d}): "
    assert any(p.startswith(prefix) and message in p for p in found), found


def test_markers_in_markdown_stop_the_student_copy(tmp_path):
    cells = good_cells()
    cells[0] = ("md", "# Chapter 7\n\n    # BEGIN SOLUTION\n    return 42\n    # END SOLUTION", [])
    path = make_nb(tmp_path / "book" / "07_x.ipynb", cells)
    with pytest.raises(cw.MarkupError, match=r"07_x\.ipynb, cell 0 \(id c00\): solution markers in a Markdown cell \(line 3, 5\)"):
        cw.student_notebook(nbformat.read(str(path), as_version=4), str(path))
    with pytest.raises(cw.MarkupError):
        cw.write_student_copies(tmp_path / "book", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_student_version_must_stay_valid_python(tmp_path):
    cells = good_cells()
    # the markers wrap an else-less if's whole body and the following line dedents:
    # a module-level block is fine, but a block that swallows a def's body-opening line is not
    cells[3] = ("code", "def f1(x):\n    if x:\n        # BEGIN SOLUTION\n        return 1\n        # END SOLUTION\n    return 0",
                ["solution", "hide-input"])
    assert problems_of(tmp_path, cells) == []
    cells[3] = ("code", "# BEGIN SOLUTION\ndef f1(x):\n# END SOLUTION\n    return x", ["solution", "hide-input"])
    assert any("not valid Python" in p for p in problems_of(tmp_path, cells))


def test_numbering_and_count(tmp_path):
    cells = good_cells()
    cells[5] = ("md", cells[5][1].replace("7.2", "7.3"), [])
    assert any("used twice" in p for p in problems_of(tmp_path, cells))
    assert any("has 2 exercise(s)" in p for p in problems_of(tmp_path, good_cells(n=2)))
    # a notebook whose name has no chapter number needs no minimum
    assert problems_of(tmp_path, good_cells(n=1), name="extra.ipynb") == []


def test_unreadable_notebook_is_a_problem(tmp_path):
    bad = tmp_path / "book" / "08_bad.ipynb"
    bad.parent.mkdir(parents=True)
    bad.write_text("{not json")
    found = [str(p) for p in cw.validate(tmp_path / "book")]
    assert len(found) == 1 and found[0].startswith(f"{bad}: cannot read the notebook")


@pytest.mark.parametrize("bad", ["missing_dir", "empty_dir", "file.txt"])
def test_bad_paths_raise_clear_errors(tmp_path, bad):
    (tmp_path / "empty_dir").mkdir()
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises((FileNotFoundError, ValueError), match="missing_dir|empty_dir|file.txt"):
        cw.validate(tmp_path / bad)


def test_non_path_is_a_type_error():
    with pytest.raises(TypeError, match="path must be"):
        cw.find_notebooks(3)


# --------------------------------------------------------------------------- student copies


def test_student_notebook_replaces_only_the_solution(tmp_path):
    cells = good_cells()
    cells[3] = (
        "code",
        "import math\n\ndef f1(x):\n    # a comment outside the answer\n    # BEGIN SOLUTION\n    y = math.sqrt(x)\n"
        "    return y\n    # END SOLUTION\n\n\ndef g(x):\n    if x:\n        # BEGIN SOLUTION\n        return 'secret'\n"
        "        # END SOLUTION\n    return None",
        ["solution", "hide-input", "keep-me"],
    )
    path = make_nb(tmp_path / "book" / "07_x.ipynb", cells, outputs=True)
    nb = nbformat.read(str(path), as_version=4)
    before = json.dumps(nb, sort_keys=True)
    st = cw.student_notebook(nb, str(path))
    assert json.dumps(nb, sort_keys=True) == before  # the input is not modified
    src = st.cells[3].source
    assert "math.sqrt" not in src and "secret" not in src and "SOLUTION" not in src
    assert "import math\n\ndef f1(x):\n    # a comment outside the answer\n    raise NotImplementedError(" in src
    assert "\ndef g(x):\n    if x:\n        raise NotImplementedError(" in src and src.endswith("    return None")
    assert st.cells[3].metadata["tags"] == ["solution", "keep-me"]  # hide-input removed, others kept
    assert st.cells[1].metadata["tags"] == ["hide-input"]  # setup cell untouched
    for c in st.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
    assert [c.get("id") for c in st.cells] == [c.get("id") for c in nb.cells]
    assert [c.source for k, c in enumerate(st.cells) if k not in (3, 6, 9)] == [
        c.source for k, c in enumerate(nb.cells) if k not in (3, 6, 9)
    ]
    ns: dict = {}
    exec(compile(src, "cell", "exec"), ns)
    with pytest.raises(NotImplementedError, match=r"Exercise 7\.1 \(a title\).*Hint: use math\. It helps\."):
        ns["f1"](4)
    with pytest.raises(NotImplementedError, match="Hint: use math"):
        ns["g"](1)


def test_hint_with_quotes_backslashes_and_math_survives(tmp_path):
    cells = good_cells()
    hint = r'*Hint*: a "quoted" word, a \\ backslash, $\hat W_i \cdot W_j$ and {}'
    cells[2] = ("md", "**Exercise 7.1** (tricky)\n\n" + hint, [])
    path = make_nb(tmp_path / "book" / "07_x.ipynb", cells)
    st = cw.student_notebook(nbformat.read(str(path), as_version=4))
    ns: dict = {}
    exec(st.cells[3].source, ns)
    with pytest.raises(NotImplementedError) as info:
        ns["f1"](1)
    assert str(info.value).endswith(hint.replace("*Hint*: ", "Hint: "))


def test_write_student_copies(tmp_path):
    book = tmp_path / "book"
    make_nb(book / "07_a.ipynb", good_cells(), outputs=True)
    make_nb(book / "extra.ipynb", [("md", "# No exercises", []), ("code", "print(1)", [])], outputs=True)
    (book / "data").mkdir()
    (book / "data" / "table.npz").write_bytes(b"123")
    (book / "intro.md").write_text("# not a notebook")
    out = tmp_path / "site" / "student"
    written = cw.write_student_copies(book, out)
    assert sorted(p.name for p in written) == ["07_a.ipynb", "extra.ipynb"]
    assert sorted(p.name for p in out.iterdir()) == [cw.MANIFEST, "07_a.ipynb", "data", "extra.ipynb"]
    manifest = json.loads((out / cw.MANIFEST).read_text())
    assert manifest["files"] == ["07_a.ipynb", "data/table.npz", "extra.ipynb"]  # every file it wrote
    assert (out / "data" / "table.npz").read_bytes() == b"123"
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)  # not left private like a temp dir
    for p in written:
        text = p.read_text()
        assert "secret output" not in text and "BEGIN SOLUTION" not in text
        nbformat.validate(nbformat.read(str(p), as_version=4))
    assert [p.name for p in out.parent.iterdir()] == ["student"]  # no temporary directory left
    # a second run replaces the copies
    (out / "07_a.ipynb").write_text("stale")
    cw.write_student_copies(book, out)
    assert "raise NotImplementedError" in (out / "07_a.ipynb").read_text()
    # one notebook can be converted alone
    one = tmp_path / "one"
    cw.write_student_copies(book / "07_a.ipynb", one)
    assert sorted(p.name for p in one.iterdir()) == [cw.MANIFEST, "07_a.ipynb"]


def test_bad_markup_writes_nothing(tmp_path):
    book = tmp_path / "book"
    make_nb(book / "07_a.ipynb", good_cells())
    cells = good_cells()
    cells.pop(4)  # a solution without its check, in the second notebook
    make_nb(book / "08_b.ipynb", [(k, s.replace("7.", "8."), t) for k, s, t in cells])
    out = tmp_path / "student"
    with pytest.raises(cw.MarkupError, match=r"08_b.ipynb, cell 3 \(id c03\): solution cell without a following check"):
        cw.write_student_copies(book, out)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book"]
    # an earlier output directory is left exactly as it was
    cw.write_student_copies(book / "07_a.ipynb", out)
    before = {p: p.read_bytes() for p in out.rglob("*")}
    with pytest.raises(cw.MarkupError):
        cw.write_student_copies(book, out)
    assert {p: p.read_bytes() for p in out.rglob("*")} == before


def test_bad_paths_write_nothing(tmp_path):
    book = tmp_path / "book"
    make_nb(book / "07_a.ipynb", good_cells())
    with pytest.raises(FileNotFoundError, match="does not exist"):
        cw.write_student_copies(tmp_path / "nope", tmp_path / "out")
    with pytest.raises(ValueError, match="inside it"):
        cw.write_student_copies(book, book / "student")
    with pytest.raises(ValueError, match="inside it"):
        cw.write_student_copies(book, book)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(NotADirectoryError, match="not a directory"):
        cw.write_student_copies(book, tmp_path / "afile")
    with pytest.raises(ValueError, match="contains the source"):
        cw.write_student_copies(book, tmp_path)
    with pytest.raises(ValueError, match="contains the source"):
        cw.write_student_copies(book / "07_a.ipynb", tmp_path)
    with pytest.raises(TypeError, match="out must be"):
        cw.write_student_copies(book, None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "book"]
    assert [p.name for p in book.iterdir()] == ["07_a.ipynb"]


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


def _book_with_data(tmp_path):
    book = tmp_path / "book"
    make_nb(book / "07_a.ipynb", good_cells())
    (book / "data").mkdir()
    (book / "data" / "table.npz").write_bytes(b"123")
    return book


def test_a_folder_with_other_files_is_refused_and_left_alone(tmp_path):
    """The instructor's own OUT/data/ (no manifest: not the generator's) is never deleted."""
    book = _book_with_data(tmp_path)
    out = tmp_path / "handout"
    (out / "data").mkdir(parents=True)
    (out / "data" / "grades.csv").write_text("alice,A")
    (out / "notes.md").write_text("mine")
    before = _snapshot(out)
    with pytest.raises(ValueError, match=r"out .*handout' is not empty and holds no \.student-copies\.json"):
        cw.write_student_copies(book, out)
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book", "handout"]  # no temporary folder left
    # an empty folder is fine
    empty = tmp_path / "empty"
    empty.mkdir()
    cw.write_student_copies(book, empty)
    assert (empty / "07_a.ipynb").exists() and (empty / cw.MANIFEST).exists()


def test_a_second_run_replaces_only_the_files_it_listed(tmp_path):
    book = _book_with_data(tmp_path)
    out = tmp_path / "handout"
    cw.write_student_copies(book, out)
    # the instructor adds files of their own, beside and inside the generator's folders
    (out / "README.md").write_text("read me")
    (out / "data" / "grades.csv").write_text("alice,A")
    (out / "07_a.ipynb").write_text("stale")  # a listed file: the generator's to replace
    # the book changes: a new notebook, a data file gone, one renamed
    make_nb(book / "07_b.ipynb", good_cells())
    (book / "data" / "table.npz").unlink()
    (book / "data" / "new.npz").write_bytes(b"456")
    cw.write_student_copies(book, out)
    assert (out / "README.md").read_text() == "read me"
    assert (out / "data" / "grades.csv").read_text() == "alice,A"
    assert "raise NotImplementedError" in (out / "07_a.ipynb").read_text()
    assert (out / "07_b.ipynb").exists() and (out / "data" / "new.npz").read_bytes() == b"456"
    assert not (out / "data" / "table.npz").exists()  # its own file, gone from the book: removed
    manifest = json.loads((out / cw.MANIFEST).read_text())
    assert manifest["files"] == ["07_a.ipynb", "07_b.ipynb", "data/new.npz"]
    assert manifest["generator"] == "toymodels_lib.coursework"


def test_a_file_of_someone_else_where_a_copy_would_go_stops_the_run(tmp_path):
    book = _book_with_data(tmp_path)
    out = tmp_path / "handout"
    cw.write_student_copies(book / "07_a.ipynb", out)  # the generator's folder, with one notebook
    (book / "data" / "table.npz").write_bytes(b"new")
    (out / "data").mkdir()
    (out / "data" / "table.npz").write_bytes(b"the instructor's")  # not listed in the manifest
    before = _snapshot(out)
    with pytest.raises(ValueError, match=r"already has data/table\.npz, which this generator did not write"):
        cw.write_student_copies(book, out)
    assert _snapshot(out) == before
    # a link where a folder of the copies would go is not followed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "data" / "table.npz").unlink()
    (out / "data").rmdir()
    (out / "data").symlink_to(elsewhere)
    with pytest.raises(ValueError, match="a link where a folder is needed"):
        cw.write_student_copies(book, out)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    "manifest",
    [
        "{not json",
        json.dumps({"generator": "someone else", "files": []}),
        json.dumps({"generator": "toymodels_lib.coursework", "files": ["../outside.txt"]}),
        json.dumps({"generator": "toymodels_lib.coursework", "files": ["/etc/passwd"]}),
    ],
)
def test_a_foreign_or_edited_manifest_is_refused(tmp_path, manifest):
    book = _book_with_data(tmp_path)
    out = tmp_path / "handout"
    out.mkdir()
    (out / cw.MANIFEST).write_text(manifest)
    (tmp_path / "outside.txt").write_text("keep")
    with pytest.raises(ValueError, match=r"\.student-copies\.json"):
        cw.write_student_copies(book, out)
    assert (tmp_path / "outside.txt").read_text() == "keep"
    assert sorted(p.name for p in out.iterdir()) == [cw.MANIFEST]


def test_dangerous_output_folders_are_refused_before_anything_is_written(tmp_path, monkeypatch):
    book = _book_with_data(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(ValueError, match="is your home folder"):
        cw.write_student_copies(book, home)
    with pytest.raises(ValueError, match="is your home folder"):
        cw.write_student_copies(book, str(home) + "/")
    with pytest.raises(ValueError, match="root of the file system"):
        cw.write_student_copies(book, "/")  # 'student book/ $UNSET/'
    with pytest.raises(ValueError, match="root of the file system"):
        cw.write_student_copies(book, "//")
    with pytest.raises(ValueError, match="empty path"):
        cw.write_student_copies(book, "")  # 'student book/ $UNSET'
    with pytest.raises(ValueError, match="contains the source"):
        cw.write_student_copies(book, tmp_path)
    assert list(home.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book", "home"]
    # a folder inside home is fine
    cw.write_student_copies(book, home / "student")
    assert (home / "student" / "07_a.ipynb").exists()


def test_main_refuses_the_root_and_says_nothing_was_written(tmp_path, capsys):
    book = _book_with_data(tmp_path)
    assert cw.main(["student", str(book), "/"]) == 2
    err = capsys.readouterr().err
    assert "root of the file system" in err and "nothing was written" in err


# --------------------------------------------------------------------------- command line


def test_main_validate_and_student(tmp_path, capsys):
    book = tmp_path / "book"
    make_nb(book / "07_a.ipynb", good_cells())
    assert cw.main(["validate", str(book)]) == 1  # check_f1... are not real checks
    assert "does not define" in capsys.readouterr().out
    cells = good_cells()
    for k in (4, 7, 10):
        cells[k] = ("code", "checks.check_sparse_batch(f)", ["check"])
    make_nb(book / "07_a.ipynb", cells)
    assert cw.main(["validate", str(book)]) == 0
    out = capsys.readouterr().out
    assert "3 exercise(s) 7.1, 7.2, 7.3" in out and "ok: 3 exercises in 1 notebook(s)" in out
    assert cw.main(["student", str(book), str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "07_a.ipynb").exists()
    assert cw.main(["student", str(tmp_path / "nope"), str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "nothing was written" in err
    assert not (tmp_path / "t").exists()
    with pytest.raises(SystemExit):
        cw.main(["frobnicate"])


def test_module_runs_from_the_command_line(tmp_path):
    book = tmp_path / "book"
    cells = good_cells()
    cells.pop(4)
    make_nb(book / "07_a.ipynb", cells)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run([sys.executable, "-m", "toymodels_lib.coursework", "validate", str(book)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1
    assert f"{book / '07_a.ipynb'}, cell 3 (id c03): solution cell without a following check cell" in r.stdout
    r = subprocess.run([sys.executable, "-m", "toymodels_lib.coursework", "student", str(book), str(tmp_path / "s")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1 and "nothing was written" in r.stderr
    assert not (tmp_path / "s").exists()
