"""Measure bench-compare's false-alarm and detection rates on real runs of this machine.

    python benchmarks/compare_rates.py --runs 4

Records ``--runs`` unchanged runs of lenet5_bn's train step, and as many with 20% and 50%
more of the same work in every step (``MNIST_MODELS_BENCH_EXTRA_WORK``), all as separate
pytest-benchmark processes, then
compares every ordered pair of unchanged runs (false alarms) and every unchanged run against
every slowed one (detections) at thresholds 10% and 30%.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mnist_models.bench_compare import compare, load_rounds
from tests.test_bench_compare import _bench


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    plain, slowed = [], {}
    for i in range(args.runs):
        plain.append(_bench(folder, f"plain{i}"))
        for fraction in (0.2, 0.5):
            slowed.setdefault(fraction, []).append(
                _bench(folder, f"slow{fraction}_{i}", fraction))
    runs = [("unchanged", path) for path in plain]
    runs += [(f"+{fraction:.0%}", path) for fraction, paths in slowed.items() for path in paths]
    for label, path in runs:
        rounds = next(iter(load_rounds(path).values()))["rounds"]
        print(f"{label} run: median {np.median(rounds) * 1e3:.2f} ms, "
              f"CV {rounds.std() / rounds.mean():.3f}")
    for threshold in (0.10, 0.30):
        pairs = list(itertools.permutations(plain, 2))
        alarms = sum(r.regression for a, b in pairs for r in compare(a, b, threshold))
        print(f"threshold {threshold:.0%}: false alarms {alarms}/{len(pairs)} unchanged pairs")
        for fraction, runs in slowed.items():
            hits = sum(r.regression for a in plain for b in runs
                       for r in compare(a, b, threshold))
            print(f"threshold {threshold:.0%}: +{fraction:.0%} slowed variant flagged "
                  f"{hits}/{len(plain) * len(runs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
