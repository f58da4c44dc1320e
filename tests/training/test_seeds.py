"""Every source of randomness a recipe has follows the run's seed: the same seed draws the same,
another seed draws otherwise. And the check fails when one source stops following it.

Sources, per model (from its spec): weight initialization (every model); the order of the
batches the training loop fits, shuffled (epoch recipes that shuffle) or drawn at random
(document 004's random batches); Dropout's masks (models with a Dropout layer). Each is measured
where the run draws it: the weights ``build`` gives at a seed, the batches Keras' training step
receives from ``train()``, a Dropout layer's first training-mode mask after the model is built
and seeded as ``train()`` builds and seeds it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mnist_models
from mnist_models import arguments
from mnist_models.backend import compat
from mnist_models.spec import ModelSpec
from mnist_models.training import train as train_module

#: Optimizer steps whose batches are compared: two show an order, and cost little eagerly.
STEPS = 2
SEEDS = st.integers(0, arguments.MAX_SEED)
PAIRS = st.tuples(SEEDS, SEEDS).filter(lambda pair: pair[0] != pair[1])


def initial_weights(spec: ModelSpec, seed: int) -> np.ndarray:
    model = mnist_models.build(spec, seed=seed)
    return np.concatenate([np.ravel(w) for w in model.get_weights()])


def dropout_masks(spec: ModelSpec, seed: int) -> np.ndarray:
    # build() is where train() seeds; a Dropout layer draws its masks from a generator seeded
    # when it is built, so its first training-mode mask is the first the run would draw.
    model = mnist_models.build(spec, seed=seed)
    shapes = {row.name: row.output_shape for row in spec.layers if row.kind == "Dropout"}
    return np.concatenate([
        np.ravel(compat.to_numpy(layer(np.ones((8, *shapes[layer.name]), np.float32),
                                       training=True)) != 0)
        for layer in compat.model_layers(model) if layer.name in shapes])


@functools.cache
def _small_data(batch_size: int):
    """Four batches of distinct MNIST images: enough for a split to leave two to fit."""
    (x_train, y_train), (x_test, y_test) = mnist_models.load_mnist()
    n = 4 * batch_size
    return (x_train[:n], y_train[:n]), (x_test[:64], y_test[:64])


def fitted_batches(spec: ModelSpec, seed: int) -> np.ndarray:
    """The images of the first :data:`STEPS` batches Keras' training step receives from
    ``train(spec, seed=seed)``: run eagerly, so the step sees them as arrays."""
    seen = []
    real_compile = train_module.compile_model

    def compile_eagerly(model, recipe, *args, **kwargs):
        real_compile(model, recipe, *args, run_eagerly=True, **kwargs)
        real_step = model.train_step

        def step(*step_args):  # (data) on TensorFlow and torch, (state, data) on JAX
            seen.append(np.array(compat.to_numpy(step_args[-1][0])))
            return real_step(*step_args)

        model.train_step = step

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_module, "compile_model", compile_eagerly)
        train_module.train(spec, steps=STEPS, seed=seed, data=_small_data(spec.recipe.batch_size))
    assert len(seen) == STEPS, f"{spec.name}: the training step ran {len(seen)} times"
    return np.concatenate(seen)


DRAWS: dict[str, Callable[[ModelSpec, int], np.ndarray]] = {
    "initialization": initial_weights, "shuffling": fitted_batches,
    "random batches": fitted_batches, "dropout": dropout_masks}


def sources(spec: ModelSpec) -> list[str]:
    """The sources of randomness ``spec``'s recipe has."""
    found = ["initialization"]
    if spec.recipe.steps is not None:
        found.append("random batches")
    elif spec.recipe.shuffle:
        found.append("shuffling")
    if any(row.kind == "Dropout" for row in spec.layers):
        found.append("dropout")
    return found


def check_follows_seed(spec: ModelSpec, source: str, seed: int, other: int) -> None:
    """Raises ``AssertionError`` unless ``source`` draws the same at ``seed`` twice and
    otherwise at ``other``."""
    draw = DRAWS[source]
    first = draw(spec, seed)
    assert np.array_equal(first, draw(spec, seed)), \
        f"{spec.name} {source}: seed {seed} drew differently twice"
    assert not np.array_equal(first, draw(spec, other)), \
        f"{spec.name} {source}: seeds {seed} and {other} drew the same: it ignores the seed"


CASES = [pytest.param(name, source, id=f"{name}-{source}",
                      marks=[pytest.mark.training] if DRAWS[source] is fitted_batches else [])
         for name in mnist_models.list_models()
         for source in sources(mnist_models.get_spec(name))]


@pytest.mark.parametrize(("name", "source"), CASES)
# One drawn pair a case: each draw of a shuffling source is a short training run.
@settings(max_examples=1, deadline=None)
@given(seeds=PAIRS)
def test_each_source_of_randomness_follows_the_seed(name, source, seeds):
    check_follows_seed(mnist_models.get_spec(name), source, *seeds)


def test_every_kind_of_source_is_in_the_zoo():
    """The breaks below need a model of each kind; a zoo without one would test nothing."""
    assert {source for name in mnist_models.list_models()
            for source in sources(mnist_models.get_spec(name))} == set(DRAWS)


def _seeded_with_zero(monkeypatch):
    real = compat.set_seed
    monkeypatch.setattr(compat, "set_seed", lambda seed: real(0))


def _reseeded_before_fit(monkeypatch):
    # Initialization still follows the seed; what is drawn after the model is built does not.
    real = train_module.compile_model

    def compile_and_reseed(*args, **kwargs):
        real(*args, **kwargs)
        compat.set_seed(0)

    monkeypatch.setattr(train_module, "compile_model", compile_and_reseed)


def _batches_drawn_at_zero(monkeypatch):
    real = train_module.random_batches
    monkeypatch.setattr(train_module, "random_batches",
                        lambda x, y, steps, batch_size, seed: real(x, y, steps, batch_size, 0))


def _dropout_seeded_at_zero(monkeypatch):
    """Dropout whose training-mode mask comes from a generator of its own at seed 0. (Passing
    ``seed=0`` to the layer is no such break on Keras 2, whose op seed is combined with the
    global one that the run seeds.)"""

    def call(self, inputs, training=None):
        if not training:
            return inputs
        shape = tuple(int(d) for d in inputs.shape)
        keep = np.random.default_rng(0).random(shape) >= self.rate
        scaled = (keep / (1 - self.rate)).astype("float32")
        ops = getattr(keras, "ops", None)  # Keras 3; Keras 2's tensors take numpy as they are
        return ops.multiply(inputs, ops.convert_to_tensor(scaled)) if ops else inputs * scaled

    monkeypatch.setattr(keras.layers.Dropout, "call", call)


BREAKS = {"initialization": ("mlp_25_25", _seeded_with_zero),
          "shuffling": ("mlp_25_25", _reseeded_before_fit),
          "random batches": ("lenet5", _batches_drawn_at_zero),
          "dropout": ("cnn_32_64", _dropout_seeded_at_zero)}


@pytest.mark.parametrize("source", [
    pytest.param(source, marks=[pytest.mark.training] if DRAWS[source] is fitted_batches else [])
    for source in BREAKS])
def test_the_check_fails_when_a_source_ignores_the_seed(monkeypatch, source):
    name, break_it = BREAKS[source]
    spec = mnist_models.get_spec(name)
    assert source in sources(spec)
    check_follows_seed(spec, source, 1, 2)  # sound: passes
    break_it(monkeypatch)
    with pytest.raises(AssertionError, match="drew the same: it ignores the seed"):
        check_follows_seed(spec, source, 1, 2)
