"""Checks of the public functions' arguments, made before any work (no Keras, no TensorFlow).

Each check names the parameter and what it expected, and returns the value as a plain Python
number. The command line's argument types (:mod:`mnist_models.cli.common_args`) parse a word
and call the same checks, so one mistake gets one message wherever it is made. A wrong type
raises :class:`ArgumentTypeError` (a ``TypeError``), a value out of range :class:`ArgumentError`
(a ``ValueError``); the command line turns either into one line on stderr and exit code 2.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mnist_models.spec import ModelSpec

#: The largest seed every backend takes: numpy's legacy global seed is a uint32.
MAX_SEED = 2**32 - 1


class ArgumentError(ValueError):
    """An argument of a public function that is out of its range."""


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument of a public function that has the wrong type."""


def _at(name: str) -> str:
    """Where a message starts: the parameter's name, or nothing on the command line, where
    argparse names the option itself."""
    return f"{name}: " if name else ""


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{type(value).__name__} {text[:50]}..."


def _integer(name: str, value: Any, expected: str) -> int:
    # bool is an int subclass: True epochs or a False seed are mistakes, never numbers.
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{_at(name)}expected {expected}, got {type(value).__name__} "
                                f"{_describe(value)}")
    return int(value)


def positive_count(name: str, value: Any) -> int:
    """``value`` as an int >= 1 (epochs, steps)."""
    number = _integer(name, value, "a positive integer")
    if number < 1:
        raise ArgumentError(f"{_at(name)}expected a positive integer, got {number}")
    return number


def optional_count(name: str, value: Any) -> int | None:
    """``None``, or ``value`` as an int >= 1."""
    return None if value is None else positive_count(name, value)


def seed(value: Any, name: str = "seed") -> int:
    """``value`` as a seed: an integer in [0, 2**32 - 1]."""
    expected = f"an integer in [0, {MAX_SEED}]"
    number = _integer(name, value, expected)
    if not 0 <= number <= MAX_SEED:
        raise ArgumentError(f"{_at(name)}expected {expected}, got {number}")
    return number


def accuracy(name: str, value: Any) -> float | None:
    """``None``, or ``value`` as an accuracy in (0, 1]."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(f"{_at(name)}expected a number in (0, 1], got "
                                f"{type(value).__name__} {_describe(value)}")
    number = float(value)
    if math.isnan(number) or not 0 < number <= 1:
        raise ArgumentError(f"{_at(name)}expected a number in (0, 1], got {number}")
    return number


def model_spec(value: Any, name: str = "spec") -> ModelSpec:
    """``value`` if it is a :class:`~mnist_models.spec.ModelSpec`. A public function resolves a
    name at its edge (``mnist_models.zoo.registry.resolve``); below it only specs travel."""
    if not isinstance(value, ModelSpec):
        raise ArgumentTypeError(f"{_at(name)}expected a model name or a ModelSpec, got "
                                f"{type(value).__name__} {_describe(value)}")
    return value


def model_specs(value: Any, name: str = "specs") -> list[ModelSpec] | None:
    """``None``, or a list of :class:`~mnist_models.spec.model.ModelSpec` (each one checked)."""
    if value is None:
        return None
    # A bare string is a sequence too: reproduce("lenet5") would run models 'l', 'e', ...
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ArgumentTypeError(f"{_at(name)}expected a list of ModelSpecs, got "
                                f"{type(value).__name__} {_describe(value)}")
    return [model_spec(item, name) for item in value]


def mnist_arrays(data: Any, name: str = "data") -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """``((x_train, y_train), (x_test, y_test))`` with images and labels of equal lengths.

    Dtypes, shapes and label values are the preprocessing steps' checks; this one is the
    pairing, which they cannot see (each step gets one array).
    """
    expected = "((x_train, y_train), (x_test, y_test))"
    try:
        (x_train, y_train), (x_test, y_test) = data
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"{_at(name)}expected {expected}, got {type(data).__name__} "
                                f"{_describe(data)}") from None
    for split, images, labels in (("training", x_train, y_train), ("test", x_test, y_test)):
        lengths = [_length(name, f"{split} {part}", array)
                   for part, array in (("images", images), ("labels", labels))]
        if lengths[0] != lengths[1]:
            raise ArgumentError(f"{_at(name)}{split} images and labels differ in length: "
                                f"{lengths[0]} images, {lengths[1]} labels")
        if lengths[0] == 0:
            raise ArgumentError(f"{_at(name)}the {split} set is empty")
    return (x_train, y_train), (x_test, y_test)


def _length(name: str, what: str, array: Any) -> int:
    # len(), not np.shape(): that would copy a list of images into a new array to measure it.
    try:
        if isinstance(array, str | bytes | Mapping):
            raise TypeError
        return len(array)
    except TypeError:  # no len(), or a 0-d array
        raise ArgumentTypeError(f"{_at(name)}expected the {what} as an array of rank >= 1, got "
                                f"{type(array).__name__} {_describe(array)}") from None
