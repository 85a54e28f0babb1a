"""Paper-style figures, every one a function that returns a matplotlib ``Figure``, grouped by idea.

One style for the whole book (:mod:`.style`: ``STYLE``; superposition always coloured on
the fixed scale 0–1 of ``SUPERPOSITION_CMAP``; titles and labels generated from the
configuration, model names from the model classes). :mod:`.superposition` has the
paper's ``WᵀW`` grid and the feature counts against density, :mod:`.directions` the 2-D
arrow pictures, :mod:`.geometry` feature dimensionalities and polytopes,
:mod:`.neurons` privileged bases, :mod:`.phase` phase changes.
"""

from .directions import plot_feature_directions, plot_feature_spokes, plot_probe_projection, plot_word_offsets
from .geometry import (
    plot_dimensionality_histogram,
    plot_dimensions_per_feature,
    plot_feature_dimensionality,
    plot_polytope_benefit,
    plot_polytopes,
)
from .neurons import (
    HTMLTable,
    neuron_regime_table,
    plot_basis_alignment,
    plot_neuron_matrix,
    plot_neuron_stacks,
    plot_neuron_weights,
    plot_relu_activity,
    plot_transform_loss_changes,
)
from .phase import PHASE_COLORS, plot_candidate_losses, plot_phase_diagram
from .style import FIGSIZE, GRAM_CMAP, STYLE, SUPERPOSITION_CMAP, density_label, kind_label, model_title
from .superposition import (
    plot_capacity_vs_density,
    plot_loss_history,
    plot_one_sparse_response,
    plot_represented_vs_density,
    plot_superposition_grid,
)

__all__ = [
    "FIGSIZE",
    "HTMLTable",
    "neuron_regime_table",
    "GRAM_CMAP",
    "PHASE_COLORS",
    "STYLE",
    "SUPERPOSITION_CMAP",
    "density_label",
    "kind_label",
    "model_title",
    "plot_basis_alignment",
    "plot_candidate_losses",
    "plot_capacity_vs_density",
    "plot_dimensionality_histogram",
    "plot_dimensions_per_feature",
    "plot_feature_dimensionality",
    "plot_feature_directions",
    "plot_feature_spokes",
    "plot_loss_history",
    "plot_neuron_matrix",
    "plot_neuron_stacks",
    "plot_neuron_weights",
    "plot_relu_activity",
    "plot_one_sparse_response",
    "plot_phase_diagram",
    "plot_polytope_benefit",
    "plot_polytopes",
    "plot_probe_projection",
    "plot_represented_vs_density",
    "plot_superposition_grid",
    "plot_transform_loss_changes",
    "plot_word_offsets",
]
