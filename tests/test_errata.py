"""Document 003's code as printed, kept as an erratum: why the zoo builds the described model."""

from __future__ import annotations

import numpy as np
import pytest

import mnist_models
from mnist_models.models import cnn


def test_as_printed_outputs_a_feature_map_not_class_scores():
    model = cnn.cnn_32_64_as_printed()
    assert tuple(model.outputs[0].shape)[1:] == cnn.CNN_32_64_AS_PRINTED_OUTPUT
    assert model.count_params() == cnn.CNN_32_64_AS_PRINTED_PARAMS
    assert "cnn_32_64_as_printed" not in mnist_models.list_models()


def test_as_printed_cannot_fit_one_hot_labels():
    model = cnn.cnn_32_64_as_printed()
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
