"""Training by a model's recipe: load (verified) -> preprocess -> build -> fit -> evaluate.

The one training implementation; the CLI, the accuracy gates and the reproduction runs all
call :func:`train`.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import keras

from mnist_models import arguments
from mnist_models.backend import compat
from mnist_models.data.recipe_arrays import Arrays, fit_and_validation, prepare, random_batches
from mnist_models.spec import ModelSpec, Recipe
from mnist_models.training.budget import STEPS_PER_EXECUTION, Budget, evaluate, execution_length
from mnist_models.zoo.registry import build, resolve


@dataclass
class TrainResult:
    """What one training run produced; ``to_json()`` is what ``train --json`` prints."""

    model: str
    test_accuracy: float
    test_loss: float
    seconds: float
    samples: int
    seed: int
    steps: int
    history: dict[str, list[float]] = field(default_factory=dict)
    #: Points of the run, each ``{"steps", "samples"}`` with what was measured there: the
    #: training ``loss`` and ``accuracy`` (Keras' running means over the epoch so far) after
    #: executions, ``val_loss`` and ``val_accuracy`` at the end of an epoch that validates.
    curve: list[dict[str, float]] = field(default_factory=list)
    evaluations: list[dict[str, float]] = field(default_factory=list)
    target_accuracy: float | None = None
    reached_target: bool | None = None
    versions: dict[str, str] = field(default_factory=dict)
    keras_model: Any = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("keras_model")
        return data


def compile_model(model: keras.Model, recipe: Recipe,
                  steps_per_execution: int = STEPS_PER_EXECUTION,
                  jit_compile: bool = False, run_eagerly: bool = False) -> None:
    """Compile by the recipe, with the speed settings that don't change its math."""
    model.compile(
        optimizer=compat.optimizer(recipe.optimizer, recipe.learning_rate, recipe.momentum),
        loss=recipe.loss,
        metrics=["accuracy"],
        steps_per_execution=compat.steps_per_execution(steps_per_execution),
        jit_compile=False if run_eagerly else compat.jit_compile(jit_compile),
        run_eagerly=run_eagerly,
    )


def train(spec: ModelSpec | str, *, epochs: int | None = None, steps: int | None = None,
          seed: int = 0, target_accuracy: float | None = None, data: Arrays | None = None,
          verbose: int = 0,
          callbacks: list[keras.callbacks.Callback] | None = None) -> TrainResult:
    """Train ``spec``'s model by its document's recipe and evaluate it on the test set.

    ``epochs`` or ``steps`` replace the recipe's budget (for a random-batch recipe an epoch is
    ``ceil(60000 / batch_size)`` steps); ``steps=N`` runs exactly N optimizer steps.
    ``target_accuracy`` evaluates the test set four times an epoch and stops at the first
    evaluation at or above it; the clock runs from the first touch of the data to the end of
    the final evaluation. Towards a target the recipe's validation split is still held out, but
    not evaluated each epoch: as in MLPerf, the quality-target evaluations are the only ones
    timed. ``data`` replaces the packaged MNIST; a variant of the model or its recipe is a spec
    made with ``dataclasses.replace`` (the gate tests break both on purpose). A name is
    resolved before this, once: ``train(mnist_models.get_spec("lenet5"))``. Every argument is
    checked before any work;
    a bad one raises :class:`~mnist_models.arguments.ArgumentError` (a ``ValueError``; a
    ``TypeError`` too for a wrong type) naming it.
    """
    spec = resolve(spec)
    epochs = arguments.optional_count("epochs", epochs)
    steps = arguments.optional_count("steps", steps)
    if epochs is not None and steps is not None:
        raise arguments.ArgumentError(
            f"epochs, steps: expected one of them, got both (epochs={epochs}, steps={steps})")
    seed = arguments.seed(seed)
    target_accuracy = arguments.accuracy("target_accuracy", target_accuracy)
    if data is not None:
        data = arguments.mnist_arrays(data)
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise arguments.ArgumentError(f"verbose: expected 0, 1 or 2, got {verbose!r}")
    recipe = spec.recipe
    started = time.perf_counter()
    (x_train, y_train), (x_test, y_test) = prepare(recipe, data)

    (x_fit, y_fit), validation = fit_and_validation(recipe, (x_train, y_train),
                                                   (x_test, y_test))
    if recipe.steps is not None:
        budget = steps or (epochs or 0) * math.ceil(len(x_train) / recipe.batch_size)
        budget = budget or recipe.steps
        # The fit data is exactly the budget's batches: the run ends with them.
        x_fit, y_fit = random_batches(x_train, y_train, budget, recipe.batch_size, seed)
        n_epochs, shuffle, max_steps = 1, False, None
    else:
        if target_accuracy is not None:
            validation = None
        n_epochs, shuffle, budget = epochs or recipe.epochs, recipe.shuffle, steps
        max_steps = steps
        if steps is not None:
            n_epochs = math.ceil(steps / math.ceil(len(x_fit) / recipe.batch_size))
    steps_per_epoch = math.ceil(len(x_fit) / recipe.batch_size)
    planned = budget or n_epochs * steps_per_epoch
    model = build(spec, seed)
    compile_model(model, recipe, execution_length(steps_per_epoch, budget), spec.jit_compile)
    budget_cb = Budget(steps_per_epoch=steps_per_epoch, n_fit=len(x_fit),
                       batch_size=recipe.batch_size, max_steps=max_steps,
                       planned_steps=planned, target=target_accuracy, x_test=x_test,
                       y_test=y_test)
    history = model.fit(x_fit, y_fit, batch_size=recipe.batch_size, epochs=n_epochs,
                        shuffle=shuffle, validation_data=validation, verbose=verbose,
                        callbacks=[budget_cb, *(callbacks or [])])
    if budget is not None and not budget_cb.reached and budget_cb.steps != budget:
        warnings.warn(f"{spec.name}: asked for {budget} steps, Keras {compat.KERAS_VERSION} ran "
                      f"{budget_cb.steps}", RuntimeWarning, stacklevel=2)
    # Stopped at the target: the weights are those of the evaluation that reached it.
    scores = budget_cb.last_scores if budget_cb.reached else evaluate(model, x_test, y_test)
    seconds = time.perf_counter() - started
    return TrainResult(
        model=spec.name,
        test_accuracy=float(scores["accuracy"]),
        test_loss=float(scores["loss"]),
        seconds=seconds,
        samples=budget_cb.samples,
        seed=seed,
        steps=budget_cb.steps,
        history={key: [float(v) for v in values] for key, values in history.history.items()},
        curve=budget_cb.curve,
        evaluations=budget_cb.evaluations,
        target_accuracy=target_accuracy,
        reached_target=None if target_accuracy is None else budget_cb.reached,
        versions=compat.versions(),
        keras_model=model,
    )
