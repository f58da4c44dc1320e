"""One-change recipe breaks, and a gate run with one applied: what the power study trains.

Each break changes one thing a careless edit or a library regression could change: the
learning rate (x10, /10), the momentum (off), the optimizer (Adam <-> SGD, same learning rate
and momentum term), the batch size (x4), the budget (half) or the data (labels shuffled against
their images). :func:`gate_accuracy` trains a model's gate budget with one of them, or with
none (``"none"``: the gate as the tests run it).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from mnist_models.spec import ModelSpec, Recipe

if TYPE_CHECKING:
    from mnist_models.data.recipe_arrays import Arrays

#: Training images before a validation split; a half budget counts steps over what is fitted.
N_TRAIN = 60_000


@dataclasses.dataclass(frozen=True)
class Break:
    """A gate run's recipe, step budget (``None``: the gate's own) and labels."""

    recipe: Recipe
    steps: int | None = None
    shuffled_labels: bool = False


def gate_steps(spec: ModelSpec) -> int:
    """The optimizer steps of ``spec``'s gate budget."""
    gate, recipe = spec.gate, spec.recipe
    if gate.steps is not None:
        return gate.steps
    fitted = int(N_TRAIN * (1 - recipe.validation_split)) if recipe.validation == "split" \
        else N_TRAIN
    return gate.epochs * math.ceil(fitted / recipe.batch_size)


def _swapped(recipe: Recipe) -> Recipe:
    return dataclasses.replace(recipe, optimizer="sgd" if recipe.optimizer == "adam" else "adam")


#: Break name -> how it changes a model's gate run.
BREAKS: dict[str, Callable[[ModelSpec], Break]] = {
    "none": lambda s: Break(s.recipe),
    "lr x10": lambda s: Break(dataclasses.replace(s.recipe,
                                                  learning_rate=s.recipe.learning_rate * 10)),
    "lr /10": lambda s: Break(dataclasses.replace(s.recipe,
                                                  learning_rate=s.recipe.learning_rate / 10)),
    # SGD's momentum, Adam's beta_1 (its momentum term): 0 turns either off.
    "momentum off": lambda s: Break(dataclasses.replace(s.recipe, momentum=0.0)),
    "optimizer swapped": lambda s: Break(_swapped(s.recipe)),
    # Same budget (epochs or steps): an epoch budget then takes a quarter of the steps.
    "batch x4": lambda s: Break(dataclasses.replace(s.recipe,
                                                    batch_size=s.recipe.batch_size * 4)),
    "half budget": lambda s: Break(s.recipe, steps=gate_steps(s) // 2),
    "labels shuffled": lambda s: Break(s.recipe, shuffled_labels=True),
}


def gate_accuracy(spec: ModelSpec, break_name: str, seed: int, data: Arrays) -> float:
    """Test accuracy of ``spec``'s gate budget trained at ``seed`` with one break applied."""
    broken = BREAKS[break_name](spec)
    if broken.shuffled_labels:
        (x_train, y_train), test = data
        data = ((x_train, np.random.default_rng(seed).permutation(y_train)), test)
    return _train(spec, broken, seed, data)


def _train(spec: ModelSpec, broken: Break, seed: int, data: Arrays) -> float:
    # Imported here: the breaks themselves are data the power table reads without Keras.
    from mnist_models.training.train import train

    # A break is a variant of the spec: its recipe, and its budget where the break halves it.
    gate = spec.gate
    budget = {"steps": broken.steps} if broken.steps is not None else \
        {"epochs": gate.epochs, "steps": gate.steps}
    result = train(dataclasses.replace(spec, recipe=broken.recipe), seed=seed, data=data,
                   **budget)
    return result.test_accuracy
