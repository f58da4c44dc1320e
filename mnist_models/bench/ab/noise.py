"""The measured A/A noise floors that bench-ab reads back: one JSON file, written and read here.

``mnist-models bench-ab PY PY --write-noise-floors FILE`` (the same interpreter and environment
on both sides, over many generations) records, per benchmark label, the offset between two
worker processes of the same code, as a standard deviation of the log-ratio
(:meth:`mnist_models.bench.ab.stats.Estimate.process_sd`), with the run's provenance: date,
command, machine, versions and load. A later bench-ab on the same kind of machine reads it
(``--noise-floors``, by default :data:`DEFAULT_PATH` when it exists): its interval is at least
as wide as that offset makes it, and a noisy benchmark's threshold is raised to a multiple of
its floor. Floors are a property of a machine: record them again on another kind.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import Any

from mnist_models import paths, records
from mnist_models.backend import code_paths
from mnist_models.backend import provenance as backend_provenance
from mnist_models.bench.files import BaselineError

DEFAULT_PATH = paths.shipped(paths.NOISE_FLOORS)


def read_floors(path: str | os.PathLike[str]) -> dict[str, float]:
    """Noise floor per benchmark label; a :class:`BaselineError` naming the file if broken."""
    return read(path)[0]


def read(path: str | os.PathLike[str]) -> tuple[dict[str, float], dict[str, Any]]:
    """The floors in ``path`` and their provenance (empty where the file has none), read
    once; a :class:`BaselineError` naming the file if broken."""
    path = Path(path)
    document = records.read_json(path, BaselineError, "; expected noise floors written by "
                                 "bench-ab --write-noise-floors")
    floors = document.get("floors") if isinstance(document, dict) else None
    if not isinstance(floors, dict):
        raise BaselineError(f"{path}: expected an object with a 'floors' object")
    for name, value in floors.items():
        if (not isinstance(value, int | float) or isinstance(value, bool)
                or not math.isfinite(value) or value < 0):
            raise BaselineError(f"{path}: floors.{name}: expected a fraction >= 0, got "
                                f"{value!r:.40}")
    about = document.get("provenance")
    return ({name: float(value) for name, value in floors.items()},
            about if isinstance(about, dict) else {})


def machine_note(path: str | os.PathLike[str],
                 about: dict[str, Any] | None = None) -> tuple[str, bool]:
    """Which machine the floors in ``path`` were measured on (``about``: their provenance, if
    already read), as one line, and whether it is this machine's kind (the same CPU model and
    kernel flags: floors are its property)."""
    about = read(path)[1] if about is None else about
    measured = about.get("code_path")
    if not isinstance(measured, dict):
        return f"noise floors {path}: measured on an unrecorded CPU", False
    date = about.get("date", "an unrecorded date")
    line = f"noise floors {path}: measured on {code_paths.summary(measured)}, {date}"
    return line, code_paths.same_machine_kind(measured, code_paths.describe())


def provenance(machine: dict[str, Any], loads: dict[str, list[float]]) -> dict[str, Any]:
    """Where and when floors were measured (the suite's one provenance, with the CPU and its
    kernel flags), the workers' versions and the load: what a reader needs to judge if they
    apply."""
    command = " ".join(["mnist-models", *sys.argv[1:]])
    return {**backend_provenance.provenance(command, backend=False), "versions": machine,
            "load_average": loads}


def write_floors(path: str | os.PathLike[str], floors: dict[str, float],
                 about: dict[str, Any]) -> Path:
    """Write ``floors`` (replacing those labels, keeping the file's others) all at once."""
    path = Path(path)
    kept = read_floors(path) if path.exists() else {}
    document = {"provenance": about, "floors": dict(sorted({**kept, **floors}.items()))}
    return records.write(path, document)
