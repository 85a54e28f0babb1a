"""Benchmark: the library's trainer against the paper notebook's own training loop.

Three workloads, each timed in one process with the runs interleaved (paper, library, paper,
library, ...) so that both see the same machine state:

1. chapter 3: n=20 features, m=5 hidden, I_i = 0.7**i, seven densities
   1-S in {1, .3, .1, .03, .01, .003, .001}, once as linear and once as ReLU-output models
   (7 + 7 instances), batch 1024;
2. the uniform-geometry sweep of chapter 6: n=400, m=30, uniform importance, 24 densities
   (1/(1-S) log-spaced from 1 to 100), ReLU output, batch 256 (the shipped sweep's batch);
3. chapter 9's best-of-many sweep at 200 seeds per density: hidden-ReLU models, n=10, m=5,
   I_i = 0.75**i, ten densities from 0.75 to 0.01, 2,000 instances, batch 1024.

Rows:
- "paper notebook loop": the loop of the paper's notebook, written out here: parameters
  laid out [instance, feature, hidden], a batch drawn with two ``torch.rand`` calls of
  shape [batch, instance, feature] (values and the "is it active" mask), ``einsum`` for both
  matrix products, the loss averaged over batch and features, autograd and
  ``torch.optim.AdamW`` at lr 1e-3 (its weight decay 0.01);
- "plain einsum loop": the same with Adam and the loss summed over features, the
  benchmark's earlier reference (chapter 3 only);
- "toymodels_lib": ``train_models`` at the same lr, constant schedule (Adam, analytic
  gradients, one flat buffer; big runs in groups of instances on two threads, and
  models of at most 16 features, chapter 9's, with their batches laid out features-first);
- "toymodels_lib sparse": the same with ``sparse_below=0.05``: instances of density 0.05
  or less draw only their active entries (and, at 0.005 or less, multiply by them only).

For each: the median seconds per run of ``--steps`` steps, the spread (lowest and
highest), ms per step (every row's first step, where buffers are allocated and memory is
first touched, is left out and the time scaled back to the run's steps, so that short runs
give the steady rate the extrapolations need), the peak resident memory of a process that runs it once, and the
ratio of the paper loop's median to each row's. The n=400 sweep's time at the paper's
10,000 steps and chapter 9's at its 4,000 steps are extrapolated from ms/step (chapter 9
adds its two evaluations on 131,072 samples, timed separately). It prints the targets of
issue 17 against the measured numbers; it never fails on time.

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

from toymodels_lib import TrainConfig, evaluate_loss, importance_decay, make_model, train_models
from toymodels_lib.data import instance_keys

CH03_DENSITIES = [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
UNIFORM_DENSITIES = (1.0 / np.geomspace(1.0, 100.0, 24)).tolist()
CH09_DENSITIES = [0.75, 0.5, 0.35, 0.25, 0.15, 0.1, 0.05, 0.03, 0.02, 0.01]
CH09_SEEDS, CH09_STEPS, CH09_EVAL = 200, 4000, 131_072
SPARSE_BELOW = 0.05


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def paper_loop(n: int, m: int, densities: list[float], importance: torch.Tensor, *, relu: bool, steps: int,
               batch: int, seed: int, device: str = "cpu", adamw: bool = True, hidden_relu: bool = False) -> float:
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
    for step in range(steps):
        if step == 1:  # the first step (allocation, first touch of memory) is left out
            _sync(device)
            start = time.perf_counter()
        feat = torch.rand((batch, k, n), device=device)
        x = torch.where(torch.rand((batch, k, n), device=device) <= p, feat, torch.zeros((), device=device))
        hidden = torch.einsum("...if,ifh->...ih", x, W)
        if hidden_relu:
            hidden = torch.relu(hidden)
        out = torch.einsum("...ih,ifh->...if", hidden, W) + b
        if relu:
            out = torch.relu(out)
        error = imp * (x.abs() - out) ** 2
        loss = error.mean(dim=(0, 2)).sum() if adamw else error.sum(-1).mean(0).sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    _sync(device)
    return _scaled(time.perf_counter() - start, steps)


def _scaled(seconds: float, steps: int) -> float:
    """The time of steps 2..``steps``, scaled back to ``steps`` steps."""
    return seconds * steps / max(steps - 1, 1)


def library(n: int, m: int, densities: list[float], importance: torch.Tensor, *, relu: bool, steps: int,
            batch: int, seed: int, device: str = "cpu", hidden_relu: bool = False, sparse_below: float = 0.0) -> float:
    """Seconds for ``steps`` steps of ``train_models``: the time from the end of its first
    step to the end of its last (hooks on those logged steps; evaluation excluded),
    scaled back to ``steps`` steps."""
    config = TrainConfig(steps=steps, batch_size=batch, lr=1e-3, schedule="constant", seed=seed,
                         device=device, eval_samples=1024, sparse_below=sparse_below)
    marks: dict[int, float] = {}

    def mark(step: int, model: object, losses: torch.Tensor) -> None:
        if step in (0, steps - 1):
            _sync(device)
            marks[step] = time.perf_counter()

    kind = "hidden_relu" if hidden_relu else "relu" if relu else "linear"
    train_models(kind, n, m, sparsity=[1 - d for d in densities], importance=importance, config=config, hooks=[mark])
    return _scaled(marks[steps - 1] - marks[0], steps)


def _peak_rss_kib() -> float:
    """This process's peak resident memory in KiB: VmHWM of its address space (ru_maxrss
    would carry over the parent's peak across fork and exec on Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


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
                 extrapolate_to: int | None = None, device: str = "cpu",
                 argv: list[str] | None = None) -> dict[str, float]:
    """Time the rows, print the table; return each row's speed-up (and, when
    extrapolating, its minutes as ``"<row> min"``)."""
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
    results: dict[str, float] = {}
    for name, ts in times.items():
        med = statistics.median(ts)
        mem = f"{memory[name]:.0f} MiB" if memory[name] else "n/a"
        line = (f"{name:22s}{med:10.2f}{f'{min(ts):.2f}-{max(ts):.2f}':>16s}{1000 * med / steps:9.2f}"
                f"{mem:>10s}{paper / med:9.2f}x")
        results[name] = paper / med
        if extrapolate_to:
            results[f"{name} min"] = extrapolate_to * med / steps / 60
            line += f"{results[f'{name} min']:9.1f} min"
        print(line)
    return results


