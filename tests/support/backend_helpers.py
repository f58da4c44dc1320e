"""Backend-specific helpers only the tests use (autodiff, where a variable lives).

Kept out of the package: nothing the CLI or the suite's users call needs them.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from mnist_models.backend import compat


def gradients(model: keras.Model, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """Gradients of the mean categorical cross-entropy w.r.t. each trainable weight.

    Each backend has its own autodiff, so this is the one place that branches on it.
    """
    loss_fn = keras.losses.CategoricalCrossentropy()
    name = compat.backend()
    if name == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        return [np.zeros(tuple(w.shape)) if g is None else np.asarray(g) for w, g in
                zip(model.trainable_weights, grads, strict=True)]
    if name == "jax":
        import jax

        trainable = [w.value for w in model.trainable_variables]
        frozen = [w.value for w in model.non_trainable_variables]

        def loss_of(params: list[Any]) -> Any:
            y_pred, _ = model.stateless_call(params, frozen, x, training=True)
            return loss_fn(y, y_pred)

        return [np.asarray(g) for g in jax.grad(loss_of)(trainable)]
    if name == "torch":
        import torch

        for weight in model.trainable_weights:
            weight.value.grad = None
        loss = loss_fn(torch.as_tensor(y), model(torch.as_tensor(x), training=True))
        loss.backward()
        return [
            np.zeros(tuple(w.shape)) if w.value.grad is None else w.value.grad.cpu().numpy()
            for w in model.trainable_weights
        ]
    raise NotImplementedError(f"gradients() does not support the {name!r} backend")


def variable_device(variable: Any) -> str:
    """Where a Keras variable's value lives: ``"gpu"``, ``"cpu"`` or another platform's name
    (``"tpu"``, ``"mps"``); ``"mixed"`` for a JAX array spread over several platforms."""
    name = compat.backend()
    value = variable.value if compat.IS_KERAS_3 else variable
    if name == "jax":
        platforms = {device.platform for device in value.devices()}
        return platforms.pop() if len(platforms) == 1 else "mixed"
    if name == "torch":
        return "gpu" if value.device.type == "cuda" else value.device.type
    # TensorFlow names devices like "/job:localhost/replica:0/task:0/device:GPU:0".
    return value.device.rsplit("device:", 1)[-1].split(":")[0].lower() or "cpu"
