"""Metrics of trained toy models: pure functions of the weights.

Every function takes ``W`` with shape ``[..., hidden, features]`` (one model ``[m, n]``, or
any number of leading instance axes) as a torch tensor or NumPy array, and returns a torch
tensor with the leading axes kept. Column ``W[..., :, i]`` is feature ``i``'s direction.

A toy model has no more hidden dimensions than features, so weights with more rows than
columns are refused with a ``ValueError`` that suggests ``W.T`` (the paper's notebook stores
``[features, hidden]``). A model that really expands (more neurons than features, as in
the absolute-value task) passes ``allow_expansion=True``; so does a group of a few
features taken from a larger model (``W[:, group]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral

import torch

from ._types import Weights
from ._validate import as_float_tensor, as_weights, check_positive_int, check_real

__all__ = [
    "normalise_neurons",
    "angular_gaps",
    "antipodal_pairs",
    "classify_extra_feature",
    "classify_set_arrangement",
    "basis_alignment",
    "dedicated_features",
    "cosine_similarity_matrix",
    "dimensions_per_feature",
    "feature_dimensionality",
    "feature_groups",
    "feature_norms",
    "find_polytope",
    "group_coordinates",
    "group_spans",
    "interference",
    "max_cosine_similarity",
    "n_antipodal",
    "n_monosemantic",
    "n_represented",
    "neuron_blocks",
    "neuron_regime",
    "neuron_top_feature_fraction",
    "regular_simplex_error",
    "superposition",
]

_EPS = 1e-12


def _weights(W: Weights, allow_expansion: bool, *, min_dim: int = 2, max_dim: int | None = None) -> torch.Tensor:
    """``W`` read by the library's one weight reader (numbers, finite, not empty, layout)."""
    return as_weights("W", W, min_dim=min_dim, max_dim=max_dim, allow_expansion=allow_expansion,
                      expansion_keyword=True)


def _one_model(W: Weights, allow_expansion: bool) -> torch.Tensor:
    w = as_weights("W", W, allow_expansion=allow_expansion, expansion_keyword=True)
    if w.dim() != 2:
        raise ValueError(f"W must be one model's weights [hidden, features], got shape {tuple(w.shape)}")
    return w


# The private functions below take weights already read by _weights.


def _unit(w: torch.Tensor) -> torch.Tensor:
    return w / w.norm(dim=-2, keepdim=True).clamp_min(_EPS)


def _cosines(w: torch.Tensor) -> torch.Tensor:
    unit = _unit(w)
    return unit.transpose(-1, -2) @ unit


def _dimensionality(w: torch.Tensor) -> torch.Tensor:
    norms = w.norm(dim=-2)
    proj = _unit(w).transpose(-1, -2) @ w
    denom = (proj**2).sum(-1)
    return torch.where(denom > _EPS, norms**2 / denom.clamp_min(_EPS), torch.zeros_like(denom))


def _neuron_fraction(w: torch.Tensor) -> torch.Tensor:
    sq = w**2
    total = sq.sum(-1)
    return torch.where(total > _EPS, sq.amax(-1) / total.clamp_min(_EPS), torch.zeros_like(total))


def _antipodal_mask(w: torch.Tensor, cos_th: float, th: float) -> torch.Tensor:
    rep = w.norm(dim=-2) > th
    both = rep.unsqueeze(-1) & rep.unsqueeze(-2)
    return (_cosines(w) < cos_th) & both


def _groups(w: torch.Tensor, cos_th: float, th: float) -> list[list[int]]:
    cos = _cosines(w).abs()
    idx = torch.nonzero(w.norm(dim=-2) > th).flatten().tolist()
    seen: set[int] = set()
    groups: list[list[int]] = []
    for start in idx:
        if start in seen:
            continue
        stack, comp = [start], []
        seen.add(start)
        while stack:
            i = stack.pop()
            comp.append(i)
            for j in idx:
                if j not in seen and cos[i, j] > cos_th:
                    seen.add(j)
                    stack.append(j)
        groups.append(sorted(comp))
    groups.sort(key=lambda g: (-len(g), g[0]))
    return groups


# The public functions: each reads W once, through _weights or _one_model.


def feature_norms(W: Weights, *, allow_expansion: bool = False) -> torch.Tensor:
    """``‖W_i‖`` for each feature: ``[..., features]``."""
    return _weights(W, allow_expansion).norm(dim=-2)


