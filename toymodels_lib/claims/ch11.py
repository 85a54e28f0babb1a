"""Claims of chapter 11 (sparse dictionary learning: sparse autoencoders recover the true
features of toy models; dead latents and resampling; the sparsity/reconstruction trade-off).

The measures take what the page shows: an evaluated :class:`~toymodels_lib.sae.SAEResult`
(``first``), dicts of them (``{"plain", "resampled"}``; ``{"n20", "n40"}``) and the sweep
``{dictionary size: SAEResult}`` with one instance per L1 value and seed.
"""

from __future__ import annotations

import torch

from ..metrics import feature_norms
from ..sae import SAEResult, evaluate_sae
from . import at_least, claim, equals, is_true

SECTION = "Strategic Picture: sparse dictionary learning (Sharkey et al. 2022; Bricken et al. 2023)"
RECOVERED = "a feature is recovered when some decoder direction has cosine > 0.95 with it"


def _m(result: SAEResult) -> dict[str, torch.Tensor]:
    return result.metrics or evaluate_sae(result)


def _full(result: SAEResult) -> torch.Tensor:
    n = int((feature_norms(result.W_true) > 0.5).sum())
    return _m(result)["recovered"] >= n


def _per_l1(result: SAEResult, key: str) -> torch.Tensor:
    """``metrics[key]`` as ``[l1 values, seeds]``."""
    return _m(result)[key].reshape(-1, result.n_seeds)


def _l1_index(result: SAEResult, l1: float) -> int:
    values = [float(v) for v in result.l1[:: result.n_seeds]]
    return min(range(len(values)), key=lambda i: abs(values[i] - l1))


@claim(
    "ch11.pentagon-recovered",
    chapter=11,
    statement="Five latents (L1 = 0.3, learning rate 0.03) on the pentagon's hidden states: 7 of 8 seeds recover all five features.",
    paper="Sparse dictionary learning can take features out of superposition when the features are sparse.",
    section=SECTION,
    criterion=at_least(7),
    unit="of 8 seeds recover all 5",
    selection=RECOVERED,
)
def _pentagon(first: SAEResult) -> int:
    return int(_full(first).sum())


@claim(
    "ch11.pentagon-merged-seed",
    chapter=11,
    statement="The seeds that miss features have no dead latent: a latent sits between two features and fires for both (their L0 is higher, and their fraction of variance unexplained lower, than every full seed's).",
    paper="(the book's own observation)",
    section=SECTION,
    criterion=is_true(),
)
def _merged(first: SAEResult) -> bool:
    m, full = _m(first), _full(first)
    if bool(full.all()):
        return False
    miss = ~full
    return (
        bool((m["dead"][miss] == 0).all())
        and float(m["l0"][miss].min()) > float(m["l0"][full].max())
        and float(m["fvu"][miss].max()) < float(m["fvu"][full].min())
    )


@claim(
    "ch11.pentagon-one-latent-per-feature",
    chapter=11,
    statement="The seeds that recover all five have a mean max cosine of at least 0.998 and an L0 between 0.24 and 0.28, close to the 0.25 features active per input.",
    paper="(the book's own observation)",
    section=SECTION,
    criterion=is_true(),
)
def _one_per(first: SAEResult) -> bool:
    m, full = _m(first), _full(first)
    return bool((m["mmcs"][full] >= 0.998).all()) and bool(((m["l0"][full] >= 0.24) & (m["l0"][full] <= 0.28)).all())


def _at(result: SAEResult, key: str, l1: float) -> torch.Tensor:
    return _per_l1(result, key)[_l1_index(result, l1)]


def _full_at(result: SAEResult, l1: float) -> torch.Tensor:
    n = int((feature_norms(result.W_true) > 0.5).sum())
    return _at(result, "recovered", l1) >= n


@claim(
    "ch11.dead-latents-miss-features",
    chapter=11,
    statement="At learning rate 0.1 and L1 = 0.3, without resampling, a seed ends with dead latents and misses features.",
    paper="Dead latents: some latents stop firing during training and never recover (Bricken et al. 2023).",
    section=SECTION,
    criterion=at_least(1),
    unit="seeds with dead latents and missed features",
)
def _dead(shown: dict[str, SAEResult]) -> int:
    r = shown["plain"]
    return int(((_at(r, "dead", 0.3) > 0) & ~_full_at(r, 0.3)).sum())


