"""Paper-style figures, every one a function that returns a matplotlib ``Figure``, grouped by idea.

One style for the whole book (:mod:`.style`: ``STYLE``; superposition always coloured on
the fixed scale 0–1 of ``SUPERPOSITION_CMAP``; titles and labels generated from the
configuration, model names from the model classes). :mod:`.superposition` has the
paper's ``WᵀW`` grid and the feature counts against density, :mod:`.directions` the 2-D
arrow pictures, :mod:`.geometry` feature dimensionalities and polytopes,
:mod:`.neurons` privileged bases, :mod:`.phase` phase changes.
"""

from .adversarial import plot_adversarial_training, plot_attack_per_feature, plot_vulnerability
from .computation import plot_abs_weights, plot_motif_weights, plot_neuron_stacks_across_sparsity
from .dictionary import plot_feature_recovery, plot_sae_directions, plot_sae_tradeoff
from .directions import plot_feature_directions, plot_feature_spokes, plot_probe_projection, plot_word_offsets
from .dynamics import plot_dimensionality_jumps, plot_directions_3d, plot_regimes
from .geometry import (
    plot_dimensionality_histogram,
    plot_dimensions_per_feature,
    plot_feature_dimensionality,
    plot_polytope_benefit,
    plot_polytopes,
)
from .neurons import (
    neuron_regime_table,
    plot_basis_alignment,
    plot_neuron_matrix,
    plot_neuron_stacks,
    plot_neuron_weights,
    plot_relu_activity,
    plot_transform_loss_changes,
)
from .phase import PHASE_COLORS, plot_candidate_losses, plot_phase_diagram
from .style import (
    COLUMN_WIDTH_IN,
    FIGSIZE,
    GRAM_CMAP,
    STYLE,
    SUPERPOSITION_CMAP,
    density_label,
    kind_label,
    legibility_problems,
    model_title,
    panel_layout,
    use_in_notebook,
)
from .superposition import (
    plot_capacity_vs_density,
    plot_loss_history,
    plot_one_sparse_response,
    plot_represented_vs_density,
    plot_superposition_grid,
)
from .table import Table, table

__all__ = [
    "Table",
    "COLUMN_WIDTH_IN",
    "FIGSIZE",
    "neuron_regime_table",
    "GRAM_CMAP",
    "PHASE_COLORS",
    "STYLE",
    "SUPERPOSITION_CMAP",
    "density_label",
    "kind_label",
    "legibility_problems",
    "model_title",
    "plot_adversarial_training",
    "plot_attack_per_feature",
    "panel_layout",
    "plot_abs_weights",
    "plot_motif_weights",
    "plot_neuron_stacks",
    "plot_neuron_stacks_across_sparsity",
    "plot_basis_alignment",
    "plot_candidate_losses",
    "plot_capacity_vs_density",
    "plot_dimensionality_histogram",
    "plot_dimensionality_jumps",
    "plot_dimensions_per_feature",
    "plot_directions_3d",
    "plot_feature_dimensionality",
    "plot_feature_directions",
    "plot_feature_recovery",
    "plot_feature_spokes",
    "plot_loss_history",
    "plot_neuron_matrix",
    "plot_neuron_weights",
    "plot_relu_activity",
    "plot_one_sparse_response",
    "plot_phase_diagram",
    "plot_polytope_benefit",
    "plot_polytopes",
    "plot_probe_projection",
    "plot_regimes",
    "plot_represented_vs_density",
    "plot_sae_directions",
    "plot_sae_tradeoff",
    "plot_superposition_grid",
    "plot_transform_loss_changes",
    "plot_vulnerability",
    "plot_word_offsets",
    "table",
    "use_in_notebook",
]

use_in_notebook()
