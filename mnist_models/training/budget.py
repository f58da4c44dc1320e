"""One training run's control: its compiled-execution length, and the callback that counts
its steps, stops it at a step budget or a test-accuracy target, and records its curve."""

from __future__ import annotations

import keras
import numpy as np

from mnist_models.backend import compat

#: Evaluations of the test set per epoch when training towards a target accuracy.
EVALS_PER_EPOCH = 4
#: Optimizer steps run per compiled call at most; Keras' per-step Python overhead dominates
#: these tiny models on a CPU. Callbacks (and so evaluations towards a target, a step budget's
#: stop and the curve's points) see the run between executions only.
STEPS_PER_EXECUTION = 25
#: A run records its training curve (``TrainResult.curve``) at about this many points at most.
CURVE_POINTS = 100
#: ... and at this many at least where its budget has that many steps: a run of 50 steps draws
#: a curve of 10 points, not one dot. Shorter executions cost speed only in such short runs.
MIN_CURVE_POINTS = 8


class Budget(keras.callbacks.Callback):
    """Counts steps and samples; stops at a step budget or at a test-accuracy target; records
    the training curve."""

    def __init__(self, *, steps_per_epoch: int, n_fit: int, batch_size: int,
                 max_steps: int | None, planned_steps: int, target: float | None,
                 x_test: np.ndarray, y_test: np.ndarray) -> None:
        super().__init__()
        self.steps_per_epoch, self.n_fit, self.batch_size = steps_per_epoch, n_fit, batch_size
        self.max_steps, self.target = max_steps, target
        self.x_test, self.y_test = x_test, y_test
        self.eval_every = steps_per_epoch / EVALS_PER_EPOCH
        self.next_eval = self.eval_every
        self.point_every = max(1.0, planned_steps / CURVE_POINTS)
        self.next_point = 0.0
        self.steps = 0
        self.samples = 0
        self.evaluations: list[dict[str, float]] = []
        self.curve: list[dict[str, float]] = []
        self.reached = False
        self.last_scores: dict[str, float] | None = None

    def _count(self) -> None:
        # The optimizer's own step counter: with steps_per_execution > 1, Keras up to 3.10
        # passes an execution's first step index to callbacks and later releases its last.
        self.steps = int(compat.to_numpy(self.model.optimizer.iterations))
        epoch, within = divmod(self.steps, self.steps_per_epoch)
        self.samples = epoch * self.n_fit + min(within * self.batch_size, self.n_fit)

    def _record(self, logs: dict | None, keys: tuple[str, ...]) -> None:
        measured = {key: float(compat.to_numpy(logs[key])) for key in keys
                    if logs and key in logs}
        if measured:
            self.curve.append({"steps": self.steps, "samples": self.samples, **measured})

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._count()
        last = self.max_steps is not None and self.steps >= self.max_steps
        if self.steps >= self.next_point or last:
            self.next_point = self.steps + self.point_every
            self._record(logs, ("loss", "accuracy"))
        if self.target is not None and self.steps >= self.next_eval:
            while self.next_eval <= self.steps:
                self.next_eval += self.eval_every
            scores = self.last_scores = evaluate(self.model, self.x_test, self.y_test)
            self.evaluations.append({"steps": self.steps, "samples": self.samples,
                                     "test_accuracy": float(scores["accuracy"])})
            if scores["accuracy"] >= self.target:
                self.reached = True
                self.model.stop_training = True
        if last:
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._count()
        self._record(logs, ("val_loss", "val_accuracy"))

    def on_train_end(self, logs: dict | None = None) -> None:
        # Keras 3 before 3.8 calls no batch callback after an epoch's last, shorter execution.
        self._count()


def execution_length(steps_per_epoch: int, budget: int | None) -> int:
    """Steps per compiled execution for a run of ``budget`` steps (``None``: whole epochs).

    At most :data:`STEPS_PER_EXECUTION` and never more than an epoch (Keras 3 before 3.8 logs
    nothing from a longer one). Keras stops a run between executions only, and cuts an epoch's
    last execution short where the epoch's data ends; so a budget of whole epochs ends exactly
    anyway, and otherwise the length divides what the last epoch runs, which makes the last
    execution end on the budget's last step. A remainder with no divisor near 25 (a prime)
    runs shorter executions, down to one step: slower, never longer than asked.
    """
    longest = min(STEPS_PER_EXECUTION, steps_per_epoch)
    if budget is None:
        return longest
    longest = max(1, min(longest, budget // MIN_CURVE_POINTS))
    # A run of one epoch that ends where its data does (document 004's random batches) must
    # end on an execution's boundary too: Keras 3 before 3.8 ran one step more when the data
    # ended inside an execution (seen on 3.3.3 and 3.5.0: 37 steps ran 38, 50 ran 51).
    rest = budget % steps_per_epoch or (budget if budget == steps_per_epoch else 0)
    if rest == 0:
        return longest
    return max(length for length in range(1, longest + 1) if rest % length == 0)


def evaluate(model: keras.Model, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Test loss and accuracy, in at least ``steps_per_execution`` batches.

    Keras 3 before 3.8 on TensorFlow returns no metrics from an evaluation shorter than one
    compiled execution (keras-team/keras#20390; tests/test_backend_differences.py).
    """
    batch_size = max(1, len(x) // STEPS_PER_EXECUTION)
    return model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
