"""toymodels_lib: the helper library of the executable book on *Toy Models of Superposition*.

Modules: ``data`` (feature distributions), ``models`` (toy models with an instance axis),
``train`` (the trainer), ``optim`` (flat Adam), ``metrics``, ``theory`` (closed forms),
``plots`` (paper-style figures) and ``checks`` (exercise checks).
"""

from . import checks, data, metrics, models, optim, theory
from .data import FeatureSampler, importance_decay, sample_features
from .metrics import (
    antipodal_pairs,
    cosine_similarity_matrix,
    dimensions_per_feature,
    feature_dimensionality,
    feature_norms,
    interference,
    n_antipodal,
    n_represented,
    superposition,
)
from .models import HiddenReLUModel, LinearModel, ReLUOutputModel, ToyModel, make_model
from .optim import FlatAdam
from .theory import optimal_linear_features, optimal_linear_gram, optimal_linear_loss
from .train import TrainConfig, TrainResult, evaluate_loss, train, train_models

__version__ = "0.1.0"

__all__ = [
    "FeatureSampler",
    "FlatAdam",
    "HiddenReLUModel",
    "LinearModel",
    "ReLUOutputModel",
    "ToyModel",
    "TrainConfig",
    "TrainResult",
    "antipodal_pairs",
    "checks",
    "cosine_similarity_matrix",
    "data",
    "dimensions_per_feature",
    "evaluate_loss",
    "feature_dimensionality",
    "feature_norms",
    "importance_decay",
    "interference",
    "make_model",
    "metrics",
    "models",
    "n_antipodal",
    "n_represented",
    "optim",
    "optimal_linear_features",
    "optimal_linear_gram",
    "optimal_linear_loss",
    "sample_features",
    "superposition",
    "theory",
    "train",
    "train_models",
]