def cosine_similarity_matrix(W: Weights, *, allow_expansion: bool = False) -> torch.Tensor:
    """``Ŵ_iᵀ Ŵ_j`` between feature directions: ``[..., features, features]`` (0 for a zero column)."""
    return _cosines(_weights(W, allow_expansion))


def interference(W: Weights, *, allow_expansion: bool = False) -> torch.Tensor:
    """``WᵀW`` with its diagonal zeroed: how much each feature leaks into the others."""
    w = _weights(W, allow_expansion)
    g = w.transpose(-1, -2) @ w
    return g - torch.diag_embed(torch.diagonal(g, dim1=-2, dim2=-1))


def superposition(W: Weights, *, allow_expansion: bool = False) -> torch.Tensor:
    """``Σ_{j≠i} (Ŵ_i·W_j)²`` for each feature: ``[..., features]``.

    Zero when feature ``i`` is orthogonal to every other feature; large when other
    features project strongly onto its direction. The paper colours its norm bars by this.
    """
    w = _weights(W, allow_expansion)
    proj = _unit(w).transpose(-1, -2) @ w  # [..., i, j] = Ŵ_i · W_j
    sq = proj**2
    return sq.sum(-1) - torch.diagonal(sq, dim1=-2, dim2=-1)


def dimensions_per_feature(W: Weights, *, allow_expansion: bool = False) -> torch.Tensor:
    """``D* = m / ‖W‖_F²``: hidden dimensions per embedded feature (``[...]``)."""
    w = _weights(W, allow_expansion)
    m = w.shape[-2]
    return m / (w**2).sum(dim=(-2, -1)).clamp_min(_EPS)


def feature_dimensionality(W: Weights, *, allow_expansion: bool = False) -> torch.Tensor:
    """``D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)²``: the fraction of a dimension feature ``i`` gets.

    1 for a feature with a dimension to itself, 1/2 for an antipodal pair, 2/5 in a
    pentagon; 0 for a feature that is not represented. ``Σ_i D_i`` is at most ``m``.
    """
    return _dimensionality(_weights(W, allow_expansion))


def n_represented(W: Weights, threshold: float = 0.5, *, allow_expansion: bool = False) -> torch.Tensor:
    """How many features have ``‖W_i‖ > threshold``: ``[...]`` integers."""
    th = check_real("threshold", threshold, low=0.0)
    return (_weights(W, allow_expansion).norm(dim=-2) > th).sum(-1)


def n_antipodal(
    W: Weights, cosine: float = -0.9, threshold: float = 0.5, *, allow_expansion: bool = False
) -> torch.Tensor:
    """How many represented features have an antipodal partner.

    A feature counts when its norm exceeds ``threshold`` and some other represented
    feature points the opposite way (cosine below ``cosine``). Returns ``[...]`` integers.
    """
    cos_th = check_real("cosine", cosine, low=-1.0, high=0.0)
    th = check_real("threshold", threshold, low=0.0)
    return _antipodal_mask(_weights(W, allow_expansion), cos_th, th).any(-1).sum(-1)


def antipodal_pairs(
    W: Weights, cosine: float = -0.9, threshold: float = 0.5, *, allow_expansion: bool = False
) -> list[tuple[int, int]]:
    """The antipodal pairs ``(i, j)``, ``i < j``, of one model ``W`` of shape ``[m, n]``."""
    cos_th = check_real("cosine", cosine, low=-1.0, high=0.0)
    th = check_real("threshold", threshold, low=0.0)
    w = _one_model(W, allow_expansion)
    mask = torch.triu(_antipodal_mask(w, cos_th, th), diagonal=1)
    return [(int(i), int(j)) for i, j in mask.nonzero().tolist()]


def basis_alignment(W: Weights, *, allow_expansion: bool = False) -> torch.Tensor:
    """For each feature, the fraction of its squared weight on its top neuron:
    ``max_j W_ji² / Σ_j W_ji²`` (``[..., features]``, 0 for a zero column).

    1 means the feature lies along one hidden coordinate (basis-aligned); a random
    direction in ``m`` dimensions gives much less.
    """
    sq = _weights(W, allow_expansion) ** 2
    total = sq.sum(-2)
    return torch.where(total > _EPS, sq.amax(-2) / total.clamp_min(_EPS), torch.zeros_like(total))


