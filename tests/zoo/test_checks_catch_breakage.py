"""Each architecture check fails on a model broken in the way it guards against.

Mutants are made generically from a registry builder's Keras config, so they differ from the
real model in exactly one setting.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest

import mnist_models
from tests.support import checks
from tests.support.checks import mutant


@pytest.mark.parametrize(
    ("name", "layer_name", "changes"),
    [
        ("lenet5", "C1", {"kernel_size": [3, 3]}),
        ("cnn_12_20", "conv2d_1", {"kernel_size": [5, 5]}),
        ("cnn_64_32_32", "max_pooling2d_2", {"padding": "valid"}),
        ("mlp_25_25", "dense_1", {"units": 24}),
        ("lenet5_bn", "conv2d", {"filters": 5}),
        ("cnn_32_64", "dense", {"use_bias": False}),
    ],
)
def test_table_check_catches_a_changed_layer(name, layer_name, changes):
    spec = mnist_models.get_spec(name)
    # The config round trip alone must pass, so the failure below is the change's doing.
    checks.check_matches_document(mutant(name, layer_name), spec)
    with pytest.raises(AssertionError, match=layer_name):
        checks.check_matches_document(mutant(name, layer_name, **changes), spec)


def test_table_check_catches_a_missing_layer():
    spec = mnist_models.get_spec("lenet5_bn")
    model = mnist_models.build(spec)
    without_last_bn = keras.Sequential(
        [keras.Input(spec.input_shape)]
        + [layer for layer in model.layers if layer.name != "batch_normalization_5"]
    )
    with pytest.raises(AssertionError, match="non_trainable params"):
        checks.check_matches_document(without_last_bn, spec)


def test_table_check_catches_a_wrong_input_shape():
    spec = mnist_models.get_spec("lenet5")
    with pytest.raises(AssertionError, match="input shape"):
        checks.check_matches_document(mnist_models.build(spec),
                                      dataclasses.replace(spec, input_shape=(28, 28, 1)))


def test_softmax_check_catches_a_linear_output():
    spec = mnist_models.get_spec("mlp_100")
    with pytest.raises(AssertionError, match=r"softmax|negative"):
        checks.check_softmax_rows(mutant("mlp_100", "dense_1", activation="linear"), spec)


def test_gradient_check_catches_a_cut_path():
    spec = mnist_models.get_spec("mlp_25_25")
    model = mnist_models.build(spec)
    layers = model.layers
    # Multiplying by zero after the first layer leaves it with an exactly zero gradient.
    cut = keras.Sequential(
        [keras.Input(spec.input_shape), layers[0], keras.layers.Lambda(lambda t: t * 0.0),
         *layers[1:]]
    )
    with pytest.raises(AssertionError, match="no gradient reaches"):
        checks.check_gradients_reach_every_weight(cut, spec)


def test_seed_check_catches_unseeded_builds():
    first = mnist_models.build(mnist_models.get_spec("mlp_25_25"), seed=1)
    second = mnist_models.build(mnist_models.get_spec("mlp_25_25"), seed=2)
    with pytest.raises(AssertionError, match="differs"):
        checks.check_same_weights(first, second)


def test_prediction_check_catches_a_changed_weight():
    spec = mnist_models.get_spec("cnn_12_20")
    model = mnist_models.build(spec, seed=0)
    other = mnist_models.build(spec, seed=0)
    weights = other.get_weights()
    weights[0] = weights[0] + np.float32(1e-3)
    other.set_weights(weights)
    with pytest.raises(AssertionError, match="predictions differ"):
        checks.check_same_predictions(model, other, spec)