CH03_TITLE = "chapter 3 (n=20, m=5, 7 densities, linear + ReLU, batch 1024)"
SWEEP_TITLE = "uniform sweep (n=400, m=30, 24 densities, ReLU, batch 256)"
CH09_TITLE = f"chapter 9 sweep (hidden ReLU, n=10, m=5, 10 densities x {CH09_SEEDS} seeds, batch 1024)"
EXTRAPOLATE = {SWEEP_TITLE: 10_000, CH09_TITLE: CH09_STEPS}


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
    ch09 = {"n": 10, "m": 5, "densities": np.repeat(CH09_DENSITIES, CH09_SEEDS).tolist(),
            "importance": importance_decay(10, 0.75), "batch": 1024, "device": dev, "relu": True, "hidden_relu": True}

    def one(fn: Callable[..., float], spec: dict, steps: int, **extra) -> Callable[[int], float]:
        return lambda seed: fn(**spec, steps=3 if seed < 0 else steps, seed=max(seed, 0), **extra)

    sparse = {"sparse_below": SPARSE_BELOW}
    out = {CH03_TITLE: {"paper notebook loop": both(paper_loop), "plain einsum loop": both(paper_loop, adamw=False),
                        "toymodels_lib": both(library), "toymodels_lib sparse": both(library, **sparse)}}
    if not args.skip_sweep:
        out[SWEEP_TITLE] = {"paper notebook loop": one(paper_loop, sweep, args.sweep_steps),
                            "toymodels_lib": one(library, sweep, args.sweep_steps),
                            "toymodels_lib sparse": one(library, sweep, args.sweep_steps, **sparse)}
        out[CH09_TITLE] = {"paper notebook loop": one(paper_loop, ch09, args.ch09_steps),
                           "toymodels_lib": one(library, ch09, args.ch09_steps),
                           "toymodels_lib sparse": one(library, ch09, args.ch09_steps, **sparse)}
    return out


