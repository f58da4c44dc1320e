"""The gate calibration files: one model's accuracies over many seeds, with its provenance.

One owner for ``gates.json`` (TensorFlow) and ``gates-BACKEND.json`` (a backend whose gate
differs): ``mnist-models calibrate NAME`` writes a model's entry through :func:`record`, and a
spec's :class:`~mnist_models.spec.model.Gate` reads its bounds through :func:`entry`. Each model
keeps its own provenance (date, versions, machine, command), so recalibrating one model leaves
every other model's entry, provenance included, as it was.

The zoo's files ship as package data (:mod:`mnist_models.paths`); a plugin's sit in its own
package (``ModelSpec.data_dir``). A spec's gate holds plain data; :func:`calibrated` finds its
calibration, :func:`threshold_for` its threshold (lower bound) and :func:`bounds_for` both
bounds.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mnist_models import paths, records
from mnist_models.gates.threshold import threshold_from, upper_bound_from
from mnist_models.spec import Gate

#: The version of the file's layout; version 1 kept one provenance for the whole file.
FORMAT = 2
#: What a provenance records at least; ``mnist_models.backend.provenance`` makes one.
PROVENANCE_KEYS = ("date", "versions", "machine", "command")


class CalibrationError(records.RecordError):
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
        return threshold_from(self.accuracies)

    @property
    def upper_bound(self) -> float:
        return upper_bound_from(self.accuracies)

    @property
    def bounds(self) -> tuple[float, float]:
        return self.threshold, self.upper_bound

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
    return paths.gate_file(Path(directory), backend)


def folder_of(gate: Gate) -> Path:
    """The folder of ``gate``'s calibration files: its model's ``data_dir`` (a plugin's), or
    the shipped measurements."""
    return gate.calibration or paths.shipped_folder()


def calibrated(gate: Gate, backend: str) -> GateCalibration:
    """``gate``'s calibration on ``backend``: its own where it has one, TensorFlow's
    otherwise; a :class:`CalibrationError` naming the command to run if there is none or its
    budget is not the gate's."""
    directory = folder_of(gate)
    found = entry(directory, backend, gate.model) or entry(directory, "tensorflow", gate.model)
    if found is None:
        raise CalibrationError(
            f"{gate.model}: no gate calibration in {file_for(directory, 'tensorflow')}; "
            f"calibrate it with: mnist-models calibrate {gate.model}")
    if (found.epochs, found.steps) != (gate.epochs, gate.steps):
        raise CalibrationError(
            f"{gate.model}: the gate trains {gate.epochs} epochs, {gate.steps} steps, but was "
            f"calibrated with {found.budget}; recalibrate with: mnist-models calibrate "
            f"{gate.model}")
    return found


def threshold_for(gate: Gate, backend: str) -> float:
    """``gate``'s threshold on ``backend``: its own where calibrated, TensorFlow's otherwise."""
    return calibrated(gate, backend).threshold


def bounds_for(gate: Gate, backend: str) -> tuple[float, float]:
    """``gate``'s threshold and upper bound on ``backend``, from the one calibration
    :func:`threshold_for` reads."""
    return calibrated(gate, backend).bounds


def calibrated_backends(directory: Path | None = None) -> list[str]:
    """TensorFlow, then every other backend with a calibration file of its own."""
    directory = directory or paths.shipped_folder()
    return ["tensorflow", *sorted(path.stem.removeprefix("gates-")
                                  for path in directory.glob("gates-*.json"))]


def gate_accuracies(backend: str) -> dict[str, list[float]]:
    """Model -> the zoo's calibrated seeds' test accuracies on ``backend`` (seed order)."""
    return {name: e.accuracies
            for name, e in read(file_for(paths.shipped_folder(), backend)).items()}


def gate_versions(backend: str, model: str) -> dict[str, str]:
    """The versions ``model``'s gate was calibrated with on ``backend`` (none if it was not)."""
    found = read(file_for(paths.shipped_folder(), backend), missing_ok=True).get(model)
    return dict(found.provenance.get("versions", {})) if found else {}


def read(path: Path, missing_ok: bool = False) -> dict[str, GateCalibration]:
    """Every model's calibration in ``path`` (``missing_ok``: none if there is no file)."""
    path = Path(path)
    if missing_ok and not path.exists():
        return {}
    data = records.read(path, "gate calibration", CalibrationError)
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
    records.write(path, {"format": FORMAT, "models": models})


def markdown(calibrations: Sequence[GateCalibration]) -> str:
    """The docs' table (docs/gates.md): per model, its accuracies' spread, the threshold, the
    upper bound and provenance."""
    lines = ["| model | budget | seeds | min | median | max | sd | threshold | upper bound "
             "| median s | calibrated on |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in calibrations:
        accs, secs = c.accuracies, [float(run["seconds"]) for run in c.runs]
        versions = c.provenance["versions"]
        stack = ", ".join(f"{k} {versions[k]}" for k in ("tensorflow", "jax", "torch", "keras")
                          if k in versions)
        lines.append(f"| {c.model} | {c.budget} | {len(accs)} | {min(accs):.4f} | "
                     f"{statistics.median(accs):.4f} | {max(accs):.4f} | "
                     f"{statistics.stdev(accs):.4f} | {c.threshold:.3f} | {c.upper_bound:.3f} | "
                     f"{statistics.median(secs):.1f} | {c.provenance['date']}, "
                     f"{c.provenance['machine']}, {stack} |")
    return "\n".join(lines) + "\n"
