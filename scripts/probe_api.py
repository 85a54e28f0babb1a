"""Probe the public API with plausible bad inputs and count how clearly each is refused.

    python scripts/probe_api.py          # counts per class of bad input
    python scripts/probe_api.py -v       # and one line per case that is not clear

Each case calls one public function with one bad input and names the argument at fault.
Its outcome is

- **clear**: a ``ValueError`` or ``TypeError`` (for paths also ``FileNotFoundError`` or
  ``NotADirectoryError``) whose message names the argument (as a word; for a path, the
  argument or the path);
- **unclear**: another exception (an ``IndexError`` or ``RuntimeError`` from inside torch,
  say), or a message that does not name the argument;
- **silent**: no error at all: a result computed from the bad input (for the student-copy
  generator: it wrote, or would have written, into the folder).

The classes: wrong layout (weights ``[features, hidden]``, the paper notebook's layout),
wrong type, out of range, NaN/inf, wrong shape, custom training data (``fit``/
``evaluate_loss`` with ``data=``/``target=``), coursework paths (the student-copy generator
and the markup validator).

Everything runs in a temporary folder. The student-copy cases never touch a real folder:
"home" is a fresh temporary folder set as ``$HOME``, and the case that writes into ``/`` runs
with every file-system write replaced by an exception (it counts as silent if the
generator got as far as writing). Training cases use a few steps of tiny models; the whole
probe takes a few seconds. It only reads the library's public API, so it runs on any
commit (it was run before and after the robustness changes to count what they fixed).
"""

from __future__ import annotations

import argparse
import builtins
import contextlib
import io
import os
import re
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import numpy as np
import torch

os.environ.setdefault("MPLBACKEND", "Agg")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

import toymodels_lib as tm  # noqa: E402
from toymodels_lib import coursework, plots  # noqa: E402

CLASSES = [
    "wrong layout",
    "wrong type",
    "out of range",
    "NaN/inf",
    "wrong shape",
    "custom data",
    "coursework paths",
]

CASES: list[tuple[str, str, str, Callable[[], object]]] = []


def case(cls: str, arg: str, what: str, fn: Callable[[], object]) -> None:
    """Register one probe: class, the argument at fault, a description, the call."""
    assert cls in CLASSES
    CASES.append((cls, arg, what, fn))


class WouldWrite(Exception):
    """Raised instead of any file-system write inside :func:`no_writes`."""


@contextlib.contextmanager
def no_writes():
    """Every file-system write raises WouldWrite (for the case that targets ``/``)."""

    def refuse(*args, **kwargs):
        raise WouldWrite("the generator tried to write")

    real_open = builtins.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            raise WouldWrite(f"open({file!r}, {mode!r})")
        return real_open(file, mode, *args, **kwargs)

    patches = [
        mock.patch("os.mkdir", refuse),
        mock.patch("os.makedirs", refuse),
        mock.patch("os.replace", refuse),
        mock.patch("os.rename", refuse),
        mock.patch("os.unlink", refuse),
        mock.patch("os.remove", refuse),
        mock.patch("os.rmdir", refuse),
        mock.patch("shutil.rmtree", refuse),
        mock.patch("shutil.copytree", refuse),
        mock.patch("shutil.copy2", refuse),
        mock.patch("tempfile.mkdtemp", refuse),
        mock.patch("builtins.open", guarded_open),
        mock.patch("io.open", guarded_open),
    ]
    with contextlib.ExitStack() as stack:
        for p in patches:
            stack.enter_context(p)
        yield


# --------------------------------------------------------------------------- fixtures

g = torch.Generator().manual_seed(0)
W = torch.randn(5, 20, generator=g)  # one model, [hidden, features]
WT = W.T.contiguous()  # the paper notebook's layout, [features, hidden]
STACK = torch.randn(3, 5, 20, generator=g)
STACK_T = STACK.transpose(-1, -2).contiguous()
W2 = torch.randn(2, 5, generator=g)  # 5 features in 2 dimensions
B5 = torch.zeros(5)
W_NAN = W.clone()
W_NAN[0, 3] = float("nan")
W_INF = W.clone()
W_INF[1, 1] = float("inf")
FAST = tm.TrainConfig(steps=3, batch_size=8, eval_samples=64, log_every=1)


