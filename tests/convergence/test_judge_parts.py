"""Every part of converge-compare's judge changes a verdict: each side's variance, and the margin.

Each test builds two records whose verdict is right with the part in and flips when that one
part is left out (monkeypatched away).
"""

from __future__ import annotations

import statistics
from types import SimpleNamespace

import numpy as np
import pytest

from mnist_models.convergence import compare as converge
from mnist_models.convergence.record import ConvergenceRecord, ModelRuns, SeedRun

#: Ten seeds' offsets from their mean, sample sd 1.
OFFSETS = np.linspace(-1, 1, 10) / np.std(np.linspace(-1, 1, 10), ddof=1)


def _record(mean: float, sd: float) -> ConvergenceRecord:
    runs = tuple(SeedRun(seed, float(mean + sd * offset), 0.2, 1.0)
                 for seed, offset in enumerate(OFFSETS))
    return ConvergenceRecord({"m": ModelRuns(2, None, None, runs)})


def _verdict(baseline: ConvergenceRecord, candidate: ConvergenceRecord, **margin) -> str:
    [found] = converge.compare(baseline, candidate, **margin)
    return found.verdict


def _drop_variance_of(monkeypatch, record: ConvergenceRecord) -> None:
    """Welch's variance of ``record``'s side counted as 0; the other side's as it is."""
    left_out = record.models["m"].accuracies()
    monkeypatch.setattr(converge, "statistics", SimpleNamespace(
        fmean=statistics.fmean,
        variance=lambda data: 0.0 if list(data) == left_out else statistics.variance(data)))


@pytest.mark.parametrize("noisy_side", ["baseline", "candidate"])
def test_welch_counts_each_sides_variance(monkeypatch, noisy_side):
    # 0.6 points worse on average; one side scatters 1 point a seed, the other 0.05.
    noisy, tight = _record(0.95, 0.01), _record(0.95, 0.0005)
    if noisy_side == "baseline":
        baseline, candidate = noisy, _record(0.944, 0.0005)
    else:
        baseline, candidate = tight, _record(0.944, 0.01)
    assert _verdict(baseline, candidate) == "inconclusive"
    _drop_variance_of(monkeypatch, baseline if noisy_side == "baseline" else candidate)
    assert _verdict(baseline, candidate) == "worse"


def test_worse_means_worse_by_more_than_the_margin():
    # 0.2 points worse, resolved: real, but within the quarter-point margin.
    baseline, candidate = _record(0.95, 0.0005), _record(0.948, 0.0005)
    assert _verdict(baseline, candidate) == "ok"
    assert _verdict(baseline, candidate, margin=0.0) == "worse"
