"""Where a Keras version or backend really behaves differently, pinned in one small test each.

Each test asserts what *this* environment does, so a tox run on another version or backend
checks its own side of the difference. Architecture tables, parameter counts and preprocessing
are not here: they must be, and are tested to be, identical everywhere.
"""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

import mnist_models
from mnist_models.backend import compat
from tests.support import files

GOLDEN = files.INITIAL_WEIGHTS
ENVIRONMENT = compat.backend()


def _first_kernel_fingerprint(seed: int) -> list[float]:
    model = mnist_models.build(mnist_models.get_spec("lenet5_bn"), seed=seed)
    return [round(float(v), 6) for v in model.get_weights()[0].ravel()[:4]]


def test_same_seed_gives_each_backend_its_own_initial_weights():
    """keras.utils.set_random_seed seeds each backend's own generator, so seed 0 builds
    different weights on TensorFlow, JAX and torch. (Keras 2.15 and Keras 3 on TensorFlow
    agree: the golden file has one TensorFlow entry, checked by every tf2xx environment.) Runs
    repeat within a backend, never across them, which is why gates are calibrated over seeds
    with a margin rather than pinned to one run."""
    golden = json.loads(GOLDEN.read_text())
    ours = _first_kernel_fingerprint(seed=0)
    assert ENVIRONMENT in golden, (
        f"no golden fingerprint for backend {ENVIRONMENT}; add {ours} to {GOLDEN.name}")
    assert ours == golden[ENVIRONMENT], "the same seed no longer gives this backend's weights"
    others = {env: fp for env, fp in golden.items() if env != ENVIRONMENT}
    assert all(fp != ours for fp in others.values()), "two backends now agree"


def test_batchnorm_moving_variance_bessel_correction():
    """Keras 2's fused BatchNormalization (4-D input) updates the moving variance with the
    Bessel-corrected batch variance, n/(n-1) times larger; Keras 3 (every backend) and Keras
    2's non-fused path use the biased one. It moves lenet5_bn's inference-time numbers."""
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(8, 4, 4, 3)) * 2 + 1).astype("float32")
    layer = keras.layers.BatchNormalization(momentum=0.0)
    layer(x, training=True)
    moving = compat.to_numpy(layer.moving_variance)
    ddof = 1 if compat.KERAS_MAJOR == 2 else 0
    np.testing.assert_allclose(moving, x.var(axis=(0, 1, 2), ddof=ddof), rtol=1e-4)


def test_batchnorm_training_output_is_the_biased_normalisation_everywhere():
    rng = np.random.default_rng(1)
    x = (rng.normal(size=(8, 4, 4, 3)) * 2 + 1).astype("float32")
    y = compat.to_numpy(keras.layers.BatchNormalization()(x, training=True))
    expected = (x - x.mean(axis=(0, 1, 2))) / np.sqrt(x.var(axis=(0, 1, 2)) + 1e-3)
    np.testing.assert_allclose(y, expected, atol=1e-4)


@pytest.mark.parametrize(("pool", "strides", "expected"), [
    ((2, 2), (2, 2), [[3.0, 4.5], [7.5, 9.0]]),
    ((2, 2), (1, 1), [[3.0, 4.0, 4.5], [6.0, 7.0, 7.5], [7.5, 8.5, 9.0]]),
])
def test_average_pooling_same_padding_excludes_the_padding(pool, strides, expected):
    """TensorFlow averages only the real cells of a padded window. Keras' torch backend once
    padded evenly and counted the padding (keras-team/keras#18452, fixed since); pinned here so
    a regression shows. The zoo's average pools use padding="valid", which never pads."""
    x = np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)
    y = keras.layers.AveragePooling2D(pool, strides=strides, padding="same")(x)
    np.testing.assert_allclose(compat.to_numpy(y)[0, :, :, 0], expected, rtol=1e-6)


def test_crossentropy_on_a_saturated_softmax():
    """Keras' TensorFlow backend finds the logits behind a softmax output and computes the
    cross-entropy from them; JAX and torch clip the probabilities to [1e-7, 1 - 1e-7], so a
    confidently wrong prediction costs at most -log(1e-7) and passes back no gradient. It is
    why cnn_32_64, which trains on raw 0-255 pixels as document 003 does (saturated softmax at
    the start), needs its own gate on JAX and torch (calibration/gates-BACKEND.json)."""
    model = keras.Sequential([keras.Input(shape=(2,)),
                              keras.layers.Dense(2, activation="softmax", use_bias=False)])
    model.set_weights([np.array([[50.0, 0.0], [0.0, 0.0]], dtype="float32")])
    x = np.array([[1.0, 0.0]], dtype="float32")  # logits (50, 0)
    y = np.array([[0.0, 1.0]], dtype="float32")  # the true class is the unlikely one
    loss = float(compat.to_numpy(keras.losses.categorical_crossentropy(y, model(x)))[0])
    if compat.backend() == "tensorflow":
        assert loss == pytest.approx(50.0, rel=1e-4)
    else:
        assert loss == pytest.approx(-np.log(1e-7), rel=1e-4)