def model(n_instances=2, n_features=5, n_hidden=2):
    return tm.make_model("relu", n_features, n_hidden, n_instances)


def fit_with(data=None, target=None):
    return lambda: tm.fit(model(), importance=1.0, config=FAST, data=data, target=target)


def evaluate_with(data=None, target=None):
    return lambda: tm.evaluate_loss(model(), importance=1.0, n_samples=16, data=data, target=target)


# --------------------------------------------------------------------------- wrong layout

for name in [
    "feature_norms", "cosine_similarity_matrix", "interference", "superposition",
    "dimensions_per_feature", "feature_dimensionality", "n_represented", "n_antipodal",
    "antipodal_pairs", "basis_alignment", "neuron_top_feature_fraction", "n_monosemantic",
    "feature_groups", "classify_extra_feature", "regular_simplex_error",
]:
    case("wrong layout", "W", f"{name}(W [features, hidden])", lambda name=name: getattr(tm, name)(WT))
for name in ["feature_norms", "n_represented", "feature_dimensionality", "dimensions_per_feature"]:
    case("wrong layout", "W", f"{name}(W [instances, features, hidden])", lambda name=name: getattr(tm, name)(STACK_T))
case("wrong layout", "W", "angular_gaps(W [5, 2])", lambda: tm.angular_gaps(W2.T))
case("wrong layout", "W", "group_coordinates(W [20, 5])", lambda: tm.group_coordinates(WT, [0, 1], 2))
case("wrong layout", "W", "find_polytope(W [3, 20, 5])", lambda: tm.find_polytope(STACK_T, 2, 1))
case("wrong layout", "W", "linear_loss_split(W [20, 5])", lambda: tm.linear_loss_split(WT, 1.0, sparsity=0.9))
case("wrong layout", "W", "k_sparse_loss(W [20, 5])", lambda: tm.k_sparse_loss(WT, torch.zeros(5), 1.0, 1))
case("wrong layout", "W", "ToyModel.from_weights(W [20, 5])", lambda: tm.ReLUOutputModel.from_weights(WT))
case("wrong layout", "W", "plot_one_sparse_response(W [5, 2])", lambda: plots.plot_one_sparse_response(W2.T, torch.zeros(2)))
case("wrong layout", "results", "plot_feature_spokes(weights [5, 2])", lambda: plots.plot_feature_spokes(W2.T))
case("wrong layout", "Ws", "plot_feature_directions(Ws [2, 5, 2])",
     lambda: plots.plot_feature_directions(torch.stack([W2.T, W2.T]), ["a", "b"]))
case("wrong layout", "W", "plot_dimensions_per_feature(W [3, 20, 5])",
     lambda: plots.plot_dimensions_per_feature(STACK_T, density=[0.1, 0.2, 0.3]))
case("wrong layout", "W", "plot_feature_dimensionality(W [3, 20, 5])",
     lambda: plots.plot_feature_dimensionality(STACK_T, density=[0.1, 0.2, 0.3]))
case("wrong layout", "W", "plot_dimensionality_histogram(W [3, 20, 5])",
     lambda: plots.plot_dimensionality_histogram(STACK_T))

# --------------------------------------------------------------------------- wrong type

case("wrong type", "W", "feature_norms('abc')", lambda: tm.feature_norms("abc"))
case("wrong type", "W", "feature_norms(None)", lambda: tm.feature_norms(None))
case("wrong type", "W", "superposition({'W': ...})", lambda: tm.superposition({"W": W}))
case("wrong type", "W", "feature_norms(bool tensor)", lambda: tm.feature_norms(W > 0))
case("wrong type", "threshold", "n_represented(threshold='0.5')", lambda: tm.n_represented(W, threshold="0.5"))
case("wrong type", "n_features", "make_model(n_features='20')", lambda: tm.make_model("relu", "20", 5))
case("wrong type", "n_features", "make_model(n_features=20.0)", lambda: tm.make_model("relu", 20.0, 5))
case("wrong type", "kind", "make_model(kind=5)", lambda: tm.make_model(5, 20, 5))
case("wrong type", "sparsity", "sample_features(sparsity='0.5')", lambda: tm.sample_features(2, 4, 5, sparsity="0.5"))
case("wrong type", "decay", "importance_decay(decay=None)", lambda: tm.importance_decay(5, None))
case("wrong type", "model", "fit(model=object())", lambda: tm.fit(object(), sparsity=0.5))
case("wrong type", "config", "train_models(config={'steps': 2})",
     lambda: tm.train_models("relu", 5, 2, sparsity=[0.5], config={"steps": 2}))
