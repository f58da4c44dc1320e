"""Change points in a series, found by Apache Otava, and which of them are regressions.

Otava (``otava.analysis.compute_change_points``) is the E-Divisive means method of Matteson and
James as MongoDB's and Fleming et al.'s "Hunter" adapted it to CI histories: it splits a
series where the energy distance between the parts is largest, over sliding windows, and
keeps a split while Student's t test between the neighbouring segments has p below
``max_pvalue``. This module does no I/O: it takes values, returns :class:`Change`\\ s.

:data:`MAX_PVALUE` and :data:`WINDOW` are the values the synthetic-history study chose
(``benchmarks/studies/history_rates.py``, docs/history.md): the detection rate of a step and
the false change points per 100 runs, on series resampled from this suite's own measured noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Significance a change point must reach.
MAX_PVALUE = 0.001
#: Points per sliding window of Otava's split step.
WINDOW = 30
#: A series' newest change point "starts a regression" when it lies within this many newest
#: points and moves the series the worse way.
RECENT = 5
#: The direction in which a unit gets worse: higher seconds, failing verdicts or deviations;
#: lower accuracy.
WORSE_WHEN_HIGHER = {"s": True, "failing": True, "ratio": True, "accuracy": False}


@dataclass(frozen=True)
class Change:
    """A change point: the index of the first point after it, the means of the segments
    before and after, the relative change and its p value."""

    index: int
    before: float
    after: float
    pvalue: float
    regression: bool

    @property
    def relative(self) -> float:
        return self.after / self.before - 1.0 if self.before else math.inf


def changes(values: Sequence[float], unit: str, max_pvalue: float = MAX_PVALUE,
            window: int = WINDOW) -> list[Change]:
    """Every change point of ``values`` (oldest first), as Otava finds them."""
    from otava.analysis import compute_change_points

    if len(values) < 3:
        return []
    found, _ = compute_change_points([float(v) for v in values], window_len=window,
                                     max_pvalue=max_pvalue)
    higher_is_worse = WORSE_WHEN_HIGHER.get(unit, True)
    return [Change(point.index, float(point.stats.mean_1), float(point.stats.mean_2),
                   float(point.stats.pvalue),
                   (point.stats.mean_2 > point.stats.mean_1) == higher_is_worse)
            for point in found]


def opened(found: Sequence[Change], length: int, recent: int = RECENT) -> Change | None:
    """Of the change points ``found`` in a series of ``length`` points, the newest if it is a
    regression among the ``recent`` newest points: the one that "starts a regression"."""
    if found and found[-1].regression and found[-1].index >= length - recent:
        return found[-1]
    return None


def open_regression(values: Sequence[float], unit: str, recent: int = RECENT,
                    **options: float) -> Change | None:
    """The newest change point if it is a regression among the ``recent`` newest points."""
    return opened(changes(values, unit, **options), len(values), recent)


def trend(values: Sequence[float], last: int = 10) -> float:
    """The Theil-Sen slope of the ``last`` values, relative to their median, per run."""
    from scipy import stats

    tail = [float(v) for v in values[-last:]]
    if len(tail) < 3:
        return 0.0
    slope = stats.theilslopes(tail).slope
    middle = sorted(tail)[len(tail) // 2]
    return slope / middle if middle else 0.0