def _keras_before(major: int, minor: int) -> bool:
    version = tuple(int(part) for part in compat.KERAS_VERSION.split(".")[:2])
    return compat.IS_KERAS_3 and version < (major, minor)


def _small_compiled_model(steps_per_execution: int) -> keras.Model:
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


XY = (np.ones((1000, 4), dtype="float32"), np.eye(3, dtype="float32")[np.arange(1000) % 3])


@pytest.mark.skipif(compat.backend() == "torch",
                    reason="Keras' torch trainer refuses steps_per_execution > 1")
def test_callbacks_see_which_step_of_a_compiled_execution():
    """With steps_per_execution=5 over 10 batches, on_train_batch_end gets each execution's
    last step index (4, 9) from Keras 2 and Keras 3.11 on, but its first (0, 5) from Keras 3
    up to 3.10 (seen on 3.3.3, 3.5.0, 3.8.0 and 3.10.0). train() counts steps with the
    optimizer's own counter, which is right on both."""
    seen: list[int] = []
    recorder = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(batch))
    model = _small_compiled_model(5)
    model.fit(*XY, batch_size=100, epochs=1, verbose=0, callbacks=[recorder])
    assert seen == ([0, 5] if _keras_before(3, 11) else [4, 9])
    assert int(compat.to_numpy(model.optimizer.iterations)) == 10


@pytest.mark.skipif(compat.backend() != "tensorflow",
                    reason="seen on Keras 3's TensorFlow trainer; jax/torch run other loops")
def test_evaluation_shorter_than_one_execution():
    """Keras 3 before 3.8 returns no metrics ({} or None) when evaluation has fewer batches
    than steps_per_execution (keras-team/keras#20390; seen on 3.3.3 and 3.5.0, fixed in 3.8.0).
    train() evaluates in at least steps_per_execution batches for this reason."""
    model = _small_compiled_model(25)
    scores = model.evaluate(*XY, batch_size=100, verbose=0, return_dict=True)  # 10 batches
    if _keras_before(3, 8):
        assert not scores
    else:
        assert set(scores) == {"accuracy", "loss"}
    enough = model.evaluate(*XY, batch_size=40, verbose=0, return_dict=True)  # 25 batches
    assert set(enough) == {"accuracy", "loss"}


def test_batchnorm_axis_is_stored_per_keras_version():
    """Keras 2 stores a built BatchNormalization's axis as non-negative axes ([3] for NHWC);
    Keras 3 keeps the -1 it was given. compat.layer_config gives -1 on both, so the layer
    settings compare with the specs."""
    model = keras.Sequential([keras.Input((4, 4, 2)), keras.layers.BatchNormalization()])
    layer = model.layers[-1]
    raw = layer.get_config()["axis"]
    assert (list(raw) if compat.KERAS_MAJOR == 2 else raw) == ([3] if compat.KERAS_MAJOR == 2
                                                                 else -1)
    assert compat.layer_config(layer)["axis"] == -1


def test_weight_names_per_keras_version():
    """Keras 2 names a variable "dense/kernel:0", Keras 3 "kernel"; compat.weight_name gives
    the latter on both (the fingerprints key their digests by it)."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="dense")])
    raw = [weight.name for weight in model.layers[-1].weights]
    assert raw == (["dense/kernel:0", "dense/bias:0"] if compat.KERAS_MAJOR == 2
                   else ["kernel", "bias"])
    assert [compat.weight_name(w) for w in model.layers[-1].weights] == ["kernel", "bias"]


def test_train_on_batch_reports_the_batch_loss_or_a_running_mean():
    """Keras 3 before keras-team/keras#22617 (merged 2026-04; seen on 3.3.3 to 3.11.3, fixed
    in 3.15.1) never resets the loss tracker in train_on_batch, so the second call reports the
    mean of both batches' losses. Keras 2 resets it. compat.train_on_batch_loss, which the
    fingerprints use, resets first and gets the batch's own loss everywhere."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(learning_rate=0.0), "categorical_crossentropy")
    easy = (np.array([[4.0, 0.0]], "float32"), np.array([[1.0, 0.0]], "float32"))
    hard = (easy[0], np.array([[0.0, 1.0]], "float32"))
    model.set_weights([np.eye(2, dtype="float32"), np.zeros(2, "float32")])
    first = float(np.ravel(model.train_on_batch(*easy))[0])
    second = float(np.ravel(model.train_on_batch(*hard))[0])
    loss = keras.losses.categorical_crossentropy(hard[1], model(hard[0]))
    alone = float(compat.to_numpy(loss)[0])
    if _keras_before(3, 15):
        assert second == pytest.approx((first + alone) / 2, rel=1e-5)
    else:
        assert second == pytest.approx(alone, rel=1e-5)
    assert compat.train_on_batch_loss(model, *hard) == pytest.approx(alone, rel=1e-5)

