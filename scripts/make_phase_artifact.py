#!/usr/bin/env python
"""Make chapter 5's phase-diagram artifacts (part of ``make artifacts``).

- ``book/data/phase_2in1_v1.npz``: 2 features in 1 dimension;
- ``book/data/phase_3in2_v1.npz``: 3 features in 2 dimensions.

Each is a 10 × 10 grid (relative importance of the extra feature 0.1–10, density 1–0.01,
both log-spaced) × 10 seeds of ReLU-output models, trained as ONE batched run by
:func:`toymodels_lib.phase.train_phase_diagram` (Adam, lr 1e-2, cosine decay, 1,500
steps of 512, seed 0). Stored pickle-free with the configuration and seed
(:mod:`toymodels_lib.artifacts`). A few minutes each on a laptop CPU.

Usage::

    python scripts/make_phase_artifact.py                    # both, the shipped settings
    python scripts/make_phase_artifact.py --problem 2in1 --steps 500 --out /tmp/data
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from toymodels_lib.phase import PHASE_ARTIFACT_VERSION, phase_grid, train_phase_diagram
from toymodels_lib.train import TrainConfig

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = {"2in1": 2, "3in2": 3}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problem", choices=["2in1", "3in2", "all"], default="all")
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "data", help="output folder")
    parser.add_argument("--n-grid", type=int, default=10, help="grid points per axis")
    parser.add_argument("--n-seeds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    r, p = phase_grid(args.n_grid, args.n_grid)
    config = TrainConfig(steps=args.steps, batch_size=args.batch_size, lr=args.lr, seed=args.seed)
    names = list(PROBLEMS) if args.problem == "all" else [args.problem]
    for name in names:
        n = PROBLEMS[name]
        start = time.perf_counter()
        diagram = train_phase_diagram(n, r, p, n_seeds=args.n_seeds, config=config)
        path = diagram.save(args.out / f"phase_{name}_v{PHASE_ARTIFACT_VERSION}.npz", name=f"phase_{name}")
        print(
            f"{path}: {len(p)}x{len(r)} grid x {args.n_seeds} seeds, {args.steps} steps, "
            f"{time.perf_counter() - start:.0f} s; agreement with the closed form "
            f"{diagram.agreement('majority'):.2f} (majority of kept), {diagram.agreement('best'):.2f} (best)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
