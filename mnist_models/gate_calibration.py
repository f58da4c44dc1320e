"""The gate calibration files: one model's accuracies over many seeds, with its provenance.

One owner for ``gates.json`` (TensorFlow) and ``gates-BACKEND.json`` (a backend whose gate
differs): ``mnist-models calibrate NAME`` writes a model's entry through :func:`record`, and a
spec's :class:`~mnist_models.spec.Gate` reads its threshold through :func:`entry`. Each model
keeps its own provenance (date, versions, machine, command), so recalibrating one model leaves
every other model's entry, provenance included, as it was.

Where the files are is the spec's business (``Gate.calibration``): the zoo's are the
repository's ``calibration/`` folder, a plugin's sit in its own package (see the README).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mnist_models.goldens import GoldenError, read_json, write_json

#: The version of the file's layout; version 1 kept one provenance for the whole file.
FORMAT = 2
#: What a provenance records; ``mnist_models.fingerprint_check.provenance`` makes one.
PROVENANCE_KEYS = ("date", "versions", "machine", "command")


class CalibrationError(GoldenError):
    """A calibration file that is missing, unreadable, of the wrong shape or out of date."""


@dataclass(frozen=True)
class GateCalibration:
    """One model's gate budget trained over seeds on one backend, and where that was done."""

    model: str
    epochs: int | None
    steps: int | None
    #: ``{"seed": int, "test_accuracy": float, "seconds": float}`` per run.
    runs: tuple[Mapping[str, Any], ...]
    provenance: Mapping[str, Any]

    @property
    def accuracies(self) -> list[float]:
        return [float(run["test_accuracy"]) for run in self.runs]

    @property
    def threshold(self) -> float:
        from mnist_models.gates import threshold_from  # the one threshold rule (imports Keras)

        return threshold_from(self.accuracies)

    @property
    def budget(self) -> str:
        return f"{self.epochs} epochs" if self.epochs else f"{self.steps} steps"

    def to_json(self) -> dict[str, Any]:
        return {"epochs": self.epochs, "steps": self.steps, "runs": [dict(r) for r in self.runs],
                "provenance": dict(self.provenance)}

    @classmethod
    def from_json(cls, model: str, data: Any, path: Path) -> GateCalibration:
        where = f"gate calibration {path}, model {model!r}"
        if not isinstance(data, dict):
            raise CalibrationError(f"{where}: expected an object")
        runs = data.get("runs")
        if not isinstance(runs, list) or len(runs) < 2 or not all(
                isinstance(r, dict) and isinstance(r.get("test_accuracy"), float)
                and isinstance(r.get("seed"), int) for r in runs):
            raise CalibrationError(f"{where}: expected 'runs', two or more objects with an "
                                   "integer 'seed' and a float 'test_accuracy'")
        provenance = data.get("provenance")
        if not isinstance(provenance, dict) or not set(PROVENANCE_KEYS) <= set(provenance):
            raise CalibrationError(f"{where}: expected a 'provenance' with "
                                   f"{', '.join(PROVENANCE_KEYS)}")
        epochs, steps = data.get("epochs"), data.get("steps")
        if (epochs is None) == (steps is None):
            raise CalibrationError(f"{where}: expected exactly one of 'epochs' and 'steps'")
        return cls(model, epochs, steps, tuple(runs), provenance)


def file_for(directory: Path, backend: str) -> Path:
    """TensorFlow's calibration holds every gated model; another backend's only the models
    whose TensorFlow threshold does not hold there."""
    return Path(directory) / ("gates.json" if backend == "tensorflow" else f"gates-{backend}.json")


def read(path: Path, missing_ok: bool = False) -> dict[str, GateCalibration]:
    """Every model's calibration in ``path`` (``missing_ok``: none if there is no file)."""
    path = Path(path)
    if missing_ok and not path.exists():
        return {}
    try:
        data = read_json(path, "gate calibration")
    except GoldenError as error:
        raise CalibrationError(str(error)) from None
    if data.get("format") != FORMAT or not isinstance(data.get("models"), dict):
        raise CalibrationError(f"gate calibration {path}: expected format {FORMAT} with a "
                               "'models' object (tools/convert_gate_calibration.py converts "
                               "format 1)")
    return {name: GateCalibration.from_json(name, entry, path)
            for name, entry in data["models"].items()}


def entry(directory: Path, backend: str, model: str) -> GateCalibration | None:
    """``model``'s calibration on ``backend``, or ``None`` if that file has none."""
    return read(file_for(directory, backend), missing_ok=True).get(model)


def record(path: Path, calibration: GateCalibration) -> None:
    """Store one model's calibration, replacing only its own entry (written atomically)."""
    path = Path(path)
    models = {name: c.to_json() for name, c in read(path, missing_ok=True).items()}
    models[calibration.model] = calibration.to_json()
    write_json(path, {"format": FORMAT, "models": models})


def markdown(calibrations: Sequence[GateCalibration]) -> str:
    """The README's table: per model, its accuracies' spread, the threshold and provenance."""
    lines = ["| model | budget | seeds | min | median | max | sd | threshold | median s "
             "| calibrated on |", "|---|---|---|---|---|---|---|---|---|---|"]
    for c in calibrations:
        accs, secs = c.accuracies, [float(run["seconds"]) for run in c.runs]
        versions = c.provenance["versions"]
        stack = ", ".join(f"{k} {versions[k]}" for k in ("tensorflow", "jax", "torch", "keras")
                          if k in versions)
        lines.append(f"| {c.model} | {c.budget} | {len(accs)} | {min(accs):.4f} | "
                     f"{statistics.median(accs):.4f} | {max(accs):.4f} | "
                     f"{statistics.stdev(accs):.4f} | {c.threshold:.3f} | "
                     f"{statistics.median(secs):.1f} | {c.provenance['date']}, "
                     f"{c.provenance['machine']}, {stack} |")
    return "\n".join(lines) + "\n"
