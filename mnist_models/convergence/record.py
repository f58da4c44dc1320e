"""Convergence records: each model's gate budget trained over several seeds, in one file.

``mnist-models converge [MODELS] --seeds N --json OUT`` writes one; ``converge-compare``
reads two. This module is the format's one owner: :func:`measure` makes a record,
:func:`write` stores it, :func:`read` loads and checks one, raising
:class:`ConvergenceFileError` (a message naming the file and the field) for anything else.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mnist_models import records
from mnist_models.spec import ModelSpec

#: Written into every record; a file with another format is refused, not guessed at.
FORMAT = "mnist-models convergence 1"


class ConvergenceFileError(records.RecordError):
    """A convergence file that is unreadable, not a record, or incomparable with another."""


@dataclass(frozen=True)
class SeedRun:
    """One seed's gate run: final test accuracy and loss, samples to the target if reached."""

    seed: int
    test_accuracy: float
    test_loss: float
    seconds: float
    samples_to_target: int | None = None


@dataclass(frozen=True)
class ModelRuns:
    """A model's runs on one budget (``epochs`` or ``steps``), towards ``target`` if any."""

    epochs: int | None
    steps: int | None
    target_accuracy: float | None
    runs: tuple[SeedRun, ...]

    @property
    def budget(self) -> str:
        return f"{self.epochs} epochs" if self.epochs else f"{self.steps} steps"

    def accuracies(self) -> list[float]:
        return [run.test_accuracy for run in self.runs]


@dataclass(frozen=True)
class ConvergenceRecord:
    """Every model's runs, and where they were made (:func:`~mnist_models.backend.provenance`)."""

    models: dict[str, ModelRuns]
    provenance: dict[str, Any] = field(default_factory=dict)


def measure(specs: Sequence[ModelSpec], seeds: int, target: float | None,
            command: str) -> ConvergenceRecord:
    """Train each spec's gate budget at seeds ``0..seeds-1``.

    Towards a ``target``, the test set is evaluated four times an epoch without stopping
    (a target of 1.0 is never reached), so the final accuracy is the same budget's as without
    one, and the samples to the target are those of the first evaluation at or above it.
    """
    import sys

    from mnist_models.backend.provenance import provenance
    from mnist_models.training.train import train

    models = {}
    for spec in specs:
        gate, runs = spec.gate, []
        for seed in range(seeds):
            # The spec's own recipe: a copy with a changed recipe trains that (the tests' breaks).
            result = train(spec, epochs=gate.epochs, steps=gate.steps, seed=seed,
                           target_accuracy=None if target is None else 1.0)
            reached = [e["samples"] for e in result.evaluations
                       if target is not None and e["test_accuracy"] >= target]
            runs.append(SeedRun(seed, result.test_accuracy, result.test_loss,
                                round(result.seconds, 2), reached[0] if reached else None))
            print(f"{spec.name} seed {seed}: {result.test_accuracy:.4f}", file=sys.stderr,
                  flush=True)
        models[spec.name] = ModelRuns(gate.epochs, gate.steps, target, tuple(runs))
    return ConvergenceRecord(models, provenance(command))


def write(record: ConvergenceRecord, path: str | Path) -> None:
    """Store ``record`` as JSON at ``path``, whole or not at all."""
    data = {"format": FORMAT, "provenance": record.provenance,
            "models": {name: asdict(runs) for name, runs in record.models.items()}}
    records.write(path, data)


def read(path: str | Path) -> ConvergenceRecord:
    """Load and check the record at ``path``."""
    path = Path(path)
    data = records.read_json(path, ConvergenceFileError)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConvergenceFileError(f"{path}: expected a convergence record ('format': "
                                   f"{FORMAT!r}), as mnist-models converge --json writes")
    models = data.get("models")
    if not isinstance(models, dict) or not models:
        raise ConvergenceFileError(f"{path}: models: expected a non-empty object")
    provenance = data.get("provenance", {})
    if not isinstance(provenance, dict):
        raise ConvergenceFileError(f"{path}: provenance: expected an object")
    return ConvergenceRecord({name: _model(path, name, entry) for name, entry in models.items()},
                             provenance)


def _model(path: Path, name: str, entry: Any) -> ModelRuns:
    where = f"{path}: models.{name}"
    if not isinstance(entry, dict) or not isinstance(entry.get("runs"), list):
        raise ConvergenceFileError(f"{where}: expected an object with a 'runs' list")
    epochs = _count(where + ".epochs", entry.get("epochs"), optional=True)
    steps = _count(where + ".steps", entry.get("steps"), optional=True)
    if (epochs is None) == (steps is None):
        raise ConvergenceFileError(f"{where}: expected exactly one of epochs and steps")
    target = entry.get("target_accuracy")
    if target is not None:
        target = _fraction(where + ".target_accuracy", target)
    runs = tuple(_run(f"{where}.runs[{i}]", run) for i, run in enumerate(entry["runs"]))
    seeds = [run.seed for run in runs]
    if len(set(seeds)) != len(seeds):
        raise ConvergenceFileError(f"{where}: a seed appears more than once")
    return ModelRuns(epochs, steps, target, runs)


def _run(where: str, run: Any) -> SeedRun:
    if not isinstance(run, dict):
        raise ConvergenceFileError(f"{where}: expected an object")
    loss = run.get("test_loss")
    if isinstance(loss, bool) or not isinstance(loss, numbers.Real) or not math.isfinite(loss):
        raise ConvergenceFileError(f"{where}.test_loss: expected a finite number, got {loss!r}")
    seconds = run.get("seconds", 0.0)
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real) or seconds < 0:
        raise ConvergenceFileError(f"{where}.seconds: expected a number >= 0, got {seconds!r}")
    samples = run.get("samples_to_target")
    return SeedRun(_count(where + ".seed", run.get("seed"), zero=True),
                   _fraction(where + ".test_accuracy", run.get("test_accuracy")),
                   float(loss), float(seconds),
                   None if samples is None else _count(where + ".samples_to_target", samples))


def _count(where: str, value: Any, *, optional: bool = False, zero: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if zero else 1):
        expected = "an integer >= 0" if zero else "a positive integer"
        raise ConvergenceFileError(f"{where}: expected {expected}, got {value!r}")
    return value


def _fraction(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not 0.0 <= value <= 1.0:
        raise ConvergenceFileError(f"{where}: expected a number in [0, 1], got {value!r}")
    return float(value)
