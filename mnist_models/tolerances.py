"""Fingerprint tolerances, derived from each environment's measured deviation from the goldens.

``calibration/fingerprints.json`` keeps, per tox environment, the largest deviation of each
model's fingerprint quantities from the goldens, with the date, versions, machine and command
of that measurement (``mnist-models fingerprint --calibrate ENV`` writes one environment's
entry and leaves the others as they are). A tolerance is :data:`MARGIN` times the largest
deviation any environment showed, and never below the quantity's :data:`FLOORS`: it is computed
from the file when read, so it cannot drift from the measurements.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mnist_models.goldens import QUANTITIES, Deviation, GoldenError, read_json, write_json

#: Relative to the working directory, as the goldens are.
CALIBRATION_FILE = Path("calibration", "fingerprints.json")
#: Tolerances sit this many times above the largest deviation measured in any environment:
#: room for a release that rounds a little differently again, while the breaks in
#: tests/test_fast_tier_catches_breaks.py still land far outside.
MARGIN = 3.0
#: Float32 round-off: the tolerance where every environment reproduced the goldens to the bit.
FLOORS: Mapping[str, float] = {"schedule": 0.0, "forward": 1e-6, "losses": 1e-6,
                               "first_update": 1e-5, "first_moving_stats": 1e-5,
                               "updates": 1e-5}


def read_calibration(path: Path = CALIBRATION_FILE, missing_ok: bool = False) -> dict[str, Any]:
    """The calibration file, checked to hold an ``environments`` object (``missing_ok``: no
    environments yet if there is no file)."""
    if missing_ok and not Path(path).exists():
        return {"environments": {}}
    data = read_json(path, "fingerprint calibration")
    environments = data.get("environments")
    if not isinstance(environments, dict):
        raise GoldenError(f"fingerprint calibration {path}: expected an 'environments' object")
    return data


def largest_deviation(calibration: Mapping[str, Any], model: str, quantity: str) -> float:
    """The largest deviation of ``model``'s ``quantity`` over the calibrated environments."""
    seen = [env["deviations"].get(model, {}).get(quantity, 0.0)
            for env in calibration["environments"].values()]
    return max(seen, default=0.0)


def tolerance(calibration: Mapping[str, Any], model: str, quantity: str) -> float:
    """How far ``model``'s ``quantity`` may move before its fingerprint check fails."""
    if quantity == "schedule":
        return 0.0
    return max(MARGIN * largest_deviation(calibration, model, quantity), FLOORS[quantity])


def uncalibrated(calibration: Mapping[str, Any], models: Sequence[str]) -> list[str]:
    """Models no environment has measured yet: their tolerances are the floors alone."""
    measured = {m for env in calibration["environments"].values() for m in env["deviations"]}
    return sorted(set(models) - measured)


def record_environment(label: str, rows: Sequence[Deviation], provenance: Mapping[str, Any],
                       path: Path = CALIBRATION_FILE) -> None:
    """Store environment ``label``'s deviations, replacing only its own models' entries."""
    data = read_calibration(path, missing_ok=True)
    data["command"] = "bash calibration/calibrate_fingerprints.sh (mnist-models fingerprint " \
                      "--calibrate ENV in each tox environment)"
    data["margin"], data["floors"] = MARGIN, dict(FLOORS)
    entry = data["environments"].setdefault(label, {"deviations": {}, "provenance": {}})
    for row in rows:
        if math.isinf(row.deviation):
            raise GoldenError(f"{label}: {row.model} {row.quantity} changed ({row.where}); "
                              "regenerate the goldens before calibrating")
        entry["deviations"].setdefault(row.model, {})[row.quantity] = row.deviation
        entry["provenance"][row.model] = dict(provenance)
    write_json(path, data)


def markdown(calibration: Mapping[str, Any], models: Sequence[str]) -> str:
    """The README's table: per model and quantity, each environment's deviation, the tolerance."""
    # TensorFlow releases in order, then the other backends.
    environments = sorted(calibration["environments"], key=lambda e: (not e.startswith("tf"), e))
    quantities = [q for q in QUANTITIES if q != "schedule"]
    lines = ["| model | quantity | " + " | ".join(environments) + " | tolerance |",
             "|---|---|" + "---|" * len(environments) + "---|"]
    for model in models:
        for quantity in quantities:
            cells = [_cell(calibration["environments"][env]["deviations"], model, quantity)
                     for env in environments]
            lines.append(f"| {model} | {quantity} | " + " | ".join(cells)
                         + f" | {tolerance(calibration, model, quantity):.1e} |")
    return "\n".join(lines) + "\n"


def _cell(deviations: Mapping[str, Mapping[str, float]], model: str, quantity: str) -> str:
    value = deviations.get(model, {}).get(quantity)
    return "-" if value is None else "0" if value == 0 else f"{value:.1e}"
