"""Every layer's settings against its document, and Keras' defaults the documents rely on.

Generated from the registry: each model's rows state what its document states, completed with
:data:`mnist_models.spec.layer_settings.KERAS_DEFAULTS`. ``tests/test_fast_tier_catches_breaks.py``
shows a changed setting of each kind fails here.
"""

from __future__ import annotations

import keras
import pytest

import mnist_models
from mnist_models.backend import compat
from mnist_models.spec import layer_settings
from mnist_models.zoo.architecture import layer_table

MODELS = mnist_models.list_models()

#: Each kind with the fewest arguments it takes, so everything else is Keras' default.
MINIMAL = {
    "Dense": (lambda: keras.layers.Dense(3), (4,)),
    "Conv2D": (lambda: keras.layers.Conv2D(3, (3, 3)), (8, 8, 2)),
    "MaxPooling2D": (lambda: keras.layers.MaxPooling2D((2, 2)), (8, 8, 2)),
    "AveragePooling2D": (lambda: keras.layers.AveragePooling2D((2, 2)), (8, 8, 2)),
    "BatchNormalization": (lambda: keras.layers.BatchNormalization(), (8, 8, 2)),
}


@pytest.mark.parametrize("name", MODELS)
def test_every_layer_has_its_documents_settings(name):
    spec = mnist_models.get_spec(name)
    built = {row.name: row for row in layer_table(mnist_models.build(spec, seed=0))}
    for row in spec.layers:
        assert row.name in built, f"{name} has no layer {row.name}"
        problems = layer_settings.differences(built[row.name].settings, row.settings)
        assert not problems, f"{name} layer {row.name} ({row.kind}): " + "; ".join(problems)


@pytest.mark.parametrize("name", MODELS)
def test_every_checked_setting_is_in_the_spec(name):
    """A row holds every setting its kind is checked on: stated, or Keras' default."""
    for row in mnist_models.get_spec(name).layers:
        assert set(row.settings) == set(layer_settings.CHECKED.get(row.kind, ())), row.name


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_keras_defaults_are_the_ones_the_specs_assume(kind):
    """A Keras release that changed one of these defaults would change every model relying
    on it; this names the setting."""
    make, input_shape = MINIMAL[kind]
    model = keras.Sequential([keras.Input(input_shape), make()])
    built = layer_settings.from_config(kind, compat.layer_config(model.layers[-1]))
    for key, default in layer_settings.KERAS_DEFAULTS[kind].items():
        assert built[key] == default, f"Keras {compat.KERAS_VERSION}: {kind}.{key} now " \
                                      f"defaults to {built[key]!r}, the specs assume {default!r}"
    if kind.endswith("Pooling2D"):
        assert built["strides"] == built["pool_size"]


def test_every_defaulted_kind_is_pinned():
    assert set(MINIMAL) == set(layer_settings.KERAS_DEFAULTS)


def test_a_setting_the_kind_is_not_checked_on_is_refused():
    with pytest.raises(ValueError, match=r"Dense settings \['kernel_size'\]"):
        layer_settings.complete("Dense", {"units": 3, "kernel_size": (3, 3)})


def test_unstated_settings_are_keras_defaults_and_stated_ones_win():
    settings = layer_settings.complete("Conv2D", {"filters": 6, "kernel_size": [5, 5],
                                                  "padding": "same"})
    assert settings["padding"] == "same"
    assert settings["kernel_size"] == (5, 5)  # lists from JSON compare as tuples
    assert settings["strides"] == (1, 1)
    assert layer_settings.complete("MaxPooling2D", {"pool_size": (3, 3)})["strides"] == (3, 3)


def test_differences_name_the_setting_and_both_values():
    assert layer_settings.differences({"rate": 0.5}, {"rate": 0.2}) == [
        "rate 0.5, document has 0.2"]
    assert layer_settings.differences({"rate": 0.2}, {"rate": 0.2}) == []
