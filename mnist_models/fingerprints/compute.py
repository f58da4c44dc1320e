"""Numerical fingerprints: the same weights must give the same numbers everywhere.

A model's fingerprint is computed from weights drawn by numpy
(:func:`~mnist_models.fingerprints.weights.fill_weights`), never
by Keras' initializers, which draw differently on TensorFlow, JAX and torch; so every Keras
version and backend starts from identical weights and must end at the same numbers:

- ``schedule``: the recipe's derived counts (samples fitted and validated on, batch size,
  steps per epoch, the recipe's and the gate's budgets in steps);
- ``forward``: the softmax outputs for the first :data:`FORWARD_IMAGES` test images,
  preprocessed by the recipe, in inference mode;
- ``losses``: the loss of each of the recipe's first :data:`TRAIN_STEPS` optimizer steps (its
  optimizer, learning rate, momentum, loss and batch size) on the first batches of its training
  data, unshuffled;
- ``first_update``, ``first_moving_stats`` and ``updates``: per weight, the size of what the
  first step changed in the trainable weights and in BatchNormalization's moving statistics,
  and of what all the steps changed in every weight (:func:`_update_digest`). The first step
  is well conditioned nearly everywhere; over steps a BatchNormalization net or a saturated
  softmax (cnn_32_64's raw pixels) spreads round-off, and their calibrated tolerances show it.

Dropout draws a different mask on every backend, so the training steps run with each Dropout's
rate set to 0; the rate is checked by the layer settings, and what Keras does with it by a
statistical test of the layer's training-mode output (``tests/test_fingerprints.py``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from mnist_models.backend import compat
from mnist_models.data.mnist import load_mnist
from mnist_models.data.recipe_arrays import fit_and_validation, prepare
from mnist_models.fingerprints.goldens import Fingerprint
from mnist_models.fingerprints.weights import cancelled_by_batchnorm, fill_weights
from mnist_models.spec import ModelSpec
from mnist_models.training.train import compile_model
from mnist_models.zoo.registry import build

if TYPE_CHECKING:
    import keras

FORWARD_IMAGES = 64
#: Two steps: the fewest in which a changed momentum (SGD's, or Adam's beta_1) shows, as it
#: first acts on the second step. Each step more costs time and, for lenet5_bn, precision:
#: round-off spreads from step to step in a BatchNormalization net (BENCHMARKS.md).
TRAIN_STEPS = 2


def schedule(spec: ModelSpec, n_train: int, n_test: int) -> dict[str, int]:
    """The recipe's derived counts, from the same split :func:`~mnist_models.training.train.train`
    uses."""
    recipe = spec.recipe
    index = np.arange(n_train)
    (fit, _), validation = fit_and_validation(recipe, (index, index),
                                              (np.arange(n_test), np.arange(n_test)))
    steps_per_epoch = math.ceil(len(fit) / recipe.batch_size)
    gate = spec.gate
    gate_steps = 0 if gate is None else gate.steps or (gate.epochs or 0) * steps_per_epoch
    return {
        "train_samples": len(fit),
        "validation_samples": 0 if validation is None else len(validation[0]),
        "batch_size": recipe.batch_size,
        "steps_per_epoch": steps_per_epoch,
        "recipe_steps": recipe.steps or (recipe.epochs or 0) * steps_per_epoch,
        "gate_steps": gate_steps,
    }


def golden_key(spec: ModelSpec) -> str:
    """The golden this environment compares ``spec`` with: the model's own, or, where a known
    numeric difference it is subject to holds here, ``"name@difference"``."""
    active = sorted(set(spec.numeric_differences) & compat.active_numeric_differences())
    return "@".join([spec.name, *active])


def all_golden_keys(spec: ModelSpec) -> list[str]:
    """Every golden ``spec`` has: its own, and one per known difference it is subject to."""
    return [spec.name] + [f"{spec.name}@{d}" for d in spec.numeric_differences]


def fingerprint(spec: ModelSpec) -> Fingerprint:
    """The fingerprint of ``spec``'s model and recipe on the active Keras and backend."""
    return list(stages(spec))[-1]


