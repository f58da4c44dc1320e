"""Document 003's code as printed, kept as an erratum: why the zoo builds the described model.

The printed model lives here, beside the tests that show it fails, not in the package: it is
no zoo model, and only these tests build it.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

import mnist_models

#: Output shape and params of :func:`cnn_32_64_as_printed`, derived by hand from the code.
CNN_32_64_AS_PRINTED_OUTPUT = (4, 4, 10)
CNN_32_64_AS_PRINTED_PARAMS = 128906


def cnn_32_64_as_printed() -> keras.Model:
    """Document 003's code exactly as printed: no Flatten, no Dropout.

    Without the Flatten the Dense layers act on the last axis of the (4, 4, 64) feature map, so
    the model outputs (None, 4, 4, 10) with 128,906 params and cannot be fitted to the
    document's one-hot (N, 10) labels.
    """
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=(5, 5), activation="relu", name="conv2d"),
            layers.MaxPooling2D(pool_size=(2, 2), name="max_pooling2d"),
            layers.Conv2D(64, kernel_size=(5, 5), activation="relu", name="conv2d_1"),
            layers.MaxPooling2D(pool_size=(2, 2), name="max_pooling2d_1"),
            layers.Dense(1024, activation="relu", name="dense"),
            layers.Dense(10, activation="softmax", name="dense_1"),
        ],
        name="cnn_32_64_as_printed",
    )


def test_as_printed_outputs_a_feature_map_not_class_scores():
    model = cnn_32_64_as_printed()
    assert tuple(model.outputs[0].shape)[1:] == CNN_32_64_AS_PRINTED_OUTPUT
    assert model.count_params() == CNN_32_64_AS_PRINTED_PARAMS
    assert "cnn_32_64_as_printed" not in mnist_models.list_models()


def test_as_printed_cannot_fit_one_hot_labels():
    model = cnn_32_64_as_printed()
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    x = np.zeros((4, 28, 28, 1), np.float32)
    y = np.eye(10, dtype=np.float32)[[0, 1, 2, 3]]
    with pytest.raises(ValueError):
        model.train_on_batch(x, y)


def test_described_model_fits_the_same_labels():
    model = mnist_models.build(mnist_models.get_spec("cnn_32_64"), seed=0)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    x = np.zeros((4, 28, 28, 1), np.float32)
    y = np.eye(10, dtype=np.float32)[[0, 1, 2, 3]]
    loss = model.train_on_batch(x, y)
    assert np.isfinite(np.asarray(loss)).all()
