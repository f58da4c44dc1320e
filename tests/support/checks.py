"""Checks shared by the regression tests and by the tests that prove those checks can fail.

Each check raises ``AssertionError`` with a message naming what broke. The regression tests
run them on every registry model; ``test_checks_catch_breakage.py`` runs them on deliberately
broken models and asserts that they fail.
"""

from __future__ import annotations

import ast
import copy
import functools
from pathlib import Path

import keras
import numpy as np

import mnist_models
from mnist_models.backend import compat
from mnist_models.spec import ModelSpec
from mnist_models.zoo.architecture import table_mismatches
from tests.support import backend_helpers


def random_batch(spec: ModelSpec, size: int = 8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs in [0, 1] of the model's input shape, and one-hot labels."""
    rng = np.random.default_rng(seed)
    x = rng.random((size, *spec.input_shape), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size)]
    return x, y


def check_matches_document(model, spec: ModelSpec) -> None:
    problems = table_mismatches(model, spec)
    assert not problems, f"{spec.name} differs from document {spec.document}:\n" + "\n".join(
        problems
    )


def check_softmax_rows(model, spec: ModelSpec) -> None:
    x, _ = random_batch(spec)
    probabilities = np.asarray(model.predict_on_batch(x))
    assert probabilities.shape == (len(x), 10), f"output shape {probabilities.shape}"
    assert np.all(probabilities >= 0), "negative class probabilities"
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5,
                               err_msg="softmax rows do not sum to 1")


def check_gradients_reach_every_weight(model, spec: ModelSpec) -> None:
    x, y = random_batch(spec, size=32)
    grads = backend_helpers.gradients(model, x, y)
    assert len(grads) == len(model.trainable_weights)
    for weight, grad in zip(model.trainable_weights, grads, strict=True):
        name = getattr(weight, "path", None) or weight.name
        assert np.all(np.isfinite(grad)), f"non-finite gradient for {name}"
        assert np.any(grad != 0), f"no gradient reaches {name}"


def check_same_weights(model_a, model_b) -> None:
    weights_a, weights_b = model_a.get_weights(), model_b.get_weights()
    assert len(weights_a) == len(weights_b)
    for index, (a, b) in enumerate(zip(weights_a, weights_b, strict=True)):
        assert np.array_equal(a, b), f"weight {index} differs"


def check_same_predictions(model_a, model_b, spec: ModelSpec) -> None:
    x, _ = random_batch(spec)
    np.testing.assert_array_equal(
        np.asarray(model_a.predict_on_batch(x)),
        np.asarray(model_b.predict_on_batch(x)),
        err_msg="predictions differ",
    )


def top_level_imports(module_file: str) -> set[str]:
    """Top-level package names a module's source imports (to prove it needs no Keras/TF)."""
    tree = ast.parse(Path(module_file).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    return imported


def check_dropout(layer, rate: float, units: int = 200_000) -> None:
    """Training-mode Dropout zeroes each unit with probability ``rate`` and scales the rest by
    ``1 / (1 - rate)``. A two-sided binomial test at alpha 1e-6: over 200,000 units a rate off
    by 0.01 lies 11 standard deviations out, while a correct layer fails once in a million."""
    from scipy import stats

    x = np.ones((200, units // 200), dtype=np.float32)
    y = compat.to_numpy(layer(x, training=True))
    dropped = int(np.sum(y == 0))
    p_value = stats.binomtest(dropped, y.size, rate).pvalue
    assert p_value > 1e-6, (f"{layer.name} dropped {dropped / y.size:.4f} of its units, expected "
                            f"{rate} (binomial p = {p_value:.1e})")
    np.testing.assert_allclose(y[y != 0], 1 / (1 - rate), rtol=1e-6,
                               err_msg=f"{layer.name} does not scale kept units by 1/(1-{rate})")


def mutant(name: str, layer_name: str, **changes) -> keras.Model:
    """Model ``name`` rebuilt from its config with one layer's settings changed (its class,
    with ``class_name=``)."""
    original, model_class = _config_and_class(name)
    config = copy.deepcopy(original)
    found = False
    for layer in config["layers"]:
        # A stored build shape would pin the old input size of the layers after the change.
        layer.pop("build_config", None)
        if layer["config"].get("name") == layer_name:
            settings = dict(changes)
            layer["class_name"] = settings.pop("class_name", layer["class_name"])
            layer["config"].update(settings)
            found = True
    assert found, f"{name} has no layer {layer_name!r}"
    return model_class.from_config(config)


@functools.cache
def _config_and_class(name: str) -> tuple[dict, type]:
    """Built once per model: each mutant starts from a copy of this config."""
    model = mnist_models.build(mnist_models.get_spec(name), seed=0)
    return model.get_config(), type(model)
