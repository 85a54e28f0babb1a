#!/usr/bin/env python
"""Make the book's versioned artifacts (``make artifacts``).

Some sweeps take minutes, too long to run each time a chapter executes; the chapter then
loads their result from ``book/data/`` (and offers a switch to retrain). This script
remakes every such file from its configuration and seed:

- ``book/data/uniform_geometry_v2.npz`` (chapter 6): ReLU-output models with n = 400
  features in m = 30 dimensions, uniform importance, at 24 densities with ``1/(1 − S)``
  from 1 to 100 (4,000 steps of 256, Adam, lr 1e-2 with cosine decay, biases started at
  the feature mean, seed 0); the weights are stored as float16 (about 0.55 MB). About 5
  minutes on an idle 2-core CPU. (Version 1 started the biases at zero; its dense models
  had not converged.)

Usage::

    python scripts/make_artifacts.py                 # everything, the shipped settings
    python scripts/make_artifacts.py --steps 500 --out /tmp/data   # a quick trial run
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from toymodels_lib.artifacts import (
    UNIFORM_GEOMETRY,
    make_uniform_geometry,
    save_artifact,
    uniform_geometry_densities,
)
from toymodels_lib.metrics import dimensions_per_feature, feature_dimensionality

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    spec = UNIFORM_GEOMETRY
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "data", help="output folder")
    parser.add_argument("--n-features", type=int, default=spec["n_features"])
    parser.add_argument("--n-hidden", type=int, default=spec["n_hidden"])
    parser.add_argument("--n-densities", type=int, default=spec["n_densities"])
    parser.add_argument("--max-inverse-density", type=float, default=spec["max_inverse_density"])
    parser.add_argument("--steps", type=int, default=spec["steps"])
    parser.add_argument("--lr", type=float, default=spec["lr"])
    parser.add_argument("--seed", type=int, default=spec["seed"])
    parser.add_argument("--bias-init", choices=["mean", "zero"], default=spec["bias_init"],
                        help="start the biases at the feature mean p/2 (default) or at zero (the paper)")
    args = parser.parse_args(argv)

    densities = uniform_geometry_densities(args.n_densities, args.max_inverse_density)
    print(
        f"uniform_geometry: n={args.n_features}, m={args.n_hidden}, {len(densities)} densities, "
        f"{args.steps} steps, lr={args.lr}, seed={args.seed}",
        flush=True,
    )
    start = time.perf_counter()
    art = make_uniform_geometry(
        args.n_features,
        args.n_hidden,
        densities,
        steps=args.steps,
        batch_size=spec["batch_size"],
        lr=args.lr,
        seed=args.seed,
        bias_init=args.bias_init,
        progress=sys.stderr.isatty(),
    )
    extra = dict(art.meta["extra"])
    extra["device"] = "cuda" if torch.cuda.is_available() else "cpu"
    extra["command"] = "python scripts/make_artifacts.py " + " ".join(argv if argv is not None else sys.argv[1:])
    path = save_artifact(
        args.out / spec["file"],
        art.arrays,
        name=art.name,
        version=art.version,
        seed=art.seed,
        config=art.config,
        extra=extra,
    )
    W = torch.from_numpy(art["W"].astype("float32"))
    d_star = dimensions_per_feature(W)
    sum_di = feature_dimensionality(W).sum(-1)
    print(f"{'1/(1-S)':>8} {'D*':>6} {'sum D_i':>8}")
    for p, d, s in zip(art["density"], d_star, sum_di, strict=True):
        print(f"{1 / p:8.2f} {float(d):6.3f} {float(s):8.2f}")
    size_kb = path.stat().st_size / 1024
    print(f"wrote {path} ({size_kb:.0f} kB) in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
