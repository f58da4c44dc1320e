"""pytest-benchmark JSON files as ``bench-compare`` and ``bench-report`` read them.

A benchmark file is whatever a user points a command at: another tool's JSON, a file cut short,
one edited by hand. Every field the commands use is checked here for its type and range, so a
malformed file of any shape is a :class:`BaselineError` naming the file and the field, never a
``KeyError`` or ``TypeError`` from deep inside a command.

Writing is here too: every writer of a benchmark record (``benchmarks/conftest.py``,
``benchmarks/test_throughput.py``, ``benchmarks/test_peers.py``, ``bench-ab``'s workers) takes
its ``machine_info`` from :func:`machine_info` and its ``extra_info`` from :func:`extra_info`,
so what the readers check is what the writers write.
"""

from __future__ import annotations

import math
import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mnist_models import records

#: What bench-report labels a run with, from ``machine_info["mnist_models"]`` (the suite also
#: records thread settings and more there, which no command reads).
MACHINE_KEYS = ("environment", "backend", "keras", "tensorflow", "jax", "torch")


#: The ``extra_info`` keys that name what a benchmark measured; two benchmarks measure the same
#: work only if these agree.
IDENTITY_KEYS = ("model", "phase", "batch_size", "params")


class BaselineError(records.RecordError):
    """A benchmark file that is unreadable, not pytest-benchmark JSON, or incomparable."""


@dataclass(frozen=True)
class Benchmark:
    """One benchmark of a run: its round times (if saved) and what the suite recorded."""

    name: str
    rounds: np.ndarray | None
    mean: float | None
    stddev: float | None
    extra_info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One benchmark file: its benchmarks and the :data:`MACHINE_KEYS` of its machine_info.

    ``recorded`` is the whole ``machine_info["mnist_models"]`` that :func:`machine_info` wrote
    (threads, numpy, Python...), unchecked beyond being an object.
    """

    path: Path
    benchmarks: list[Benchmark]
    machine: dict[str, str] = field(default_factory=dict)
    recorded: dict[str, Any] = field(default_factory=dict)


def workload_key(path: Path, benchmark: Benchmark) -> tuple[str, str, int]:
    """(model, phase, batch size) from a benchmark's extra_info, checked."""
    info = benchmark.extra_info
    if not {"model", "phase", "batch_size"} <= set(info):
        raise BaselineError(f"{path}: {benchmark.name}: extra_info lacks "
                            "model/phase/batch_size/samples_per_s")
    model, phase, batch_size = info["model"], info["phase"], info["batch_size"]
    if not isinstance(model, str) or not isinstance(phase, str):
        raise BaselineError(f"{path}: {benchmark.name}: extra_info.model and .phase: "
                            "expected strings")
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise BaselineError(f"{path}: {benchmark.name}: extra_info.batch_size: expected a "
                            f"positive integer, got {batch_size!r:.40}")
    return model, phase, batch_size


def identity(model: str, phase: str, batch_size: int, params: int) -> dict[str, Any]:
    """What a benchmark measured, as :data:`IDENTITY_KEYS` of its ``extra_info``."""
    return {"model": model, "phase": phase, "batch_size": int(batch_size), "params": int(params)}


def label(model: str, phase: str, batch_size: int) -> str:
    """A benchmark's short name in bench-ab's tables and noise-floor records."""
    return f"{model} {phase} {batch_size}"


def extra_info(model: str, phase: str, batch_size: int, params: int, median_seconds: float,
               backend: str, keras_version: str | None = None) -> dict[str, Any]:
    """The ``extra_info`` of one benchmark: its identity, throughput and what ran it."""
    info = {**identity(model, phase, batch_size, params),
            "samples_per_s": batch_size / median_seconds, "backend": backend}
    if keras_version is not None:
        info["keras"] = keras_version
    return info


def machine_info(threads: dict[str, int]) -> dict[str, Any]:
    """``machine_info["mnist_models"]`` of a run: the versions, thread pools and environment
    (imports Keras through :mod:`mnist_models.backend.compat`)."""
    from mnist_models.backend.provenance import environment

    about = environment()
    return {**about["versions"], "threads": threads, "accelerator": about["accelerator"],
            "machine": about["machine"], "code_path": about["code_path"],
            "environment": os.environ.get("TOX_ENV_NAME", "")}


def read_run(path: str | Path) -> Run:
    """Read and check a ``pytest --benchmark-json`` file."""
    path = Path(path)
    document = records.read_json(path, BaselineError)
    if not isinstance(document, dict) or not isinstance(document.get("benchmarks"), list):
        raise BaselineError(f"{path}: expected pytest-benchmark JSON with a 'benchmarks' list")
    machine_info = _mapping(path, "machine_info", document.get("machine_info", {}))
    machine = _mapping(path, "machine_info.mnist_models", machine_info.get("mnist_models", {}))
    for key in MACHINE_KEYS:
        if key in machine and not isinstance(machine[key], str):
            raise BaselineError(f"{path}: machine_info.mnist_models.{key}: expected a string, "
                                f"got {type(machine[key]).__name__}")
    benchmarks = [_benchmark(path, index, entry)
                  for index, entry in enumerate(document["benchmarks"])]
    names = [benchmark.name for benchmark in benchmarks]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise BaselineError(f"{path}: benchmark {repeated[0]} appears more than once")
    return Run(path, benchmarks, {key: machine[key] for key in MACHINE_KEYS if key in machine},
               machine)


def _benchmark(path: Path, index: int, entry: Any) -> Benchmark:
    where = f"benchmarks[{index}]"
    entry = _mapping(path, where, entry)
    name = entry.get("fullname")
    if not isinstance(name, str) or not name:
        raise BaselineError(f"{path}: {where}.fullname: expected the benchmark's name, got "
                            f"{type(name).__name__ if name is not None else 'nothing'}")
    stats = _mapping(path, f"{name}: stats", entry.get("stats", {}))
    extra_info = _mapping(path, f"{name}: extra_info", entry.get("extra_info", {}))
    rounds = None
    if "data" in stats:
        data = stats["data"]
        values = [_finite(value) for value in data] if isinstance(data, list) else [None]
        if None in values:
            raise BaselineError(f"{path}: {name}: stats.data: expected a list of round times "
                                "in seconds")
        rounds = np.asarray(values, dtype=float)
    mean, stddev = (_optional_number(path, f"{name}: stats.{key}", stats.get(key))
                    for key in ("mean", "stddev"))
    return Benchmark(name, rounds, mean, stddev, extra_info)


def _mapping(path: Path, where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BaselineError(f"{path}: {where}: expected a JSON object, got "
                            f"{type(value).__name__}")
    return value


def _finite(value: Any) -> float | None:
    """``value`` as a finite float; ``None`` for anything else (true is not a number)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        return None
    return number if math.isfinite(number) else None


def _optional_number(path: Path, where: str, value: Any) -> float | None:
    if value is None:
        return None
    number = _finite(value)
    if number is None:
        raise BaselineError(f"{path}: {where}: expected a finite number, got {value!r:.40}")
    return number


def positive_number(path: Path, where: str, value: Any) -> float:
    """``value`` as a finite number > 0, or a :class:`BaselineError` naming ``where``."""
    number = _optional_number(path, where, value)
    if number is None or number <= 0:
        raise BaselineError(f"{path}: {where}: expected a positive number, got {value!r:.40}")
    return number
