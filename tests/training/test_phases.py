"""What each phase of a recipe sees: the samples fitted, validated on and scored, as indices into
MNIST's training and test arrays, read from what ``train()`` hands Keras.

Each image carries its own index in three of its pixels (and the test split's indices a flag
past any training index), so the arrays Keras receives say where each sample came from, through
whatever preprocessing the recipe runs. Keras' ``fit`` and ``evaluate`` are replaced on the built
model by recorders: nothing trains, so the whole recipe's phases cost a second a model. Every
expected value comes from the spec's recipe and MNIST's sizes.
"""

from __future__ import annotations

import math
import re
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

import mnist_models
from mnist_models.data.preprocessing import preprocess_images, preprocess_labels
from mnist_models.spec import ModelSpec
from mnist_models.training import train as train_module

#: The raw pixels that hold an image's code, base 256, least significant first.
CODE_PIXELS = ((0, 0), (0, 1), (0, 2))
#: A test image's code is its index plus this: past any training index, within three bytes.
TEST_FLAG = 1 << 17
#: What the recording ``evaluate`` reports, so the result's accuracy shows which call it took.
SCORES = (0.25, 0.5, 0.75)
SEED = 3


def _encode(codes: np.ndarray) -> np.ndarray:
    images = np.zeros((len(codes), 28, 28), np.uint8)
    for byte, (row, col) in enumerate(CODE_PIXELS):
        images[:, row, col] = (codes >> (8 * byte)) & 255
    return images


@pytest.fixture(scope="module")
def sizes() -> tuple[int, int]:
    (x_train, _), (x_test, _) = mnist_models.load_mnist()
    return len(x_train), len(x_test)


@pytest.fixture(scope="module")
def encoded(sizes):
    """MNIST-sized splits whose images are their own indices, and random labels."""
    n_train, n_test = sizes
    rng = np.random.default_rng(0)
    return ((_encode(np.arange(n_train)), rng.integers(0, 10, n_train).astype(np.uint8)),
            (_encode(np.arange(n_test) + TEST_FLAG), rng.integers(0, 10, n_test).astype(np.uint8)))


def _decoder(spec: ModelSpec):
    """Preprocessed images -> (split, indices), wherever and however scaled the recipe's steps
    put the code pixels: found by preprocessing one probe image per pixel."""
    probe = np.zeros((len(CODE_PIXELS), 28, 28), np.uint8)
    for k, (row, col) in enumerate(CODE_PIXELS):
        probe[k, row, col] = 255
    probed = preprocess_images(probe, spec.recipe.image_steps).reshape(len(probe), -1)
    where = probed.argmax(axis=1)
    full = probed[np.arange(len(probe)), where].astype(np.float64)

    def decode(x) -> tuple[str, np.ndarray]:
        flat = np.asarray(x).reshape(len(x), -1)[:, where].astype(np.float64)
        digits = np.rint(flat * 255 / full).astype(np.int64)
        codes = sum(digits[:, k] << (8 * k) for k in range(len(CODE_PIXELS)))
        test = codes >= TEST_FLAG
        assert test.all() or not test.any(), "one array mixes the training and test splits"
        return ("test", codes - TEST_FLAG) if test.any() else ("train", codes)

    return decode


def _recorded(monkeypatch, spec: ModelSpec, data, **budget) -> tuple[dict, list, float]:
    """``train(spec, ...)`` with Keras' fit and evaluate recording what they are given."""
    fits, evaluations, real_build = [], [], train_module.build

    def fit(x, y, **kwargs):
        fits.append((x, y, kwargs))
        return SimpleNamespace(history={})

    def evaluate(x, y, **kwargs):
        evaluations.append((x, y))
        return {"loss": 1.0, "accuracy": SCORES[len(evaluations) - 1]}

    def build(spec, seed):
        model = real_build(spec, seed)
        model.fit, model.evaluate = fit, evaluate
        return model

    monkeypatch.setattr(train_module, "build", build)
    with warnings.catch_warnings():
        # Nothing trains, so a step budget always "ran 0 steps": that warning is expected.
        warnings.simplefilter("ignore", RuntimeWarning)
        result = train_module.train(spec, seed=SEED, data=data, **budget)
    assert len(fits) == 1, f"{spec.name}: fit called {len(fits)} times"
    return fits[0], evaluations, result.test_accuracy