case("wrong type", "steps", "TrainConfig(steps=2.5)", lambda: tm.TrainConfig(steps=2.5))
case("wrong type", "n_features", "k_active_probabilities('5')", lambda: tm.k_active_probabilities("5", density=0.5))
case("wrong type", "importance", "optimal_linear_loss(importance='abc')",
     lambda: tm.optimal_linear_loss("abc", 2, density=1.0))
case("wrong type", "kind", "FeatureSampler(kind=3)", lambda: tm.FeatureSampler(2, 5, density=0.5, kind=3))
case("wrong type", "results", "plot_superposition_grid('x')", lambda: plots.plot_superposition_grid("x"))
case("wrong type", "path", "load_artifact(None)", lambda: tm.load_artifact(None))
case("wrong type", "path", "load_artifact(123)", lambda: tm.load_artifact(123))
case("wrong type", "name", "load_or_train(3)", lambda: tm.load_or_train(3))
case("wrong type", "hooks", "fit(hooks=[5])", lambda: tm.fit(model(), sparsity=0.5, config=FAST, hooks=[5]))
case("wrong type", "n_instances", "sample_features(n_instances=None)", lambda: tm.sample_features(None, 4, 5, density=0.5))
case("wrong type", "kind", "make_model(kind=['relu'])", lambda: tm.make_model(["relu"], 5, 2))
case("wrong type", "kind", "ToyModel.from_weights(kind=['relu'])", lambda: tm.ToyModel.from_weights(W2, kind=["relu"]))
case("wrong type", "key", "random_stream(1, 2.5)", lambda: tm.random_stream(1, 2.5))

# --------------------------------------------------------------------------- out of range

case("out of range", "sparsity", "sample_features(sparsity=1.0)", lambda: tm.sample_features(2, 4, 5, sparsity=1.0))
case("out of range", "sparsity", "sample_features(sparsity=-0.1)", lambda: tm.sample_features(2, 4, 5, sparsity=-0.1))
case("out of range", "density", "sample_features(density=0)", lambda: tm.sample_features(2, 4, 5, density=0.0))
case("out of range", "density", "train_models(density=1.5)",
     lambda: tm.train_models("relu", 5, 2, density=[1.5], config=FAST))
case("out of range", "n_features", "make_model(n_features=0)", lambda: tm.make_model("relu", 0, 5))
case("out of range", "n_hidden", "make_model(n_hidden=-1)", lambda: tm.make_model("relu", 5, -1))
case("out of range", "n_hidden", "make_model(n_hidden > n_features)", lambda: tm.make_model("relu", 5, 10))
case("out of range", "importance", "train_models(importance=-1)",
     lambda: tm.train_models("relu", 5, 2, sparsity=[0.5], importance=-1.0, config=FAST))
