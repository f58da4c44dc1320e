"""Every part of the gate rule changes a verdict: the calibrated sd, the false-failure rate, the
confidence, and each of the two bounds.

A spec is calibrated by hand (ten seeds, mean 0.9, sd 0.02) in a folder of its own, and its
verdict (``gate.verdict``, what the gate tests and ``mnist-models check`` ask) is taken on
accuracies placed around its bounds. The confidence is pinned by behaviour, not only by the
generated calibration table: with 10 seeds the documented k is 3.98, so a run 3.95 sd from the
mean passes and one 4.05 sd away fails, and a lowered (or raised) confidence fails here.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from types import SimpleNamespace

import numpy as np
import pytest

from mnist_models.gates import calibration as gate_calibration
from mnist_models.gates import threshold
from mnist_models.gates.gate import gate_bounds, verdict
from mnist_models.zoo.registry import get_spec

MEAN, SD = 0.9, 0.02
#: Ten seeds' offsets from their mean, sample sd 1.
OFFSETS = np.linspace(-1, 1, 10) / np.std(np.linspace(-1, 1, 10), ddof=1)


@pytest.fixture
def spec(tmp_path):
    """lenet5 with its gate calibrated (by hand) to ten seeds of mean 0.9 and sd 0.02."""
    base = get_spec("lenet5")
    runs = tuple({"seed": i, "test_accuracy": float(MEAN + SD * offset), "seconds": 1.0}
                 for i, offset in enumerate(OFFSETS))
    provenance = {"date": "d", "versions": {}, "machine": "m", "command": "c"}
    gate_calibration.record(
        gate_calibration.file_for(tmp_path, "tensorflow"),
        gate_calibration.GateCalibration(base.name, base.gate.epochs, base.gate.steps, runs,
                                         provenance))
    return dataclasses.replace(base, data_dir=tmp_path)


def _sds(spec, *distances: float) -> list[str]:
    """The verdicts on runs this many calibrated sds from the calibrated mean."""
    return [verdict(spec, MEAN + distance * SD) for distance in distances]


def test_the_calibrated_sd_sets_the_bands_width(spec, monkeypatch):
    assert _sds(spec, -2, 2) == ["ok", "ok"]
    monkeypatch.setattr(threshold, "statistics",
                        SimpleNamespace(fmean=statistics.fmean, stdev=lambda data: 0.0))
    assert _sds(spec, -2, 2) == ["BELOW", "ABOVE"]


def test_the_false_failure_rate_sets_the_bands_width(spec, monkeypatch):
    assert _sds(spec, -2, 2) == ["ok", "ok"]
    monkeypatch.setattr(threshold, "FALSE_FAILURE_RATE", 0.2)
    assert _sds(spec, -2, 2) == ["BELOW", "ABOVE"]


def test_the_confidence_sets_the_bands_width(spec, monkeypatch):
    assert _sds(spec, -3, 3) == ["ok", "ok"]
    monkeypatch.setattr(threshold, "CONFIDENCE", 0.5)
    assert _sds(spec, -3, 3) == ["BELOW", "ABOVE"]


@pytest.mark.parametrize(("bound", "distance", "side"), [
    ("threshold_from", -5, "BELOW"), ("upper_bound_from", 4.5, "ABOVE")])
def test_each_bound_fails_its_own_side(spec, monkeypatch, bound, distance, side):
    # 4.5 sd up is 0.99: a leak's score, still an accuracy.
    assert _sds(spec, distance) == [side]
    left_out = -math.inf if side == "BELOW" else math.inf  # that side of the gate removed
    monkeypatch.setattr(gate_calibration, bound, lambda accuracies: left_out)
    assert _sds(spec, distance) == ["ok"]


def check_the_band_is_the_documented_one(spec) -> None:
    """With 10 seeds the documented k is 3.98: runs 3.95 sd out pass, 4.05 sd out fail."""
    assert _sds(spec, -3.95, 3.95) == ["ok", "ok"], "a sound run near a bound fails"
    assert _sds(spec, -4.05, 4.05) == ["BELOW", "ABOVE"], "a run beyond a bound passes"


def test_the_band_is_the_documented_one(spec):
    assert gate_bounds(spec) == (threshold.threshold_from([MEAN + SD * o for o in OFFSETS]),
                                 threshold.upper_bound_from([MEAN + SD * o for o in OFFSETS]))
    check_the_band_is_the_documented_one(spec)


@pytest.mark.parametrize(("confidence", "message"), [
    (0.94, "a sound run near a bound fails"), (0.96, "a run beyond a bound passes")],
    ids=["lowered", "raised"])
def test_a_changed_confidence_fails_the_edge_check(spec, monkeypatch, confidence, message):
    monkeypatch.setattr(threshold, "CONFIDENCE", confidence)
    with pytest.raises(AssertionError, match=message):
        check_the_band_is_the_documented_one(spec)


def test_bounds_round_away_from_the_mean_to_a_tenth_of_a_point():
    accuracies = [MEAN + SD * offset for offset in OFFSETS]
    spread = threshold.tolerance_factor(len(accuracies)) * statistics.stdev(accuracies)
    mean = statistics.fmean(accuracies)
    assert threshold.bounds_from(accuracies) == (math.floor((mean - spread) * 1000) / 1000,
                                                 math.ceil((mean + spread) * 1000) / 1000)
    assert threshold.verdict_from(0.5, (0.5, 0.6)) == threshold.verdict_from(0.6, (0.5, 0.6)) \
        == "ok"


def test_upper_bounds_from_ten_seeds_fail_a_sound_model_at_most_one_percent_of_runs():
    """Simulated calibrations of a normal model: in about 95% of them the upper bound leaves
    at most 1% of the distribution above it (the lower bound's promise, mirrored)."""
    from scipy import stats

    draws = np.random.default_rng(1).normal(0.95, 0.004, size=(4000, 10))
    bounds = draws.mean(1) + threshold.tolerance_factor(10) * draws.std(1, ddof=1)
    above = stats.norm.sf(bounds, 0.95, 0.004)
    assert np.mean(above <= threshold.FALSE_FAILURE_RATE) == pytest.approx(0.95, abs=0.015)
