"""Accuracy gates: a short, fixed training budget per model and the band its test accuracy
must land in.

Bounds are calibrated, not guessed: ``mnist-models calibrate NAME`` trains a model's gate
budget over many seeds into its calibration file (:mod:`mnist_models.gates.calibration`), and
the one gate rule (:mod:`mnist_models.gates.threshold`) turns what it saw into the threshold
below and the upper bound above, each at a stated false-failure rate. A run above the upper
bound is one whose score the model did not earn (a leak, or the wrong split scored).
"""

from __future__ import annotations

from mnist_models import arguments
from mnist_models.backend import compat
from mnist_models.gates import calibration
from mnist_models.gates.threshold import FALSE_FAILURE_RATE, threshold_from, verdict_from
from mnist_models.spec import Gate, ModelSpec
from mnist_models.training.train import TrainResult, train
from mnist_models.zoo.registry import resolve

__all__ = ["FALSE_FAILURE_RATE", "GATE_SEED", "gate_bounds", "gate_threshold", "run_gate",
           "threshold_from", "verdict"]

#: The seed every gate trains with; it is one of the calibrated seeds.
GATE_SEED = 0


def _gate(spec: ModelSpec) -> Gate:
    if spec.gate is None:
        raise ValueError(f"model {spec.name!r} has no accuracy gate")
    return spec.gate


def gate_threshold(spec: ModelSpec | str) -> float:
    """The threshold ``spec``'s model (a spec, or its name) must reach on the active
    backend."""
    return calibration.threshold_for(_gate(resolve(spec)), compat.backend())


def gate_bounds(spec: ModelSpec | str) -> tuple[float, float]:
    """``(threshold, upper bound)`` of ``spec``'s gate on the active backend: a sound run's
    test accuracy lands between them, both included."""
    return calibration.bounds_for(_gate(resolve(spec)), compat.backend())


def verdict(spec: ModelSpec | str, accuracy: float) -> str:
    """``"ok"``, ``"BELOW"`` (learnt worse than calibrated) or ``"ABOVE"`` (scored better than
    a sound run does: a leak) for a gate run of ``spec`` that reached ``accuracy``."""
    return verdict_from(accuracy, gate_bounds(spec))


def run_gate(spec: ModelSpec | str, seed: int = GATE_SEED,
             **overrides: object) -> TrainResult:
    """Train ``spec``'s model (a spec, or its name) on its gate's budget (``overrides`` go to
    :func:`train`)."""
    spec = resolve(spec)
    gate = _gate(spec)
    budget = sorted({"epochs", "steps"} & set(overrides))
    if budget:
        raise arguments.ArgumentError(f"{', '.join(budget)}: a gate trains on its own budget "
                                      f"({gate.epochs} epochs, {gate.steps} steps); expected no "
                                      "override of it")
    return train(spec, epochs=gate.epochs, steps=gate.steps, seed=seed, **overrides)