case("out of range", "decay", "importance_decay(decay=0)", lambda: tm.importance_decay(5, 0.0))
case("out of range", "threshold", "n_represented(threshold=-1)", lambda: tm.n_represented(W, threshold=-1.0))
case("out of range", "threshold", "n_monosemantic(threshold=2)", lambda: tm.n_monosemantic(W, threshold=2.0))
case("out of range", "cosine", "feature_groups(cosine=2)", lambda: tm.feature_groups(W, cosine=2.0))
case("out of range", "n_features", "k_active_probabilities(0)", lambda: tm.k_active_probabilities(0, density=0.5))
case("out of range", "k", "k_sparse_loss(k > n)", lambda: tm.k_sparse_loss(W2, B5, 1.0, 9))
case("out of range", "lr", "TrainConfig(lr=0)", lambda: tm.TrainConfig(lr=0.0))
case("out of range", "batch_size", "TrainConfig(batch_size=0)", lambda: tm.TrainConfig(batch_size=0))
case("out of range", "name", "polytope_vertices('heptagon')", lambda: tm.polytope_vertices("heptagon"))
case("out of range", "m", "random_orthogonal(0)", lambda: tm.random_orthogonal(0))
case("out of range", "relative_importance", "two_in_one_candidate_losses(r=-1)",
     lambda: tm.theory.two_in_one_candidate_losses(-1.0, density=0.5))
case("out of range", "group", "group_coordinates(group=[99])", lambda: tm.group_coordinates(W, [99], 2))
case("out of range", "n_hidden", "optimal_linear_loss(n_hidden > n)",
     lambda: tm.optimal_linear_loss(torch.ones(3), 5, density=0.5))
case("out of range", "seed", "random_orthogonal(seed=2**70)", lambda: tm.random_orthogonal(3, seed=2**70))
case("out of range", "seed", "k_sparse_loss(seed=2**70)", lambda: tm.k_sparse_loss(W2, B5, 1.0, 1, seed=2**70))
case("out of range", "density", "sample_features(density=1.000000001)",
     lambda: tm.sample_features(2, 4, 5, density=1.000000001))
case("out of range", "sparsity", "sample_features(sparsity=0.99999999999, 1.0 in float32)",
     lambda: tm.sample_features(2, 4, 5, sparsity=0.99999999999))
case("out of range", "decay", "importance_decay(20, decay=1e30) (overflows float32)", lambda: tm.importance_decay(20, 1e30))
case("out of range", "threshold", "n_represented(threshold=10**400)", lambda: tm.n_represented(W, threshold=10**400))
case("out of range", "sparsity", "sample_features(sparsity=[10**400])", lambda: tm.sample_features(2, 4, 5, sparsity=[10**400]))
case("out of range", "domain", "random_stream(-1, 3)", lambda: tm.random_stream(-1, 3))
case("out of range", "n_seeds", "train_models(n_seeds=0)",
     lambda: tm.train_models("relu", 5, 2, sparsity=[0.5], config=FAST, n_seeds=0))

# --------------------------------------------------------------------------- NaN / inf

for name in ["feature_norms", "superposition", "feature_dimensionality", "n_represented", "basis_alignment"]:
    case("NaN/inf", "W", f"{name}(W with NaN)", lambda name=name: getattr(tm, name)(W_NAN))
case("NaN/inf", "W", "cosine_similarity_matrix(W with inf)", lambda: tm.cosine_similarity_matrix(W_INF))
case("NaN/inf", "W", "linear_loss_split(W with NaN)", lambda: tm.linear_loss_split(W_NAN, 1.0, density=0.1))
case("NaN/inf", "W", "plot_dimensions_per_feature(W with NaN)",
     lambda: plots.plot_dimensions_per_feature(W_NAN[None], density=[0.1]))
case("NaN/inf", "sparsity", "sample_features(sparsity=nan)", lambda: tm.sample_features(2, 4, 5, sparsity=float("nan")))
case("NaN/inf", "density", "train_models(density=inf)",
     lambda: tm.train_models("relu", 5, 2, density=[float("inf")], config=FAST))
case("NaN/inf", "importance", "train_models(importance with NaN)",
     lambda: tm.train_models("relu", 5, 2, sparsity=[0.5], importance=[1, 1, float("nan"), 1, 1], config=FAST))
case("NaN/inf", "threshold", "n_represented(threshold=nan)", lambda: tm.n_represented(W, threshold=float("nan")))
case("NaN/inf", "lr", "TrainConfig(lr=nan)", lambda: tm.TrainConfig(lr=float("nan")))
case("NaN/inf", "relative_importance", "two_in_one_phase(r=nan)",
     lambda: tm.theory.two_in_one_phase(float("nan"), density=0.5))
