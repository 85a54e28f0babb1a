"""Closed forms for the toy models (the paper's loss, a sum over features), one module per idea.

- :mod:`.sparsity`: moments of a sparse uniform feature (zero with probability ``S``, else
  ``U[0, 1]``; density ``p = 1 − S``), the linear loss split, losses by the number of active features;
- :mod:`.linear`: the optimal linear model;
- :mod:`.phase`: the 2-in-1 and 3-in-2 phase problems;
- :mod:`.polytopes`: polytopes in uniform superposition and the loss they save;
- :mod:`.adversarial`: the optimal L2 attack, a gradient attack and the vulnerability (chapter 8).

Every function that needs a probability takes it as a keyword, exactly one of ``sparsity=``
(``S`` in [0, 1)) or ``density=`` (``p = 1 − S`` in (0, 1]); all results are float64.
"""

from __future__ import annotations

from . import adversarial
from .linear import optimal_linear_features, optimal_linear_gram, optimal_linear_loss
from .phase import (
    PHASE_NAMES,
    THREE_IN_TWO_CANDIDATES,
    THREE_IN_TWO_TRIANGLE,
    TWO_IN_ONE_CANDIDATES,
    three_in_two_boundary,
    three_in_two_candidate_losses,
    three_in_two_expected_loss,
    three_in_two_optimised_losses,
    three_in_two_phase,
    triangle_weights,
    two_in_one_boundary,
    two_in_one_candidate_losses,
    two_in_one_expected_loss,
    two_in_one_optimised_losses,
    two_in_one_phase,
)
from .polytopes import (
    POLYTOPES,
    arrangement_benefit,
    polytope_benefit,
    polytope_dimensionality,
    polytope_fractions,
    polytope_vertices,
    tegum_loss,
)
from .sparsity import (
    feature_moments,
    feature_variance,
    k_active_probabilities,
    k_sparse_loss,
    linear_loss_split,
)

__all__ = [
    "POLYTOPES",
    "PHASE_NAMES",
    "THREE_IN_TWO_CANDIDATES",
    "THREE_IN_TWO_TRIANGLE",
    "TWO_IN_ONE_CANDIDATES",
    "adversarial",
    "arrangement_benefit",
    "feature_moments",
    "feature_variance",
    "k_active_probabilities",
    "k_sparse_loss",
    "linear_loss_split",
    "optimal_linear_features",
    "optimal_linear_gram",
    "optimal_linear_loss",
    "polytope_benefit",
    "polytope_dimensionality",
    "polytope_fractions",
    "polytope_vertices",
    "tegum_loss",
    "three_in_two_boundary",
    "three_in_two_candidate_losses",
    "three_in_two_expected_loss",
    "three_in_two_optimised_losses",
    "three_in_two_phase",
    "triangle_weights",
    "two_in_one_boundary",
    "two_in_one_candidate_losses",
    "two_in_one_expected_loss",
    "two_in_one_optimised_losses",
    "two_in_one_phase",
]