def _expected(spec: ModelSpec, n_train: int, n_test: int, target: bool) -> dict:
    """Each phase's split and indices, from the recipe alone."""
    recipe = spec.recipe
    train, test = np.arange(n_train), np.arange(n_test)
    if recipe.steps is not None:
        # Document 004: every step's batch drawn with replacement, from the run's seed.
        drawn = np.random.default_rng(SEED).integers(0, n_train, recipe.steps * recipe.batch_size)
        return {"fit": ("train", drawn), "validation": None, "evaluate": ("test", test)}
    if recipe.validation == "split":
        # Keras' validation_split: the last fraction of the training split, unshuffled.
        split_at = math.floor(n_train * (1 - recipe.validation_split))
        fit, validation = ("train", train[:split_at]), ("train", train[split_at:])
    else:
        fit, validation = ("train", train), ("test", test) if recipe.validation == "test" else None
    # Towards a target the held-out part stays out of the fit, but only the test set is scored.
    return {"fit": fit, "validation": None if target else validation, "evaluate": ("test", test)}


def _summary(phase) -> str:
    if phase is None:
        return "none"
    split, index = phase
    return f"{split} x{len(index)} [{index[0]}..{index[-1]}]" if len(index) else f"{split} x0"


def _check_phase(name: str, phase: str, seen, expected) -> None:
    assert _summary(seen) == _summary(expected), \
        f"{name} {phase}: saw {_summary(seen)}, expected {_summary(expected)}"
    if expected is not None:
        assert np.array_equal(seen[1], expected[1]), f"{name} {phase}: other samples, same ends"


@pytest.mark.parametrize("target", [False, True], ids=["budget", "towards a target"])
@pytest.mark.parametrize("name", mnist_models.list_models())
def test_each_phase_sees_the_samples_its_recipe_names(monkeypatch, sizes, encoded, name, target):
    spec = mnist_models.get_spec(name)
    decode = _decoder(spec)
    (x_fit, y_fit, kwargs), evaluations, accuracy = _recorded(
        monkeypatch, spec, encoded, target_accuracy=0.99 if target else None)
    validation = kwargs["validation_data"]
    seen = {"fit": decode(x_fit),
            "validation": None if validation is None else decode(validation[0]),
            "evaluate": decode(evaluations[-1][0])}
    for phase, expected in _expected(spec, *sizes, target).items():
        _check_phase(name, phase, seen[phase], expected)

    # Labels travel with their images, encoded by the recipe.
    labels = {"train": encoded[0][1], "test": encoded[1][1]}
    encoding = spec.recipe.label_encoding
    pairs = [(x_fit, y_fit), *([validation] if validation is not None else []), evaluations[-1]]
    for x, y in pairs:
        split, index = decode(x)
        np.testing.assert_array_equal(y, preprocess_labels(labels[split][index], encoding))

    recipe = spec.recipe
    assert kwargs["batch_size"] == recipe.batch_size
    assert (kwargs["epochs"], kwargs["shuffle"]) == (
        (1, False) if recipe.steps is not None else (recipe.epochs, recipe.shuffle))
    # What is reported is the score of the one evaluation, the test split's.
    assert len(evaluations) == 1 and accuracy == SCORES[0]


def _fit_on_everything(monkeypatch):
    monkeypatch.setattr(train_module, "fit_and_validation",
                        lambda recipe, train, test: (train, train))


def _score_the_training_split(monkeypatch):
    real_prepare = train_module.prepare

    def prepare(recipe, data):
        (x_train, y_train), (x_test, _) = real_prepare(recipe, data)
        return (x_train, y_train), (x_train[:len(x_test)], y_train[:len(x_test)])

    monkeypatch.setattr(train_module, "prepare", prepare)


@pytest.mark.parametrize(("break_it", "phase", "message"), [
    (_fit_on_everything, "fit", "mlp_25_25 fit: saw train x60000 [0..59999]"),
    (_score_the_training_split, "evaluate", "mlp_25_25 evaluate: saw train x10000"),
], ids=["validation part fitted", "training split scored"])
def test_the_phase_check_names_a_leak(monkeypatch, sizes, encoded, break_it, phase, message):
    """The check above can fail: each leak is named by its phase and the samples' ends."""
    spec = mnist_models.get_spec("mlp_25_25")
    break_it(monkeypatch)
    (x_fit, _, _), evaluations, _ = _recorded(monkeypatch, spec, encoded)
    seen = {"fit": x_fit, "evaluate": evaluations[-1][0]}[phase]
    with pytest.raises(AssertionError, match=re.escape(message)):
        _check_phase(spec.name, phase, _decoder(spec)(seen), _expected(spec, *sizes, False)[phase])
