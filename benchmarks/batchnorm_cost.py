"""What BatchNormalization costs a lenet5_bn train step: Keras against the PyTorch loop.

    python benchmarks/batchnorm_cost.py --rounds 3

Times one optimizer step at the recipe's batch (64) for four models, by turns in one process:
lenet5_bn in Keras and its PyTorch twin (``mnist_models.peers``), and both again with every
batch-normalization layer replaced by an identity. The difference is what the six
normalizations cost each framework per step. Prints each round and the medians over rounds.
Framework defaults otherwise (TensorFlow's thread pools and oneDNN, PyTorch's threads), as
``train`` and ``train_peer`` run. Needs the ``torch-peer`` extra.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable

import keras
import numpy as np

from mnist_models.benchmarking import median_seconds
from mnist_models.peers import as_nchw, torch_model, torch_optimizer
from mnist_models.registry import build, get_spec
from mnist_models.training import compile_model, prepare

NAME = "lenet5_bn"


def median_ms(call: Callable[[], object], calls: int) -> float:
    """Median milliseconds of ``calls`` timed calls, after ten untimed ones."""
    for _ in range(10):
        call()  # traces and warms up outside the timing
    return median_seconds(call, calls) * 1e3


def keras_step(x: np.ndarray, y: np.ndarray, batchnorm: bool) -> Callable[[], object]:
    model = build(NAME, seed=0)
    if not batchnorm:
        model = keras.models.clone_model(model, clone_function=lambda layer: (
            keras.layers.Identity(name=layer.name)
            if isinstance(layer, keras.layers.BatchNormalization)
            else layer.__class__.from_config(layer.get_config())))
    compile_model(model, get_spec(NAME).recipe, steps_per_execution=1)
    return lambda: model.train_on_batch(x, y)


def torch_step(x: np.ndarray, y: np.ndarray, batchnorm: bool) -> Callable[[], object]:
    import torch

    model = torch_model(NAME)
    if not batchnorm:
        model = torch.nn.Sequential(*(
            torch.nn.Identity() if isinstance(m, torch.nn.BatchNorm1d | torch.nn.BatchNorm2d)
            else m for m in model))
    optimizer = torch_optimizer(model, NAME)
    loss_fn = torch.nn.CrossEntropyLoss()
    images, labels = as_nchw(x), torch.from_numpy(y.argmax(1))

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(images), labels).backward()
        optimizer.step()

    return step


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=150, help="timed steps per median")
    args = parser.parse_args()
    if args.rounds < 1 or args.calls < 1:
        parser.error("--rounds and --calls must be >= 1")
    recipe = get_spec(NAME).recipe
    (x, y), _ = prepare(recipe)
    x, y = x[:recipe.batch_size], y[:recipe.batch_size]
    variants = {"keras": keras_step, "torch": torch_step}
    results: dict[str, list[float]] = {}
    for round_ in range(args.rounds):
        line = []
        for framework, make in variants.items():
            for batchnorm in (True, False):
                label = f"{framework} {'with' if batchnorm else 'without'} BN"
                ms = median_ms(make(x, y, batchnorm), args.calls)
                results.setdefault(label, []).append(ms)
                line.append(f"{label} {ms:.2f}")
        print(f"round {round_}: " + ", ".join(line) + " ms", flush=True)
    median = {label: statistics.median(values) for label, values in results.items()}
    print("| framework | step with BN, ms | without BN, ms | BN's share, ms |")
    print("|---|---|---|---|")
    for framework in variants:
        with_bn, without = median[f"{framework} with BN"], median[f"{framework} without BN"]
        print(f"| {framework} | {with_bn:.2f} | {without:.2f} | {with_bn - without:.2f} |")
    print(f"Keras / PyTorch step time: {median['keras with BN'] / median['torch with BN']:.2f} "
          f"with BN, {median['keras without BN'] / median['torch without BN']:.2f} without")
    return 0


if __name__ == "__main__":
    sys.exit(main())
