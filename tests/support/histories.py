"""Runs to store in the history's tests: a series with a known step at a known commit."""

from __future__ import annotations

import numpy as np

from mnist_models.history.store import Point, Run

ENVIRONMENT = "tensorflow on Test CPU, native path"


def run(index: int, value: float, series: str = "speed mlp_100 train 64",
        commit: str | None = None) -> Run:
    return Run("benchmark", f"2026-11-{1 + index // 24:02d}T{index % 24:02d}:00:00+00:00",
               ENVIRONMENT, {"tensorflow": "2.21.0", "backend": "tensorflow"},
               commit or f"c{index:03d}aaaa", "main", "test",
               (Point(series, value, "s", {}),))


def stepped(length: int = 30, at: int = 20, step: float = 0.10, noise: float = 0.005,
            seed: int = 0) -> list[Run]:
    """``length`` runs whose value rises by ``step`` from run ``at`` on."""
    rng = np.random.default_rng(seed)
    values = 0.010 * np.exp(rng.normal(0, noise, length))
    values[at:] *= 1 + step
    return [run(i, float(v)) for i, v in enumerate(values)]
