"""Every difference between Keras 2 (TensorFlow 2.15) and Keras 3 (TF >= 2.16, JAX, torch).

The rest of the package imports Keras only through this module, so a new Keras release or a
new backend is one place to look at. Nothing here imports TensorFlow unless the active backend
is TensorFlow: the JAX and torch environments run without it installed.
"""

from __future__ import annotations

import os
from typing import Any

import keras
import numpy as np

KERAS_VERSION: str = keras.__version__
KERAS_MAJOR: int = int(KERAS_VERSION.split(".")[0])
IS_KERAS_3: bool = KERAS_MAJOR >= 3


def backend() -> str:
    """The active backend's name: ``tensorflow``, ``jax`` or ``torch``."""
    return keras.backend.backend()


def set_seed(seed: int) -> None:
    """Seed Python, numpy and the backend (and Keras 3's global seed generator)."""
    keras.utils.set_random_seed(int(seed))


def clear_session(free_memory: bool = False) -> None:
    """Drop the global layer-name counters and graph state between models.

    Keras 3 runs a full ``gc.collect()`` by default, about 0.2 s a call; the suite clears the
    session around every test, so it skips that unless asked. Keras 2 has no such switch.
    """
    if IS_KERAS_3:
        keras.backend.clear_session(free_memory=free_memory)
    else:
        keras.backend.clear_session()


def model_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's layers without its ``InputLayer``.

    Keras 3 lists the ``InputLayer`` of a functional model in ``model.layers`` but not that of a
    ``Sequential``; Keras 2 never lists it for ``Sequential``. The published tables start at the
    first real layer, so the input layer is dropped everywhere.
    """
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def output_shape(layer: keras.layers.Layer) -> tuple[int | None, ...]:
    """A layer's symbolic output shape, batch axis included, as a plain tuple.

    Keras 3 removed ``layer.output_shape``; ``layer.output.shape`` works in both (a
    ``TensorShape`` in Keras 2, a tuple in Keras 3).
    """
    return tuple(None if dim is None else int(dim) for dim in layer.output.shape)


def layer_config(layer: keras.layers.Layer) -> dict[str, Any]:
    """A built layer's config with Keras 2's spellings made Keras 3's.

    Keras 2's BatchNormalization stores its axis after building as a list of non-negative
    axes (``ListWrapper([3])`` for NHWC input); Keras 3 keeps the ``-1`` it was given. Axes are
    returned relative to the last one, as Keras 3 has them.
    """
    config = dict(layer.get_config())
    axis = config.get("axis")
    if type(layer).__name__ == "BatchNormalization" and axis is not None:
        rank = len(layer.input.shape)
        axes = [int(a) - rank if int(a) >= 0 else int(a) for a in
                ([axis] if isinstance(axis, int) else list(axis))]
        config["axis"] = axes[0] if len(axes) == 1 else tuple(axes)
    return config


def weight_name(variable: Any) -> str:
    """A variable's own name, ``"kernel"`` or ``"moving_mean"``: Keras 2 names it
    ``"dense/kernel:0"``, Keras 3 ``"kernel"``."""
    return variable.name.split("/")[-1].split(":")[0]


def to_numpy(tensor: Any) -> np.ndarray:
    """A backend tensor as a numpy array; torch tensors that need grad can't take np.asarray."""
    if IS_KERAS_3:
        return np.asarray(keras.ops.convert_to_numpy(tensor))
    return np.asarray(tensor)


def count_weights(weights: list[Any]) -> int:
    """The number of scalars in a list of variables."""
    return int(sum(int(np.prod(tuple(w.shape))) for w in weights))


def optimizer(name: str, learning_rate: float, momentum: float | None = None) -> Any:
    """An optimizer by name, always with ``learning_rate=`` (Keras 3 dropped ``lr=``).

    ``momentum`` is SGD's momentum, or Adam's ``beta_1`` (its momentum term); ``None`` keeps
    Keras' default (0 for SGD, 0.9 for Adam).
    """
    if name == "adam":
        if momentum is None:
            return keras.optimizers.Adam(learning_rate=learning_rate)
        return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=momentum)
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum or 0.0)
    raise ValueError(f"unknown optimizer {name!r}; expected 'adam' or 'sgd'")


