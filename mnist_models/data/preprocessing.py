"""MNIST preprocessing steps, one function each, in numpy only (no Keras, no TensorFlow).

Model specs name their steps (``image_steps=("add_channel", "pad", "scale")``,
``label_encoding="one_hot"``), so each step is looked up by name in :data:`IMAGE_STEPS` or
:data:`LABEL_ENCODINGS`. Every step checks what it is given and raises ``ValueError`` saying what
it expected and what it got: a wrong-shaped batch fails here, by name, rather than as a shape
error deep inside a model.

Reshaping steps return views where numpy can (no copies of the 47 MB training set); only
``scale``, ``pad`` and the label encodings allocate.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "IMAGE_SIDE",
    "IMAGE_STEPS",
    "LABEL_ENCODINGS",
    "NUM_CLASSES",
    "add_channel",
    "flatten",
    "one_hot",
    "pad",
    "preprocess_images",
    "preprocess_labels",
    "scale",
    "sparse",
    "to_float32",
    "validation_split",
]

IMAGE_SIDE = 28
NUM_CLASSES = 10
# Side of an image after pad()'s default 2-pixel border: LeNet-5's 32x32 input (document 004).
PADDED_SIDE = IMAGE_SIDE + 2 * 2
# Reshapes and pad run before or after scale depending on the spec, so they take either dtype.
_IMAGE_DTYPES = (np.dtype(np.uint8), np.dtype(np.float32))


def _check_dtype(step: str, x: np.ndarray, allowed: Sequence[np.dtype]) -> None:
    if x.dtype not in allowed:
        names = " or ".join(str(d) for d in allowed)
        raise ValueError(f"{step}: expected dtype {names}, got {x.dtype}")


def _check_rank(step: str, x: np.ndarray, ranks: Sequence[int], layout: str) -> None:
    if x.ndim not in ranks:
        raise ValueError(f"{step}: expected rank {' or '.join(map(str, ranks))} {layout}, "
                         f"got rank {x.ndim} with shape {x.shape}")


def _check_sides(step: str, x: np.ndarray, sides: Sequence[int]) -> None:
    if x.shape[1] != x.shape[2] or x.shape[1] not in sides:
        want = " or ".join(f"{s}x{s}" for s in sides)
        raise ValueError(f"{step}: expected {want} images, got {x.shape[1]}x{x.shape[2]} "
                         f"(shape {x.shape})")


def _check_channels(step: str, x: np.ndarray) -> None:
    if x.ndim == 4 and x.shape[3] != 1:
        raise ValueError(f"{step}: expected 1 channel, got {x.shape[3]} (shape {x.shape})")


def scale(x: np.ndarray) -> np.ndarray:
    """uint8 pixels of any shape (rank >= 1) to float32 in [0, 1], as ``x / 255`` in float32."""
    x = np.asarray(x)
    _check_dtype("scale", x, [np.dtype(np.uint8)])
    if x.ndim < 1:
        raise ValueError("scale: expected rank >= 1, got rank 0")
    out = x.astype(np.float32)
    # In place, and float32 divisor: float32 throughout, never a float64 temporary.
    out /= np.float32(255)
    return out


def to_float32(x: np.ndarray) -> np.ndarray:
    """uint8 pixels to float32 *unscaled*, 0..255: document 003 never divides by 255."""
    x = np.asarray(x)
    _check_dtype("to_float32", x, [np.dtype(np.uint8)])
    if x.ndim < 1:
        raise ValueError("to_float32: expected rank >= 1, got rank 0")
    return x.astype(np.float32)


def add_channel(x: np.ndarray) -> np.ndarray:
    """(N, H, W) to (N, H, W, 1); H = W = 28, or 32 for images already padded by :func:`pad`."""
    x = np.asarray(x)
    _check_dtype("add_channel", x, _IMAGE_DTYPES)
    _check_rank("add_channel", x, [3], "(N, H, W)")
    _check_sides("add_channel", x, [IMAGE_SIDE, PADDED_SIDE])
    return x[..., np.newaxis]


def flatten(x: np.ndarray) -> np.ndarray:
    """(N, 28, 28) or (N, 28, 28, 1) to (N, 784), row-major so pixel order is kept."""
    x = np.asarray(x)
    _check_dtype("flatten", x, _IMAGE_DTYPES)
    _check_rank("flatten", x, [3, 4], "(N, 28, 28) or (N, 28, 28, 1)")
    _check_sides("flatten", x, [IMAGE_SIDE])
    _check_channels("flatten", x)
    return x.reshape(x.shape[0], IMAGE_SIDE * IMAGE_SIDE)


def pad(x: np.ndarray, pixels: int = 2) -> np.ndarray:
    """Zero border of ``pixels`` on H and W of 28x28 images (28 -> 32 by default); keeps dtype.

    Takes (N, 28, 28) or (N, 28, 28, 1), uint8 or float32.
    """
    x = np.asarray(x)
    _check_dtype("pad", x, _IMAGE_DTYPES)
    _check_rank("pad", x, [3, 4], "(N, 28, 28) or (N, 28, 28, 1)")
    _check_sides("pad", x, [IMAGE_SIDE])
    _check_channels("pad", x)
    if isinstance(pixels, bool) or not isinstance(pixels, numbers.Integral) or pixels < 0:
        raise ValueError(f"pad: expected pixels an int >= 0, got {pixels!r}")
    p = int(pixels)
    out = np.zeros((x.shape[0], x.shape[1] + 2 * p, x.shape[2] + 2 * p, *x.shape[3:]), x.dtype)
    out[:, p:p + x.shape[1], p:p + x.shape[2]] = x
    return out


def _check_labels(step: str, y: np.ndarray, num_classes: int) -> None:
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{step}: expected an integer dtype, got {y.dtype}")
    _check_rank(step, y, [1], "(N,)")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        bad = y[(y < 0) | (y >= num_classes)]
        raise ValueError(f"{step}: expected labels in 0..{num_classes - 1}, got {bad[0]} "
                         f"({bad.size} out of range)")


def one_hot(y: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Integer labels (N,) in 0..num_classes-1 to float32 one-hot rows (N, num_classes)."""
    y = np.asarray(y)
    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) \
            or num_classes < 1:
        raise ValueError(f"one_hot: expected num_classes an int >= 1, got {num_classes!r}")
    _check_labels("one_hot", y, int(num_classes))
    return np.eye(int(num_classes), dtype=np.float32)[y]


