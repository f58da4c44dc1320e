"""bench-ab's statistics: the paired ratio, its interval, the noise floor and the verdict.

Each round gives one pair (baseline, candidate) timed back to back, so the pair's log-ratio
cancels the machine's drift; what is left is close to independent from pair to pair
(BENCHMARKS.md measures the lag-1 autocorrelation of the raw rounds and of the log-ratios).
What pairing cannot cancel is the offset of one pair of worker processes, which holds for
its whole life; so the rounds are grouped by generation (:mod:`mnist_models.bench.ab.run`) and
the variance has two parts (Kalibera and Jones' random-effects model):

- within a generation, the median of its paired log-ratios, whose variance is estimated
  from the spread of its rounds (``scipy.stats.median_abs_deviation``, robust to the shared
  machine's one-sided bursts);
- between generations, the offset of each pair of processes: its variance is the larger of
  what this run's generation medians show and what the A/A calibration measured over many
  generations (the benchmark's noise floor, :mod:`mnist_models.bench.ab.noise`), since four
  generations alone estimate it poorly.

The estimate is the mean of the generation medians, its interval at :data:`CONFIDENCE`
(:data:`DEFAULT_RULE`): where the generations' own spread is the wider, it rests on their few
degrees of freedom and takes Student's t quantile on them (3 for the default 4 generations:
5.84 where a normal quantile says 2.58); where the calibrated floor is the wider, the floor
came from many generations and the normal quantile stands. Every generation counts: setting
an odd one aside (the rule until 2026-12-04, kept for the studies as ``"normal, set-aside"``)
fired in 22-33% of A/A comparisons and then judged the rest as if their spread were known
(BENCHMARKS.md, benchmarks/studies/ab_intervals.py).

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

import functools
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

CONFIDENCE = 0.99
#: The effective threshold is at least this many noise floors (standard deviations of the
#: offset between two processes of the same code): a smaller slowdown is one that a user
#: could not reproduce by starting the benchmark again.
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
    generations: int
    set_aside: int
    noise_floor: float | None
    threshold: float
    threshold_source: str  # "yours" or "noise floor"
    verdict: str
    confidence: float = 0.99  # this look's interval's (:mod:`.sequential`)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


#: A generation whose median lies this many standard errors from the others' mean is set
#: aside, one at most and only among four or more: a pair of processes 11-45% apart on the
#: memory-heavy workloads, as in 2 of the calibration run's 10 generations and 2 of the
#: study's 36 (BENCHMARKS.md), would otherwise leave every heavy benchmark unresolved.
ODD_GENERATION_Z = float(stats.norm.ppf(1 - 0.001 / 2))
MIN_GENERATIONS_TO_SET_ASIDE = 4


@functools.lru_cache(maxsize=256)
def _two_sided(confidence: float, degrees_of_freedom: int | None) -> float:
    """The two-sided quantile at ``confidence``: Student's t on ``degrees_of_freedom``, or
    normal for None. (Cached: scipy's quantiles cost about 0.1 ms a call, and the coverage
    studies ask for the same few thousands of times.)"""
    level = 0.5 + confidence / 2
    if degrees_of_freedom is None:
        return float(stats.norm.ppf(level))
    return float(stats.t.ppf(level, degrees_of_freedom))


@dataclass(frozen=True)
class Estimate:
    """The paired log-ratio of one benchmark: its mean over the generations kept and the
    variance parts of one generation's median."""

    log_ratio: float
    within: float  # variance of a generation's median from its rounds' spread
    medians: tuple[float, ...]  # one per generation kept
    set_aside: int = 0  # generations set aside as odd

    @property
    def generations(self) -> int:
        return len(self.medians)

    @property
    def between(self) -> float:
        """The variance of the generation medians about their mean, as observed."""
        return float(np.var(self.medians, ddof=1)) if self.generations > 1 else 0.0

    def standard_error(self, process_sd: float = 0.0) -> float:
        return math.sqrt(max(self.between, process_sd ** 2 + self.within) / self.generations)

    def quantile(self, process_sd: float = 0.0, rule: str = "t where observed",
                 confidence: float = CONFIDENCE) -> float:
        """The interval's multiplier under ``rule`` (:data:`RULES`)."""
        observed = self.between > process_sd ** 2 + self.within
        if self.generations > 1 and (rule == "t" or (rule == "t where observed" and observed)):
            return _two_sided(confidence, self.generations - 1)
        return _two_sided(confidence, None)

    def interval(self, process_sd: float = 0.0, rule: str = "t where observed",
                 confidence: float = CONFIDENCE) -> tuple[float, float, float]:
        """The ratio candidate/baseline and its interval at ``confidence``."""
        half = self.quantile(process_sd, rule, confidence) * self.standard_error(process_sd)
        return (math.exp(self.log_ratio), math.exp(self.log_ratio - half),
                math.exp(self.log_ratio + half))

    def process_sd(self) -> float:
        """The typical offset of one pair of processes, beyond its rounds' spread: from the
        generations' median absolute deviation, so that an odd generation does not set it."""
        spread = stats.median_abs_deviation(self.medians, scale="normal")
        return math.sqrt(max(spread ** 2 - self.within, 0.0))


