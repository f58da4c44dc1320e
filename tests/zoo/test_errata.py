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


#: The layers document 003's text lists and its printed code leaves out.
LEFT_OUT_OF_THE_PRINT = ("Flatten", "Dropout")


def cnn_32_64_as_printed() -> keras.Model:
    """Document 003's code exactly as printed: the described model without its Flatten and
    its Dropout, every other layer and setting the same.

    Without the Flatten the Dense layers act on the last axis of the (4, 4, 64) feature map, so
    the model outputs (None, 4, 4, 10) with 128,906 params and cannot be fitted to the
    document's one-hot (N, 10) labels.
    """
    config = mnist_models.build(mnist_models.get_spec("cnn_32_64")).get_config()
    config["name"] = "cnn_32_64_as_printed"
    config["layers"] = [layer for layer in config["layers"]
                        if layer["class_name"] not in LEFT_OUT_OF_THE_PRINT]
    for layer in config["layers"]:
        # A stored build shape would pin the Dense layers to the Flatten's 1024 features.
        layer.pop("build_config", None)
    return keras.Sequential.from_config(config)


def test_as_printed_outputs_a_feature_map_not_class_scores():
    model = cnn_32_64_as_printed()
    # The printed code's layers, in its order.
    assert [type(layer).__name__ for layer in model.layers] == [
        "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Dense", "Dense"]
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