def sparse(y: np.ndarray) -> np.ndarray:
    """Integer labels (N,) in 0..9, returned as int32.

    int32 rather than MNIST's uint8: a signed index type, as Keras' sparse losses cast to anyway
    (int32 on JAX, int64 on torch), and one where label arithmetic cannot wrap around silently.
    """
    y = np.asarray(y)
    _check_labels("sparse", y, NUM_CLASSES)
    return y.astype(np.int32)


def validation_split(x: np.ndarray, y: np.ndarray, fraction: float) -> tuple[
        tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split off the last ``fraction`` of samples, unshuffled, exactly as Keras' ``fit`` does.

    Returns ``((x_fit, y_fit), (x_val, y_val))`` as views. ``fraction == 0`` gives an empty
    validation part (Keras then skips validation). Like Keras, raises ValueError when a nonzero
    fraction leaves either part empty.
    """
    x, y = np.asarray(x), np.asarray(y)
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real) \
            or not 0.0 <= fraction < 1.0:
        raise ValueError(f"validation_split: expected fraction in [0, 1), got {fraction!r}")
    if x.ndim < 1 or y.ndim < 1 or x.shape[0] != y.shape[0]:
        raise ValueError(f"validation_split: expected x and y with the same number of samples, "
                         f"got shapes {x.shape} and {y.shape}")
    n = x.shape[0]
    if fraction == 0:
        return (x, y), (x[n:], y[n:])
    # keras/src/trainers/data_adapters/array_slicing.py, train_validation_split() (Keras 3.15):
    #     split_at = int(math.floor(batch_dim * (1.0 - validation_split)))
    #     if split_at == 0 or split_at == batch_dim: raise ValueError(...)
    split_at = math.floor(n * (1.0 - float(fraction)))
    if split_at in (0, n):
        raise ValueError(f"validation_split: {n} samples cannot be split into non-empty fit and "
                         f"validation parts with fraction={fraction!r}")
    return (x[:split_at], y[:split_at]), (x[split_at:], y[split_at:])


IMAGE_STEPS: Mapping[str, Callable[[np.ndarray], np.ndarray]] = {
    "scale": scale,
    "add_channel": add_channel,
    "flatten": flatten,
    "pad": pad,
    "to_float32": to_float32,
}
LABEL_ENCODINGS: Mapping[str, Callable[[np.ndarray], np.ndarray]] = {
    "one_hot": one_hot,
    "sparse": sparse,
}


def preprocess_images(x: np.ndarray, steps: Sequence[str]) -> np.ndarray:
    """Apply the named :data:`IMAGE_STEPS` to ``x`` in order (``pad`` with its default 2)."""
    # A bare string is a Sequence[str] too; "scale" must not run as s, c, a, l, e.
    if isinstance(steps, str):
        raise TypeError(f"preprocess_images: expected a sequence of step names, got {steps!r}")
    for name in steps:
        if name not in IMAGE_STEPS:
            raise ValueError(f"preprocess_images: unknown step {name!r}, expected one of "
                             f"{sorted(IMAGE_STEPS)}")
    for name in steps:
        x = IMAGE_STEPS[name](x)
    return np.asarray(x)


def preprocess_labels(y: np.ndarray, encoding: str) -> np.ndarray:
    """Encode labels with the named :data:`LABEL_ENCODINGS` entry."""
    if encoding not in LABEL_ENCODINGS:
        raise ValueError(f"preprocess_labels: unknown encoding {encoding!r}, expected one of "
                         f"{sorted(LABEL_ENCODINGS)}")
    return LABEL_ENCODINGS[encoding](y)
