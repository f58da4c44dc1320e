"""The one threshold rule: from a gate's calibrated accuracies to the accuracy it must reach.

Plain statistics (scipy, no Keras), so the calibration table and the power table compute
thresholds without importing a backend.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

#: A gate fails a sound model in at most this fraction of runs (one seed, one environment) ...
FALSE_FAILURE_RATE = 0.01
#: ... with this confidence, given that the calibration saw only a few seeds.
CONFIDENCE = 0.95


def tolerance_factor(n: int) -> float:
    """k of the one-sided normal tolerance bound mean - k sd from ``n`` seeds.

    With probability :data:`CONFIDENCE`, at most :data:`FALSE_FAILURE_RATE` of a normal
    distribution lies below it: k = t'(CONFIDENCE; n-1, z sqrt(n)) / sqrt(n), the noncentral t
    quantile (z the normal quantile of 1 - FALSE_FAILURE_RATE). k = 3.98 for 10 seeds.
    """
    from scipy import stats  # imported when a threshold is computed, not by listing commands

    z = stats.norm.ppf(1 - FALSE_FAILURE_RATE)
    return float(stats.nct.ppf(CONFIDENCE, n - 1, z * math.sqrt(n)) / math.sqrt(n))


def threshold_from(accuracies: Sequence[float]) -> float:
    """The gate threshold for calibrated accuracies: a normal fit's lower tolerance bound.

    The seeds' accuracies at a gate's budget are fitted with a normal distribution (mean and
    sample sd); the threshold is its one-sided tolerance bound (:func:`tolerance_factor`), so a
    sound model's gate run fails at most 1% of the time, at 95% confidence, floored to 0.1%.
    Where seeds scatter unlike a normal (JAX's and torch's stalls on cnn_32_64), the fit
    is a rough tail: the power table (``mnist-models gate-power --table``) shows how the
    calibration seeds themselves then fare.
    """
    if len(accuracies) < 3:
        raise ValueError("calibrate a gate over at least three seeds")
    bound = statistics.fmean(accuracies) - tolerance_factor(len(accuracies)) * statistics.stdev(
        accuracies)
    return math.floor(bound * 1000) / 1000
