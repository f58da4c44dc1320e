"""The gates' calibration files as the power table and the reproduction verdicts read them.

``calibration/calibrate_gates.py`` writes ``calibration/gates.json`` (TensorFlow) and
``gates-BACKEND.json``; here they are read back: per model, the test accuracy of every seed.
"""

from __future__ import annotations

import json
from pathlib import Path

CALIBRATION = Path(__file__).resolve().parents[1] / "calibration"


def gates_file(backend: str) -> Path:
    """The calibration file of ``backend``'s gates."""
    return CALIBRATION / ("gates.json" if backend == "tensorflow" else f"gates-{backend}.json")


def calibrated_backends() -> list[str]:
    """TensorFlow, then every other backend with a calibration file of its own."""
    return ["tensorflow", *sorted(path.stem.removeprefix("gates-")
                                  for path in CALIBRATION.glob("gates-*.json"))]


def gate_accuracies(backend: str) -> dict[str, list[float]]:
    """Model -> the calibrated seeds' test accuracies on ``backend`` (seed order)."""
    models = json.loads(gates_file(backend).read_text())["models"]
    return {name: [run["test_accuracy"] for run in entry["runs"]]
            for name, entry in models.items()}


def gate_versions(backend: str) -> dict[str, str]:
    """The versions ``backend``'s gates were calibrated with."""
    return json.loads(gates_file(backend).read_text())["versions"]
