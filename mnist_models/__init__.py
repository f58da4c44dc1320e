"""mnist_models: a regression and benchmark suite for a zoo of Keras MNIST classifiers."""

import os

# TensorFlow's C++ start-up chatter goes to stderr before Python can configure logging; only
# a default, so a user's own setting wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from mnist_models.registry import UnknownModelError, build, get_spec, list_models  # noqa: E402

__all__ = ["UnknownModelError", "build", "get_spec", "list_models"]
__version__ = "0.1.0"
