"""How well change points are found in histories made from this suite's own noise.

A synthetic history is a series of runs of one benchmark: each run's value is one worker
process's median, drawn with replacement from the process medians bench-ab measured for that
benchmark in its A/A calibration runs (``calibration/bench-noise-run*.json``: 20 processes per
benchmark and run), so the history has the noise a real one has between runs on this machine,
heavy tail included. Into it goes a step (every run from a random point on is slower by a
factor) or a drift (1% slower each run from a random point on). Detection is run as CI runs it,
once per new run, on the history so far (:func:`mnist_models.history.detect.open_regression`).

This module does no I/O: it takes the residuals, returns the rates.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mnist_models.history import detect

LENGTH = 40
#: Runs watched after a step before it counts as missed.
HORIZON = 10


@dataclass(frozen=True)
class Rates:
    kind: str  # "step +5%", "drift 1%/run", "unchanged"
    histories: int
    found_within_5: float  # fraction of histories
    found_within_horizon: float
    median_delay: float | None  # runs after the step, among those found
    false_per_100_runs: float  # change points where there is none, per 100 runs


def _history(rng: np.random.Generator, residuals: Sequence[float],
             processes: int = 1) -> np.ndarray:
    """``LENGTH`` runs, each the median of ``processes`` worker processes' medians."""
    draws = rng.choice(np.asarray(residuals), (LENGTH, processes))
    return np.exp(np.median(draws, axis=1))


def _found(values: np.ndarray, start: int, options: Mapping[str, float]) -> int | None:
    """Runs after ``start`` until a regression is open at a change point near it."""
    for after in range(1, HORIZON + 1):
        change = detect.open_regression(values[:start + after], "s", **options)
        if change is not None and change.index >= start - 2:
            return after
    return None


def _false(values: np.ndarray, until: int, options: Mapping[str, float]) -> int:
    """Change points found in the unchanged runs ``values[:until]``, as the newest run's
    check reports them: each run's check flags at most one."""
    flagged = 0
    for end in range(8, until + 1):
        change = detect.open_regression(values[:end], "s", **options)
        flagged += change is not None and change.index >= end - 1
    return flagged


def measure(residuals: Mapping[str, Sequence[float]], histories: int, seed: int = 0,
            processes: int = 1, **options: float) -> list[Rates]:
    """Rates for a +2%, +5% and +10% step, a 1%-per-run drift, and an unchanged history, each
    run measured by ``processes`` worker processes (a benchmark run is one)."""
    rng = np.random.default_rng(seed)
    names = sorted(residuals)
    found_rates = []
    for kind, change in (("step +2%", 0.02), ("step +5%", 0.05), ("step +10%", 0.10),
                         ("drift 1%/run", None)):
        delays, false = [], 0
        for _ in range(histories):
            values = _history(rng, residuals[names[rng.integers(len(names))]], processes)
            start = int(rng.integers(15, LENGTH - HORIZON))
            if change is None:
                values[start:] *= 1.01 ** np.arange(1, LENGTH - start + 1)
            else:
                values[start:] *= 1 + change
            delays.append(_found(values, start, options))
            false += _false(values, start, options)
        found = [d for d in delays if d is not None]
        found_rates.append(Rates(kind, histories, sum(d <= 5 for d in found) / histories,
                                 len(found) / histories,
                                 statistics.median(found) if found else None,
                                 100 * false / (histories * 30)))
    unchanged = 0
    for _ in range(histories):
        values = _history(rng, residuals[names[rng.integers(len(names))]], processes)
        unchanged += _false(values, LENGTH, options)
    found_rates.append(Rates("unchanged", histories, 0.0, 0.0, None,
                             100 * unchanged / (histories * (LENGTH - 7))))
    return found_rates


def residuals_from(runs: Sequence[Mapping]) -> dict[str, list[float]]:
    """Per benchmark, the log of each worker process's median over the benchmark's median,
    from bench-ab ``--json`` records (both sides of an A/A run are processes alike)."""
    pooled: dict[str, list[float]] = {}
    for run in runs:
        generation = np.asarray(run["generation"])
        for result in run["results"]:
            for rounds in result["rounds"]["cpu"].values():
                times = np.asarray(rounds)
                medians = [float(np.median(times[generation == g]))
                           for g in np.unique(generation)]
                middle = float(np.median(medians))
                pooled.setdefault(result["label"], []).extend(
                    float(np.log(m / middle)) for m in medians)
    return pooled
