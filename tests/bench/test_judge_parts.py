"""Every part of the benchmark judges changes a verdict: each test builds an input whose verdict
is right with the part in and flips when that one part is left out (monkeypatched away).

bench-ab (:mod:`mnist_models.bench.ab.stats`): the rounds' spread, the generations' spread, the
noise floor in the interval and in the threshold. bench-compare
(:mod:`mnist_models.bench.compare`): the baseline's and the current run's spread, the interval
itself, the threshold.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from mnist_models.bench import compare as bench_compare
from mnist_models.bench.ab import stats as ab

#: Eight rounds of a generation, symmetric about 0: their median is the generation's centre.
ROUNDS = np.array([-1.5, -1.0, -0.5, -0.1, 0.1, 0.5, 1.0, 1.5])


def _ab(log_ratios_by_generation, threshold: float, floor: float | None) -> ab.Result:
    """bench-ab's comparison of rounds whose log-ratios candidate/baseline are given."""
    logs = np.concatenate(log_ratios_by_generation)
    generation = np.repeat(np.arange(len(log_ratios_by_generation)),
                           [len(g) for g in log_ratios_by_generation])
    return ab.compare("w", np.ones_like(logs), np.exp(logs), generation, threshold, floor)


def _drop_within(monkeypatch):
    real = ab.estimate
    monkeypatch.setattr(ab, "estimate",
                        lambda *a, **k: dataclasses.replace(real(*a, **k), within=0.0))


def test_ab_counts_the_rounds_spread(monkeypatch):
    # Four generations alike (no spread between them), each with rounds scattered 0.2 wide.
    rounds = [0.02 + 0.2 * ROUNDS] * 4
    assert _ab(rounds, 0.05, None).verdict == "unresolved"
    _drop_within(monkeypatch)
    assert _ab(rounds, 0.05, None).verdict == "slower < 5.0%"


def test_ab_counts_the_generations_spread(monkeypatch):
    # Rounds alike within each generation; the generations' medians 6 points apart. Three
    # generations, so none is set aside as odd.
    rounds = [np.full(8, centre) for centre in (0.0, 0.06, 0.12)]
    assert _ab(rounds, 0.05, None).verdict == "unresolved"
    monkeypatch.setattr(ab.Estimate, "between", property(lambda self: 0.0))
    assert _ab(rounds, 0.05, None).verdict == "REGRESSION"


def test_ab_counts_the_noise_floor_in_its_interval(monkeypatch):
    # Tight rounds, generations alike: only the calibrated floor (3%) says processes differ.
    rounds = [0.03 + 0.002 * ROUNDS] * 4
    assert _ab(rounds, 0.05, 0.03).verdict == "unresolved"
    real = ab.Estimate.interval
    monkeypatch.setattr(ab.Estimate, "interval",
                        lambda self, process_sd=0.0, rule=ab.DEFAULT_RULE,
                        confidence=ab.CONFIDENCE: real(self, 0.0, rule, confidence))
    assert _ab(rounds, 0.05, 0.03).verdict == "slower < 6.0%"


def test_ab_counts_the_noise_floor_in_its_threshold(monkeypatch):
    # A 1% slowdown, resolved by 16 generations, is within twice a 1% floor: not one a user
    # could reproduce by starting the benchmark again.
    rounds = [0.01 + 0.002 * ROUNDS] * 16
    assert _ab(rounds, 0.01, 0.01).verdict == "slower < 2.0%"
    monkeypatch.setattr(ab, "NOISE_MULTIPLE", 0.0)
    assert _ab(rounds, 0.01, 0.01).verdict == "REGRESSION"


def _write_run(path: Path, rounds: np.ndarray) -> Path:
    path.write_text(json.dumps({"machine_info": {}, "benchmarks": [
        {"fullname": "m", "extra_info": {"model": "m", "phase": "train", "batch_size": 64},
         "stats": {"data": [float(v) for v in rounds]}}]}))
    return path


def _regression(tmp_path: Path, baseline, current, threshold: float = 0.10) -> bool:
    [result] = bench_compare.compare(_write_run(tmp_path / "base.json", baseline),
                                     _write_run(tmp_path / "cur.json", current), threshold)
    return result.regression


TIGHT = np.linspace(0.99, 1.01, 11)
WIDE = np.linspace(0.6, 1.4, 11)


def _without_spread(monkeypatch, side: int) -> None:
    """Leave one side's spread out of the bootstrap: resample its median only."""
    real = bench_compare.ratio_interval

    def interval(baseline, current, *, seed=0):
        sides = [baseline, current]
        sides[side] = np.full_like(sides[side], np.median(sides[side]))
        return real(*sides, seed=seed)

    monkeypatch.setattr(bench_compare, "ratio_interval", interval)


@pytest.mark.parametrize(("side", "baseline", "current"), [
    (0, WIDE, 1.2 * TIGHT), (1, TIGHT, 1.2 * WIDE)], ids=["baseline", "current"])
def test_compare_counts_each_runs_spread(monkeypatch, tmp_path, side, baseline, current):
    # 20% slower by the medians, but one run scatters too much to say so at 95%.
    assert not _regression(tmp_path, baseline, current)
    _without_spread(monkeypatch, side)
    assert _regression(tmp_path, baseline, current)


def test_compare_flags_only_what_its_interval_resolves(monkeypatch, tmp_path):
    assert not _regression(tmp_path, WIDE, 1.2 * WIDE)
    monkeypatch.setattr(bench_compare, "ratio_interval",
                        lambda b, c, *, seed=0: (np.median(c) / np.median(b),) * 3)
    assert _regression(tmp_path, WIDE, 1.2 * WIDE)


def test_compare_flags_only_slowdowns_beyond_its_threshold(tmp_path):
    # 5% slower, resolved: real, but under the 10% threshold.
    assert not _regression(tmp_path, TIGHT, 1.05 * TIGHT)
    assert _regression(tmp_path, TIGHT, 1.05 * TIGHT, threshold=0.0)
