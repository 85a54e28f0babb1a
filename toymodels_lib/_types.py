"""Type aliases that put the shapes of the toy models' tensors into signatures.

They are plain aliases (a ``torch.Tensor`` or anything array-like the library converts),
named for the shape they carry, so a reader of a signature knows what goes in:

- ``Weights``: ``[instances, hidden, features]`` or one model's ``[hidden, features]``;
  column ``W[..., :, i]`` is feature ``i``'s direction.
- ``Biases``: ``[instances, features]`` or ``[features]``.
- ``Batch``: ``[instances, batch, features]``.
- ``PerInstance``: ``[instances]``; ``PerFeature``: ``[..., features]``.
- ``Probability``: a number, ``[instances]`` or ``[instances, features]`` (a sparsity or a
  density; which one is always said by the keyword, ``sparsity=`` or ``density=``).
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import torch

ArrayLike: TypeAlias = "torch.Tensor | np.ndarray | float | list[Any]"
Weights: TypeAlias = "torch.Tensor | np.ndarray"
Biases: TypeAlias = "torch.Tensor | np.ndarray"
Batch: TypeAlias = torch.Tensor
PerInstance: TypeAlias = torch.Tensor
PerFeature: TypeAlias = torch.Tensor
Probability: TypeAlias = "float | torch.Tensor | np.ndarray | list[float]"

__all__ = ["ArrayLike", "Batch", "Biases", "PerFeature", "PerInstance", "Probability", "Weights"]
