"""Fingerprint tolerances, derived from measured deviations from the goldens on every path.

The deviations file (shipped as ``mnist_models/measurements/fingerprint-deviations.json``)
keeps a list of measurements. Each is one tox environment on one code path
(:mod:`~mnist_models.backend.code_paths`: oneDNN's, XLA's or ATen's ISA cap, or none) on one
CPU model, with each model's largest deviation per quantity and the provenance of that run
(date, versions, CPU, ISA flags, path). ``mnist-models fingerprint --calibrate ENV`` records
the path it runs on; ``--all-paths`` runs every path this CPU can take. A tolerance is
:data:`MARGIN` times the largest deviation any measurement showed, and never below the
quantity's :data:`FLOORS`: it is computed from the file when read, so it cannot drift from the
measurements.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from mnist_models import paths, records
from mnist_models.fingerprints.goldens import QUANTITIES, Deviation, GoldenError

#: Tolerances sit this many times above the largest deviation measured on any version and code
#: path: room for a CPU not measured here (an Intel part, another cache size) that rounds a
#: little differently again, while the breaks in tests/test_fast_tier_catches_breaks.py still
#: land far outside (docs: "Fingerprint tolerances").
MARGIN = 3.0
#: Float32 round-off: the least tolerance, where every measurement reproduced the golden.
FLOORS: Mapping[str, float] = {"schedule": 0.0, "forward": 1e-6, "losses": 1e-6,
                               "first_update": 1e-5, "first_moving_stats": 1e-5,
                               "updates": 1e-5}
COMMAND = "bash calibration/calibrate_fingerprints.sh (mnist-models fingerprint --calibrate " \
          "ENV --all-paths in each tox environment)"
NATIVE = "native"


def read_calibration(path: Path | None = None, missing_ok: bool = False) -> dict[str, Any]:
    """The deviations file (the shipped one unless ``path`` is given), checked to hold a
    ``measurements`` list (``missing_ok``: none yet if there is no file)."""
    path = paths.shipped(paths.DEVIATIONS) if path is None else path
    if missing_ok and not Path(path).exists():
        return {"measurements": []}
    data = records.read(path, "fingerprint calibration", GoldenError)
    measurements = data.get("measurements")
    if not isinstance(measurements, list) or not all(
            isinstance(m, dict) and isinstance(m.get("deviations"), dict)
            and {"environment", "path", "cpu"} <= set(m) for m in measurements):
        raise GoldenError(f"fingerprint calibration {path}: expected a 'measurements' list of "
                          "objects with environment, path, cpu and deviations")
    return data


def _seen(calibration: Mapping[str, Any], model: str, quantity: str,
          native: bool | None = None) -> Iterator[tuple[float, Mapping[str, Any]]]:
    for entry in calibration["measurements"]:
        if native is None or (entry["path"] == NATIVE) == native:
            value = entry["deviations"].get(model, {}).get(quantity)
            if value is not None:
                yield value, entry


def largest_deviation(calibration: Mapping[str, Any], model: str, quantity: str) -> float:
    """The largest deviation of ``model``'s ``quantity`` over every measurement."""
    return max((value for value, _ in _seen(calibration, model, quantity)), default=0.0)


def tolerance(calibration: Mapping[str, Any], model: str, quantity: str) -> float:
    """How far ``model``'s ``quantity`` may move before its fingerprint check fails."""
    if quantity == "schedule":
        return 0.0
    return max(MARGIN * largest_deviation(calibration, model, quantity), FLOORS[quantity])


def uncalibrated(calibration: Mapping[str, Any], models: Sequence[str]) -> list[str]:
    """Models no measurement covers yet: their tolerances are the floors alone."""
    measured = {m for entry in calibration["measurements"] for m in entry["deviations"]}
    return sorted(set(models) - measured)


def environments(calibration: Mapping[str, Any]) -> dict[str, set[str]]:
    """Each measured environment and the code paths measured in it."""
    seen: dict[str, set[str]] = {}
    for entry in calibration["measurements"]:
        seen.setdefault(entry["environment"], set()).add(entry["path"])
    return seen


def record(label: str, rows: Sequence[Deviation], provenance: Mapping[str, Any],
           path: Path) -> None:
    """Store ``rows`` as environment ``label``'s deviations on the code path and CPU that
    ``provenance["code_path"]`` names, replacing only those models' entries of that
    measurement."""
    data = read_calibration(path, missing_ok=True)
    data["command"], data["margin"], data["floors"] = COMMAND, MARGIN, dict(FLOORS)
    where = provenance["code_path"]
    key = {"environment": label, "path": where["path"], "cpu": where["cpu"]}
    entry = next((m for m in data["measurements"]
                  if {k: m[k] for k in key} == key), None)
    if entry is None:
        entry = {**key, "deviations": {}, "provenance": {}}
        data["measurements"].append(entry)
    for row in rows:
        if math.isinf(row.deviation):
            raise GoldenError(f"{label} ({where['path']}): {row.model} {row.quantity} changed "
                              f"({row.where}); regenerate the goldens before calibrating")
        entry["deviations"].setdefault(row.model, {})[row.quantity] = row.deviation
        entry["provenance"][row.model] = dict(provenance)
    data["measurements"].sort(key=lambda m: (m["environment"], m["path"] != NATIVE, m["path"],
                                             m["cpu"]))
    records.write(path, data)


def markdown(calibration: Mapping[str, Any], models: Sequence[str]) -> str:
    """The docs' table (docs/fingerprints.md): per model and quantity, the largest deviation
    over versions (each environment on its native path) and over code paths (every capped
    path), and the tolerance."""
    quantities = [q for q in QUANTITIES if q != "schedule"]
    lines = ["| model | quantity | largest over versions | in | largest over code paths | in "
             "| tolerance |", "|---|---|---|---|---|---|---|"]
    for model in models:
        for quantity in quantities:
            cells = []
            for native in (True, False):
                value, entry = max(_seen(calibration, model, quantity, native),
                                   key=lambda seen: seen[0], default=(None, None))
                cells.append(_cell(value))
                cells.append("-" if entry is None or value == 0 else
                             entry["environment"] if native else
                             f"{entry['environment']} {entry['path']}")
            lines.append(f"| {model} | {quantity} | " + " | ".join(cells)
                         + f" | {tolerance(calibration, model, quantity):.1e} |")
    return "\n".join(lines) + "\n"


def _cell(value: float | None) -> str:
    return "-" if value is None else "0" if value == 0 else f"{value:.1e}"
