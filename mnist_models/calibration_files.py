"""The zoo's gate calibrations as the power table and its tests read them: per backend, per
model, the test accuracy of every calibrated seed.

A view, not a second reader: the files have one owner, :mod:`mnist_models.gate_calibration`.
"""

from __future__ import annotations

from pathlib import Path

from mnist_models import gate_calibration
from mnist_models.spec import suite_calibration


def calibration_folder() -> Path:
    """The zoo's calibration folder (``calibration/``)."""
    return suite_calibration()


def calibrated_backends() -> list[str]:
    """TensorFlow, then every other backend with a calibration file of its own."""
    return ["tensorflow", *sorted(path.stem.removeprefix("gates-")
                                  for path in calibration_folder().glob("gates-*.json"))]


def _entries(backend: str) -> dict[str, gate_calibration.GateCalibration]:
    return gate_calibration.read(gate_calibration.file_for(calibration_folder(), backend))


def gate_accuracies(backend: str) -> dict[str, list[float]]:
    """Model -> the calibrated seeds' test accuracies on ``backend`` (seed order)."""
    return {name: entry.accuracies for name, entry in _entries(backend).items()}


def gate_versions(backend: str, model: str) -> dict[str, str]:
    """The versions ``model``'s gate was calibrated with on ``backend`` (none if it was not)."""
    entry = _entries(backend).get(model)
    return dict(entry.provenance.get("versions", {})) if entry else {}
