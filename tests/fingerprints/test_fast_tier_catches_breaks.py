"""Every one-change break of a layer setting or a recipe value fails a fast-tier check, for
every model.

Layer breaks are made from the model's own Keras config (one setting of the first layer that
has it), and must fail the document check (``test_models`` / ``test_layer_settings``). Recipe
breaks are made on the spec with ``dataclasses.replace`` and must move the model's fingerprint
past its calibrated tolerance (``test_fingerprints``), or be refused when the spec is built.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import keras
import numpy as np
import pytest

import mnist_models
from mnist_models.backend import compat
from mnist_models.fingerprints import check as fingerprint_check
from mnist_models.spec import ModelSpec, Recipe
from tests.support import checks
from tests.support.checks import mutant

MODELS = mnist_models.list_models()

#: One break per setting: the setting, and what it becomes.
LAYER_BREAKS: dict[str, Callable[[object], object]] = {
    "activation": lambda v: {"relu": "tanh", "softmax": "sigmoid"}.get(v, "relu"),
    "units": lambda v: v + 1,
    "filters": lambda v: v + 1,
    "kernel_size": lambda v: tuple(k + 2 for k in v),
    "strides": lambda v: (2, 2) if tuple(v) == (1, 1) else (1, 1),
    "padding": lambda v: ((1, 1), (1, 1)) if isinstance(v, tuple) else
    {"valid": "same", "same": "valid"}[v],
    "pool_size": lambda v: tuple(k + 1 for k in v),
    "rate": lambda v: 0.25 if v == 0.5 else 0.5,  # a change for any rate (keras-io's is 0.5)
    "use_bias": lambda v: not v,
    "kernel_initializer": lambda v: "he_uniform",
    "momentum": lambda v: 0.9,
    "epsilon": lambda v: 1e-5,
}
POOL_KINDS = {"MaxPooling2D": "AveragePooling2D", "AveragePooling2D": "MaxPooling2D"}


def _layer_cases() -> list[tuple[str, str, str]]:
    cases = []
    for name in MODELS:
        rows = mnist_models.get_spec(name).layers
        # Each setting on the first layer of each kind that has it (a conv's padding and a
        # pool's are separate cases).
        for kind in dict.fromkeys(row.kind for row in rows):
            first = next(r for r in rows if r.kind == kind)
            cases.extend((name, first.name, setting) for setting in LAYER_BREAKS
                         if setting in first.settings)
        pool = next((r for r in rows if r.kind in POOL_KINDS), None)
        if pool is not None:
            cases.append((name, pool.name, "pool kind"))
    return cases


@pytest.mark.parametrize("name", MODELS)
def test_a_config_round_trip_alone_passes(name):
    """So that the failures below are the break's doing, not the rebuild's."""
    spec = mnist_models.get_spec(name)
    first_layer = spec.layers[0].name
    checks.check_matches_document(mutant(name, first_layer), spec)


@pytest.mark.parametrize(("name", "layer_name", "setting"), _layer_cases())
def test_document_check_catches_a_changed_layer_setting(name, layer_name, setting):
    spec = mnist_models.get_spec(name)
    row = next(r for r in spec.layers if r.name == layer_name)
    if setting == "pool kind":
        broken = mutant(name, layer_name, class_name=POOL_KINDS[row.kind])
    else:
        broken = mutant(name, layer_name, **{setting: LAYER_BREAKS[setting](row.settings[setting])})
    with pytest.raises(AssertionError, match=layer_name):
        checks.check_matches_document(broken, spec)


def _replace_unchecked(recipe: Recipe, **changes: object) -> Recipe:
    """A recipe with ``changes`` that its own validation would refuse: a loss that does not fit
    its labels is refused when a spec is built (shown below), so the fingerprint has to catch
    a loss changed where it is applied."""
    broken = dataclasses.replace(recipe)
    for key, value in changes.items():
        object.__setattr__(broken, key, value)
    return broken


def _recipe_breaks(recipe: Recipe) -> dict[str, Callable[[], Recipe]]:
    other_optimizer = {"adam": "sgd", "sgd": "adam"}[recipe.optimizer]
    replace = dataclasses.replace
    breaks = {
        "optimizer": lambda: replace(recipe, optimizer=other_optimizer),
        "learning rate x10": lambda: replace(recipe, learning_rate=recipe.learning_rate * 10),
        "learning rate /10": lambda: replace(recipe, learning_rate=recipe.learning_rate / 10),
        # The smallest recipe break asked for: within what a tuning slip looks like.
        "learning rate x1.1": lambda: replace(recipe, learning_rate=recipe.learning_rate * 1.1),
        # SGD's momentum, or Adam's beta_1 (Keras' 0.9 when the recipe leaves it unset).
        "momentum off": lambda: replace(recipe, momentum=0.0),
        "loss": lambda: _replace_unchecked(recipe, loss="mean_squared_error",
                                           label_encoding="one_hot"),
        "batch size x2": lambda: replace(recipe, batch_size=recipe.batch_size * 2),
        "validation split": lambda: replace(
            recipe, validation="split",
            validation_split=recipe.validation_split / 2 if recipe.validation_split else 0.1),
    }
    # Each step's nearest wrong version: forget to scale, scale where the document does not,
    # or leave a reshaping step out.
    swaps = {"scale": "to_float32", "to_float32": "scale"}
    for index, step in enumerate(recipe.image_steps):
        steps = list(recipe.image_steps)
        if step in swaps:
            steps[index] = swaps[step]
        else:
            del steps[index]
        breaks[f"preprocessing {step}"] = lambda s=tuple(steps): replace(recipe, image_steps=s)
    return breaks


RECIPE_CASES = [(name, label) for name in MODELS
                for label in _recipe_breaks(mnist_models.get_spec(name).recipe)]


@pytest.mark.parametrize(("name", "label"), RECIPE_CASES)
def test_fingerprint_catches_a_changed_recipe_value(name, label):
    spec = mnist_models.get_spec(name)
    try:
        broken: ModelSpec = dataclasses.replace(spec, recipe=_recipe_breaks(spec.recipe)[label]())
    except ValueError as refused:
        # Refused as the registry is built: every test fails to import it.
        assert spec.recipe.steps is not None and label == "validation split", refused
        return
    try:
        rows = fingerprint_check.verdicts(broken, fail_fast=True)
    except ValueError as failed:
        # Keras refuses input of the wrong shape: the fingerprint test errors.
        assert label.startswith("preprocessing"), failed
        return
    moved = [row for row in rows if row.moved]
    if label == "preprocessing add_channel":
        # No break: Keras adds a missing channel axis itself (pinned below), so the numbers
        # are the same ones.
        assert not moved, fingerprint_check.table(rows)
        return
    assert moved, f"{name}: '{label}' passed the fingerprint:\n" + fingerprint_check.table(rows)


def test_a_loss_that_does_not_fit_the_labels_is_refused():
    with pytest.raises(ValueError, match="does not fit one_hot labels"):
        dataclasses.replace(mnist_models.get_spec("mlp_100").recipe,
                            loss="sparse_categorical_crossentropy")


@pytest.mark.parametrize("name", MODELS)
def test_fingerprint_catches_a_small_change_in_one_layers_arithmetic(name):
    """What an upgrade that keeps every setting but computes a layer a little differently
    looks like: the first weighted layer's output scaled by 1.001."""
    spec = mnist_models.get_spec(name)

    def build():
        model = spec.builder()
        layer = next(layer for layer in model.layers if layer.weights)
        call = layer.call
        layer.call = lambda *args, **kwargs: call(*args, **kwargs) * 1.001
        return model

    rows = fingerprint_check.verdicts(dataclasses.replace(spec, builder=build), fail_fast=True)
    assert any(row.moved for row in rows), fingerprint_check.table(rows)


def test_keras_adds_a_missing_channel_axis():
    """Keras 2.15 and 3 alike take (N, 4, 4) for a (4, 4, 1) input: why a recipe that leaves
    out add_channel computes the same numbers."""
    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(1, 2)])
    x = np.arange(16, dtype="float32").reshape(1, 4, 4)
    np.testing.assert_array_equal(compat.to_numpy(model(x)), compat.to_numpy(model(x[..., None])))


@pytest.mark.parametrize("rate", [0.19, 0.21])
def test_dropout_check_catches_a_rate_off_by_a_hundredth(rate):
    with pytest.raises(AssertionError, match="dropped"):
        checks.check_dropout(keras.layers.Dropout(rate, name="dropout"), 0.2)