@claim(
    "ch11.dead-at-l1-1",
    chapter=11,
    statement="At learning rate 0.1 and L1 = 1, without resampling, every seed ends with at least two dead latents and no seed finds all five features.",
    paper="Dead latents: some latents stop firing during training and never recover (Bricken et al. 2023).",
    section=SECTION,
    criterion=is_true(),
)
def _dead_1(shown: dict[str, SAEResult]) -> bool:
    r = shown["plain"]
    return bool((_at(r, "dead", 1.0) >= 2).all()) and not bool(_full_at(r, 1.0).any())


@claim(
    "ch11.resampling-no-dead",
    chapter=11,
    statement="With dead latents resampled every 100 steps, at L1 = 0.3 no seed ends with a dead latent, 7 of 8 recover all five features, and every seed that had dead latents without resampling recovers all five.",
    paper="Resampling dead latents during training (Bricken et al. 2023).",
    section=SECTION,
    criterion=is_true(),
    selection=RECOVERED,
)
def _no_dead(shown: dict[str, SAEResult]) -> bool:
    plain, res = shown["plain"], shown["resampled"]
    had_dead = _at(plain, "dead", 0.3) > 0
    return (
        int(_at(res, "dead", 0.3).sum()) == 0
        and int(_full_at(res, 0.3).sum()) >= 7
        and bool(had_dead.any())
        and bool(_full_at(res, 0.3)[had_dead].all())
    )


@claim(
    "ch11.resampling-recovers-more",
    chapter=11,
    statement="At L1 = 1, resampling cuts the dead latents (summed over the seeds) by more than two thirds and raises the features found by more than a third; some seeds still end with dead latents.",
    paper="Resampling dead latents improves the dictionary (Bricken et al. 2023).",
    section=SECTION,
    criterion=is_true(),
    selection=RECOVERED,
)
def _more(shown: dict[str, SAEResult]) -> bool:
    plain, res = shown["plain"], shown["resampled"]
    dead_p, dead_r = int(_at(plain, "dead", 1.0).sum()), int(_at(res, "dead", 1.0).sum())
    found_p, found_r = int(_at(plain, "recovered", 1.0).sum()), int(_at(res, "recovered", 1.0).sum())
    return 3 * dead_r < dead_p and 3 * found_r > 4 * found_p and dead_r > 0


@claim(
    "ch11.slow-no-dead",
    chapter=11,
    statement="At learning rate 0.03 (the first run) no seed has a dead latent.",
    paper="(the book's own observation)",
    section=SECTION,
    criterion=equals(0),
    unit="dead latents, all seeds",
)
def _slow(first: SAEResult) -> int:
    return int(_m(first)["dead"].sum())


@claim(
    "ch11.l1-trades-reconstruction-for-sparsity",
    chapter=11,
    statement="For every dictionary size, the largest L1 coefficient gives a lower L0 and a higher fraction of variance unexplained than the smallest.",
    paper="The L1 coefficient trades reconstruction for sparsity.",
    section=SECTION,
    criterion=is_true(),
)
def _tradeoff(sweep: dict[int, SAEResult]) -> bool:
    ok = True
    for r in sweep.values():
        l0, fvu = _per_l1(r, "l0").mean(1), _per_l1(r, "fvu").mean(1)
        ok &= bool(l0[-1] < l0[0]) and bool(fvu[-1] > fvu[0])
    return ok


@claim(
    "ch11.five-latents-need-l1",
    chapter=11,
    statement="With five latents no seed recovers all five features at L1 ≤ 0.1, where the latents are dense mixtures (L0 at least 0.4 against 0.25 active features); at L1 = 0.3 and at L1 = 1 most seeds (at least 2 of 3) do.",
    paper="(the book's own observation)",
    section=SECTION,
    criterion=is_true(),
    selection=RECOVERED,
)
def _need_l1(sweep: dict[int, SAEResult]) -> bool:
    r = sweep[5]
    full = (_per_l1(r, "recovered") >= 5)
    values = [float(v) for v in r.l1[:: r.n_seeds]]
    low = [i for i, v in enumerate(values) if v <= 0.1 + 1e-9]
    high = [_l1_index(r, 0.3), _l1_index(r, 1.0)]
    dense = bool((_per_l1(r, "l0").mean(1)[low] >= 0.4).all())
    return dense and (not bool(full[low].any())) and all(2 * int(full[i].sum()) > r.n_seeds for i in high)


