#!/usr/bin/env python
"""Remake chapter 8's adversarial-training sweep (``toymodels_lib/sweeps/shipped/adversarial_training_v1.npz``).

n = 40 features in m = 5 dimensions, density 0.05, uniform importance; one ReLU-output model
per attack size (0 to 2 times the batch's mean input norm), each attacked at every step with
the analytic attack on a random feature (Adam, lr 1e-2 with cosine decay, 3,000 steps of
1,024, seed 0). About 3-5 minutes on an idle 2-core CPU.

Usage::

    python scripts/make_adversarial_training.py                 # into the package data
    python scripts/make_adversarial_training.py --out /tmp/data --steps 300
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from toymodels_lib.sweeps import adversarial


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(adversarial.__file__).resolve().parent / "shipped")
    parser.add_argument("--steps", type=int, default=None, help="override the number of training steps")
    args = parser.parse_args(argv)
    overrides = {} if args.steps is None else {"steps": args.steps}
    start = time.perf_counter()
    art = adversarial.make_adversarial_training(**overrides)
    path = adversarial.save_adversarial_training(art, args.out)
    W = art["W"]
    per_dim = (W**2).sum(axis=(1, 2)) / W.shape[1]
    for f, v in zip(art["attack_fractions"], per_dim, strict=True):
        print(f"  attack {f:4.2f} x mean input norm: ||W||_F^2 / m = {v:.2f}")
    print(f"wrote {path} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
