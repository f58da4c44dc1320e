"""For every registry model, its recipe's preprocessing yields exactly the model's input."""

from __future__ import annotations

import functools

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mnist_models
from mnist_models.data.preprocessing import preprocess_images, preprocess_labels

MODELS = mnist_models.list_models()


@functools.cache
def _model(name: str):
    # One build per model for all hypothesis examples; predict_on_batch does not change it.
    return mnist_models.build(mnist_models.get_spec(name), seed=0)


def raw_batches(max_n: int = 6):
    return st.integers(1, max_n).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.uint8, (n, 28, 28)),
            hnp.arrays(np.uint8, (n,), elements=st.integers(0, 9)),
        )
    )


@pytest.mark.parametrize("name", MODELS)
@settings(max_examples=10)
@given(batch=raw_batches())
def test_preprocessed_batch_fits_the_model(name, batch):
    spec = mnist_models.get_spec(name)
    x_raw, y_raw = batch
    x = preprocess_images(x_raw, spec.recipe.image_steps)
    y = preprocess_labels(y_raw, spec.recipe.label_encoding)
    assert x.shape == (len(x_raw), *spec.input_shape)
    assert x.dtype == np.float32
    assert len(y) == len(y_raw)
    probabilities = np.asarray(_model(name).predict_on_batch(x))
    assert probabilities.shape == (len(x_raw), 10)
    assert np.all(np.isfinite(probabilities))