@claim(
    "ch11.twenty-latents-full",
    chapter=11,
    statement="Twenty latents recover all five features in every seed at L1 = 1 and in two of three at L1 = 0.3, at a higher L0 than five latents at the same L1.",
    paper="(the book's own observation)",
    section=SECTION,
    criterion=is_true(),
    selection=RECOVERED,
)
def _twenty_full(sweep: dict[int, SAEResult]) -> bool:
    big, five = sweep[20], sweep[5]
    ok = bool(_full_at(big, 1.0).all()) and int(_full_at(big, 0.3).sum()) >= 2
    for l1 in (0.3, 1.0):
        ok &= float(_at(big, "l0", l1).mean()) > float(_at(five, "l0", l1).mean())
    return ok


@claim(
    "ch11.three-latents-merge",
    chapter=11,
    statement="Three latents: up to L1 = 0.3 no seed puts all three latents on features; at least one latent lies between features.",
    paper="Too small a dictionary merges features (Sharkey et al. 2022).",
    section=SECTION,
    criterion=is_true(),
)
def _merge(sweep: dict[int, SAEResult]) -> bool:
    r = sweep[3]
    values = [float(v) for v in r.l1[:: r.n_seeds]]
    upto = [i for i, v in enumerate(values) if v <= 0.3 + 1e-9]
    return bool((_per_l1(r, "recovered")[upto] < 3).all())


def _split(r: SAEResult, l1: float) -> torch.Tensor:
    """Per seed at ``l1``: the most live latents within 0.95 cosine of one feature."""
    m = _m(r)
    W = r.W_true / r.W_true.norm(dim=0, keepdim=True)
    cos = r.W_dec.transpose(1, 2) @ W  # [instances, latents, features]
    live = ~m["dead_mask"]
    per_feature = ((cos > 0.95) & live[..., None]).sum(1).max(-1).values
    i = _l1_index(r, l1)
    return per_feature.reshape(-1, r.n_seeds)[i]


@claim(
    "ch11.twenty-latents-split",
    chapter=11,
    statement="Twenty latents at L1 = 0.3: every seed has a feature matched by two or more live latents, a live latent that matches no feature, and a dead latent.",
    paper="Too large a dictionary splits features over several latents (Bricken et al. 2023).",
    section=SECTION,
    criterion=is_true(),
)
def _split_claim(sweep: dict[int, SAEResult]) -> bool:
    r = sweep[20]
    unmatched = _unmatched(r, 0.3)
    return (
        bool((_split(r, 0.3) >= 2).all())
        and bool((unmatched >= 1).all())
        and bool((_at(r, "dead", 0.3) >= 1).all())
    )


def _unmatched(r: SAEResult, l1: float) -> torch.Tensor:
    """Per seed at ``l1``: live latents within 0.95 cosine of no feature."""
    m = _m(r)
    W = r.W_true / r.W_true.norm(dim=0, keepdim=True)
    best = (r.W_dec.transpose(1, 2) @ W).max(-1).values  # [instances, latents]
    count = ((best <= 0.95) & ~m["dead_mask"]).sum(-1)
    return count.reshape(-1, r.n_seeds)[_l1_index(r, l1)]


@claim(
    "ch11.n20-recovered",
    chapter=11,
    statement="n = 20, m = 5 (I_i = 0.7^i, 1−S = 0.1): a 20-latent SAE recovers all 9 represented features in one seed and all but one in the other.",
    paper="Sparse dictionary learning recovers the features of toy models (Sharkey et al. 2022).",
    section=SECTION,
    criterion=equals("best 9 of 9, worst 8 of 9"),
    selection=RECOVERED,
)
def _n20(shown: dict[str, SAEResult]) -> str:
    r = shown["n20"]
    rec, n = _m(r)["recovered"], int((feature_norms(r.W_true) > 0.5).sum())
    return f"best {int(rec.max())} of {n}, worst {int(rec.min())} of {n}"


@claim(
    "ch11.n40-recovered",
    chapter=11,
    statement="n = 40, m = 10 (uniform, 1−S = 0.05): a 40-latent SAE recovers all 40 features in one seed and at least 38 in the other, with mean max cosine above 0.97 in both.",
    paper="Sparse dictionary learning recovers the features of toy models (Sharkey et al. 2022).",
    section=SECTION,
    criterion=is_true(),
    selection=RECOVERED,
)
def _n40(shown: dict[str, SAEResult]) -> bool:
    m = _m(shown["n40"])
    return int(m["recovered"].max()) == 40 and int(m["recovered"].min()) >= 38 and bool((m["mmcs"] > 0.97).all())
