"""Change points: the smallest step found in a quiet series, and what must not be flagged."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("otava", reason="the history extra is not installed")

from mnist_models.history import detect


def _series(step: float, at: int = 20, length: int = 30, noise: float = 0.005,
            seed: int = 0) -> list[float]:
    values = np.exp(np.random.default_rng(seed).normal(0, noise, length))
    values[at:] *= 1 + step
    return list(values)


def test_a_step_of_4_noise_widths_is_found_at_its_run_and_one_of_a_fifth_is_not():
    found = detect.changes(_series(0.02), "s")
    assert [(c.index, c.regression) for c in found] == [(20, True)]
    assert abs(found[0].relative - 0.02) < 0.005 and found[0].pvalue < detect.MAX_PVALUE
    assert detect.changes(_series(0.001), "s") == []


def test_unchanged_series_have_at_most_one_change_point_per_100_runs():
    found = sum(len(detect.changes(_series(0.0, seed=seed), "s")) for seed in range(50))
    assert 100 * found / (50 * 30) <= 1.0, found


def test_the_direction_decides_a_regression():
    assert detect.changes(_series(0.02), "s")[0].regression  # slower
    assert not detect.changes(_series(-0.02), "s")[0].regression  # faster
    assert detect.changes(_series(-0.02), "accuracy")[0].regression  # learns worse


def test_only_a_step_among_the_newest_runs_is_open():
    assert detect.open_regression(_series(0.02, at=27), "s").index == 27
    assert detect.open_regression(_series(0.02, at=15), "s") is None  # an old one