case("NaN/inf", "b", "plot_one_sparse_response(b with NaN)",
     lambda: plots.plot_one_sparse_response(W2, torch.tensor([0.0, float("nan"), 0, 0, 0])))
case("NaN/inf", "density", "k_active_probabilities(density=nan)", lambda: tm.k_active_probabilities(5, density=float("nan")))
case("NaN/inf", "importance", "optimal_linear_loss(importance with inf)",
     lambda: tm.optimal_linear_loss([1.0, float("inf"), 1.0], 1, density=0.5))
case("NaN/inf", "W", "from_weights(W with NaN)", lambda: tm.ReLUOutputModel.from_weights(W_NAN))

# --------------------------------------------------------------------------- wrong shape

case("wrong shape", "W", "feature_norms(1-D W)", lambda: tm.feature_norms(torch.ones(5)))
case("wrong shape", "W", "antipodal_pairs(W [3, 5, 20])", lambda: tm.antipodal_pairs(STACK))
case("wrong shape", "W", "feature_norms(empty W [0, 5])", lambda: tm.feature_norms(torch.ones(0, 5)))
case("wrong shape", "W", "angular_gaps(W [3, 5])", lambda: tm.angular_gaps(torch.randn(3, 5, generator=g)))
case("wrong shape", "W", "find_polytope(2-D W)", lambda: tm.find_polytope(W, 2, 1))
case("wrong shape", "sparsity", "FeatureSampler(sparsity with 3 values for 2 instances)",
     lambda: tm.FeatureSampler(2, 5, sparsity=[0.5, 0.5, 0.5]))
case("wrong shape", "importance", "train_models(importance of length 4 for 5 features)",
     lambda: tm.train_models("relu", 5, 2, sparsity=[0.5], importance=torch.ones(4), config=FAST))
case("wrong shape", "b", "from_weights(b [4] for 5 features)", lambda: tm.ReLUOutputModel.from_weights(W2, torch.ones(4)))
case("wrong shape", "titles", "plot_feature_directions(3 titles for 2 models)",
     lambda: plots.plot_feature_directions(torch.stack([W2, W2]), ["a", "b", "c"]))
case("wrong shape", "b", "k_sparse_loss(b [4])", lambda: tm.k_sparse_loss(W2, torch.zeros(4), 1.0, 1))
case("wrong shape", "importance", "linear_loss_split(importance [3] for 5 features)",
     lambda: tm.linear_loss_split(W2, torch.ones(3), density=0.5))
case("wrong shape", "sparsity", "evaluate_loss(sparsity [3] for 2 instances)",
     lambda: tm.evaluate_loss(model(), sparsity=[0.1, 0.2, 0.3], n_samples=16))
case("wrong shape", "x", "model(x [batch, features])", lambda: model()(torch.rand(8, 5)))
case("wrong shape", "b", "plot_one_sparse_response(b [3])", lambda: plots.plot_one_sparse_response(W2, torch.zeros(3)))
case("wrong shape", "density", "plot_dimensions_per_feature(2 densities for 3 models)",
     lambda: plots.plot_dimensions_per_feature(STACK, density=[0.1, 0.2]))
case("wrong shape", "sparsity", "k_active_probabilities(sparsity [2])",
     lambda: tm.k_active_probabilities(5, sparsity=[0.1, 0.2]))

# --------------------------------------------------------------------------- custom data

