"""Benchmark: the library's trainer against a plain reference-style training loop.

Workload: the linear-vs-ReLU chapter's sweep, n=20 features, m=5 hidden, I_i = 0.7**i,
seven densities 1-S in {1, .3, .1, .03, .01, .003, .001}, once as linear models and once
as ReLU-output models (7 + 7 instances), batch 1024, Adam, lr 1e-3, constant schedule.

The reference loop is the common way to write it: tensors laid out
[batch, instance, feature], two random draws per batch (one for the values, one for the
mask), einsum for both matrix products, autograd and torch.optim.Adam.

Prints ms/step for both, the ratio, and the sweep's wall time. Never asserts on time.
Run: make bench   (or: python benchmarks/bench_train.py --steps 1000)
"""

from __future__ import annotations

import argparse
import platform
import time

import torch

from toymodels_lib import TrainConfig, importance_decay, train_models

DENSITIES = [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
N, M, BATCH = 20, 5, 1024


def reference_loop(relu: bool, steps: int, seed: int) -> float:
    """Seconds for `steps` steps of the reference-style loop (7 instances)."""
    torch.manual_seed(seed)
    n_inst = len(DENSITIES)
    density = torch.tensor(DENSITIES)
    importance = 0.7 ** torch.arange(N, dtype=torch.float32)
    W = torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(n_inst, N, M)))
    b = torch.nn.Parameter(torch.zeros(n_inst, N))
    opt = torch.optim.Adam([W, b], lr=1e-3)
    start = time.perf_counter()
    for _ in range(steps):
        values = torch.rand(BATCH, n_inst, N)
        mask = torch.rand(BATCH, n_inst, N) <= density[None, :, None]
        x = torch.where(mask, values, torch.zeros(()))
        h = torch.einsum("bif,ifh->bih", x, W)
        out = torch.einsum("bih,ifh->bif", h, W) + b
        if relu:
            out = torch.relu(out)
        loss = (importance * (x - out) ** 2).sum(-1).mean(0).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def library(kind: str, steps: int, seed: int) -> float:
    config = TrainConfig(
        steps=steps, batch_size=BATCH, lr=1e-3, schedule="constant", seed=seed,
        device="cpu", eval_samples=1024,
    )
    result = train_models(kind, N, M, sparsity=[1 - d for d in DENSITIES], importance=importance_decay(N, 0.7), config=config)
    return result.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1000, help="timed steps per run")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each; the best is kept")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()}")
    print(f"workload: n={N}, m={M}, batch {BATCH}, 7 densities x (linear + ReLU), {args.steps} steps\n")
    # warm up both paths
    reference_loop(True, 50, 0)
    library("relu", 50, 0)
    ref = min(reference_loop(False, args.steps, r) + reference_loop(True, args.steps, r) for r in range(args.repeats))
    lib = min(library("linear", args.steps, r) + library("relu", args.steps, r) for r in range(args.repeats))
    ref_ms, lib_ms = 1000 * ref / args.steps, 1000 * lib / args.steps
    print(f"{'':28s}{'ms/step':>10s}{'3k-step sweep (s)':>20s}")
    print(f"{'reference loop':28s}{ref_ms:10.2f}{3 * ref_ms:20.1f}")
    print(f"{'toymodels_lib.train':28s}{lib_ms:10.2f}{3 * lib_ms:20.1f}")
    print(f"\nspeed-up: {ref_ms / lib_ms:.2f}x (best of {args.repeats} runs each)")


if __name__ == "__main__":
    main()
