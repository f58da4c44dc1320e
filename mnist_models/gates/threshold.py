"""The one gate rule: from a gate's calibrated accuracies to the band a sound run lands in.

Plain statistics (scipy, no Keras), so the calibration table and the power table compute
bounds without importing a backend.

The band has two sides. Below it a change made the model learn worse; above it, a change made
the reported accuracy better than the model earned: a leak between what the model learns from
and what it is scored on, or a score taken on the wrong split. Both sides come from the same
normal fit of the calibrated seeds, by the same tolerance rule.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

#: A gate fails a sound model in at most this fraction of runs (one seed, one environment) on
#: each side ...
FALSE_FAILURE_RATE = 0.01
#: ... with this confidence, given that the calibration saw only a few seeds.
CONFIDENCE = 0.95
#: The gate's verdicts: inside the band, below its lower bound, above its upper bound.
OK, BELOW, ABOVE = "ok", "BELOW", "ABOVE"


def tolerance_factor(n: int) -> float:
    """k of the one-sided normal tolerance bounds mean -/+ k sd from ``n`` seeds.

    With probability :data:`CONFIDENCE`, at most :data:`FALSE_FAILURE_RATE` of a normal
    distribution lies beyond it: k = t'(CONFIDENCE; n-1, z sqrt(n)) / sqrt(n), the noncentral t
    quantile (z the normal quantile of 1 - FALSE_FAILURE_RATE). k = 3.98 for 10 seeds.
    """
    from scipy import stats  # imported when a threshold is computed, not by listing commands

    z = stats.norm.ppf(1 - FALSE_FAILURE_RATE)
    return float(stats.nct.ppf(CONFIDENCE, n - 1, z * math.sqrt(n)) / math.sqrt(n))


def _fit(accuracies: Sequence[float]) -> tuple[float, float]:
    """The normal fit's mean and the tolerance bounds' distance from it, k sd."""
    if len(accuracies) < 3:
        raise ValueError("calibrate a gate over at least three seeds")
    return (statistics.fmean(accuracies),
            tolerance_factor(len(accuracies)) * statistics.stdev(accuracies))


def threshold_from(accuracies: Sequence[float]) -> float:
    """The gate threshold (its lower bound) for calibrated accuracies: a normal fit's lower
    tolerance bound.

    The seeds' accuracies at a gate's budget are fitted with a normal distribution (mean and
    sample sd); the threshold is its one-sided tolerance bound (:func:`tolerance_factor`), so a
    sound model's gate run falls below it at most 1% of the time, at 95% confidence, floored to
    0.1%. Where seeds scatter unlike a normal (JAX's and torch's stalls on cnn_32_64), the fit
    is a rough tail: the power table (``mnist-models gate-power --table``) shows how the
    calibration seeds themselves then fare.
    """
    mean, spread = _fit(accuracies)
    return math.floor((mean - spread) * 1000) / 1000


def upper_bound_from(accuracies: Sequence[float]) -> float:
    """The gate's upper bound: the same fit's upper tolerance bound, mean + k sd, ceiled to
    0.1% (rounded away from the mean, as the threshold is, so rounding never adds failures).

    Above 1 where the seeds scatter widely: that side of the gate then cannot fail.
    """
    mean, spread = _fit(accuracies)
    return math.ceil((mean + spread) * 1000) / 1000


def bounds_from(accuracies: Sequence[float]) -> tuple[float, float]:
    """``(threshold, upper bound)``: the band a sound gate run lands in."""
    return threshold_from(accuracies), upper_bound_from(accuracies)


def verdict_from(accuracy: float, bounds: tuple[float, float]) -> str:
    """:data:`OK` inside the band (bounds included), :data:`BELOW` or :data:`ABOVE` outside."""
    low, high = bounds
    return BELOW if accuracy < low else ABOVE if accuracy > high else OK
