"""Stored reproduction runs: the one reader and writer of ``reproduce --results`` files.

A full recipe takes up to 17 minutes a model on the 2-core CPU, so its result is kept:
``REPRODUCTION.md`` is written from the stored runs (``reproduce --from-results``), and a new
interval rule re-judges them without training again. Each run says where it was made.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mnist_models import arguments, records

FORMAT = "mnist-models reproduction 1"


@dataclass(frozen=True)
class Reproduced:
    """One full-recipe run: its test accuracy, time, and machine and versions."""

    model: str
    seed: int
    test_accuracy: float
    seconds: float
    environment: str


def read_results(path: str | Path) -> dict[str, Reproduced]:
    """The stored runs in ``path`` by model; a bad file is an ArgumentError naming it."""
    path = Path(path)
    data = records.read_json(path, arguments.ArgumentError)
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or not isinstance(data.get("runs"), dict):
        raise arguments.ArgumentError(f"{path}: expected a reproduction record ('format': "
                                      f"{FORMAT!r}), as reproduce --results writes")
    return {model: _run(path, model, run) for model, run in data["runs"].items()}


def _run(path: Path, model: str, run: Any) -> Reproduced:
    where = f"{path}: runs.{model}"
    try:
        result = Reproduced(model=model, **run)
    except TypeError:
        raise arguments.ArgumentError(f"{where}: expected seed, test_accuracy, seconds and "
                                      "environment") from None
    for field, low, high in (("test_accuracy", 0.0, 1.0), ("seconds", 0.0, math.inf),
                             ("seed", 0, arguments.MAX_SEED)):
        value = getattr(result, field)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                or not low <= value <= high:
            raise arguments.ArgumentError(f"{where}.{field}: expected a number in "
                                          f"[{low}, {high}], got {value!r}")
    return result


def record_result(path: str | Path, run: Reproduced) -> None:
    """Add (or replace) ``run`` in the record at ``path``, keeping the other models' runs."""
    runs = read_results(path) if Path(path).exists() else {}
    runs[run.model] = run
    data = {"format": FORMAT,
            "runs": {model: {k: v for k, v in asdict(r).items() if k != "model"}
                     for model, r in sorted(runs.items())}}
    records.write(path, data)
