"""Do the gate thresholds hold on another code path? Per model, the calibration's seeds trained
on the AVX2 path against the native path, both measured now on this machine, beside the gate's
threshold (which comes from the native path's calibration, calibration/gates.json).

    ONEDNN_MAX_CPU_ISA=AVX2 mnist-models converge --seeds 10 --json runs/converge-avx2.json
    mnist-models converge --seeds 10 --json runs/converge-native.json
    python calibration/gates_by_code_path.py runs/converge-native.json runs/converge-avx2.json

The two records are committed beside it (calibration/converge-tf221-{native,avx2}.json).

Output as last run: calibration/gates-by-code-path.txt.
"""

from __future__ import annotations

import statistics
import sys

from scipy import stats

import mnist_models
from mnist_models.convergence import record as convergence
from mnist_models.gates.gate import gate_bounds


def main(native_path: str, avx2_path: str) -> None:
    native, avx2 = convergence.read(native_path), convergence.read(avx2_path)
    for record, path in ((native, native_path), (avx2, avx2_path)):
        about = record.provenance
        print(f"{path}: {about.get('command')}; {about.get('written')}; "
              f"{about.get('code_path', {}).get('path', '?')}")
    print()
    print("| model | gate band | native median (min-max) | AVX2 median (min-max) | AVX2 outside "
          "the band | same accuracy, seed by seed | Mann-Whitney p |")
    print("|---|---|---|---|---|---|---|")
    for name in native.models:
        low, high = gate_bounds(mnist_models.get_spec(name))
        a, b = native.models[name].accuracies(), avx2.models[name].accuracies()
        same = sum(x == y for x, y in zip(a, b, strict=True))
        p = stats.mannwhitneyu(a, b).pvalue if a != b else 1.0
        outside = sum(not low <= x <= high for x in b)
        print(f"| {name} | {low:.3f}-{high:.3f} | {statistics.median(a):.4f} ({min(a):.4f}-"
              f"{max(a):.4f}) | {statistics.median(b):.4f} ({min(b):.4f}-{max(b):.4f}) | "
              f"{outside} of {len(b)} | {same} of {len(a)} | {p:.2f} |")


if __name__ == "__main__":
    main(*sys.argv[1:3])
