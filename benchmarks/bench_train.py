"""Benchmark: the library's trainer against the paper notebook's own training loop.

Two workloads, each timed in one process with the runs interleaved (paper, library, paper,
library, ...) so that both see the same machine state:

1. chapter 3: n=20 features, m=5 hidden, I_i = 0.7**i, seven densities
   1-S in {1, .3, .1, .03, .01, .003, .001}, once as linear and once as ReLU-output models
   (7 + 7 instances), batch 1024;
2. the uniform-geometry sweep of chapter 6: n=400, m=30, uniform importance, 24 densities
   (1/(1-S) log-spaced from 1 to 100), ReLU output, batch 256 (the shipped sweep's batch).

Rows:
- "paper notebook loop": the loop of the paper's notebook, written out here: parameters
  laid out [instance, feature, hidden], a batch drawn with two ``torch.rand`` calls of
  shape [batch, instance, feature] (values and the "is it active" mask), ``einsum`` for both
  matrix products, the loss averaged over batch and features, autograd and
  ``torch.optim.AdamW`` at lr 1e-3 (its weight decay 0.01);
- "plain einsum loop": the same with Adam and the loss summed over features, the
  benchmark's earlier reference;
- "toymodels_lib": ``train_models`` at the same lr, constant schedule (Adam, analytic
  gradients, one flat buffer).

For each: the median seconds per run of ``--steps`` steps, the spread (lowest and
highest), ms per step, the peak resident memory of a process that runs it once, and the
ratio of the paper loop's median to each row's. The n=400 sweep's time at the paper's
10,000 steps is extrapolated from its ms/step. It prints; it never fails on time.

Run: make bench   (or: python benchmarks/bench_train.py --steps 1000 --repeats 5)
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import torch

from toymodels_lib import TrainConfig, importance_decay, train_models

CH03_DENSITIES = [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
UNIFORM_DENSITIES = (1.0 / np.geomspace(1.0, 100.0, 24)).tolist()


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def paper_loop(n: int, m: int, densities: list[float], importance: torch.Tensor, *, relu: bool, steps: int,
               batch: int, seed: int, device: str = "cpu", adamw: bool = True) -> float:
    """Seconds for ``steps`` steps of the paper notebook's loop (``adamw=False``: the plain einsum loop)."""
    torch.manual_seed(seed)
    k = len(densities)
    p = torch.tensor(densities, device=device)[None, :, None]
    imp = importance.to(device)
    W = torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(k, n, m, device=device)))
    b = torch.nn.Parameter(torch.zeros(k, n, device=device))
    opt = (torch.optim.AdamW if adamw else torch.optim.Adam)([W, b], lr=1e-3)
    _sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        feat = torch.rand((batch, k, n), device=device)
        x = torch.where(torch.rand((batch, k, n), device=device) <= p, feat, torch.zeros((), device=device))
        hidden = torch.einsum("...if,ifh->...ih", x, W)
        out = torch.einsum("...ih,ifh->...if", hidden, W) + b
        if relu:
            out = torch.relu(out)
        error = imp * (x.abs() - out) ** 2
        loss = error.mean(dim=(0, 2)).sum() if adamw else error.sum(-1).mean(0).sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    _sync(device)
    return time.perf_counter() - start


def library(n: int, m: int, densities: list[float], importance: torch.Tensor, *, relu: bool, steps: int,
            batch: int, seed: int, device: str = "cpu") -> float:
    """Seconds for ``steps`` steps of ``train_models`` (its own timer, evaluation excluded)."""
    config = TrainConfig(steps=steps, batch_size=batch, lr=1e-3, schedule="constant", seed=seed,
                         device=device, eval_samples=1024)
    _sync(device)
    result = train_models("relu" if relu else "linear", n, m, sparsity=[1 - d for d in densities],
                          importance=importance, config=config)
    return result.seconds


