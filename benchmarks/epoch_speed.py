"""Seconds per epoch of lenet5_bn's recipe under Keras speed settings, side by side.

    EPOCHS=5 python benchmarks/epoch_speed.py jit_noval noval

Each setting trains ``EPOCHS`` epochs (default 3) from seed 0, twice, alternating settings in
one process; it prints each epoch's seconds (the first includes tracing and XLA compilation)
and the steady samples per second (median over the epochs after the first). Settings:
``base`` (numpy input, ``steps_per_execution=25``, the split evaluated every epoch),
``noval`` (no per-epoch evaluation), ``ds_noval`` (a shuffled ``tf.data`` pipeline),
``spe100_noval`` (``steps_per_execution=100``) and ``jit_noval`` (XLA). TensorFlow only.
"""

from __future__ import annotations

import os
import statistics
import sys

import keras
import tensorflow as tf

from mnist_models import compat
from mnist_models.benchmarking import EpochTimer
from mnist_models.preprocessing import validation_split
from mnist_models.registry import get_spec
from mnist_models.training import prepare

SETTINGS = {
    "base": {},
    "noval": {"noval": True},
    "ds_noval": {"dataset": True, "noval": True},
    "spe100_noval": {"steps_per_execution": 100, "noval": True},
    "jit_noval": {"jit": True, "noval": True},
}


def run(setting: dict, epochs: int, data) -> list[float]:
    spec = get_spec("lenet5_bn")
    recipe = spec.recipe
    (x_fit, y_fit), validation = data
    compat.set_seed(0)
    model = spec.builder()
    model.compile(optimizer=compat.optimizer("adam", recipe.learning_rate), loss=recipe.loss,
                  metrics=["accuracy"],
                  steps_per_execution=setting.get("steps_per_execution", 25),
                  jit_compile=setting.get("jit", "auto"))
    timer = EpochTimer()
    validation = None if setting.get("noval") else validation
    if setting.get("dataset"):
        dataset = (tf.data.Dataset.from_tensor_slices((x_fit, y_fit))
                   .shuffle(len(x_fit), seed=0).batch(recipe.batch_size).prefetch(4))
        model.fit(dataset, epochs=epochs, verbose=0, callbacks=[timer],
                  validation_data=validation)
    else:
        model.fit(x_fit, y_fit, batch_size=recipe.batch_size, epochs=epochs, verbose=0,
                  callbacks=[timer], validation_data=validation)
    return timer.seconds


def main() -> int:
    names = sys.argv[1:] or list(SETTINGS)
    epochs = int(os.environ.get("EPOCHS", "3"))
    recipe = get_spec("lenet5_bn").recipe
    (x_train, y_train), _ = prepare(recipe)
    data = validation_split(x_train, y_train, recipe.validation_split)
    for _ in range(2):
        for name in names:
            seconds = run(SETTINGS[name], epochs, data)
            keras.backend.clear_session()
            steady = len(data[0][0]) / statistics.median(seconds[1:])
            print(f"{name:14s} epochs {[round(s, 1) for s in seconds]}  steady {steady:7.0f} "
                  "samples/s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
