"""plots.style: generated labels, and model names taken from the model classes."""

import pytest

from toymodels_lib import plots
from toymodels_lib.models import MODEL_KINDS
from toymodels_lib.plots import style


def test_labels():
    assert plots.density_label(0.0009999) == "1−S = 0.001"
    assert plots.model_title("relu", 0.03) == "ReLU output\n1−S = 0.03"


def test_model_labels_come_from_the_model_classes():
    for kind, cls in MODEL_KINDS.items():
        assert plots.kind_label(kind) == cls.label
        assert plots.model_title(kind, 1.0) == f"{cls.label}\n1−S = 1"
    assert plots.model_title("hidden_relu", 0.5).startswith("ReLU hidden layer\n")
    assert plots.kind_label("something else") == "something else"


def test_plots_do_not_import_the_trainer():
    import ast
    import pathlib

    allowed = {"metrics", "models", "theory", "_validate", "_types"}
    for path in pathlib.Path(style.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                names = [node.module] if node.module else [a.name for a in node.names]
                assert set(names) <= allowed, f"{path.name} imports {names} from the library"


def test_panel_layout_wraps_instead_of_shrinking():
    from toymodels_lib.plots import COLUMN_WIDTH_IN, panel_layout

    assert panel_layout(1, 3.0) == (1, 1, 3.0)
    rows, cols, width = panel_layout(8, 1.45, extra_width=1.0)
    assert cols * width + 1.0 <= COLUMN_WIDTH_IN + 1e-9 and rows * cols >= 8 and width >= 0.85 * 1.45
    assert panel_layout(4, 2.6, ncols=2) == (2, 2, 2.6)
    assert panel_layout(2, 9.0)[1:] == (1, COLUMN_WIDTH_IN)  # one panel wider than the column shrinks to it
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="n_panels"):
            panel_layout(bad, 1.0)


def test_legibility_problems_finds_wide_figures_and_small_text():
    import matplotlib.pyplot as plt

    from toymodels_lib.plots import legibility_problems

    fig, ax = plt.subplots(figsize=(9.0, 3.0))
    ax.set_title("tiny", fontsize=6)
    found = legibility_problems(fig)
    assert any("9.00 in wide" in p for p in found) and any("6.0" in p and "pt" in p for p in found)
    fig.set_size_inches(6.0, 3.0)
    ax.set_title("fine", fontsize=9)
    assert legibility_problems(fig) == []
    plt.close("all")
