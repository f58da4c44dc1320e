"""Seconds per test-set evaluation of an XLA-trained model: itself against its non-XLA twin.

    python benchmarks/evaluation_speed.py --model lenet5_bn --repeats 7

Trains the model briefly by its recipe, then evaluates the 10,000 test images alternately
with the model (XLA, as it trains) and with :func:`mnist_models.training.evaluation_twin`
(the same layers compiled without XLA), after one untimed call each, and prints the medians.
TensorFlow only: elsewhere the twin is the model itself.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from mnist_models import compat
from mnist_models.registry import get_spec
from mnist_models.training import compile_model, evaluate, evaluation_twin, prepare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="lenet5_bn")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    spec = get_spec(args.model)
    (x_train, y_train), (x_test, y_test) = prepare(spec.recipe)
    model = spec.builder()
    compile_model(model, spec.recipe, jit_compile=spec.jit_compile)
    model.fit(x_train[:5000], y_train[:5000], batch_size=spec.recipe.batch_size, verbose=0)
    twin = evaluation_twin(model, spec.recipe, spec.jit_compile)
    if twin is model:
        print(f"{args.model} does not train under XLA on {compat.backend()}; nothing to compare")
        return 1
    seconds: dict[str, list[float]] = {"model (XLA)": [], "twin (no XLA)": []}
    for evaluator in (model, twin):
        evaluate(evaluator, x_test, y_test)  # traces and compiles
    for _ in range(args.repeats):
        for label, evaluator in zip(seconds, (model, twin), strict=True):
            started = time.perf_counter()
            evaluate(evaluator, x_test, y_test)
            seconds[label].append(time.perf_counter() - started)
    for label, values in seconds.items():
        print(f"{label}: median {statistics.median(values):.3f} s an evaluation "
              f"({', '.join(f'{v:.3f}' for v in values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
