"""The arrays a recipe trains and evaluates on: MNIST loaded (verified) and preprocessed by it.

The one place data is made ready for a model: :func:`mnist_models.train`, the benchmarks
(``limit=``: one batch), the PyTorch peer and the plots all call :func:`prepare`.
"""

from __future__ import annotations

import numpy as np

from mnist_models.data.mnist import load_mnist
from mnist_models.data.preprocessing import preprocess_images, preprocess_labels, validation_split
from mnist_models.spec import Recipe

Pair = tuple[np.ndarray, np.ndarray]
Arrays = tuple[Pair, Pair]


def prepare(recipe: Recipe, data: Arrays | None = None, *, limit: int | None = None) -> Arrays:
    """Load MNIST (verified) unless given, and preprocess it by the recipe.

    ``limit`` keeps the first ``limit`` images of each split before preprocessing, so a
    benchmark that needs one batch does not preprocess 70,000 images.
    """
    (x_train, y_train), (x_test, y_test) = data if data is not None else load_mnist()
    window = slice(limit)
    return (
        (preprocess_images(x_train[window], recipe.image_steps),
         preprocess_labels(y_train[window], recipe.label_encoding)),
        (preprocess_images(x_test[window], recipe.image_steps),
         preprocess_labels(y_test[window], recipe.label_encoding)),
    )


def fit_and_validation(recipe: Recipe, train: Pair, test: Pair) -> tuple[Pair, Pair | None]:
    """The samples the recipe fits on and the ones it validates on (``None``: no validation).

    A Keras ``validation_split`` holds out the end of the training set, unshuffled; document
    003 validates on the test set; a random-batch recipe (004) validates on nothing.
    """
    if recipe.steps is not None:
        return train, None
    if recipe.validation == "split":
        return validation_split(*train, recipe.validation_split)
    return train, (test if recipe.validation == "test" else None)


def random_batches(x: np.ndarray, y: np.ndarray, steps: int, batch_size: int,
                   seed: int) -> Pair:
    """Document 004's sampling: each step draws ``batch_size`` indices with replacement.

    Drawing every step's indices up front and fitting them in order, unshuffled, gives the
    same batches as its ``train_on_batch`` loop, in one compiled loop.
    """
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(x), size=steps * batch_size)
    return x[index], y[index]
