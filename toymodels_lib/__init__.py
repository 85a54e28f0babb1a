"""toymodels_lib: the helper library of the executable book on *Toy Models of Superposition*.

Modules: ``data`` (feature distributions), ``models`` (toy models with an instance axis),
``train`` (the trainer), ``optim`` (flat Adam), ``metrics``, ``theory`` (closed forms),
``plots`` (paper-style figures) and ``checks`` (exercise checks).

``coursework`` (student copies and the exercise-markup validator) is a command-line tool,
``python -m toymodels_lib.coursework``, and is not imported here (it needs ``nbformat``).
"""

from . import artifacts, checks, data, embeddings, metrics, models, optim, phase, theory, widgets
from .artifacts import Artifact, load_artifact, save_artifact
from .data import (
    CorrelatedFeatureSampler,
    FeatureSampler,
    anticorrelated_pairs,
    correlated_pairs,
    importance_decay,
    sample_features,
)
from .embeddings import WordVectors, generate_corpus, learn_embeddings, load_glove
from .metrics import (
    angular_gaps,
    antipodal_pairs,
    basis_alignment,
    cosine_similarity_matrix,
    dimensions_per_feature,
    feature_dimensionality,
    feature_groups,
    feature_norms,
    group_coordinates,
    interference,
    n_antipodal,
    n_monosemantic,
    n_represented,
    neuron_top_feature_fraction,
    superposition,
)
from .models import HiddenReLUModel, LinearModel, ReLUOutputModel, ToyModel, make_model, random_orthogonal
from .optim import FlatAdam
from .phase import PhaseDiagram, classify_extra_feature, train_phase_diagram
from .theory import (
    k_active_probabilities,
    k_sparse_loss,
    linear_loss_split,
    optimal_linear_features,
    optimal_linear_gram,
    optimal_linear_loss,
    polytope_dimensionality,
    polytope_fractions,
    polytope_vertices,
)
from .train import TrainConfig, TrainResult, evaluate_loss, train, train_models

__version__ = "0.1.0"

__all__ = [
    "k_active_probabilities",
    "k_sparse_loss",
    "linear_loss_split",
    "Artifact",
    "CorrelatedFeatureSampler",
    "anticorrelated_pairs",
    "artifacts",
    "correlated_pairs",
    "load_artifact",
    "polytope_dimensionality",
    "polytope_fractions",
    "polytope_vertices",
    "save_artifact",
    "FeatureSampler",
    "FlatAdam",
    "HiddenReLUModel",
    "LinearModel",
    "ReLUOutputModel",
    "ToyModel",
    "WordVectors",
    "TrainConfig",
    "TrainResult",
    "angular_gaps",
    "antipodal_pairs",
    "basis_alignment",
    "checks",
    "cosine_similarity_matrix",
    "data",
    "embeddings",
    "dimensions_per_feature",
    "evaluate_loss",
    "feature_dimensionality",
    "feature_groups",
    "feature_norms",
    "group_coordinates",
    "importance_decay",
    "interference",
    "make_model",
    "random_orthogonal",
    "metrics",
    "models",
    "generate_corpus",
    "learn_embeddings",
    "load_glove",
    "n_antipodal",
    "n_monosemantic",
    "n_represented",
    "neuron_top_feature_fraction",
    "optim",
    "optimal_linear_features",
    "optimal_linear_gram",
    "optimal_linear_loss",
    "sample_features",
    "superposition",
    "theory",
    "train",
    "train_models",
    "PhaseDiagram",
    "classify_extra_feature",
    "phase",
    "train_phase_diagram",
    "widgets",
]