def train_on_batch_loss(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """One optimizer step on ``(x, y)``, returning that batch's loss.

    Keras 3 before keras-team/keras#22617 (seen on 3.3.3 to 3.11.3; fixed in 3.15.1) does not
    reset the loss tracker in ``train_on_batch``, so it reports the mean loss of every call so
    far; Keras 2 resets it by default. Resetting first gives the batch's own loss on both.
    """
    model.reset_metrics()
    return float(np.ravel(model.train_on_batch(x, y))[0])


#: Known numeric differences between environments, each pinned by its own test in
#: tests/test_backend_differences.py. A model whose fingerprint one of them moves names it in
#: ``ModelSpec.numeric_differences`` and keeps a golden of its own where it is active.
NUMERIC_DIFFERENCES = {
    "clipped_crossentropy": "JAX and torch compute the cross-entropy of a softmax output from "
    "probabilities clipped to [1e-7, 1 - 1e-7]; TensorFlow from the logits behind it",
    "bessel_moving_variance": "Keras 2's fused BatchNormalization updates its moving variance "
    "with the Bessel-corrected batch variance, Keras 3 with the biased one",
}


def active_numeric_differences() -> frozenset[str]:
    """The :data:`NUMERIC_DIFFERENCES` that hold in this environment."""
    active = {"clipped_crossentropy"} if backend() in ("jax", "torch") else set()
    if not IS_KERAS_3:
        active.add("bessel_moving_variance")
    return frozenset(active)


def steps_per_execution(wanted: int) -> int:
    """Keras' torch trainer runs one step per call and refuses any other setting."""
    return 1 if backend() == "torch" else wanted


def jit_compile(wanted: bool) -> bool | str | None:
    """The ``jit_compile=`` for ``Model.compile`` when a model wants XLA (``wanted``) or not.

    Keras leaves XLA off for a CPU-only TensorFlow ("auto"), and asking for it is how TF gets
    it. JAX always compiles under "auto"; on torch ``jit_compile=True`` means ``torch.compile``,
    which Keras leaves off, so both keep Keras' own default. Keras 2 spells that default None.
    """
    if wanted and backend() == "tensorflow":
        return True
    return "auto" if IS_KERAS_3 else None


def versions() -> dict[str, str]:
    """Versions that decide the numbers this suite measures."""
    info = {
        "keras": KERAS_VERSION,
        "backend": backend(),
        "numpy": np.__version__,
    }
    name = backend()
    if name == "tensorflow":
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
    elif name in ("jax", "torch"):
        module = __import__(name)
        info[name] = module.__version__
    info["keras_backend_env"] = os.environ.get("KERAS_BACKEND", "")
    return info


def gpu_available() -> bool:
    """Whether the active backend sees a GPU."""
    name = backend()
    if name == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    if name == "jax":
        import jax

        return any(device.platform == "gpu" for device in jax.devices())
    if name == "torch":
        import torch

        return bool(torch.cuda.is_available())
    return False


def accelerator() -> str | None:
    """The name of the GPU the active backend trains on (``None`` on a CPU), for reports."""
    if not gpu_available():
        return None
    name = backend()
    if name == "tensorflow":
        import tensorflow as tf

        gpu = tf.config.list_physical_devices("GPU")[0]
        return tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name)
    if name == "jax":
        import jax

        return next(d.device_kind for d in jax.devices() if d.platform == "gpu")
    import torch

    return torch.cuda.get_device_name(0)


def configure_threads(intra_op: int, inter_op: int) -> dict[str, int]:
    """Pin the backend's thread pools; call before the first operation runs.

    Only TensorFlow exposes both pools; JAX (XLA) and torch take what they can set.
    """
    name = backend()
    if name == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(intra_op)
        tf.config.threading.set_inter_op_parallelism_threads(inter_op)
    elif name == "torch":
        import torch

        torch.set_num_threads(intra_op)
        torch.set_num_interop_threads(inter_op)
    return thread_settings()


def thread_settings() -> dict[str, int]:
    """The backend's current thread-pool sizes (0 means 'the backend decides')."""
    name = backend()
    if name == "tensorflow":
        import tensorflow as tf

        return {"intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
                "inter_op": tf.config.threading.get_inter_op_parallelism_threads()}
    if name == "torch":
        import torch

        return {"intra_op": torch.get_num_threads(), "inter_op": torch.get_num_interop_threads()}
    return {"intra_op": 0, "inter_op": 0}
