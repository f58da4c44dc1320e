"""mnist_models: a regression and benchmark suite for a zoo of Keras MNIST classifiers.

The public names are loaded lazily, so ``mnist_models.load_mnist`` and the preprocessing steps
work without importing Keras (and, through it, TensorFlow). Every public function that takes a
model takes its name or its :class:`~mnist_models.spec.ModelSpec`, as timm's
``create_model`` and torchvision's ``get_model`` do; the name is resolved once, there.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

#: TF_CPP_MIN_LOG_LEVEL as the user set it (None: unset); 0 asks for every TensorFlow line.
USER_TF_LOG_LEVEL = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
# TensorFlow's C++ start-up chatter goes to stderr before Python can configure logging; only
# a default, so a user's own setting wins. TensorFlow 2.21 ignores it for the lines it logs
# while importing; the commands drop those (mnist_models/quiet.py).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

_PUBLIC = {
    "UnknownModelError": "mnist_models.zoo.registry",
    "build": "mnist_models.zoo.registry",
    "get_spec": "mnist_models.zoo.registry",
    "list_models": "mnist_models.zoo.registry",
    "DataError": "mnist_models.data.mnist",
    "load_mnist": "mnist_models.data.mnist",
    "TrainResult": "mnist_models.training.train",
    "train": "mnist_models.training.train",
    "run_gate": "mnist_models.gates.gate",
    "gate_threshold": "mnist_models.gates.gate",
    "gate_bounds": "mnist_models.gates.gate",
    "reproduce": "mnist_models.reproduction.reproduce",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'mnist_models' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