case("custom data", "data", "fit(data -> [batch, features])", fit_with(lambda b: torch.rand(b, 5)))
case("custom data", "data", "fit(data -> 4 features for a 5-feature model)", fit_with(lambda b: torch.rand(2, b, 4)))
case("custom data", "data", "fit(data -> 3 instances for a 2-instance model)", fit_with(lambda b: torch.rand(3, b, 5)))
case("custom data", "data", "fit(data -> [features, batch, instances])", fit_with(lambda b: torch.rand(5, b, 2)))
case("custom data", "data", "fit(data -> NumPy array)", fit_with(lambda b: np.random.rand(2, b, 5)))
case("custom data", "data", "fit(data -> list)", fit_with(lambda b: torch.rand(2, b, 5).tolist()))
case("custom data", "data", "fit(data -> None)", fit_with(lambda b: None))
case("custom data", "data", "fit(data -> int64 tensor)", fit_with(lambda b: torch.ones(2, b, 5, dtype=torch.long)))
case("custom data", "data", "fit(data -> batch with NaN)", fit_with(lambda b: torch.full((2, b, 5), float("nan"))))
case("custom data", "data", "fit(data -> batch with inf)", fit_with(lambda b: torch.full((2, b, 5), float("inf"))))
case("custom data", "data", "fit(data=a tensor, not a callable)", fit_with(torch.rand(2, 8, 5)))
case("custom data", "data", "fit(data -> 4-D batch)", fit_with(lambda b: torch.rand(2, b, 5, 1)))
case("custom data", "target", "fit(target -> wrong shape)",
     fit_with(lambda b: torch.rand(2, b, 5), target=lambda x: x[..., :3]))
case("custom data", "target", "fit(target -> NumPy array)",
     fit_with(lambda b: torch.rand(2, b, 5), target=lambda x: x.numpy()))
case("custom data", "target", "fit(target=5, not a callable)", fit_with(lambda b: torch.rand(2, b, 5), target=5))
case("custom data", "data", "evaluate_loss(data -> [batch, features])", evaluate_with(lambda b: torch.rand(b, 5)))
case("custom data", "data", "evaluate_loss(data -> NumPy array)", evaluate_with(lambda b: np.random.rand(2, b, 5)))
case("custom data", "target", "evaluate_loss(target -> wrong shape)",
     evaluate_with(lambda b: torch.rand(2, b, 5), target=lambda x: x[:1]))


# --------------------------------------------------------------------------- coursework paths


def _notebook(path: Path, cells: list[tuple[str, str, list[str]]]) -> Path:
    nb = nbformat.v4.new_notebook()
    for kind, src, tags in cells:
        c = nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
        if tags:
            c.metadata["tags"] = tags
        nb.cells.append(c)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def _book(root: Path, markdown_markers: bool = False) -> Path:
    """A one-exercise book in ``root/book`` with a ``data/`` folder."""
    intro = "# Chapter 7"
    if markdown_markers:
        intro += "\n\n```python\n# BEGIN SOLUTION\nanswer = 42\n# END SOLUTION\n```"
    cells = [
        ("md", intro, []),
        ("md", "**Exercise 7.1** (add one)\n\nWrite f.\n\n*Hint*: add.", []),
        ("code", "def f(x):\n    # BEGIN SOLUTION\n    return x + 1\n    # END SOLUTION", ["solution", "hide-input"]),
        ("code", "checks.check_f(f)", ["check"]),
    ]
    book = root / "book"
    _notebook(book / "extra.ipynb", cells)
    (book / "data").mkdir(exist_ok=True)
    (book / "data" / "table.csv").write_text("a,b\n")
    return book


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


class Lost(Exception):
    """The generator deleted or replaced a file it did not create (counted as silent)."""


def student_into(setup: Callable[[Path], tuple[Path, Path]], guard: bool = False) -> Callable[[], object]:
    def run():
        with tempfile.TemporaryDirectory() as t:
            root = Path(t)
            src, out = setup(root)
            before = {} if str(out) == "/" else {p.resolve(): p.read_bytes() for p in Path(out).rglob("*") if p.is_file()}
            ctx = no_writes() if guard else contextlib.nullcontext()
            with ctx:
                result = coursework.write_student_copies(src, out)
            lost = [p for p, data in before.items() if not p.exists() or p.read_bytes() != data]
            if lost:
                raise Lost(f"lost or replaced {len(lost)} file(s) it did not write: {[p.name for p in lost]}")
            return result
    return run


def _nonempty_out(root: Path) -> tuple[Path, Path]:
    book = _book(root)
    out = root / "handouts"
    (out / "data").mkdir(parents=True)
    (out / "data" / "grades.csv").write_text("alice,A\n")  # the instructor's own file
    (out / "notes.md").write_text("mine")
    return book, out


