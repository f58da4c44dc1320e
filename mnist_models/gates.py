"""Accuracy gates: a short, fixed training budget per model and the test accuracy it must reach.

Thresholds are calibrated, not guessed: ``mnist-models calibrate NAME`` trains a model's gate
budget over many seeds into its calibration file (:mod:`mnist_models.gate_calibration`), and
:func:`threshold_from` turns what it saw into the threshold the spec's gate reads from there,
at a stated false-failure rate (:data:`FALSE_FAILURE_RATE`).
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
#: A gate fails a sound model in at most this fraction of runs (one seed, one environment) ...
FALSE_FAILURE_RATE = 0.01
#: ... with this confidence, given that the calibration saw only a few seeds.
CONFIDENCE = 0.95


def tolerance_factor(n: int) -> float:
    """k of the one-sided normal tolerance bound mean - k sd from ``n`` seeds.

    With probability :data:`CONFIDENCE`, at most :data:`FALSE_FAILURE_RATE` of a normal
    distribution lies below it: k = t'(CONFIDENCE; n-1, z sqrt(n)) / sqrt(n), the noncentral t
    quantile (z the normal quantile of 1 - FALSE_FAILURE_RATE). k = 3.98 for 10 seeds.
    """
    from scipy import stats  # imported when a threshold is computed, not by listing commands

    z = stats.norm.ppf(1 - FALSE_FAILURE_RATE)
    return float(stats.nct.ppf(CONFIDENCE, n - 1, z * math.sqrt(n)) / math.sqrt(n))


def threshold_from(accuracies: Sequence[float]) -> float:
    """The gate threshold for calibrated accuracies: a normal fit's lower tolerance bound.

    The seeds' accuracies at a gate's budget are fitted with a normal distribution (mean and
    sample sd); the threshold is its one-sided tolerance bound (:func:`tolerance_factor`), so a
    sound model's gate run fails at most 1% of the time, at 95% confidence, floored to 0.1%.
    Where seeds scatter unlike a normal (JAX's and torch's stalls on cnn_32_64), the fit
    is a rough tail: the power table (``mnist-models gate-power --table``) shows how the
    calibration seeds themselves then fare.
    """
    if len(accuracies) < 3:
        raise ValueError("calibrate a gate over at least three seeds")
    bound = statistics.fmean(accuracies) - tolerance_factor(len(accuracies)) * statistics.stdev(
        accuracies)
    return math.floor(bound * 1000) / 1000


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