def neuron_top_feature_fraction(W: Weights, *, allow_expansion: bool = False) -> torch.Tensor:
    """For each neuron (hidden coordinate), the fraction of its squared weight that its
    top feature carries: ``max_i W_ji² / Σ_i W_ji²`` (``[..., hidden]``, 0 for a dead row)."""
    return _neuron_fraction(_weights(W, allow_expansion))


def n_monosemantic(W: Weights, threshold: float = 0.9, *, allow_expansion: bool = False) -> torch.Tensor:
    """How many neurons are monosemantic: one feature carries at least ``threshold`` of the
    neuron's squared weight. Returns ``[...]`` integers."""
    th = check_real("threshold", threshold, low=0.0, high=1.0)
    return (_neuron_fraction(_weights(W, allow_expansion)) >= th).sum(-1)


def dedicated_features(
    W: Weights, threshold: float = 0.9, min_weight: float = 0.5, *, allow_expansion: bool = False
) -> list[int]:
    """Features of one model ``[m, n]`` that have a neuron of their own (chapter 9): a
    monosemantic neuron ``j`` (its top feature carries at least ``threshold`` of its squared
    weight) whose top feature is ``i`` with ``|W_ji| ≥ min_weight``. Sorted feature numbers."""
    w = _one_model(W, allow_expansion)
    th = check_real("threshold", threshold, low=0.0, high=1.0)
    mw = check_real("min_weight", min_weight, low=0.0, low_open=True)
    frac = _neuron_fraction(w)
    top = w.abs().argmax(-1)
    found = {int(top[j]) for j in range(w.shape[0])
             if float(frac[j]) >= th and float(w[j, top[j]].abs()) >= mw}
    return sorted(found)


def neuron_blocks(W: Weights, min_weight: float = 0.5, *, allow_expansion: bool = False) -> list[list[int]]:
    """The neurons of one model ``[m, n]`` grouped into blocks (chapter 9): two neurons are in
    one block when some feature has a weight of at least ``min_weight`` in magnitude on both,
    and blocks are the connected groups this makes. A neuron dedicated to one feature is a
    block of one; two neurons that share features with each other and with no other neuron
    are a pair; when all neurons share features, there is one block. Neurons with no weight
    of ``min_weight`` are blocks of their own. Blocks sorted by size, then first neuron."""
    w = _one_model(W, allow_expansion)
    mw = check_real("min_weight", min_weight, low=0.0, low_open=True)
    strong = w.abs() >= mw  # [m, n]
    m = w.shape[0]
    link = (strong.double() @ strong.double().T) > 0
    seen: set[int] = set()
    blocks: list[list[int]] = []
    for start in range(m):
        if start in seen:
            continue
        block, todo = [], [start]
        seen.add(start)
        while todo:
            j = todo.pop()
            block.append(j)
            for k in range(m):
                if k not in seen and bool(link[j, k]):
                    seen.add(k)
                    todo.append(k)
        blocks.append(sorted(block))
    return sorted(blocks, key=lambda b: (len(b), b[0]))


def neuron_regime(
    W: Weights, threshold: float = 0.9, min_weight: float = 0.5, *, allow_expansion: bool = False
) -> str:
    """The regime of one model's neurons ``[m, n]`` in words (chapter 9), from its
    monosemantic neurons and its :func:`neuron_blocks`:

    - ``"all monosemantic"``: every neuron is monosemantic;
    - ``"dedicated beside pairs"``: some neurons are dedicated to one feature and the others
      form blocks of two (pairs of neurons sharing features);
    - ``"dedicated beside polysemantic"``: some dedicated neurons, the others in larger blocks;
    - ``"all polysemantic"``: no monosemantic neuron.
    """
    w = _one_model(W, allow_expansion)
    th = check_real("threshold", threshold, low=0.0, high=1.0)
    mono = _neuron_fraction(w) >= th
    m = w.shape[0]
    n_mono = int(mono.sum())
    if n_mono == m:
        return "all monosemantic"
    if n_mono == 0:
        return "all polysemantic"
    others = [b for b in neuron_blocks(w, min_weight, allow_expansion=True) if not (len(b) == 1 and bool(mono[b[0]]))]
    if others and all(len(b) == 2 for b in others):
        return "dedicated beside pairs"
    return "dedicated beside polysemantic"


