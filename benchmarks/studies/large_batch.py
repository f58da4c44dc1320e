"""Training throughput at a large batch: the figure for a GPU (BENCHMARKS.md).

    KERAS_BACKEND=jax python benchmarks/studies/large_batch.py --model lenet5 --batch-size 8192

Fits the model on the full training set by its recipe's optimizer and loss, at a batch far
above the recipe's, with one compiled execution per epoch. Prints each epoch's seconds (the
first includes tracing and compilation) and the steady samples per second: the median over the
epochs after the first. Any backend; on a 2-core CPU it is slow but runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import keras

from mnist_models.backend import compat
from mnist_models.data.recipe_arrays import prepare
from mnist_models.training.train import compile_model
from mnist_models.zoo.registry import build, get_spec, list_models


class EpochTimer(keras.callbacks.Callback):
    """Seconds of each epoch of a ``fit``."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self.started = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self.started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="lenet5", choices=list_models())
    parser.add_argument("--batch-size", type=int, default=8192)
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args()
    if args.batch_size < 1 or args.epochs < 2:
        parser.error("--batch-size must be >= 1 and --epochs >= 2 (the first epoch compiles)")
    spec = get_spec(args.model)
    recipe = spec.recipe
    (x, y), _ = prepare(recipe)
    # Whole batches only, so every step has one shape and nothing recompiles after epoch 1.
    n = len(x) // args.batch_size * args.batch_size
    if n == 0:
        parser.error(f"--batch-size {args.batch_size} exceeds the {len(x)} training images")
    x, y = x[:n], y[:n]
    model = build(spec, seed=0)
    compile_model(model, recipe, steps_per_execution=n // args.batch_size)
    clock = EpochTimer()
    model.fit(x, y, batch_size=args.batch_size, epochs=args.epochs, shuffle=True, verbose=0,
              callbacks=[clock])
    steady = statistics.median(clock.seconds[1:])
    print(f"{args.model} on {compat.backend()} ({compat.accelerator() or 'CPU'}), Keras "
          f"{compat.KERAS_VERSION}, batch {args.batch_size}, {n} samples an epoch")
    print("epoch seconds: " + ", ".join(f"{s:.3f}" for s in clock.seconds))
    print(f"steady: {n / steady:,.0f} samples/s (median epoch {steady:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
