"""Checks for the exercises of chapter 3, the linear-vs-ReLU toy model."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .. import metrics
from ._common import call_learner as _call
from ._common import check_prediction as _check_prediction
from ._common import compare as _compare
from ._common import passed as _passed

__all__ = [
    "check_importance_weighted_loss",
    "check_relu_forward",
    "check_sparse_batch",
    "check_superposition",
    "check_train_toy_model",
    "check_uniform_prediction",
]


def check_sparse_batch(fn: Callable[[int, int, float], torch.Tensor]) -> None:
    """Exercise: ``fn(batch_size, n_features, sparsity)`` returns sparse uniform features.

    Each entry must be 0 with probability ``sparsity`` and otherwise uniform on [0, 1],
    independently for every entry. Checked statistically on large seeded batches.
    """
    cases = [(20000, 10, 0.0), (20000, 10, 0.5), (40000, 5, 0.9)]
    for k, (batch, n, s) in enumerate(cases, 1):
        case = f"case {k} (batch_size={batch}, n_features={n}, sparsity={s})"
        torch.manual_seed(1234 + k)
        x = _call(fn, case, batch, n, s)
        if tuple(x.shape) != (batch, n):
            raise AssertionError(f"{case}: expected shape {(batch, n)}, got {tuple(x.shape)}")
        x = x.detach().double()
        if x.min() < 0 or x.max() > 1:
            raise AssertionError(
                f"{case}: values must lie in [0, 1], got min {float(x.min()):.3g}, max {float(x.max()):.3g}"
            )
        zero_frac = float((x == 0).double().mean())
        sd = (s * (1 - s) / x.numel()) ** 0.5
        if abs(zero_frac - s) > 5 * sd + 2e-3:
            hint = " (is the probability of being zero S, not 1 − S?)" if abs(zero_frac - (1 - s)) < 0.02 else ""
            raise AssertionError(
                f"{case}: expected a fraction {s} of zeros, got {zero_frac:.4f}{hint}"
            )
        active = x[x > 0]
        mean, var = float(active.mean()), float(active.var())
        if abs(mean - 0.5) > 0.01 or abs(var - 1 / 12) > 0.01:
            raise AssertionError(
                f"{case}: active features should be uniform on [0, 1] (mean 0.5, variance 0.083), "
                f"got mean {mean:.3f}, variance {var:.3f}"
            )
        if 0 < s < 1:
            # independence: the chance that two features are both zero should be s²
            both = float(((x[:, 0] == 0) & (x[:, 1] == 0)).double().mean())
            if abs(both - s * s) > 0.02:
                raise AssertionError(
                    f"{case}: features 0 and 1 are both zero in a fraction {both:.3f} of rows; for "
                    f"independent features it should be about {s * s:.3f}. Draw a separate "
                    "zero/non-zero decision for every entry"
                )
    _passed("check_sparse_batch", len(cases))


def _fixed_model(seed: int, n: int, m: int, batch: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    W = torch.randn(m, n, generator=g) * 0.5
    b = torch.randn(n, generator=g) * 0.2
    x = torch.rand(batch, n, generator=g) * (torch.rand(batch, n, generator=g) < 0.3)
    return W, b, x


def check_relu_forward(fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W, b, x)`` is the ReLU-output model ``ReLU(x Wᵀ W + b)``.

    ``W`` is ``[m, n]``, ``b`` is ``[n]``, ``x`` is ``[batch, n]``; the result is ``[batch, n]``.
    """
    cases = [(0, 6, 2, 8), (1, 20, 5, 16), (2, 5, 5, 4)]
    for k, (seed, n, m, batch) in enumerate(cases, 1):
        W, b, x = _fixed_model(seed, n, m, batch)
        case = f"case {k} (n={n}, m={m}, batch={batch})"
        out = _call(fn, case, W.clone(), b.clone(), x.clone())
        expected = torch.relu(x @ W.T @ W + b)
        _compare(
            case,
            expected,
            out,
            hints={
                "the model without the bias b": torch.relu(x @ W.T @ W),
                "the model without the ReLU": x @ W.T @ W + b,
                "ReLU applied before adding the bias": torch.relu(x @ W.T @ W) + b,
            },
        )
    _passed("check_relu_forward", len(cases))


def check_importance_weighted_loss(
    fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
) -> None:
    """Exercise: ``fn(x, x_hat, importance)`` is ``mean_batch Σ_i I_i (x_i − x̂_i)²`` (a scalar)."""
    cases = [(0, 8, 5), (1, 32, 20), (2, 1, 3)]
    for k, (seed, batch, n) in enumerate(cases, 1):
        g = torch.Generator().manual_seed(100 + seed)
        x = torch.rand(batch, n, generator=g)
        x_hat = torch.rand(batch, n, generator=g)
        imp = 0.7 ** torch.arange(n, dtype=torch.float32)
        case = f"case {k} (batch={batch}, n_features={n})"
        out = _call(fn, case, x.clone(), x_hat.clone(), imp.clone())
        sq = (x - x_hat) ** 2
        expected = (sq * imp).sum(-1).mean()
        _compare(
            case,
            expected,
            out.reshape(()) if out.numel() == 1 else out,
            hints={
                "the mean over features (the paper sums over features)": (sq * imp).mean(),
                "the loss without the importance weights": sq.sum(-1).mean(),
                "a sum over the batch (take the mean over the batch)": (sq * imp).sum(),
                "importance applied to the error before squaring": ((x - x_hat) * imp).pow(2).sum(-1).mean(),
            },
        )
    _passed("check_importance_weighted_loss", len(cases))


