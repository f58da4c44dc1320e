"""Training seconds of a model with XLA and without, alternating in one process.

    python benchmarks/xla_speed.py --model lenet5_bn --epochs 3 --repeats 3

Each repeat trains the model by its recipe for ``--epochs`` from seed 0 with
``jit_compile=True`` and then without (the spec's other fields unchanged, a fresh Keras
session each), through :func:`mnist_models.training.train`, and prints the seconds and the
test accuracy; then the medians. TensorFlow only (XLA is always on under JAX).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys

from mnist_models import compat, registry, training


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="lenet5_bn")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    spec = registry.get_spec(args.model)
    seconds: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.repeats):
        for xla in seconds:
            # train() reads the spec by name; hand it this one with XLA set as wanted.
            variant = dataclasses.replace(spec, jit_compile=xla)
            training.get_spec = lambda name, variant=variant: variant
            result = training.train(args.model, epochs=args.epochs, seed=0)
            compat.clear_session()
            seconds[xla].append(result.seconds)
            print(f"xla={xla}: {result.seconds:.1f} s, test accuracy "
                  f"{result.test_accuracy:.4f}", flush=True)
    for xla, values in seconds.items():
        print(f"xla={xla}: median {statistics.median(values):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