def feature_groups(
    W: Weights, *, cosine: float = 0.1, threshold: float = 0.5, allow_expansion: bool = False
) -> list[list[int]]:
    """Groups of represented features that share a subspace, for one model ``W`` ``[m, n]``.

    Two represented features (``‖W_i‖ > threshold``) are linked when ``|cos(W_i, W_j)|``
    exceeds ``cosine``; the groups are the connected components, largest first. In
    uniform superposition the groups are the polytopes (digons, triangles, pentagons,
    tetrahedra, ...), each in a subspace nearly orthogonal to the others.
    """
    cos_th = check_real("cosine", cosine, low=0.0, high=1.0)
    th = check_real("threshold", threshold, low=0.0)
    return _groups(_one_model(W, allow_expansion), cos_th, th)


def group_spans(
    W: Weights, *, cosine: float = 0.25, threshold: float = 0.5, allow_expansion: bool = False
) -> list[tuple[list[int], int]]:
    """Each group of :func:`feature_groups` with the number of dimensions it spans (chapter 6).

    ``W`` is one model ``[m, n]``. The span is the rank of ``W[:, group]``, counting singular
    values above 5% of the group's longest vector (so a slightly bent digon still spans 1).
    In a tegum product the groups sit in orthogonal subspaces and their spans add up to at
    most ``m``; a total above ``m`` means the subspaces overlap. Returns ``[(group, span)]``,
    largest group first.
    """
    w = _one_model(W, allow_expansion)
    out = []
    for group in feature_groups(w, cosine=cosine, threshold=threshold, allow_expansion=True):
        sub = w[:, group]
        out.append((group, int(torch.linalg.matrix_rank(sub, atol=0.05 * float(sub.norm(dim=0).max())))))
    return out


def group_coordinates(
    W: Weights, group: Sequence[int], dims: int, *, allow_expansion: bool = False
) -> torch.Tensor:
    """The vectors ``W_i`` of the features in ``group`` in coordinates of their own span.

    ``W`` is one model ``[m, n]``; the basis is the top ``dims`` left singular vectors of
    ``W[:, group]``, so the result ``[dims, len(group)]`` keeps the group's lengths and
    angles when the group spans at most ``dims`` dimensions (a triangle drawn in its
    plane, a tetrahedron in its 3-D space). Computed in float64. The columns of one group
    alone (``W[:, group]``, usually fewer than ``m``) need ``allow_expansion=True``.
    """
    w = _one_model(W, allow_expansion)
    n = w.shape[1]
    allowed = f"a non-empty list of feature numbers in [0, {n})"
    if isinstance(group, (str, bytes)) or not isinstance(group, Iterable):
        raise TypeError(f"group must be {allowed}, got {group!r}")
    cols = list(group)
    if not cols or any(isinstance(i, bool) or not isinstance(i, Integral) for i in cols):
        raise TypeError(f"group must be {allowed}, got {cols!r}")
    if min(cols) < 0 or max(cols) >= n:
        raise ValueError(f"group must be {allowed}, got {cols!r}")
    dims = check_positive_int("dims", dims)
    sub = w[:, [int(i) for i in cols]].double()
    U, _, _ = torch.linalg.svd(sub, full_matrices=False)
    return U[:, :dims].T @ sub


def angular_gaps(W: Weights, threshold: float = 0.5, *, allow_expansion: bool = False) -> torch.Tensor:
    """The angles (degrees) between neighbouring feature directions of a model with a 2-D hidden space.

    ``W`` is ``[2, n]``. The represented features (``‖W_i‖ > threshold``) are taken in
    order of their angle once round the circle, and the gap from each to the next
    (including the one from the last back round to the first) is returned, sorted from
    smallest to largest: ``[k]`` float64 for ``k`` represented features, summing to 360.
    A regular pentagon gives five gaps of 72°; an antipodal pair, two of 180°.
    """
    th = check_real("threshold", threshold, low=0.0)
    w = _one_model(W, allow_expansion)
    if w.shape[0] != 2:
        raise ValueError(f"W must have a 2-D hidden space [2, features], got shape {tuple(w.shape)}")
    w = w[:, w.norm(dim=0) > th].double()
    angles = torch.sort(torch.rad2deg(torch.atan2(w[1], w[0]))).values
    return torch.sort(torch.diff(torch.cat([angles, angles[:1] + 360.0]))).values


