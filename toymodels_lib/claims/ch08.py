"""Claims of chapter 8 (adversarial robustness: the optimal L2 attack, vulnerability across
sparsity, adversarial training).

The measures take what the page shows, as dicts:

- ``attacks``: ``analytic_rise`` and ``gradient_rise`` (the loss increase of the most harmful
  analytic attack and of the gradient attack, one per density), ``per_feature`` (every
  feature's analytic increase on the model at 1 − S = 0.05), ``silent_share`` (the share of
  the sparsest model's inputs that switch no ReLU on) and ``rise_on_silent`` (the analytic
  attack's loss increase on those inputs);
- ``vuln``: ``density``, ``vulnerability`` and ``features_per_dim`` (``‖W‖_F²/m``) per model;
- ``trained``: ``fractions`` (attack norm during training, × mean input norm) and
  ``features_per_dim`` of the adversarially trained models.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from . import at_least, between, claim

SECTION = "Superposition and Adversarial Robustness"


def _np(v: Any) -> np.ndarray:
    return torch.as_tensor(v, dtype=torch.float64).numpy() if not isinstance(v, np.ndarray) else v.astype(np.float64)


@claim(
    "ch08.features-differ",
    chapter=8,
    statement="At 1 − S = 0.05 the attacks on different features differ: the most harmful raises the loss at least 1.3 times as much as the least harmful.",
    paper="Take the most harmful of the per-feature attacks.",
    section=SECTION,
    criterion=at_least(1.3),
    unit="× (largest / smallest per-feature increase)",
)
def _differ(result: dict[str, Any]) -> float:
    r = _np(result["per_feature"])
    return float(r.max() / max(r.min(), 1e-12))


@claim(
    "ch08.analytic-near-gradient",
    chapter=8,
    statement="At every density the most harmful analytic attack raises the loss by at least 80% of what a gradient attack of the same norm (one perturbation per model, projected gradient ascent from δ = 0) achieves.",
    paper="The optimal L2 attack on feature i is λ (WᵀW)_i / ‖(WᵀW)_i‖.",
    section=SECTION,
    criterion=at_least(0.8),
    unit="(smallest analytic / gradient ratio)",
)
def _near(result: dict[str, Any]) -> float:
    return float(np.min(_np(result["analytic_rise"]) / _np(result["gradient_rise"])))


@claim(
    "ch08.silent-inputs",
    chapter=8,
    statement="At 1 − S = 0.01 at least half of the inputs switch no output ReLU on, so their loss has zero gradient; the analytic attack of this size barely changes their loss either (by less than a tenth of its average effect): both attacks act through the few inputs that switch a ReLU on.",
    paper="Gradient-based attacks have nothing to follow on very sparse inputs (the ReLUs are off).",
    section=SECTION,
    criterion=at_least(0.5),
    unit="of the inputs switch no ReLU on",
    digits=2,
)
def _silent(result: dict[str, Any]) -> float:
    overall = float(_np(result["analytic_rise"])[-1])
    if abs(result["rise_on_silent"]) >= 0.1 * overall:
        return float("nan")
    return float(result["silent_share"])


@claim(
    "ch08.dense-baseline",
    chapter=8,
    statement="With dense features (no superposition, ‖W‖_F²/m within 0.05 of 1) the vulnerability is 1 ± 0.05.",
    paper="Vulnerability is measured relative to a model without superposition.",
    section=SECTION,
    criterion=between(0.95, 1.05),
)
def _dense(result: dict[str, Any]) -> float:
    d = _np(result["density"])
    k = int(np.argmax(d))
    if abs(float(_np(result["features_per_dim"])[k]) - 1) > 0.05:
        return float("nan")
    return float(_np(result["vulnerability"])[k])


@claim(
    "ch08.vulnerability-rise",
    chapter=8,
    statement="As superposition forms, the vulnerability rises to at least 2.5 times the dense model's.",
    paper="Vulnerability rises by more than 3x as superposition forms.",
    paper_value="> 3×",
    section=SECTION,
    criterion=at_least(2.5),
    unit="× (largest vulnerability / dense)",
    digits=3,
)
def _rise(result: dict[str, Any]) -> float:
    v, d = _np(result["vulnerability"]), _np(result["density"])
    return float(v.max() / v[int(np.argmax(d))])


@claim(
    "ch08.vulnerability-tracks-superposition",
    chapter=8,
    statement="Across the sweep the vulnerability follows the number of features per dimension: their rank correlation is at least 0.8.",
    paper="Vulnerability tracks the number of features per dimension.",
    section=SECTION,
    criterion=at_least(0.8),
    unit="(Spearman rank correlation)",
)
def _tracks(result: dict[str, Any]) -> float:
    v, f = _np(result["vulnerability"]), _np(result["features_per_dim"])
    rv, rf = np.argsort(np.argsort(v)), np.argsort(np.argsort(f))
    return float(np.corrcoef(rv, rf)[0, 1])


@claim(
    "ch08.small-attacks-keep-superposition",
    chapter=8,
    statement="Adversarial training with attacks of 0.1 times the mean input norm keeps at least 90% of the model's features per dimension.",
    paper="Adversarial training reduces superposition only with very large attacks.",
    section=SECTION,
    criterion=at_least(0.9),
    unit="of the features per dimension without attacks",
)
def _small(result: dict[str, Any]) -> float:
    fr, f = _np(result["fractions"]), _np(result["features_per_dim"])
    return float(f[int(np.argmin(np.abs(fr - 0.1)))] / f[int(np.argmin(np.abs(fr)))])


@claim(
    "ch08.removal-needs-large-attacks",
    chapter=8,
    statement="Superposition is gone (at most 1.5 features per dimension) only from an attack of 0.6 to 1.0 times the mean input norm on.",
    paper="About 80% of the input norm is needed to remove superposition.",
    paper_value="≈ 0.8",
    section=SECTION,
    criterion=between(0.6, 1.0),
    unit="× mean input norm (smallest attack with ≤ 1.5 features per dimension)",
    digits=2,
)
def _removal(result: dict[str, Any]) -> float:
    fr, f = _np(result["fractions"]), _np(result["features_per_dim"])
    order = np.argsort(fr)
    for k in order:
        if f[k] <= 1.5:
            return float(fr[k])
    return float("nan")


@claim(
    "ch08.represented-falls-later",
    chapter=8,
    statement="The number of represented features (‖W_i‖ > 0.5) falls more slowly: it comes down to one per dimension (at most m) only at an attack of at least the full mean input norm.",
    paper="Adversarial training reduces superposition only with very large attacks.",
    section=SECTION,
    criterion=at_least(1.0),
    unit="× mean input norm (smallest attack with at most m represented)",
    digits=3,
)
def _represented(result: dict[str, Any]) -> float:
    fr, rep = _np(result["fractions"]), _np(result["represented"])
    for k in np.argsort(fr):
        if rep[k] <= result["n_hidden"]:
            return float(fr[k])
    return float("nan")