def check_superposition(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Exercise: ``fn(W)`` returns ``Σ_{j≠i} (Ŵ_i·W_j)²`` for each feature ``i`` (``W`` is ``[m, n]``)."""
    g = torch.Generator().manual_seed(7)
    antipodal = torch.tensor([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]])
    cases = [
        ("an antipodal pair and an orthogonal feature", antipodal),
        ("a random 5 x 20 matrix", torch.randn(5, 20, generator=g)),
        ("a random 2 x 6 matrix", torch.randn(2, 6, generator=g)),
    ]
    for k, (desc, W) in enumerate(cases, 1):
        case = f"case {k} ({desc})"
        out = _call(fn, case, W.clone())
        expected = metrics.superposition(W)
        unit = W / W.norm(dim=0, keepdim=True)
        _compare(
            case,
            expected,
            out,
            hints={
                "a sum that includes j = i (leave the feature itself out)": ((unit.T @ W) ** 2).sum(-1),
                "cosines squared (only W_i is normalised, not W_j)": ((unit.T @ unit) ** 2).sum(-1) - 1,
                "sums over the wrong axis (the result for W_j, not W_i)": ((unit.T @ W) ** 2).sum(0)
                - torch.diagonal((unit.T @ W) ** 2),
            },
        )
    _passed("check_superposition", len(cases))


def _eval_batch(n: int, density: float, seed: int, size: int = 65_536) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.rand(size, n, generator=g) * (torch.rand(size, n, generator=g) < density)


def check_train_toy_model(fn: Callable[..., tuple[torch.Tensor, torch.Tensor]]) -> None:
    """Exercise: ``fn(n_features, n_hidden, sparsity, importance, steps, seed)`` trains one
    ReLU-output model and returns its ``(W [m, n], b [n])``.

    Two runs of 1,000 steps on 5 features in 2 dimensions with importance ``0.9**i``, each
    scored by the paper's loss on 65,536 fresh inputs. Dense (``sparsity=0``): the loss must
    come within 10% of the best any model with 2 dimensions can do, keeping the top two
    features (``Σ_{i≥2} I_i / 12``). Sparse (``sparsity=0.9``): the loss must be under half
    the best linear model's, with at least 4 features represented, which only a trained ReLU
    model in superposition reaches.
    """
    n, m = 5, 2
    importance = 0.9 ** torch.arange(n, dtype=torch.float32)
    dropped = importance[m:].sum()
    cases = [
        # (sparsity, bound on the loss, what the bound is, at least this many represented)
        (0.0, float(1.1 * dropped / 12), "within 10% of the best 2-dimensional model (top two features kept)", 2),
        (0.9, float(0.5 * dropped * (0.1 / 3 - 0.05**2)), "half the loss of the best linear model", 4),
    ]
    for k, (sparsity, bound, what, min_rep) in enumerate(cases, 1):
        case = f"case {k} (n_features={n}, n_hidden={m}, sparsity={sparsity}, importance=0.9**i, steps=1000)"
        torch.manual_seed(100 + k)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # a model this small trains about twice as fast on one thread
        try:
            out = _call(fn, case, n, m, sparsity, importance.clone(), 1000, k, returns=tuple)
        finally:
            torch.set_num_threads(threads)
        if len(out) != 2 or not all(isinstance(t, torch.Tensor) for t in out):
            raise AssertionError(f"{case}: return the pair (W, b) of tensors, got {type(out).__name__} of length {len(out)}")
        W, b = (t.detach().float() for t in out)
        if tuple(W.shape) == (n, m):
            raise AssertionError(f"{case}: W has shape {(n, m)}; the book's layout is [n_hidden, n_features] = {(m, n)} (transpose it)")
        if tuple(W.shape) != (m, n) or tuple(b.shape) != (n,):
            raise AssertionError(f"{case}: expected W of shape {(m, n)} and b of shape {(n,)}, got {tuple(W.shape)} and {tuple(b.shape)}")
        if not (torch.isfinite(W).all() and torch.isfinite(b).all()):
            raise AssertionError(f"{case}: W or b holds NaN or infinity; is the learning rate too large?")
        x = _eval_batch(n, 1.0 - sparsity, seed=7 + k)
        loss = float((importance * (x - torch.relu(x @ W.T @ W + b)) ** 2).sum(-1).mean())
        represented = int((W.norm(dim=0) > 0.5).sum())
        if loss > bound:
            hint = ""
            if sparsity > 0 and loss > 2 * bound * 0.95:
                hint = " Your model does no better than a linear one: is the ReLU applied to W^T W x + b?"
            elif sparsity == 0:
                hint = " Is the model being trained (optimizer.step() after loss.backward(), gradients zeroed)?"
            raise AssertionError(
                f"{case}: the trained model's loss on fresh inputs is {loss:.4f}; it should be at most "
                f"{bound:.4f} ({what}).{hint}"
            )
        if represented < min_rep:
            raise AssertionError(
                f"{case}: {represented} features have ||W_i|| > 0.5; a trained model represents at least {min_rep}"
            )
    _passed("train_toy_model", len(cases))


def check_uniform_prediction(fn: Callable[[], str]) -> None:
    """Exercise (predict, then run): ``fn()`` returns ``"more"``, ``"fewer"`` or ``"same"``: how
    many features a ReLU model with n = 20, m = 5 represents at 1 − S = 0.1 when every feature
    is equally important, against the importance ``0.7**i`` of the chapter's figure.

    The answer is ``"more"``; the run after the exercise trains the model and the claim
    ``ch03.uniform-represents-more`` asserts it on the models the page shows.
    """
    _check_prediction(
        fn, "uniform_prediction", ("more", "fewer", "same"), "more",
        "With I_i = 0.7**i, feature 19 is worth 0.7**19 ≈ 0.001 of "
        "feature 0: its benefit is too small to pay for its interference. What happens to that "
        "trade when every feature is worth as much as feature 0? Run the next cell and count.",
    )