def ch09_evaluation_seconds(device: str, samples: int = 16_384) -> float:
    """Seconds for the two evaluations (before and after training) of the chapter-9 sweep at
    131,072 samples each, extrapolated from one evaluation on ``samples``. As in
    ``fit``, the seeds of a density share their evaluation samples (one stream key per
    configuration)."""
    n_inst = len(CH09_DENSITIES) * CH09_SEEDS
    model = make_model("hidden_relu", 10, 5, n_inst, seed=0).to(device)
    density = torch.tensor(CH09_DENSITIES).repeat_interleave(CH09_SEEDS)
    importance = importance_decay(10, 0.75)
    keys = instance_keys((1 - density)[:, None].expand(n_inst, 10), importance.expand(n_inst, 10))
    start = time.perf_counter()
    evaluate_loss(model, density=density, importance=importance, n_samples=samples, stream_ids=[(h,) for h, _ in keys])
    return 2 * (time.perf_counter() - start) * CH09_EVAL / samples


def print_targets(results: dict[str, dict[str, float]], ch09_eval: float | None) -> None:
    """Issue 17's targets against what this run measured."""
    print("\nTargets (issue 17), from this run's medians:")
    ch03 = results.get(CH03_TITLE, {})
    if ch03:
        best = max(ch03["toymodels_lib"], ch03["toymodels_lib sparse"])
        print(f"  chapter 3 >= 5x the paper loop: {best:.2f}x  ({'met' if best >= 5 else 'not met'})")
    sweep = results.get(SWEEP_TITLE, {})
    if sweep:
        mins = min(sweep["toymodels_lib min"], sweep["toymodels_lib sparse min"])
        print(f"  n=400 sweep, 10,000 steps <= 3 min: {mins:.1f} min  ({'met' if mins <= 3 else 'not met'})")
    ch09 = results.get(CH09_TITLE, {})
    if ch09 and ch09_eval is not None:
        mins = min(ch09["toymodels_lib min"], ch09["toymodels_lib sparse min"]) + ch09_eval / 60
        print(f"  chapter 9, {CH09_SEEDS} seeds per density, {CH09_STEPS:,} steps + evaluation <= 10 min: "
              f"{mins:.1f} min  ({'met' if mins <= 10 else 'not met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1000, help="steps per run, chapter 3's workload")
    parser.add_argument("--sweep-steps", type=int, default=200, help="steps per run, the n=400 sweep")
    parser.add_argument("--ch09-steps", type=int, default=20, help="steps per run, chapter 9's sweep")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each row")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--skip-sweep", action="store_true", help="chapter 3's workload only")
    parser.add_argument("--probe", default=None, help=argparse.SUPPRESS)  # "workload::row": peak memory of one run
    args = parser.parse_args()
    for flag, value in (("--steps", args.steps), ("--sweep-steps", args.sweep_steps), ("--ch09-steps", args.ch09_steps)):
        if value < 2:
            parser.error(f"{flag} must be at least 2 (the first step is left out of the times), got {value}")
    rows = workloads(args)
    if args.probe:
        workload, row = args.probe.split("::")
        rows[workload][row](0)
        print(_peak_rss_kib() / 1024)
        return
    argv = ["--steps", str(args.steps), "--sweep-steps", str(args.sweep_steps), "--ch09-steps", str(args.ch09_steps),
            "--device", args.device]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{platform.processor() or platform.machine()}, device {args.device}")
    results = {}
    for title, table in rows.items():
        steps = {SWEEP_TITLE: args.sweep_steps, CH09_TITLE: args.ch09_steps}.get(title, args.steps)
        results[title] = run_workload(title, table, steps, args.repeats, extrapolate_to=EXTRAPOLATE.get(title),
                                      device=args.device, argv=argv)
    ch09_eval = None
    if not args.skip_sweep:
        ch09_eval = ch09_evaluation_seconds(args.device)
        print(f"\nchapter 9 sweep: its two evaluations on {CH09_EVAL:,} samples take {ch09_eval:.0f} s")
    print_targets(results, ch09_eval)
    print("\nTimes are printed, never asserted; rerun on an idle machine for numbers to quote.")


if __name__ == "__main__":
    main()
