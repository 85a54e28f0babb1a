#!/usr/bin/env python
"""Remake the sweeps the book ships (``make artifacts``).

Some sweeps take minutes, too long to run each time a chapter executes; the chapter then
loads the shipped file with ``toymodels_lib.sweeps.load_or_train`` (and can retrain it).
This script remakes each file from its registered settings and seed, through the same
``sweeps.make`` the chapters call, into the library's package data
(``toymodels_lib/sweeps/shipped/``):

- ``phase_2in1``, ``phase_3in2`` (chapter 5): a 10 × 10 grid of relative importance
  (0.1–10) and density (1–0.01) × 10 seeds of ReLU-output models, one batched run each
  (Adam, lr 1e-2, cosine decay, 1,500 steps of 512, seed 0). About ten minutes each.
- ``phase_theory`` (chapter 5): the optimised candidates of both phase problems on the same
  grid (the 3-in-2 triangle among them) and along r = 1; no training, nothing random.
  About one to two minutes.
- ``uniform_geometry`` (chapter 6): n = 400 features in m = 30 dimensions, uniform
  importance, 24 densities with ``1/(1 − S)`` from 1 to 100 (4,000 steps of 256, Adam,
  lr 1e-2 with cosine decay, biases started at the feature mean, seed 0); weights stored
  as float16 (about 0.55 MB). About 3–5 minutes on an idle 2-core CPU.
- ``computation_abs`` (chapter 10): untied models computing |x| of n = 100 signed sparse
  features with m = 40 neurons, importance 0.8^i, at 1 − S = 1, 0.3, 0.1, 0.03, 0.01,
  0.003, two seeds each, the lower-loss kept (Adam, lr 3e-3, cosine decay, 8,000 steps of
  1,024, seed 0). ``--jobs 2`` trains two densities at once. About 10–15 minutes on an idle
  2-core CPU.
- ``privileged_basis`` (chapter 9): hidden-ReLU models ``h = ReLU(W x)``,
  ``x' = ReLU(Wᵀ h + b)``, n = 10, m = 5, ``I_i = 0.75^i``, at 10 densities from 0.75 to
  0.01 × 40 seeds, one batched run (Adam, lr 1e-2 with cosine decay, 4,000 steps of
  1,024, seed 0); every seed's loss on 131,072 samples, so the chapter can keep the
  lowest-loss seed per density. About 15 minutes of CPU time (the shipped file took 43
  minutes of wall time on a 2-core machine shared with other jobs); 91 kB.
- ``hidden_bias`` (chapter 9): the same models with a bias on the hidden layer,
  ``h = ReLU(W x + c)``, at 1 − S = 0.35, 0.1, 0.03 × 8 seeds (same settings); the hidden
  biases ``c`` are stored beside ``W`` and ``b``. About two minutes.

Usage::

    python scripts/make_artifacts.py                          # every sweep, shipped settings
    python scripts/make_artifacts.py --sweep uniform_geometry --steps 500 --out /tmp/data
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

from toymodels_lib import sweeps
from toymodels_lib.metrics import dimensions_per_feature, feature_dimensionality


def _summary(result: sweeps.PhaseDiagram | sweeps.Artifact) -> None:
    if isinstance(result, sweeps.PhaseDiagram):
        print(
            f"  agreement with the closed form: majority {result.agreement('majority'):.0%}, "
            f"lowest-loss seed {result.agreement('best'):.0%}"
        )
        return
    if result.name == "phase_theory":
        for n in (2, 3):
            counts = np.bincount(sweeps.optimised_phase(result, n).reshape(-1), minlength=3)
            print(f"  {n} features: cells per phase of the extra feature {counts.tolist()}")
        return
    if result.name == "computation_abs":
        for p, loss, s in zip(result["density"], result["loss"], result["seed_losses"], strict=True):
            print(f"  1-S = {float(p):<6g} loss {float(loss):.5f} (seeds {', '.join(f'{v:.5f}' for v in s)})")
    if result.name in ("privileged_basis", "hidden_bias"):
        from toymodels_lib.metrics import n_monosemantic

        loss = result["loss"]
        best = loss.argmin(1)
        print(f"  {'1-S':>6} {'best loss':>10} {'monosemantic neurons (best seed)':>34}")
        for c, p in enumerate(result["density"]):
            W = torch.from_numpy(result["W"][c, best[c]])
            print(f"  {p:6.3f} {loss[c, best[c]]:10.5f} {int(n_monosemantic(W)):34d}")
        return
    W = torch.from_numpy(result["W"].astype("float32"))
    print(f"  {'1/(1-S)':>8} {'D*':>6} {'sum D_i':>8}")
    rows = zip(result["density"], dimensions_per_feature(W), feature_dimensionality(W).sum(-1), strict=True)
    for p, d, s in rows:
        print(f"  {1 / p:8.2f} {float(d):6.3f} {float(s):8.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", choices=[*sweeps.SWEEPS, "all"], default="all")
    parser.add_argument("--out", type=Path, default=sweeps.SHIPPED, help="output folder")
    parser.add_argument("--steps", type=int, help="training steps (default: the sweep's own)")
    parser.add_argument("--seed", type=int, help="seed (default: the sweep's own, 0)")
    parser.add_argument("--jobs", type=int, help="computation_abs: densities trained at once (processes)")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in (("steps", args.steps), ("seed", args.seed)) if v is not None}
    names = list(sweeps.SWEEPS) if args.sweep == "all" else [args.sweep]
    command = "python scripts/make_artifacts.py " + " ".join(argv if argv is not None else sys.argv[1:])
    for name in names:
        print(f"{name}: {sweeps.SWEEPS[name].description}", flush=True)
        start = time.perf_counter()
        extra_settings = {"jobs": args.jobs} if name == "computation_abs" and args.jobs else {}
        result = sweeps.make(name, progress=sys.stderr.isatty(), **overrides, **extra_settings)
        extra = {"device": "cuda" if torch.cuda.is_available() else "cpu", "command": command.strip()}
        path = sweeps.save(result, name, args.out, extra=extra)
        _summary(result)
        print(f"  wrote {path} ({path.stat().st_size / 1024:.0f} kB) in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
