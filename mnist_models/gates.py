"""Accuracy gates: a short, fixed training budget per model and the test accuracy it must reach.

Thresholds are calibrated, not guessed: ``mnist-models calibrate NAME`` trains a model's gate
budget over many seeds into its calibration file (:mod:`mnist_models.gate_calibration`), and
:func:`threshold_from` turns what it saw into the threshold the spec's gate reads from there.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from mnist_models import arguments, compat
from mnist_models.spec import Gate, ModelSpec
from mnist_models.training import TrainResult, train

#: The seed every gate trains with; it is one of the calibrated seeds.
GATE_SEED = 0
#: Thresholds sit this far below the lowest calibrated accuracy at least (1 point), or three
#: standard deviations below it where seeds scatter more: room for other TF/Keras versions and
#: backends, whose initial weights differ under the same seed, while a real break (see
#: tests/test_gates.py) still lands far below.
MIN_MARGIN = 0.01
SIGMA_MARGIN = 3.0


def threshold_from(accuracies: Sequence[float]) -> float:
    """The gate threshold for calibrated accuracies: min - max(1 point, 3 sd), floored to 0.1%."""
    if len(accuracies) < 2:
        raise ValueError("calibrate a gate over at least two seeds")
    margin = max(MIN_MARGIN, SIGMA_MARGIN * statistics.stdev(accuracies))
    return math.floor((min(accuracies) - margin) * 1000) / 1000


def _gate(spec: ModelSpec) -> Gate:
    spec = arguments.model_spec(spec)
    if spec.gate is None:
        raise ValueError(f"model {spec.name!r} has no accuracy gate")
    return spec.gate


def gate_threshold(spec: ModelSpec) -> float:
    """The threshold ``spec``'s model must reach on the active backend."""
    return _gate(spec).threshold_for(compat.backend())


def run_gate(spec: ModelSpec, seed: int = GATE_SEED, **overrides: object) -> TrainResult:
    """Train ``spec``'s model on its gate's budget (``overrides`` go to :func:`train`)."""
    gate = _gate(spec)
    budget = sorted({"epochs", "steps"} & set(overrides))
    if budget:
        raise arguments.ArgumentError(f"{', '.join(budget)}: a gate trains on its own budget "
                                      f"({gate.epochs} epochs, {gate.steps} steps); expected no "
                                      "override of it")
    return train(spec, epochs=gate.epochs, steps=gate.steps, seed=seed, **overrides)
