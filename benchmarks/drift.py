"""How much this machine's speed drifts, within one process and between runs.

    python benchmarks/drift.py --rounds 300 --runs 8
    python benchmarks/drift.py --rounds 0 --runs 0 --train-runs 6

Within: one process times ``--rounds`` rounds of lenet5_bn's train step back to back (the
benchmarks' thread settings and round length) and prints the rounds' autocorrelation and
the spread of 30-round block medians. Between: ``--runs`` unchanged pytest-benchmark runs of
the same step, one after another as separate processes, and the spread of their medians.
bench-compare's bootstrap treats rounds as independent, so drift is what it cannot see.
Training: ``--train-runs`` identical one-epoch trainings of lenet5_bn by its recipe, one after
another in one process (a fresh Keras session each), and their seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mnist_models import compat
from mnist_models.bench_compare import load_rounds
from mnist_models.benchmarking import BENCH_THREADS, train_step
from mnist_models.training import train
from tests.test_bench_compare import _bench

BLOCK = 30  # rounds per block: one benchmark run's worth


def autocorrelation(values: np.ndarray, lag: int) -> float:
    centred = values - values.mean()
    return float((centred[lag:] * centred[:-lag]).mean() / centred.var())


def within_one_process(rounds: int) -> None:
    compat.configure_threads(*BENCH_THREADS)
    workload = train_step("lenet5_bn")
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(workload.iterations):
            workload.call()
        times.append((time.perf_counter() - start) / workload.iterations)
    times = np.array(times)
    blocks = np.median(times[: len(times) // BLOCK * BLOCK].reshape(-1, BLOCK), axis=1)
    print(f"within one process, {rounds} rounds: autocorrelation lag 1 "
          f"{autocorrelation(times, 1):.2f}, lag 10 {autocorrelation(times, 10):.2f}; "
          f"{BLOCK}-round block medians {blocks.min() * 1e3:.2f}-{blocks.max() * 1e3:.2f} ms "
          f"(max/min {blocks.max() / blocks.min():.3f})")


def between_runs(runs: int) -> None:
    folder = Path(tempfile.mkdtemp())
    medians = []
    for i in range(runs):
        rounds = next(iter(load_rounds(_bench(folder, f"run{i}")).values()))["rounds"]
        medians.append(float(np.median(rounds)))
    print(f"between {runs} runs: medians {', '.join(f'{m * 1e3:.2f}' for m in medians)} ms "
          f"(max/min {max(medians) / min(medians):.3f})")


def training_runs(runs: int) -> None:
    seconds = []
    for _ in range(runs):
        seconds.append(train("lenet5_bn", epochs=1, seed=0).seconds)
        compat.clear_session()
    print(f"{runs} identical one-epoch trainings: {', '.join(f'{s:.1f}' for s in seconds)} s "
          f"(max/min {max(seconds) / min(seconds):.2f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--train-runs", type=int, default=0)
    args = parser.parse_args()
    if args.rounds:
        within_one_process(args.rounds)
    if args.runs:
        between_runs(args.runs)
    if args.train_runs:
        training_runs(args.train_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
