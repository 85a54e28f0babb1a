"""plots.style: generated labels, and model names taken from the model classes."""

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