def classify_extra_feature(
    W: Weights,
    *,
    norm_threshold: float = 0.5,
    superposition_threshold: float = 0.25,
    allow_expansion: bool = False,
) -> torch.Tensor:
    """Phase code of the last (extra) feature for weights ``W`` ``[..., m, n]`` (chapter 5).

    0 (not learned) if ``‖W_extra‖ < norm_threshold``; else 1 (superposition) if
    ``Σ_{j≠extra} (Ŵ_extra·W_j)² > superposition_threshold``; else 2 (dedicated).
    """
    check_real("norm_threshold", norm_threshold, low=0.0, low_open=True)
    check_real("superposition_threshold", superposition_threshold, low=0.0, low_open=True)
    w = _weights(W, allow_expansion)
    if w.shape[-1] < 2:
        raise ValueError(f"W must be [..., m, n] with n >= 2 features, got shape {tuple(w.shape)}")
    extra = w[..., :, -1]
    norm = extra.norm(dim=-1)
    unit = extra / norm.clamp_min(_EPS)[..., None]
    proj = torch.einsum("...m,...mn->...n", unit, w[..., :, :-1])
    sup = (proj**2).sum(-1)
    codes = torch.full(norm.shape, 2, dtype=torch.long)
    codes[sup > superposition_threshold] = 1
    codes[norm < norm_threshold] = 0
    return codes


def find_polytope(
    W: Weights, k: int, d: int, *, cosine: float = 0.25, threshold: float = 0.5, allow_expansion: bool = False
) -> tuple[float, int, list[int]] | None:
    """The cleanest group of ``k`` features spanning ``d`` dimensions in a stack of models (chapter 6).

    ``W`` is ``[models, m, n]``. Features are grouped per model by :func:`feature_groups`
    (``cosine`` links them); among the groups of exactly ``k`` features whose span has rank
    ``d``, the one whose dimensionalities ``D_i`` are all closest to ``d/k`` wins. Returns
    ``(largest |D_i − d/k|, model index, feature indices)``, or None when no group fits.
    """
    k = check_positive_int("k", k)
    d = check_positive_int("d", d)
    cos_th = check_real("cosine", cosine, low=0.0, high=1.0)
    th = check_real("threshold", threshold, low=0.0)
    w = _weights(W, allow_expansion)
    if w.dim() != 3:
        raise ValueError(f"W must be a stack of models [models, hidden, features], got shape {tuple(w.shape)}")
    dims = _dimensionality(w)
    best: tuple[float, int, list[int]] | None = None
    for j in range(w.shape[0]):
        for group in _groups(w[j], cos_th, th):
            sub = w[j][:, group]
            if len(group) != k:
                continue
            if int(torch.linalg.matrix_rank(sub, atol=0.05 * float(sub.norm(dim=0).max()))) != d:
                continue
            error = float((dims[j, group] - d / k).abs().max())
            if best is None or error < best[0]:
                best = (error, j, group)
    return best


def regular_simplex_error(W: Weights, *, allow_expansion: bool = False) -> torch.Tensor:
    """How far the ``k`` feature directions of a model are from a regular simplex (chapter 6):
    the largest ``|cos(W_i, W_j) + 1/(k − 1)|`` over pairs ``i ≠ j``. 0 for a regular
    triangle (cosines −1/2) or tetrahedron (−1/3); ``[...]`` for ``W`` ``[..., m, k]``. A group
    of features taken from a larger model (``W[:, group]``) needs ``allow_expansion=True``."""
    w = _weights(W, allow_expansion)
    k = w.shape[-1]
    if k < 2:
        raise ValueError(f"W must hold at least 2 features, got shape {tuple(w.shape)}")
    off = ~torch.eye(k, dtype=torch.bool)
    return (_cosines(w)[..., off] + 1.0 / (k - 1)).abs().amax(-1)


