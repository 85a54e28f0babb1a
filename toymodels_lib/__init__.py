"""toymodels_lib: the helper library of the executable book on *Toy Models of Superposition*.

One module (or small package) per idea: ``data`` (feature distributions), ``models`` (toy
models with an instance axis), ``train`` (the trainer), ``optim`` (flat Adam), ``metrics``
(functions of the weights), ``dynamics`` (learning-dynamics traces), ``theory`` (closed
forms), ``sweeps`` (the shipped sweeps),
``artifacts`` (their file format), ``plots`` (figures), ``widgets`` (interactive figures),
``checks`` (exercise checks), ``embeddings`` (chapter 1's word vectors). ``coursework``
(student copies) is a command-line tool, ``python -m toymodels_lib.coursework``.

Probabilities are always keywords: ``sparsity=`` (S, a feature is zero with probability S)
or ``density=`` (1 − S); never a bare number whose meaning depends on the function.
"""

from . import (
    artifacts,
    checks,
    data,
    dynamics,
    embeddings,
    metrics,
    models,
    optim,
    plots,
    sweeps,
    theory,
    train,
    widgets,
)

# --- the artifact file format
from .artifacts import Artifact, load_artifact, save_artifact

# --- data: feature distributions and importance
from .data import (
    CorrelatedFeatureSampler,
    FeatureSampler,
    anticorrelated_pairs,
    correlated_pairs,
    importance_decay,
    instance_keys,
    random_stream,
    sample_features,
)

# --- chapter 1's word vectors
from .embeddings import WordVectors, generate_corpus, learn_embeddings, load_glove

# --- metrics: functions of the weights
from .metrics import (
    angular_gaps,
    antipodal_pairs,
    basis_alignment,
    classify_extra_feature,
    cosine_similarity_matrix,
    dimensions_per_feature,
    feature_dimensionality,
    feature_groups,
    feature_norms,
    find_polytope,
    group_coordinates,
    group_spans,
    interference,
    n_antipodal,
    n_monosemantic,
    n_represented,
    neuron_top_feature_fraction,
    regular_simplex_error,
    superposition,
)

# --- models
from .models import (
    HiddenReLUBiasModel,
    HiddenReLUModel,
    LinearModel,
    ReLUOutputModel,
    ToyModel,
    UntiedReLUModel,
    importance_weighted_loss,
    make_model,
    random_orthogonal,
)

# --- the optimiser
from .optim import FlatAdam

# --- the shipped sweeps
from .sweeps import PhaseDiagram, load_or_train, train_phase_diagram

# --- theory: closed forms
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

# --- training
from .train import TrainConfig, TrainResult, WeightRecorder, evaluate_loss, fit, train_models

__version__ = "0.2.0"

__all__ = [
    # modules
    "artifacts", "checks", "data", "dynamics", "embeddings", "metrics", "models", "optim", "plots",
    "sweeps", "theory", "train", "widgets",
    # data
    "CorrelatedFeatureSampler", "FeatureSampler", "anticorrelated_pairs", "correlated_pairs",
    "importance_decay", "instance_keys", "random_stream", "sample_features",
    # models
    "HiddenReLUBiasModel", "HiddenReLUModel", "LinearModel", "ReLUOutputModel", "ToyModel", "UntiedReLUModel",
    "importance_weighted_loss",
    "make_model", "random_orthogonal",
    # training
    "FlatAdam", "TrainConfig", "TrainResult", "WeightRecorder", "evaluate_loss", "fit", "train_models",
    # metrics
    "angular_gaps", "antipodal_pairs", "basis_alignment", "classify_extra_feature",
    "cosine_similarity_matrix", "dimensions_per_feature", "feature_dimensionality", "feature_groups",
    "feature_norms", "find_polytope", "group_coordinates", "group_spans", "interference", "n_antipodal", "n_monosemantic",
    "n_represented", "neuron_top_feature_fraction", "regular_simplex_error", "superposition",
    # theory
    "k_active_probabilities", "k_sparse_loss", "linear_loss_split", "optimal_linear_features",
    "optimal_linear_gram", "optimal_linear_loss", "polytope_dimensionality", "polytope_fractions",
    "polytope_vertices",
    # sweeps and artifacts
    "Artifact", "PhaseDiagram", "load_artifact", "load_or_train", "save_artifact", "train_phase_diagram",
    # embeddings
    "WordVectors", "generate_corpus", "learn_embeddings", "load_glove",
]

# --- sparse dictionary learning (chapter 11)
from . import sae  # noqa: E402
from .metrics import max_cosine_similarity  # noqa: E402
from .sae import SAEResult, SAETable, SparseAutoencoder, evaluate_sae, sae_loss, train_sae  # noqa: E402

__all__ += [
    "sae", "max_cosine_similarity", "SAEResult", "SAETable", "SparseAutoencoder", "evaluate_sae", "sae_loss", "train_sae",
]
