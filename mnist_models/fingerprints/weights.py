"""Weights for the fingerprints: drawn by numpy, and which ones BatchNormalization cancels.

Keras' initializers draw different weights on TensorFlow, JAX and torch from the same seed;
:func:`fill_weights` draws them with numpy instead, so every environment starts from the same.
"""

from __future__ import annotations

import math
import zlib
from typing import TYPE_CHECKING, Any

import numpy as np

from mnist_models.backend import compat

if TYPE_CHECKING:
    import keras

#: Keras starts biases and BatchNormalization's parameters at exactly 0 or 1. Drawn that far
#: around those values instead, so a bias added twice or a moving mean ignored shows.
PERTURBATION = 0.1
#: Variance-scaling initializers, as Keras defines them: (scale, the fan it divides by).
_VARIANCE_SCALING = {
    "GlorotUniform": (1.0, "avg"), "GlorotNormal": (1.0, "avg"),
    "HeUniform": (2.0, "in"), "HeNormal": (2.0, "in"),
    "LecunUniform": (1.0, "in"), "LecunNormal": (1.0, "in"),
}
_CONSTANT = {"Zeros": 0.0, "Ones": 1.0}


def fill_weights(model: keras.Model, seed_name: str) -> None:
    """Overwrite every weight with numpy draws at the scale of its Keras initializer.

    Each layer has its own generator, seeded by ``seed_name`` and the layer's name, so a layer
    added or removed leaves the others' weights as they were. Variance-scaling kernels get
    uniform draws of the same variance; constant-initialised weights get the constant plus
    uniform noise of :data:`PERTURBATION`.
    """
    for layer in compat.model_layers(model):
        if not layer.weights:
            continue
        config = compat.layer_config(layer)
        rng = np.random.default_rng(zlib.crc32(f"{seed_name}/{layer.name}".encode()))
        layer.set_weights([_draw(rng, layer.name, compat.weight_name(weight),
                                 tuple(weight.shape), config) for weight in layer.weights])


def _draw(rng: np.random.Generator, layer: str, weight: str, shape: tuple[int, ...],
          config: dict[str, Any]) -> np.ndarray:
    initializer = config.get(f"{weight}_initializer") or {}
    kind = initializer.get("class_name") if isinstance(initializer, dict) else initializer
    if kind in _VARIANCE_SCALING:
        scale, mode = _VARIANCE_SCALING[kind]
        receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
        fan = {"in": fan_in, "avg": (fan_in + fan_out) / 2}[mode]
        limit = math.sqrt(3.0 * scale / fan)
        values = rng.uniform(-limit, limit, size=shape)
    elif kind in _CONSTANT:
        values = _CONSTANT[kind] + rng.uniform(-PERTURBATION, PERTURBATION, size=shape)
    else:
        raise ValueError(f"fill_weights: {layer}/{weight} has initializer {kind!r}; expected "
                         f"one of {sorted(_VARIANCE_SCALING) + sorted(_CONSTANT)}")
    return values.astype(np.float32)


#: Layers that add the same constant to a channel's output when one is added to its input.
_SHIFT_PRESERVING = {"Flatten", "MaxPooling2D", "AveragePooling2D", "Dense", "Conv2D"}


def cancelled_by_batchnorm(model: keras.Model) -> set[str]:
    """Weights that only add a per-channel constant which a later BatchNormalization removes.

    In training mode BatchNormalization subtracts each channel's batch mean, so a bias (or a
    beta) that reaches it through linear, unpadded layers has a gradient of exactly zero; what
    the backend computes is round-off, and Adam scales round-off up to full steps. lenet5_bn's
    two conv biases (document 000 keeps Keras' use_bias=True before each BatchNormalization) and
    the beta feeding its second conv are such weights: their updates differ between two runs of
    one environment, eager against compiled. They are left out of the update digest.
    """
    layers = compat.model_layers(model)
    cancelled = set()
    for index, layer in enumerate(layers):
        config = compat.layer_config(layer)
        kind = type(layer).__name__
        if kind == "BatchNormalization" and config.get("center"):
            weight = "beta"
        elif config.get("use_bias") and config.get("activation") == "linear":
            weight = "bias"
        else:
            continue
        for after in layers[index + 1:]:
            after_config = compat.layer_config(after)
            if type(after).__name__ == "BatchNormalization":
                cancelled.add(f"{layer.name}/{weight}")
                break
            linear = after_config.get("activation", "linear") == "linear"
            unpadded = after_config.get("padding", "valid") == "valid"
            if type(after).__name__ not in _SHIFT_PRESERVING or not linear or not unpadded:
                break
    return cancelled
