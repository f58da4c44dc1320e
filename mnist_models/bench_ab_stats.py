"""bench-ab's statistics: the paired ratio, its interval, the noise floor and the verdict.

Each round gives one pair (baseline, candidate) timed back to back or at once, so the pair's
log-ratio cancels the machine's drift; what is left is close to independent from pair to pair
(BENCHMARKS.md measures the lag-1 autocorrelation of the raw rounds and of the log-ratios).
The estimate is the median of the paired log-ratios, which shrugs off the shared machine's
one-sided bursts; its interval is scipy's bootstrap of that median (the ``stats`` extra).

A benchmark's verdict, with T its effective threshold (the larger of the user's threshold and
:data:`NOISE_MULTIPLE` times its noise floor):

- ``REGRESSION``: the interval lies above 1 and reaches 1 + T or beyond, so the candidate is
  slower and the slowdown may be as large as T (a slowdown of exactly T is caught whenever
  the interval clears 1);
- ``slower < T``: the interval lies above 1 but below 1 + T;
- ``faster``: the interval lies below 1;
- ``unresolved``: the interval holds 1 and reaches 1 + T: too noisy to tell;
- ``no change``: the interval holds 1 and stays below 1 + T.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

CONFIDENCE = 0.99
BOOTSTRAP_SAMPLES = 2000
#: The effective threshold is at least this many noise floors: an unchanged candidate's
#: interval reached up to one floor above 1 in the A/A runs that measured it.
NOISE_MULTIPLE = 2.0


@dataclass(frozen=True)
class Result:
    """One benchmark's comparison."""

    label: str
    baseline_ms: float
    candidate_ms: float
    ratio: float
    low: float
    high: float
    pairs: int
    noise_floor: float | None
    threshold: float
    threshold_source: str  # "yours" or "noise floor"
    verdict: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _bootstrap() -> Any:
    from scipy.stats import bootstrap  # imported when used: bench-ab's workers never need it

    return bootstrap


def paired_ratio(baseline: np.ndarray, candidate: np.ndarray, *, seed: int = 0) -> tuple[
        float, float, float]:
    """Median of the paired ratios candidate/baseline, and its bootstrap interval."""
    bootstrap = _bootstrap()
    logs = np.log(np.asarray(candidate, float) / np.asarray(baseline, float))
    rng = np.random.default_rng(seed)
    # scipy 1.15 renamed random_state to rng; the extra allows older releases too.
    seeding = "rng" if "rng" in inspect.signature(bootstrap).parameters else "random_state"
    interval = bootstrap((logs,), np.median, confidence_level=CONFIDENCE,
                         n_resamples=BOOTSTRAP_SAMPLES, method="percentile",
                         **{seeding: rng}).confidence_interval
    return (math.exp(float(np.median(logs))), math.exp(interval.low),
            math.exp(interval.high))


def lag1_autocorrelation(values: np.ndarray) -> float:
    """Lag-1 autocorrelation of a series (what the docs argue the bootstrap from)."""
    values = np.asarray(values, float)
    if len(values) < 3 or np.std(values) == 0:
        return 0.0
    return float(np.corrcoef(values[:-1], values[1:])[0, 1])


def noise_floor(low: float, high: float) -> float:
    """How far from 1 an unchanged candidate's interval reached, as a fraction."""
    return max(high - 1.0, 1.0 - low, 0.0)


def effective_threshold(threshold: float, floor: float | None) -> tuple[float, str]:
    if floor is not None and NOISE_MULTIPLE * floor > threshold:
        return NOISE_MULTIPLE * floor, "noise floor"
    return threshold, "yours"


def verdict(low: float, high: float, threshold: float) -> str:
    if low > 1.0:
        return "REGRESSION" if high >= 1.0 + threshold else f"slower < {threshold:.1%}"
    if high < 1.0:
        return "faster"
    return "unresolved" if high >= 1.0 + threshold else "no change"


def compare(name: str, baseline: np.ndarray, candidate: np.ndarray, threshold: float,
            floor: float | None) -> Result:
    ratio, low, high = paired_ratio(baseline, candidate)
    applied, source = effective_threshold(threshold, floor)
    return Result(name, float(np.median(baseline)) * 1e3, float(np.median(candidate)) * 1e3,
                  ratio, low, high, len(baseline), floor, applied, source,
                  verdict(low, high, applied))


def table(results: list[Result]) -> str:
    from mnist_models.text_table import aligned

    rows = [[r.label, f"{r.baseline_ms:.3f}", f"{r.candidate_ms:.3f}", f"{r.ratio:.3f}",
             f"{r.low:.3f}-{r.high:.3f}",
             "-" if r.noise_floor is None else f"{r.noise_floor:.1%}",
             f"{r.threshold:.1%} ({r.threshold_source})", r.verdict] for r in results]
    return aligned(["benchmark", "baseline ms", "candidate ms", "ratio",
                    f"{CONFIDENCE:.0%} interval", "noise floor", "threshold", "verdict"], rows)
