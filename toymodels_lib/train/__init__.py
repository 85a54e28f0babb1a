"""One fast trainer for every toy model.

The loss is the paper's: per instance, ``L = E_x Σ_i I_i (x_i − x'_i)²``, a sum over
features and a mean over the batch (the paper's own notebook and many replications take
the mean over features instead, which is smaller by a factor ``n``). Instances are trained
together but independently: the optimiser is elementwise and the total loss is the sum of
the per-instance losses, so each instance gets exactly its own gradient.

Speed comes from the instance-first layout (batched matrix products, no transposes), one
random draw per feature value from per-instance streams filled on two threads, and, for
the linear and ReLU-output models, a hand-derived backward pass that skips autograd (it is
tested against autograd).
"""

from .config import TrainConfig, lr_factor
from .loop import DataSource, Hook, Target, configuration_sparsity, evaluate_loss, fit, train_models
from .recorders import WeightRecorder, recorded_losses
from .result import TrainResult

__all__ = [
    "DataSource",
    "Hook",
    "Target",
    "TrainConfig",
    "TrainResult",
    "WeightRecorder",
    "configuration_sparsity",
    "evaluate_loss",
    "fit",
    "lr_factor",
    "recorded_losses",
    "train_models",
]
