"""The measured A/A noise floors that bench-ab reads back: one JSON file, written and read here.

``mnist-models bench-ab PY PY --write-noise-floors FILE`` (the same interpreter and environment
on both sides, over many generations) records, per benchmark label, the offset between two
worker processes of the same code, as a standard deviation of the log-ratio
(:meth:`mnist_models.bench_ab_stats.Estimate.process_sd`), with the run's provenance: date,
command, machine, versions and load. A later bench-ab on the same kind of machine reads it
(``--noise-floors``, by default :data:`DEFAULT_PATH` when it exists): its interval is at least
as wide as that offset makes it, and a noisy benchmark's threshold is raised to a multiple of
its floor. Floors are a property of a machine: record them again on another kind.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import sys
from pathlib import Path
from typing import Any

from mnist_models import code_paths, outputs
from mnist_models.bench_files import BaselineError

DEFAULT_PATH = Path("calibration") / "bench-noise.json"


def read_floors(path: str | os.PathLike[str]) -> dict[str, float]:
    """Noise floor per benchmark label; a :class:`BaselineError` naming the file if broken."""
    path = Path(path)
    document = outputs.read_json(path, BaselineError, "; expected noise floors written by "
                                 "bench-ab --write-noise-floors")
    floors = document.get("floors") if isinstance(document, dict) else None
    if not isinstance(floors, dict):
        raise BaselineError(f"{path}: expected an object with a 'floors' object")
    for name, value in floors.items():
        if (not isinstance(value, int | float) or isinstance(value, bool)
                or not math.isfinite(value) or value < 0):
            raise BaselineError(f"{path}: floors.{name}: expected a fraction >= 0, got "
                                f"{value!r:.40}")
    return {name: float(value) for name, value in floors.items()}


def machine_note(path: str | os.PathLike[str]) -> tuple[str, bool]:
    """Which machine the floors in ``path`` were measured on, as one line, and whether it is
    this machine's kind (the same CPU model and kernel flags: floors are its property)."""
    document = outputs.read_json(Path(path), BaselineError)
    about = document.get("provenance") if isinstance(document, dict) else None
    about = about if isinstance(about, dict) else {}
    machine = about.get("machine")
    measured = machine.get("cpu") if isinstance(machine, dict) else None
    if not isinstance(measured, dict):
        return f"noise floors {path}: measured on an unrecorded CPU", False
    date = about.get("date", "an unrecorded date")
    line = f"noise floors {path}: measured on {code_paths.summary(measured)}, {date}"
    return line, code_paths.same_machine_kind(measured, code_paths.describe())


def provenance(machine: dict[str, Any], loads: dict[str, list[float]]) -> dict[str, Any]:
    """Where and when floors were measured: what a reader needs to judge if they apply."""
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": " ".join(["mnist-models", *sys.argv[1:]]),
            "machine": {"node": platform.node(), "cpus": os.cpu_count(),
                        "processor": platform.processor() or platform.machine(),
                        "cpu": code_paths.describe()},
            "versions": machine, "load_average": loads}


def write_floors(path: str | os.PathLike[str], floors: dict[str, float],
                 about: dict[str, Any]) -> Path:
    """Write ``floors`` (replacing those labels, keeping the file's others) all at once."""
    path = Path(path)
    kept = read_floors(path) if path.exists() else {}
    document = {"provenance": about, "floors": dict(sorted({**kept, **floors}.items()))}
    return outputs.write_text(path, json.dumps(document, indent=1) + "\n")