def classify_set_arrangement(
    W: Weights,
    sets: Sequence[Sequence[int]],
    *,
    cosine: float = 0.9,
    orthogonal: float = 0.2,
    threshold: float = 0.5,
    allow_expansion: bool = False,
) -> str:
    """Name the arrangement of one model whose features come in correlated sets (chapter 7).

    ``W`` is one model ``[m, n]``; ``sets`` lists the feature indices of each set. Returns
    ``"octahedron"`` when every feature is represented, the features pair up into antipodal
    pairs (cosine below ``-cosine``) that each join two different sets, and features of the
    same set are orthogonal (``|cos| < orthogonal``); otherwise a short description:
    ``"k of n represented"`` when some feature is not represented,
    ``"each set orthogonal, a antipodal pairs"`` when the sets' features are orthogonal but
    not paired into the octahedron, else ``"a antipodal pairs (c across sets)"``.
    """
    w = _one_model(W, allow_expansion)
    cos_th = check_real("cosine", cosine, low=0.0, high=1.0)
    orth = check_real("orthogonal", orthogonal, low=0.0, high=1.0)
    th = check_real("threshold", threshold, low=0.0)
    n = w.shape[-1]
    if isinstance(sets, (str, bytes)) or not isinstance(sets, Sequence) or not sets:
        raise TypeError(f"sets must be a non-empty list of lists of feature indices, got {sets!r}")
    owner: dict[int, int] = {}
    for si, group in enumerate(sets):
        for i in group:
            if isinstance(i, bool) or not isinstance(i, Integral) or not 0 <= int(i) < n:
                raise ValueError(f"sets must hold feature indices in [0, {n}), got {i!r}")
            if int(i) in owner:
                raise ValueError(f"feature {int(i)} appears in more than one set")
            owner[int(i)] = si
    norms = w.norm(dim=0)
    rep = [i for i in range(n) if float(norms[i]) > th]
    if len(rep) < n:
        return f"{len(rep)} of {n} represented"
    cos = _cosines(w)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if float(cos[i, j]) < -cos_th]
    across = sum(1 for i, j in pairs if owner.get(i) != owner.get(j))
    partners = sorted(k for p in pairs for k in p)
    same_set_orthogonal = all(
        abs(float(cos[i, j])) < orth for group in sets for i in group for j in group if i < j
    )
    if partners == list(range(n)) and across == len(pairs) and same_set_orthogonal:
        return "octahedron"
    if same_set_orthogonal:
        return f"each set orthogonal, {len(pairs)} antipodal pairs"
    return f"{len(pairs)} antipodal pairs ({across} across sets)"
def max_cosine_similarity(W: Weights, D: Weights) -> torch.Tensor:
    """For each true feature ``W_i``, the best cosine with any dictionary direction ``D_j``.

    ``W`` is one toy model's ``[hidden, features]``; ``D`` is ``[..., hidden, latents]``
    (a sparse autoencoder's decoder, with or without an instance axis; it may have more
    columns than rows). Returns ``[..., features]``: ``max_j Ŵ_i·D̂_j``, 1 when some
    direction points exactly along feature ``i`` (chapter 11's recovery). A zero column
    has cosine 0 with everything.
    """
    w = _one_model(W, False)
    d = as_weights("D", D, allow_expansion=True)
    if d.shape[-2] != w.shape[0]:
        raise ValueError(
            f"D must have as many rows as W has hidden dimensions ({w.shape[0]}), got shape {tuple(d.shape)}"
        )
    cos = _unit(d).transpose(-1, -2) @ _unit(w)  # [..., latents, features]
    return cos.max(dim=-2).values


def normalise_neurons(W: Weights, W_out: Weights) -> tuple[torch.Tensor, torch.Tensor]:
    """Rescale each neuron of an untied model so that its largest input weight ``max_i |W_ji|``
    is 1, and its read-out weights by the inverse (chapter 10): ``W`` and ``W_out`` are one
    model's ``[hidden, features]``. A ReLU commutes with a positive scale, so the model computes
    the same function; the rescaled weights are comparable across neurons. Dead neurons (all
    input weights 0) are left as they are. Float64 results."""
    w = as_float_tensor("W", W, min_dim=2, max_dim=2, dtype=torch.float64)
    w_out = as_float_tensor("W_out", W_out, min_dim=2, max_dim=2, dtype=torch.float64)
    if w.shape != w_out.shape:
        raise ValueError(
            f"W and W_out must have the same shape [hidden, features], got {tuple(w.shape)} and {tuple(w_out.shape)}"
        )
    scale = w.abs().amax(1, keepdim=True)
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    return w / scale, w_out * scale