def _home(root: Path) -> tuple[Path, Path]:
    book = _book(root)
    home = root / "home"
    home.mkdir()
    os.environ["HOME"] = str(home)
    return book, home


def _contains_source(root: Path) -> tuple[Path, Path]:
    book = _book(root)
    (root / "README.md").write_text("project")
    return book, root


def _empty_string(root: Path) -> tuple[Path, Path]:
    book = _book(root)
    work = root / "work"
    (work / "data").mkdir(parents=True)
    (work / "data" / "results.csv").write_text("1,2\n")
    os.chdir(work)  # '' is the current folder
    return book, ""  # type: ignore[return-value]


def _root(root: Path) -> tuple[Path, Path]:
    return _book(root), Path("/")


def _source_itself(root: Path) -> tuple[Path, Path]:
    book = _book(root)
    return book, book


def markdown_markers_validate():
    with tempfile.TemporaryDirectory() as t:
        book = _book(Path(t), markdown_markers=True)
        problems = coursework.validate(book / "extra.ipynb")
        hits = [p for p in problems if "cell 0" in str(p)]
        if hits:  # reported, naming the notebook and the cell: count it as a clear refusal
            raise ValueError(str(hits[0]))
        return problems


case("coursework paths", "out", "student(book, OUT with the instructor's files)", student_into(_nonempty_out))
case("coursework paths", "out", "student(book, $HOME)", student_into(_home))
case("coursework paths", "out", "student(book, a folder containing the book)", student_into(_contains_source))
case("coursework paths", "out", "student(book, '' (an unset variable))", student_into(_empty_string))
case("coursework paths", "out", "student(book, '/' ($UNSET/))", student_into(_root, guard=True))
case("coursework paths", "out", "student(book, book)", student_into(_source_itself))
case("coursework paths", "notebook", "validate(markers in a Markdown cell)", markdown_markers_validate)


# --------------------------------------------------------------------------- running


def classify(arg: str, fn: Callable[[], object]) -> tuple[str, str]:
    cwd, home = os.getcwd(), os.environ.get("HOME")
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            fn()
    except WouldWrite as exc:
        return "silent", f"would write: {exc}"
    except Lost as exc:
        return "silent", str(exc)
    except Exception as exc:  # noqa: BLE001 - classifying every outcome is the point
        msg = f"{type(exc).__name__}: {exc}".replace("\n", " ")
        allowed: tuple[type[BaseException], ...] = (ValueError, TypeError)
        if arg in ("out", "path", "notebook"):
            allowed += (FileNotFoundError, NotADirectoryError)
        named = re.search(rf"(?<![A-Za-z0-9_]){re.escape(arg)}(?![A-Za-z0-9_])", str(exc)) is not None
        if arg == "notebook":
            named = ".ipynb" in str(exc) and "cell" in str(exc)
        return ("clear" if isinstance(exc, allowed) and named else "unclear"), msg[:160]
    finally:
        os.chdir(cwd)
        if home is not None:
            os.environ["HOME"] = home
        import matplotlib.pyplot as plt

        plt.close("all")
    return "silent", "no error"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every case that is not clear")
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    counts: dict[str, Counter[str]] = {c: Counter() for c in CLASSES}
    details = []
    for cls, arg, what, fn in CASES:
        outcome, msg = classify(arg, fn)
        counts[cls][outcome] += 1
        if outcome != "clear":
            details.append(f"  [{outcome}] {cls}: {what} -> {msg}")
    width = max(len(c) for c in CLASSES) + 2
    print(f"{'class':<{width}}{'clear':>7}{'unclear':>9}{'silent':>8}{'total':>7}")
    total: Counter[str] = Counter()
    for cls in CLASSES:
        c = counts[cls]
        total.update(c)
        print(f"{cls:<{width}}{c['clear']:>7}{c['unclear']:>9}{c['silent']:>8}{sum(c.values()):>7}")
    print(f"{'all':<{width}}{total['clear']:>7}{total['unclear']:>9}{total['silent']:>8}{sum(total.values()):>7}")
    if args.verbose and details:
        print("\nnot clear:")
        print("\n".join(details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
