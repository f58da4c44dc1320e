"""Calibrate the accuracy gates: train each model's gate budget over many seeds.

Usage (from the repository root, in an environment with the project installed):

    python calibration/calibrate_gates.py --seeds 10 [--models NAME ...]
    KERAS_BACKEND=jax python calibration/calibrate_gates.py --seeds 10 --models cnn_32_64

Writes ``calibration/gates.json`` (TensorFlow) or ``calibration/gates-BACKEND.json`` (every
accuracy, per model, with machine and versions) and
prints a Markdown table with the threshold :func:`mnist_models.gates.threshold_from` gives. The
thresholds go into the models' ``Gate`` entries by hand; ``tests/test_gates.py`` checks they
match this file.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

from mnist_models import compat
from mnist_models.gates import run_gate, threshold_from
from mnist_models.registry import get_spec, list_models


def calibration_file(backend: str) -> Path:
    """TensorFlow's gates are every spec's ``threshold``; another backend's file holds only the
    models that needed a gate of their own there (``Gate.other_backends``)."""
    name = "gates.json" if backend == "tensorflow" else f"gates-{backend}.json"
    return Path(__file__).with_name(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--models", nargs="*", default=None)
    args = parser.parse_args()
    names = args.models or [n for n in list_models() if get_spec(n).gate is not None]
    out = calibration_file(compat.backend())
    results = json.loads(out.read_text())["models"] if out.exists() else {}
    for name in names:
        gate = get_spec(name).gate
        runs = []
        for seed in range(args.seeds):
            result = run_gate(get_spec(name), seed=seed)
            runs.append({"seed": seed, "test_accuracy": result.test_accuracy,
                         "seconds": round(result.seconds, 2)})
            print(f"{name} seed {seed}: {result.test_accuracy:.4f} "
                  f"({result.seconds:.1f} s)", file=sys.stderr, flush=True)
        results[name] = {"epochs": gate.epochs, "steps": gate.steps, "runs": runs}
        out.write_text(json.dumps(_document(results), indent=1) + "\n")
    print("| model | budget | seeds | min | median | max | sd | threshold | median s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, entry in sorted(results.items()):
        accs = [run["test_accuracy"] for run in entry["runs"]]
        secs = [run["seconds"] for run in entry["runs"]]
        budget = f"{entry['epochs']} epochs" if entry["epochs"] else f"{entry['steps']} steps"
        print(f"| {name} | {budget} | {len(accs)} | {min(accs):.4f} | "
              f"{statistics.median(accs):.4f} | {max(accs):.4f} | {statistics.stdev(accs):.4f} "
              f"| {threshold_from(accs):.3f} | {statistics.median(secs):.1f} |")
    return 0


def _document(results: dict) -> dict:
    return {
        "command": "python calibration/calibrate_gates.py --seeds N (KERAS_BACKEND=BACKEND)",
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"{platform.system()} {platform.release()}",
        "written": time.strftime("%Y-%m-%d"),
        "versions": compat.versions() | {"python": platform.python_version()},
        "models": results,
    }


if __name__ == "__main__":
    sys.exit(main())
