"""``make bench`` runs: every workload prints its rows, the extrapolations and the targets.
(A smoke test at a few steps; the script never asserts on time, and neither does this.)"""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_train.py"


def test_the_benchmark_prints_every_row_and_the_targets():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--steps", "3", "--sweep-steps", "2", "--ch09-steps", "2", "--repeats", "1"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for title in ("chapter 3 (n=20", "uniform sweep (n=400", "chapter 9 sweep (hidden ReLU"):
        assert title in out
    assert out.count("paper notebook loop") == 3
    assert out.count("toymodels_lib sparse") == 3
    assert "10k steps" in out and "4k steps" in out
    assert "MiB" in out and "n/a" not in out  # every row's peak memory was measured
    for target in ("chapter 3 >= 5x", "n=400 sweep, 10,000 steps <= 3 min", "chapter 9, 200 seeds per density"):
        assert target in out


def test_the_benchmark_refuses_runs_too_short_to_time():
    done = subprocess.run([sys.executable, str(SCRIPT), "--ch09-steps", "1"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert "--ch09-steps must be at least 2 (the first step is left out of the times), got 1" in done.stderr
