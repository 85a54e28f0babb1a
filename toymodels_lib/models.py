"""The toy-model family, with a leading instance axis so one object trains a whole sweep.

Shapes: weights ``W`` are ``[instances, hidden, features]`` (so ``W[k, :, i]`` is feature
``i``'s direction in instance ``k``), biases ``b`` are ``[instances, features]``, inputs and
outputs are ``[instances, batch, features]``.

Each instance's ``m x n`` matrix is initialised on its own (Xavier normal, std
``sqrt(2 / (m + n))``) from its own random stream, ``(seed, key)``: the scale does not
depend on the number of instances. The key is the instance's position by default; the
trainer uses ``(configuration, seed index)``, so a trained model starts from the same
weights whatever is created beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from ._loss import importance_weighted_loss
from ._types import Batch, Biases, PerInstance, Weights
from ._validate import as_float_tensor, as_weights, check_choice, check_positive_int, check_seed
from .data import INIT_STREAM, ActiveFeatures, StreamKey, _key_tuple, random_stream

__all__ = [
    "HiddenReLUBiasModel",
    "HiddenReLUModel",
    "LinearModel",
    "MODEL_KINDS",
    "ReLUOutputModel",
    "ToyModel",
    "UntiedReLUModel",
    "importance_weighted_loss",
    "make_model",
    "random_orthogonal",
]





def _xavier_per_instance(
    n_hidden: int, n_features: int, seed: int, keys: Sequence[tuple[int, ...]]
) -> torch.Tensor:
    std = (2.0 / (n_hidden + n_features)) ** 0.5
    out = np.empty((len(keys), n_hidden, n_features), dtype=np.float32)
    for k, key in enumerate(keys):
        g = random_stream(INIT_STREAM, seed, *key)
        out[k] = g.standard_normal((n_hidden, n_features), dtype=np.float32) * std
    return torch.from_numpy(out)


def _output_bias(b: Any, w_shape: tuple[int, ...], dtype: torch.dtype) -> torch.Tensor:
    """The output bias of ``from_weights``: ``b`` as ``[instances, features]`` for weights of shape
    ``w_shape`` (zeros when ``None``; one model's ``[features]`` is broadcast), or a ``ValueError``."""
    n_inst, _, n = w_shape
    if b is None:
        return torch.zeros(n_inst, n, dtype=dtype)
    bias = as_float_tensor("b", b, min_dim=1, max_dim=2, dtype=dtype)
    if bias.dim() == 1:
        bias = bias[None]
    if tuple(bias.shape) != (n_inst, n):
        raise ValueError(
            f"b must have shape [{n}] or [{n_inst}, {n}] to match W of shape {w_shape}, got {tuple(bias.shape)}"
        )
    return bias


class ToyModel(nn.Module):
    """Base class: ``h = W x`` then a model-specific read-out ``x' = f(Wᵀ h + b)``.

    Subclasses set ``kind`` (used in titles and by :func:`make_model`) and implement
    :meth:`forward`. The trainer calls :meth:`analytic_loss_grad` when a subclass
    provides it, which skips autograd for the output-family models.
    """

    kind: str = "base"
    label: str = "toy model"
    analytic_step: tuple[bool, bool] | None = None
    """``(ReLU on the output, ReLU on the hidden layer)`` of a kind whose loss and gradients
    :meth:`analytic_loss_grad` computes by hand; None: autograd."""

    def __init__(
        self,
        n_features: int,
        n_hidden: int,
        n_instances: int = 1,
        *,
        seed: int = 0,
        stream_keys: Sequence[StreamKey] | None = None,
        allow_expansion: bool = False,
    ) -> None:
        super().__init__()
        self.n_features = check_positive_int("n_features", n_features)
        self.n_hidden = check_positive_int("n_hidden", n_hidden)
        self.n_instances = check_positive_int("n_instances", n_instances)
        self.seed = check_seed("seed", seed)
        if not allow_expansion and self.n_hidden > self.n_features:
            raise ValueError(
                f"n_hidden={self.n_hidden} is larger than n_features={self.n_features}: a toy "
                "model compresses features into fewer dimensions (n_hidden <= n_features)"
            )
        if stream_keys is None:
            keys = [(k,) for k in range(self.n_instances)]
        else:
            keys = [_key_tuple("every stream_keys entry", k) for k in stream_keys]
            if len(keys) != self.n_instances:
                raise ValueError(
                    f"stream_keys has {len(keys)} entries; it needs one per instance ({self.n_instances})"
                )
        self.W = nn.Parameter(_xavier_per_instance(self.n_hidden, self.n_features, self.seed, keys))
        self.b = nn.Parameter(torch.zeros(self.n_instances, self.n_features))

    # ------------------------------------------------------------------ helpers
    def extra_repr(self) -> str:
        return (
            f"kind={self.kind!r}, n_features={self.n_features}, n_hidden={self.n_hidden}, "
            f"n_instances={self.n_instances}"
        )

    def check_input(self, x: Any) -> torch.Tensor:
        """Validate a batch ``[n_instances, batch, n_features]`` and return it."""
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
        expected = f"[{self.n_instances}, batch, {self.n_features}] (instances, batch, features)"
        if x.dim() != 3:
            raise ValueError(f"x must have shape {expected}, got {tuple(x.shape)}")
        if x.shape[0] != self.n_instances or x.shape[2] != self.n_features:
            raise ValueError(f"x must have shape {expected}, got {tuple(x.shape)}")
        if not x.is_floating_point():
            raise TypeError(f"x must be a floating-point tensor, got {x.dtype}")
        return x

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """Hidden activations ``h = W x``: ``[instances, batch, hidden]``."""
        x = self.check_input(x)
        # computed as (W xᵀ)ᵀ: much faster on CPU than x Wᵀ for a narrow hidden layer
        return torch.bmm(self.W, x.transpose(1, 2)).transpose(1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def analytic_loss_grad(
        self,
        x: torch.Tensor,
        importance: torch.Tensor,
        active: ActiveFeatures | None = None,
        instances: tuple[int, int] | None = None,
        grads_out: tuple[torch.Tensor, torch.Tensor] | None = None,
        with_loss: bool = True,
        features_first: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None:
        """Per-instance loss and gradients ``(loss [I], dW, db)`` without autograd, or None.

        ``active``, when given, lists the nonzero entries of some instances of ``x``
        (:class:`~toymodels_lib.data.ActiveFeatures`); products with ``x`` then touch only
        those entries for those instances. ``instances=(lo, hi)`` restricts the call to
        instances ``lo .. hi-1`` (``x`` and ``importance`` then hold just those).
        ``grads_out=(dW, db)``: contiguous tensors to write the gradients into (the
        trainer's flat gradient buffer), returned as ``dW, db``. ``with_loss=False``
        skips the loss (returned as an empty tensor) on steps that do not log it.
        ``features_first=True``: ``x`` is laid out ``[I, n, B]`` (``x.transpose(1, 2)`` of
        the usual batch, contiguous), which the trainer uses for models with few features
        (:data:`toymodels_lib.train.loop.FEATURES_FIRST_MAX`): the products then run along the batch, several times
        faster, and the importance scales the small gradient matrices instead of every
        entry. The gradients agree with the usual layout's to float rounding (not bit for
        bit); ``active`` is not taken in this layout."""
        if self.analytic_step is None:
            return None
        relu, hidden_relu = self.analytic_step
        return _analytic(
            self, x, importance, active, instances, grads_out, with_loss, relu=relu, hidden_relu=hidden_relu,
            features_first=features_first,
        )

    @property
    def has_analytic_step(self) -> bool:
        """Whether :meth:`analytic_loss_grad` computes this model's loss and gradients: its
        kind has the hand-derived step and its parameters are exactly ``W`` and ``b`` (the
        model with a hidden bias trains through autograd)."""
        return self.analytic_step is not None and list(self.parameters()) == [self.W, self.b]

    @torch.no_grad()
    def loss(self, x: Batch, importance: torch.Tensor) -> PerInstance:
        """Importance-weighted loss per instance, ``E_x Σ_i I_i (x_i − x'_i)²``: ``[instances]``."""
        return importance_weighted_loss(self(x), x, importance)

    @classmethod
    def from_weights(
        cls,
        W: Weights,
        b: Biases | None = None,
        *,
        kind: str | None = None,
        dtype: torch.dtype = torch.float32,
        allow_expansion: bool = False,
    ) -> "ToyModel":
        """A model holding the given weights: the one way to set a model's weights by hand.

        ``W`` is ``[instances, hidden, features]`` or one model's ``[hidden, features]``;
        ``b`` (default zeros) is ``[instances, features]`` or ``[features]``. Call it on a
        model class (``ReLUOutputModel.from_weights(W, b)``) or on ``ToyModel`` with
        ``kind=`` (one of ``MODEL_KINDS``). The parameters are ``dtype`` (float32, like a
        trained model; ``torch.float64`` for exact comparisons). Weights with more hidden
        dimensions than features are refused as the paper notebook's ``[features, hidden]``
        layout unless ``allow_expansion=True``.
        """
        if kind is not None:
            check_choice("kind", kind, tuple(MODEL_KINDS))
            if cls is not ToyModel and cls is not MODEL_KINDS[kind]:
                raise ValueError(f"kind={kind!r} contradicts the class {cls.__name__}")
            cls = MODEL_KINDS[kind]
        if cls is UntiedReLUModel:
            raise TypeError(
                "an untied model has two weight matrices: build it with "
                "UntiedReLUModel.from_weights(W, W_out, b)"
            )
        if kind is None and (cls is ToyModel or cls is _OutputModel):
            raise TypeError(
                "ToyModel.from_weights needs kind= (one of "
                + ", ".join(repr(k) for k in MODEL_KINDS)
                + "), or call it on a model class such as ReLUOutputModel"
            )
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
        w = as_weights("W", W, min_dim=2, max_dim=3, allow_expansion=allow_expansion, expansion_keyword=True,
                       dtype=dtype)
        if w.dim() == 2:
            w = w[None]
        n_inst, m, n = w.shape
        bias = _output_bias(b, tuple(w.shape), dtype)
        model = cls(n, m, n_inst, allow_expansion=True)
        model.W = nn.Parameter(w.clone())
        model.b = nn.Parameter(bias.clone())
        return model


class _OutputModel(ToyModel):
    """``x' = act(Wᵀ W x + b)`` with ``act`` the identity or ReLU."""

    relu: bool = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.hidden(x)
        out = torch.baddbmm(self.b[:, None, :], h, self.W)
        return torch.relu(out) if self.relu else out


def _analytic(
    model: ToyModel,
    x: torch.Tensor,
    importance: torch.Tensor,
    active: ActiveFeatures | None,
    instances: tuple[int, int] | None,
    grads_out: tuple[torch.Tensor, torch.Tensor] | None,
    with_loss: bool,
    *,
    relu: bool,
    hidden_relu: bool,
    features_first: bool = False,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    lo, hi = (0, model.n_instances) if instances is None else instances
    feature_axis = 1 if features_first else 2
    if (
        not (0 <= lo < hi <= model.n_instances) or x.dim() != 3 or x.shape[0] != hi - lo
        or x.shape[feature_axis] != model.n_features
    ):
        layout = f"[hi - lo, {model.n_features}, batch]" if features_first else f"[hi - lo, batch, {model.n_features}]"
        raise ValueError(
            f"instances={instances!r} and x of shape {tuple(x.shape)}: need 0 <= lo < hi <= {model.n_instances} "
            f"and x of shape {layout}"
        )
    W, b = model.W.detach()[lo:hi], model.b.detach()[lo:hi]
    if features_first:
        if active is not None:
            raise ValueError("active entries are taken in the [instances, batch, features] layout only, not with features_first=True")
        if not x.is_contiguous():
            raise ValueError("with features_first=True, x must be a contiguous [instances, features, batch] tensor")
        return _features_first_loss_grad(
            W, b, x, importance, relu, _workspace(model, x, (lo, hi), 2), hidden_relu=hidden_relu, grads_out=grads_out, with_loss=with_loss
        )
    scratch = _workspace(model, x, (lo, hi))
    return _output_loss_grad(
        W, b, x, importance, relu, active, scratch, hidden_relu=hidden_relu, grads_out=grads_out, with_loss=with_loss
    )


def _output_loss_grad(
    W: torch.Tensor,
    b: torch.Tensor,
    x: torch.Tensor,
    importance: torch.Tensor,
    relu: bool,
    active: ActiveFeatures | None,
    scratch: list[torch.Tensor],
    *,
    hidden_relu: bool = False,
    grads_out: tuple[torch.Tensor, torch.Tensor] | None = None,
    with_loss: bool = True,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # Forward: hᵀ = W xᵀ (ReLU'd if hidden_relu), z = h W + b, y = act(z);
    #          L_k = (1/B) Σ_b Σ_i I_i (y - x)².
    # Backward: dz = (2/B) I (y - x) ⊙ act'(z); db = Σ_b dz; dhᵀ = W dzᵀ (⊙ 1[h > 0]
    #           if hidden_relu); dW = hᵀ dz + dhᵀ x.
    # The hidden layer is kept transposed ([I, m, B]): products with a wide output
    # are several times faster on CPU than the same product with a 5-wide output.
    n_inst, batch = x.shape[0], x.shape[1]
    sparse = None if active is None else _SparseProducts(W, x, active)
    hT = torch.bmm(W, x.transpose(1, 2)) if sparse is None else sparse.hidden_t()
    if hidden_relu:
        hT.relu_()
    # The [I, B, n] passes write into three buffers kept from step to step: a fresh
    # tensor of that size costs more than the arithmetic (page faults on first touch).
    y, d, dz = scratch
    torch.baddbmm(b[:, None, :], hT.transpose(1, 2), W, out=y)
    if relu and with_loss:
        # on the other steps y keeps z: where z > 0, relu(z) − x is z − x, and elsewhere
        # the ReLU's backward below zeroes the gradient, so every gradient is the same
        y.relu_()
    torch.sub(y, x, out=d)
    torch.mul(d, (importance * (2.0 / batch))[:, None, :], out=dz)
    # loss_k = ½ Σ_{b,i} dz·d (d's memory is free after this)
    loss = torch.mul(dz, d, out=d).view(n_inst, -1).sum(1).mul_(0.5) if with_loss else dz.new_empty(0)
    if relu:
        # ReLU's backward: keep the gradient where the output is positive (one pass)
        torch.ops.aten.threshold_backward.grad_input(dz, y, 0.0, grad_input=dz)
    dW_out, db_out = (None, None) if grads_out is None else grads_out
    db = torch.sum(dz, 1, out=db_out) if db_out is not None else dz.sum(1)
    dhT = torch.bmm(W, dz.transpose(1, 2))
    if hidden_relu:  # the hidden ReLU's backward: h > 0 exactly where W x > 0
        torch.ops.aten.threshold_backward.grad_input(dhT, hT, 0.0, grad_input=dhT)
    dW = torch.bmm(hT, dz, out=dW_out) if dW_out is not None else torch.bmm(hT, dz)
    if sparse is None:
        dW.baddbmm_(dhT, x)
    else:
        sparse.add_input_grad(dW, dhT)
    return loss, dW, db


def _features_first_loss_grad(
    W: torch.Tensor,
    b: torch.Tensor,
    x: torch.Tensor,
    importance: torch.Tensor,
    relu: bool,
    scratch: list[torch.Tensor],
    *,
    hidden_relu: bool,
    grads_out: tuple[torch.Tensor, torch.Tensor] | None,
    with_loss: bool,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # The step of _output_loss_grad with x laid out [I, n, B] (x here is that xᵀ):
    #   hᵀ = W xᵀ (ReLU'd if hidden_relu), zᵀ = Wᵀ hᵀ + b, yᵀ = act(zᵀ), dᵀ = yᵀ − xᵀ.
    # With c_i = 2 I_i / B the output gradient is dz = c ⊙ g, g = d ⊙ act'(z), and c
    # moves onto the small matrices: db = c ⊙ Σ_b g, dhᵀ = (W ⊙ c) gᵀ (⊙ 1[h > 0]),
    # dW = (hᵀ g) ⊙ c + dhᵀ x. So the [I, n, B] passes are: y, act, d, act' (four, one
    # fewer than with the importance on every entry), and every product runs along B.
    batch = x.shape[2]
    c = importance * (2.0 / batch)  # [I, n]
    hT, y, d = _features_first_forward(W, b, x, relu and with_loss, hidden_relu, scratch)
    loss = _features_first_loss(d, c) if with_loss else d.new_empty(0)
    if relu:  # g = d where the output is positive, else 0
        torch.ops.aten.threshold_backward.grad_input(d, y, 0.0, grad_input=d)
    g = d
    dW_out, db_out = (None, None) if grads_out is None else grads_out
    db = torch.sum(g, 2, out=db_out) if db_out is not None else g.sum(2)
    db.mul_(c)
    dhT = torch.bmm(W * c[:, None, :], g)  # [I, m, B]
    if hidden_relu:
        torch.ops.aten.threshold_backward.grad_input(dhT, hT, 0.0, grad_input=dhT)
    dW = torch.bmm(hT, g.transpose(1, 2), out=dW_out) if dW_out is not None else torch.bmm(hT, g.transpose(1, 2))
    dW.mul_(c[:, None, :])
    dW.baddbmm_(dhT, x.transpose(1, 2))
    return loss, dW, db


def _features_first_forward(
    W: torch.Tensor, b: torch.Tensor, x: torch.Tensor, relu: bool, hidden_relu: bool, scratch: list[torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``hᵀ`` ``[I, m, B]``, ``yᵀ`` and ``dᵀ = yᵀ − xᵀ`` (in ``scratch``) for ``x`` laid
    out ``[I, n, B]``. ``relu``: whether to apply the output ReLU (a step that needs only
    gradients may leave ``y = z``; see :func:`_output_loss_grad`)."""
    hT = torch.bmm(W, x)
    if hidden_relu:
        hT.relu_()
    y, d = scratch
    torch.baddbmm(b[:, :, None], W.transpose(1, 2), hT, out=y)
    if relu:
        y.relu_()
    torch.sub(y, x, out=d)
    return hT, y, d


def _features_first_loss(d: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """``L_k = (1/B) Σ_i I_i Σ_b d² = ½ Σ_i c_i Σ_b d²`` for ``d`` ``[I, n, B]`` and
    ``c = 2 I / B``, the sums of squares as dot products (no ``[I, n, B]`` temporary)."""
    n_inst, n, batch = d.shape
    flat = d.view(n_inst * n, 1, batch)
    return torch.bmm(flat, flat.transpose(1, 2)).view(n_inst, n).mul_(c).sum(1).mul_(0.5)


@torch.no_grad()
def features_first_loss(model: ToyModel, x: torch.Tensor, importance: torch.Tensor, scratch: list[torch.Tensor]) -> torch.Tensor:
    """The importance-weighted loss per instance ``[I]`` of a model with the analytic step
    on ``x`` laid out ``[I, n, B]`` (the grouped evaluation of models with few features);
    ``scratch``: two tensors shaped like ``x``. Equal to :meth:`ToyModel.loss` on
    ``x.transpose(1, 2)`` up to float rounding."""
    if model.analytic_step is None:
        raise ValueError(f"a {model.kind!r} model has no analytic step; use model.loss")
    relu, hidden_relu = model.analytic_step
    _, _, d = _features_first_forward(model.W.detach(), model.b.detach(), x, relu, hidden_relu, scratch)
    return _features_first_loss(d, importance * (2.0 / x.shape[2]))


def _workspace(model: ToyModel, x: torch.Tensor, instances: tuple[int, int], count: int = 3) -> list[torch.Tensor]:
    """``count`` scratch tensors shaped like ``x`` for one group of instances, kept on the
    model while ``x``'s shape, dtype and device stay the same (the trainer's batches; it
    drops them when it finishes)."""
    key = (tuple(x.shape), x.dtype, x.device, count)
    held = model.__dict__.setdefault("_scratch", {})
    if instances not in held or held[instances][0] != key:
        held[instances] = (key, [torch.empty(x.shape, dtype=x.dtype, device=x.device) for _ in range(count)])
    return held[instances][1]


class _SparseProducts:
    """The two products with the input, ``hᵀ = W xᵀ`` and ``dhᵀ x``, when some instances'
    inputs are given by their active entries: those instances gather and scatter ``m``-wide
    rows per active entry (about ``B · n · p`` of them) instead of a dense product."""

    def __init__(self, W: torch.Tensor, x: torch.Tensor, active: ActiveFeatures) -> None:
        n_inst, self.m, self.n = W.shape
        self.batch = x.shape[1]
        self.W, self.active = W, active
        mask = torch.ones(n_inst, dtype=torch.bool)
        mask[active.instances] = False
        self.dense = torch.nonzero(mask).flatten()
        self.x_dense = x.index_select(0, self.dense) if self.dense.numel() else None
        self.values = active.values[:, None]

    def hidden_t(self) -> torch.Tensor:
        """``hᵀ = W xᵀ``: ``[I, m, B]``."""
        W, a, m, B = self.W, self.active, self.m, self.batch
        hT = torch.empty(W.shape[0], m, B, dtype=W.dtype)
        if self.x_dense is not None:
            hT.index_copy_(0, self.dense, torch.bmm(W.index_select(0, self.dense), self.x_dense.transpose(1, 2)))
        w_rows = W.index_select(0, a.instances).transpose(1, 2).reshape(-1, m)  # [S·n, m]
        h = torch.zeros(a.instances.numel() * B, m, dtype=W.dtype)
        h.index_add_(0, a.rows, w_rows.index_select(0, a.cols).mul_(self.values))
        hT.index_copy_(0, a.instances, h.view(-1, B, m).transpose(1, 2))
        return hT

    def add_input_grad(self, dW: torch.Tensor, dhT: torch.Tensor) -> None:
        """``dW += dhᵀ x``."""
        a, m, n = self.active, self.m, self.n
        if self.x_dense is not None:  # as in the dense step: the product accumulates into dW
            part = dW.index_select(0, self.dense).baddbmm_(dhT.index_select(0, self.dense), self.x_dense)
            dW.index_copy_(0, self.dense, part)
        dh = dhT.index_select(0, a.instances).transpose(1, 2).reshape(-1, m)  # [S·B, m]
        g = torch.zeros(a.instances.numel() * n, m, dtype=dW.dtype)
        g.index_add_(0, a.cols, dh.index_select(0, a.rows).mul_(self.values))
        dW.index_add_(0, a.instances, g.view(-1, n, m).transpose(1, 2))


class LinearModel(_OutputModel):
    """Linear toy model ``x' = Wᵀ W x + b``."""

    kind = "linear"
    label = "Linear"
    relu = False
    analytic_step = (False, False)


class ReLUOutputModel(_OutputModel):
    """ReLU-output toy model ``x' = ReLU(Wᵀ W x + b)``."""

    kind = "relu"
    label = "ReLU output"
    relu = True
    analytic_step = (True, False)


class HiddenReLUModel(ToyModel):
    """Toy model with a privileged hidden basis: ``x' = ReLU(Wᵀ ReLU(W x) + b)``.

    The ReLU on the hidden layer acts coordinate by coordinate, so the hidden
    coordinates are neurons.
    """

    kind = "hidden_relu"
    label = "ReLU hidden layer"
    analytic_step = (True, True)
    # (labels are used in titles and legends; plots look them up here, by kind)

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(super().hidden(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.hidden(x)
        return torch.relu(torch.baddbmm(self.b[:, None, :], h, self.W))

    def pre_activations(self, x: torch.Tensor) -> torch.Tensor:
        """The neurons' inputs before the ReLU, ``W x``: ``[instances, batch, hidden]``."""
        return ToyModel.hidden(self, x)

    @torch.no_grad()
    def active_fraction(self, x: Batch) -> torch.Tensor:
        """For each instance and neuron, the fraction of the inputs ``x``
        (``[instances, batch, features]``) on which the neuron's input is positive, so that
        its ReLU passes it on: ``[instances, hidden]`` (chapter 9)."""
        return (self.pre_activations(x) > 0).to(torch.float64).mean(1)


class HiddenReLUBiasModel(HiddenReLUModel):
    """The hidden-ReLU model with a bias on its neurons (chapter 9):
    ``x' = ReLU(Wᵀ ReLU(W x + c) + b)``.

    ``c`` (``[instances, hidden]``, started at zero) is trained like ``W`` and ``b``; a
    :class:`~toymodels_lib.train.TrainResult` records ``W`` and ``b``, and ``result.model.c``
    holds the hidden bias. Chapter 9 uses it to show that a model given a hidden bias pushes
    its neurons' pre-activations positive, so the ReLU is almost always on and the layer is
    (almost) linear: the basis is no longer privileged. ``from_weights`` builds one with
    ``c = 0``; set ``model.c`` afterwards.
    """

    kind = "hidden_relu_bias"
    label = "ReLU hidden layer with bias"
    analytic_step = None  # the hidden bias c is a third parameter: autograd

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.c = nn.Parameter(torch.zeros(self.n_instances, self.n_hidden, dtype=self.W.dtype))

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(ToyModel.hidden(self, x) + self.c[:, None, :].to(self.W.dtype))

    def pre_activations(self, x: torch.Tensor) -> torch.Tensor:
        """The neurons' inputs ``W x + c`` before the ReLU: ``[instances, batch, hidden]``."""
        return ToyModel.hidden(self, x) + self.c[:, None, :].to(self.W.dtype)

    @classmethod
    def from_weights(  # type: ignore[override]
        cls,
        W: Weights,
        b: Biases | None = None,
        *,
        c: Any = None,
        kind: str | None = None,
        dtype: torch.dtype = torch.float32,
        allow_expansion: bool = False,
    ) -> "HiddenReLUBiasModel":
        """Like :meth:`ToyModel.from_weights`, with the hidden bias ``c`` (``[instances, hidden]``
        or one model's ``[hidden]``; default zeros)."""
        model = super().from_weights(W, b, kind=kind, dtype=dtype, allow_expansion=allow_expansion)
        assert isinstance(model, HiddenReLUBiasModel)
        shape = (model.n_instances, model.n_hidden)
        if c is None:
            hidden_bias = torch.zeros(shape, dtype=dtype)
        else:
            hidden_bias = as_float_tensor("c", c, min_dim=1, max_dim=2, dtype=dtype)
            if hidden_bias.dim() == 1:
                hidden_bias = hidden_bias[None]
            if tuple(hidden_bias.shape) != shape:
                raise ValueError(
                    f"c must have shape [{shape[1]}] or [{shape[0]}, {shape[1]}] (one bias per neuron), "
                    f"got {tuple(hidden_bias.shape)}"
                )
        model.c = nn.Parameter(hidden_bias.clone())
        return model


class UntiedReLUModel(ToyModel):
    """The untied two-layer model of "Computation in Superposition" (chapter 10):
    ``h = ReLU(W x)``, ``y' = ReLU(W_outᵀ h + b)``, trained to compute ``y = |x|``.

    Both matrices are ``[instances, hidden, features]``: ``W[k, :, i]`` is how feature
    ``i`` is written into the neurons, ``W_out[k, :, i]`` how output ``i`` reads them. Each
    is initialised per instance (Xavier normal) from its own random stream: ``W`` from the
    stream a tied model of the same key would use, ``W_out`` from a stream with one more
    key part, so neither depends on what trains beside it. The hidden layer has no bias
    (as in the paper). Unlike the tied models it may have more neurons than features
    (``n=3, m=6``). Train it with ``features="signed"`` and ``target=torch.abs``.
    """

    kind = "untied"
    label = "untied ReLU (|x|)"

    def __init__(
        self,
        n_features: int,
        n_hidden: int,
        n_instances: int = 1,
        *,
        seed: int = 0,
        stream_keys: Sequence[StreamKey] | None = None,
        allow_expansion: bool = True,
    ) -> None:
        super().__init__(
            n_features, n_hidden, n_instances, seed=seed, stream_keys=stream_keys,
            allow_expansion=allow_expansion,
        )
        if stream_keys is None:
            keys = [(k,) for k in range(self.n_instances)]
        else:
            keys = [_key_tuple("every stream_keys entry", k) for k in stream_keys]
        self.W_out = nn.Parameter(
            _xavier_per_instance(self.n_hidden, self.n_features, self.seed, [(*k, 1) for k in keys])
        )

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """The neurons ``h = ReLU(W x)``: ``[instances, batch, hidden]``."""
        return torch.relu(super().hidden(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.hidden(x)
        return torch.relu(torch.baddbmm(self.b[:, None, :], h, self.W_out))

    @classmethod
    def from_weights(  # type: ignore[override]
        cls,
        W: Weights,
        W_out: Weights | None = None,
        b: Biases | None = None,
        *,
        dtype: torch.dtype = torch.float32,
        allow_expansion: bool = True,
    ) -> "UntiedReLUModel":
        """An untied model holding the given weights (chapter 10's hand-built motifs).

        ``W`` and ``W_out`` are both ``[instances, hidden, features]`` (or one model's
        ``[hidden, features]``); ``b`` is ``[instances, features]`` or ``[features]``
        (default zeros). More neurons than features is allowed (``allow_expansion=True``).
        """
        if W_out is None:
            raise TypeError("UntiedReLUModel.from_weights needs W_out, the read-out weights [instances, hidden, features]")
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
        w = as_weights("W", W, min_dim=2, max_dim=3, allow_expansion=allow_expansion, expansion_keyword=True,
                       dtype=dtype)
        w_out = as_weights("W_out", W_out, min_dim=2, max_dim=3, allow_expansion=allow_expansion,
                           expansion_keyword=True, dtype=dtype)
        if w.dim() == 2:
            w = w[None]
        if w_out.dim() == 2:
            w_out = w_out[None]
        if tuple(w_out.shape) != tuple(w.shape):
            raise ValueError(
                f"W_out must have the shape of W {tuple(w.shape)} (instances, hidden, features), "
                f"got {tuple(w_out.shape)}"
            )
        n_inst, m, n = w.shape
        bias = _output_bias(b, tuple(w.shape), dtype)
        model = cls(n, m, n_inst, allow_expansion=True)
        model.W = nn.Parameter(w.clone())
        model.W_out = nn.Parameter(w_out.clone())
        model.b = nn.Parameter(bias.clone())
        return model


MODEL_KINDS: dict[str, type[ToyModel]] = {
    cls.kind: cls for cls in (LinearModel, ReLUOutputModel, HiddenReLUModel, HiddenReLUBiasModel, UntiedReLUModel)
}


def make_model(
    kind: str,
    n_features: int,
    n_hidden: int,
    n_instances: int = 1,
    *,
    seed: int = 0,
    stream_keys: Sequence[StreamKey] | None = None,
) -> ToyModel:
    """Build a toy model by name: one of ``MODEL_KINDS`` (``"linear"``, ``"relu"``, …).

    Instance ``k`` is initialised from the stream ``(seed, stream_keys[k])``, by default
    ``(seed, k)``; :func:`~toymodels_lib.train.train_models` passes
    ``(configuration, seed index)`` keys so a model does not depend on its position."""
    check_choice("kind", kind, tuple(MODEL_KINDS))
    return MODEL_KINDS[kind](n_features, n_hidden, n_instances, seed=seed, stream_keys=stream_keys)


def random_orthogonal(m: int, seed: int = 0, *, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """A random ``m x m`` orthogonal matrix, uniformly distributed (Haar), from ``seed``.

    The Q of a Gaussian matrix's QR decomposition, with the signs fixed so that the
    distribution is uniform. ``R @ W`` rotates (or reflects) a model's hidden space.
    """
    m = check_positive_int("m", m)
    seed = check_seed("seed", seed)
    g = torch.Generator().manual_seed(seed)
    Q, R = torch.linalg.qr(torch.randn(m, m, generator=g, dtype=torch.float64))
    return (Q * torch.sign(torch.diagonal(R))).to(dtype)