def stages(spec: ModelSpec, golden: Fingerprint | None = None) -> Iterator[Fingerprint]:
    """``spec``'s fingerprint part by part: the schedule, the forward pass, the first training
    step, then the rest, each yielded as soon as it is computed with ``golden``'s values standing in
    for the parts not computed yet (so they cannot move). A check that only needs to know
    whether anything moved stops at the first part that did; the last one yielded is whole.
    """
    recipe = spec.recipe
    mnist = load_mnist()
    (x_train, _), (x_test, _) = mnist
    now = Fingerprint(model=golden_key(spec), schedule=schedule(spec, len(x_train), len(x_test)),
                      forward=np.zeros(0), losses=[], first_update={},
                      first_moving_stats={}, updates={})
    if golden is not None:
        now = dataclasses.replace(golden, model=now.model, schedule=now.schedule)
        yield now
    n_fit = TRAIN_STEPS * recipe.batch_size
    (x_fit, y_fit), (images, _) = prepare(recipe, mnist, limit=max(n_fit, FORWARD_IMAGES))
    compat.clear_session()
    model = build(spec)
    fill_weights(model, spec.name)
    forward = compat.to_numpy(model(images[:FORWARD_IMAGES], training=False)).astype(np.float64)
    now = dataclasses.replace(now, forward=forward)
    if golden is not None:
        yield now

    model = _without_dropout(model)
    before = _weights_by_name(model)
    # Eagerly: the same kernels as a compiled step, without the 0.3-1.9 s per model that
    # tracing one costs on TensorFlow here; the compiled path is the accuracy gates' to check.
    compile_model(model, recipe, steps_per_execution=1, run_eagerly=True)
    cancelled = cancelled_by_batchnorm(model)
    losses = []
    for step in range(TRAIN_STEPS):
        batch = slice(step * recipe.batch_size, (step + 1) * recipe.batch_size)
        losses.append(compat.train_on_batch_loss(model, x_fit[batch], y_fit[batch]))
        if step == 0:
            first = _update_digest(before, _weights_by_name(model), cancelled)
            moving = {key: value for key, value in first.items() if _is_moving_statistic(key)}
            now = dataclasses.replace(
                now, first_moving_stats=moving,
                first_update={key: value for key, value in first.items() if key not in moving})
            if golden is not None:
                yield dataclasses.replace(now, losses=losses + golden.losses[1:])
    yield dataclasses.replace(now, losses=losses,
                              updates=_update_digest(before, _weights_by_name(model), cancelled))


def _is_moving_statistic(key: str) -> bool:
    # Set by the forward pass alone, no optimizer: well conditioned where Adam's steps are not,
    # so a change in how they are updated (Keras 2's Bessel correction) shows on its own.
    return key.rsplit("/", 1)[-1] in ("moving_mean", "moving_variance")


def _update_digest(before: dict[str, np.ndarray], after: dict[str, np.ndarray],
                   cancelled: set[str]) -> dict[str, tuple[float, float]]:
    """Per weight, the sum of absolute changes and the norm of the change. Both ignore the
    signs of single elements: Adam's first steps move each element by about +-lr whatever its
    gradient's size, so a near-zero gradient's sign, which round-off decides, would otherwise
    move a plain sum by 2 lr."""
    digest = {}
    for key, value in after.items():
        if key not in cancelled:
            change = value.astype(np.float64) - before[key]
            digest[key] = (float(np.abs(change).sum()), float(np.linalg.norm(change)))
    return digest


def _weights_by_name(model: keras.Model) -> dict[str, np.ndarray]:
    return {f"{layer.name}/{compat.weight_name(weight)}": compat.to_numpy(weight).copy()
            for layer in compat.model_layers(model) for weight in layer.weights}


def _without_dropout(model: keras.Model) -> keras.Model:
    """``model`` itself, or a twin with the same weights and every Dropout's rate at 0."""
    config = model.get_config()
    dropouts = [layer for layer in config["layers"] if layer["class_name"] == "Dropout"]
    if not dropouts:
        return model
    for layer in dropouts:
        layer["config"]["rate"] = 0.0
    twin = type(model).from_config(config)
    twin.set_weights(model.get_weights())
    return twin