def peak_rss_mib(workload: str, row: str, argv: list[str]) -> float | None:
    """Peak resident memory (MiB) of a fresh Python process that runs one row once
    (``--probe``); a subprocess, not a fork, so no thread pool is copied mid-flight."""
    cmd = [sys.executable, __file__, *argv, "--probe", f"{workload}::{row}"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    last = done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else []
    try:
        return float(last[0]) if last else None
    except ValueError:
        return None


def peak_cuda_mib(fn: Callable[[], float]) -> float:
    """Peak GPU memory (MiB) that ``fn`` allocates through PyTorch."""
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    fn()
    return torch.cuda.max_memory_allocated() / 2**20


def run_workload(title: str, rows: dict[str, Callable[[int], float]], steps: int, repeats: int,
                 extrapolate_to: int | None = None, device: str = "cpu", argv: list[str] | None = None) -> None:
    for fn in rows.values():  # warm-up (allocator, kernels)
        fn(-1)
    times: dict[str, list[float]] = {name: [] for name in rows}
    for r in range(repeats):  # interleaved: every row once per round
        for name, fn in rows.items():
            times[name].append(fn(r))
    if device.startswith("cuda"):
        memory = {name: peak_cuda_mib(lambda fn=fn: fn(0)) for name, fn in rows.items()}
    else:
        memory = {name: peak_rss_mib(title, name, argv or []) for name in rows}
    paper = statistics.median(times["paper notebook loop"])
    print(f"\n{title}: {steps} steps per run, {repeats} interleaved runs of each")
    mem_title = "peak GPU" if device.startswith("cuda") else "peak RSS"
    head = f"{'':22s}{'median s':>10s}{'spread s':>16s}{'ms/step':>9s}{mem_title:>10s}{'speed-up':>10s}"
    if extrapolate_to:
        head += f"{f'{extrapolate_to // 1000}k steps':>11s}"
    print(head)
    for name, ts in times.items():
        med = statistics.median(ts)
        mem = f"{memory[name]:.0f} MiB" if memory[name] else "n/a"
        line = (f"{name:22s}{med:10.2f}{f'{min(ts):.2f}-{max(ts):.2f}':>16s}{1000 * med / steps:9.2f}"
                f"{mem:>10s}{paper / med:9.2f}x")
        if extrapolate_to:
            line += f"{extrapolate_to * med / steps / 60:9.1f} min"
        print(line)


CH03_TITLE = "chapter 3 (n=20, m=5, 7 densities, linear + ReLU, batch 1024)"
SWEEP_TITLE = "uniform sweep (n=400, m=30, 24 densities, ReLU, batch 256)"


def workloads(args: argparse.Namespace) -> dict[str, dict[str, Callable[[int], float]]]:
    """Each workload's rows; a row is ``run(seed)`` returning seconds (seed < 0: a short warm-up)."""
    dev = args.device
    ch03 = {"n": 20, "m": 5, "densities": CH03_DENSITIES, "importance": importance_decay(20, 0.7), "batch": 1024,
            "device": dev}

    def both(fn: Callable[..., float], **extra) -> Callable[[int], float]:
        def run(seed: int) -> float:
            steps = 20 if seed < 0 else args.steps
            return sum(fn(**ch03, relu=relu, steps=steps, seed=max(seed, 0), **extra) for relu in (False, True))
        return run

    sweep = {"n": 400, "m": 30, "densities": UNIFORM_DENSITIES, "importance": torch.ones(400), "batch": 256,
             "device": dev, "relu": True}

    def one(fn: Callable[..., float]) -> Callable[[int], float]:
        return lambda seed: fn(**sweep, steps=5 if seed < 0 else args.sweep_steps, seed=max(seed, 0))

    out = {CH03_TITLE: {"paper notebook loop": both(paper_loop), "plain einsum loop": both(paper_loop, adamw=False),
                        "toymodels_lib": both(library)}}
    if not args.skip_sweep:
        out[SWEEP_TITLE] = {"paper notebook loop": one(paper_loop), "toymodels_lib": one(library)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1000, help="steps per run, chapter 3's workload")
    parser.add_argument("--sweep-steps", type=int, default=200, help="steps per run, the n=400 sweep")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each row")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--skip-sweep", action="store_true", help="chapter 3's workload only")
    parser.add_argument("--probe", default=None, help=argparse.SUPPRESS)  # "workload::row": peak memory of one run
    args = parser.parse_args()
    rows = workloads(args)
    if args.probe:
        workload, row = args.probe.split("::")
        rows[workload][row](0)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB -> MiB on Linux
        return
    argv = ["--steps", str(args.steps), "--sweep-steps", str(args.sweep_steps), "--device", args.device]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{platform.processor() or platform.machine()}, device {args.device}")
    for title, table in rows.items():
        run_workload(title, table, args.sweep_steps if title == SWEEP_TITLE else args.steps, args.repeats,
                     extrapolate_to=10_000 if title == SWEEP_TITLE else None, device=args.device, argv=argv)
    print("\nTimes are printed, never asserted; rerun on an idle machine for numbers to quote.")


if __name__ == "__main__":
    main()