def _odd_generation(medians: list[float], variances: list[float], floor: float) -> int | None:
    """The one generation far from the others' mean, if any (:data:`ODD_GENERATION_Z`),
    against the pooled spread of all generations' rounds (one generation's eight rounds
    estimate theirs too roughly: that set aside one normal generation in twenty)."""
    count = len(medians)
    if count < MIN_GENERATIONS_TO_SET_ASIDE:
        return None
    one = floor ** 2 + float(np.mean(variances))  # the variance of one generation's median
    spread = math.sqrt(one * (1 + 1 / (count - 1)))
    scores = [abs(medians[index] - np.mean(medians[:index] + medians[index + 1:])) / spread
              for index in range(count)]
    worst = int(np.argmax(scores))
    return worst if scores[worst] > ODD_GENERATION_Z else None


def estimate(baseline: np.ndarray, candidate: np.ndarray, generation: np.ndarray,
             floor: float = 0.0, *, set_aside: bool = True) -> Estimate:
    logs = np.log(np.asarray(candidate, float) / np.asarray(baseline, float))
    generation = np.asarray(generation)
    numbers, counts = np.unique(generation, return_counts=True)
    medians, variances = [0.0] * len(numbers), [0.0] * len(numbers)
    # Generations with as many rounds (all of them, but for a budget-timed first one) are
    # stacked into one array: one call for all their medians and spreads.
    for count in np.unique(counts):
        chosen = np.flatnonzero(counts == count)
        rounds = np.stack([logs[generation == numbers[index]] for index in chosen])
        sigmas = stats.median_abs_deviation(rounds, axis=1, scale="normal")
        for index, median, sigma in zip(chosen, np.median(rounds, axis=1), sigmas, strict=True):
            medians[index] = float(median)
            # The variance of a sample median, (pi / 2) sigma^2 / n for normal rounds.
            variances[index] = math.pi / 2 * float(sigma) ** 2 / int(count)
    odd = _odd_generation(medians, variances, floor) if set_aside else None
    if odd is not None:
        del medians[odd], variances[odd]
    return Estimate(float(np.mean(medians)), float(np.mean(variances)), tuple(medians),
                    int(odd is not None))


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


#: The interval rules the A/A study compares (benchmarks/studies/ab_intervals.py): a normal
#: quantile or Student's t on the generations' degrees of freedom (always, or only where the
#: spread the generations show exceeds the calibrated floor), with or without the odd-generation
#: set-aside.
RULES = ("normal, set-aside", "normal", "t where observed", "t")
#: The rule bench-ab and compare use (BENCHMARKS.md: the A/A study and the coverage test).
DEFAULT_RULE = "t where observed"


def compare(name: str, baseline: np.ndarray, candidate: np.ndarray, generation: np.ndarray,
            threshold: float, floor: float | None, rule: str = DEFAULT_RULE,
            confidence: float = CONFIDENCE) -> Result:
    """One benchmark's result; ``confidence`` is that of this look's interval (a sequential
    run's looks each take a share of :data:`CONFIDENCE`'s error, :mod:`.sequential`)."""
    found = estimate(baseline, candidate, generation, floor or 0.0,
                     set_aside=rule.endswith("set-aside"))
    ratio, low, high = found.interval(floor or 0.0, rule, confidence)
    applied, source = effective_threshold(threshold, floor)
    return Result(name, float(np.median(baseline)) * 1e3, float(np.median(candidate)) * 1e3,
                  ratio, low, high, len(baseline), found.generations + found.set_aside,
                  found.set_aside, floor, applied, source, verdict(low, high, applied),
                  confidence)


def table(results: list[Result]) -> str:
    from mnist_models.text_table import aligned

    rows = [[r.label, f"{r.baseline_ms:.3f}", f"{r.candidate_ms:.3f}", f"{r.ratio:.3f}",
             f"{r.low:.3f}-{r.high:.3f}",
             f"{r.generations - r.set_aside}" + (f" of {r.generations}" if r.set_aside else ""),
             "-" if r.noise_floor is None else f"{r.noise_floor:.1%}",
             f"{r.threshold:.1%} ({r.threshold_source})", r.verdict] for r in results]
    return aligned(["benchmark", "baseline ms", "candidate ms", "ratio",
                    f"{CONFIDENCE:.0%} interval", "generations", "noise floor", "threshold",
                    "verdict"], rows)
