"""make gpu-check: the book's sweeps trained on CUDA pass the same claims as on the CPU.

1. Chapter 3's sweep exactly as the chapter trains it (n=20, m=5, I_i = 0.7**i; the dense
   linear model; ReLU-output models at seven densities, 4 seeds each, the lowest-loss seed
   kept by the loss on 131,072 samples), on CUDA; every claim of chapter 3 is checked on it.
2. The uniform-geometry sweep of chapter 6 (n=400, m=30, 24 densities, the shipped
   settings, ``sweeps.UNIFORM_GEOMETRY``) at its 4,000 steps and at the paper's 10,000, on
   CUDA; the chapter-6 claims that read only the weights and densities are checked on both.

Prints ms/step for each run. Exits 2 when no CUDA device is present (nothing is run), 1
when a claim fails. Run: make gpu-check   (or: python scripts/gpu_check.py)
"""

from __future__ import annotations

import sys
import time

import torch

import toymodels_lib as tm
from toymodels_lib import claims, sweeps

CH03 = [
    "ch03.linear-loss-closed-form", "ch03.linear-frobenius", "ch03.seeds-differ", "ch03.dense-relu-represents-m",
    "ch03.sparse-relu-represents-more", "ch03.most-important-untouched", "ch03.one-dedicated-at-0.1",
    "ch03.all-superposed-from-0.03", "ch03.pairs-in-the-middle", "ch03.beyond-pairs-when-sparsest",
    "ch03.negative-bias-when-sparse",
]
CH06 = ["ch06.dstar-one-dense", "ch06.dstar-half-plateau", "ch06.dstar-below-m-over-n", "ch06.sum-di-is-m",
        "ch06.dense-no-feature-kept", "ch06.dense-di-small"]


def _timed(fn):
    torch.cuda.synchronize()
    start = time.perf_counter()
    out = fn()
    torch.cuda.synchronize()
    return out, time.perf_counter() - start


def _check(ids: list[str], result: dict) -> int:
    failed = 0
    for cid in ids:
        try:
            claims.check(cid, result, note="CUDA")
        except claims.ClaimFailed as err:
            failed += 1
            print(f"  FAILED: {str(err).splitlines()[0]}")
    return failed


def chapter3(device: str) -> int:
    importance = tm.importance_decay(20, 0.7)
    densities = [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
    config = tm.TrainConfig(seed=0, device=device)
    linear, t_lin = _timed(lambda: tm.train_models("linear", 20, 5, sparsity=[0.0], importance=importance, config=config))
    relu_all, t_relu = _timed(lambda: tm.train_models(
        "relu", 20, 5, sparsity=[1 - d for d in densities], importance=importance,
        config=config.with_(eval_samples=131_072), n_seeds=4))
    steps = config.steps
    print(f"chapter 3 on {device}: linear {1000 * t_lin / steps:.2f} ms/step, "
          f"28 ReLU models {1000 * t_relu / steps:.2f} ms/step ({t_relu:.1f} s with evaluation)")
    relu = relu_all.best()
    shown = {"linear": linear, "relu": relu, "relu_all": relu_all, "densities": densities}
    return _check(CH03, shown)


def uniform(device: str, steps: int) -> int:
    cfg = dict(sweeps.UNIFORM_GEOMETRY)
    densities = sweeps.uniform_geometry_densities(cfg["n_densities"], cfg["max_inverse_density"])
    config = tm.TrainConfig(steps=steps, batch_size=cfg["batch_size"], lr=cfg["lr"], seed=cfg["seed"],
                            bias_init=cfg["bias_init"], device=device)
    res, seconds = _timed(lambda: tm.train_models("relu", cfg["n_features"], cfg["n_hidden"],
                                                  sparsity=(1.0 - densities).tolist(), importance=1.0, config=config))
    print(f"uniform sweep n=400, m=30, 24 densities, {steps} steps on {device}: "
          f"{1000 * res.seconds / steps:.2f} ms/step, {seconds:.1f} s in all")
    return _check(CH06, {"W": res.W.float(), "density": densities})


def main() -> int:
    if not torch.cuda.is_available():
        print("gpu-check: no CUDA device here; nothing was run.")
        return 2
    device = "cuda"
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}")
    failed = chapter3(device)
    for steps in (4000, 10_000):
        failed += uniform(device, steps)
    print(f"\ngpu-check: {failed} claim(s) failed" if failed else "\ngpu-check: every claim holds on CUDA")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
