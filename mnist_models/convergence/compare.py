"""Does a candidate environment learn worse than a baseline? Per model, over seeds.

The test is Welch's t on the final test accuracies of the two records' seeds: the difference
of the means (candidate - baseline) with its 95% interval, Welch-Satterthwaite degrees of
freedom. Why Welch:

- it answers in accuracy points, the unit a margin is stated in; Brunner-Munzel tests
  P(candidate < baseline), which has no margin in points, and MLPerf's reference convergence
  points compare epochs to a target against a reference band of many runs (tens), more than
  a 2-core machine trains per environment;
- seeds' accuracies at a fixed budget scatter roughly normally (calibration/gates.json), and
  the mean of 10 is closer still; where they do not (JAX's stalls on cnn_32_64), the spread is
  large and the interval wide, so the verdict is cautious rather than wrong;
- environments differ in their spread (JAX's cnn_32_64 scatters 40 times TensorFlow's), so
  the variances are not pooled (Student's t would be).

Verdict: ``worse`` when the whole interval lies below ``-margin`` (the candidate is worse by
more than the margin, at 97.5% one-sided confidence); ``inconclusive`` when the interval
reaches below ``-margin`` but not wholly (more seeds would settle it); ``ok`` otherwise.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from mnist_models.convergence.record import ConvergenceFileError, ConvergenceRecord, ModelRuns

#: Fewest seeds a side: with two, Welch's interval rests on one degree of freedom a side
#: (t = 12.7 at 97.5%), too wide to say anything about fractions of a point.
MIN_SEEDS = 3
#: Default margin: a candidate a quarter point worse on average is flagged (0.5 points worse,
#: the shift no gate caught before, then lies well below it).
MARGIN = 0.0025
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Verdict:
    """One model's comparison: the mean difference, its interval, and what they say."""

    model: str
    budget: str
    baseline_mean: float
    candidate_mean: float
    difference: float
    low: float
    high: float
    cohens_d: float
    seeds: tuple[int, int]
    verdict: str


def compare(baseline: ConvergenceRecord, candidate: ConvergenceRecord,
            margin: float = MARGIN, paths: tuple[str, str] = ("baseline", "candidate"),
            paired: bool = False) -> list[Verdict]:
    """A verdict per model; :class:`ConvergenceFileError` if the records are incomparable.

    ``paired``: the same seeds on both sides, compared seed by seed (Student's t on the
    differences): where the sides draw the same initial weights and batches for a seed, as two
    revisions or versions of one backend do, the seed's own luck cancels, and the interval
    narrows to what the change itself does (``mnist-models compare``); where they do not, the
    test stays valid and only loses a little power."""
    if set(baseline.models) != set(candidate.models):
        raise ConvergenceFileError(
            f"{paths[0]} and {paths[1]}: expected the same models, got "
            f"{', '.join(sorted(baseline.models))} and {', '.join(sorted(candidate.models))}")
    for name, runs in baseline.models.items():
        other = candidate.models[name]
        if (runs.epochs, runs.steps) != (other.epochs, other.steps):
            raise ConvergenceFileError(f"{paths[0]} and {paths[1]}: {name} trained "
                                       f"{runs.budget} and {other.budget}; expected the same "
                                       "budget")
        for path, model_runs in zip(paths, (runs, other), strict=True):
            if len(model_runs.runs) < MIN_SEEDS:
                raise ConvergenceFileError(
                    f"{path}: {name} has {len(model_runs.runs)} seeds; Welch's test needs at "
                    f"least {MIN_SEEDS} a side")
        if paired and sorted(r.seed for r in runs.runs) != sorted(r.seed for r in other.runs):
            raise ConvergenceFileError(f"{paths[0]} and {paths[1]}: {name}: expected the same "
                                       "seeds on both sides to pair them")
    return [_verdict(name, baseline.models[name], candidate.models[name], margin, paired)
            for name in sorted(baseline.models)]


def _verdict(name: str, baseline: ModelRuns, candidate: ModelRuns, margin: float,
             paired: bool = False) -> Verdict:
    from scipy import stats

    base, cand = baseline.accuracies(), candidate.accuracies()
    var_b, var_c = statistics.variance(base), statistics.variance(cand)
    difference = statistics.fmean(cand) - statistics.fmean(base)
    se = math.sqrt(var_b / len(base) + var_c / len(cand))
    if paired:
        by_seed = {run.seed: run.test_accuracy for run in baseline.runs}
        differences = [run.test_accuracy - by_seed[run.seed] for run in candidate.runs]
        se = math.sqrt(statistics.variance(differences) / len(differences))
        df = len(differences) - 1
    if se == 0:
        low = high = difference
    elif paired:
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, df) * se
        low, high = difference - half, difference + half
    else:
        df = se**4 / ((var_b / len(base))**2 / (len(base) - 1)
                      + (var_c / len(cand))**2 / (len(cand) - 1))
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, df) * se
        low, high = difference - half, difference + half
    pooled = math.sqrt((var_b + var_c) / 2)
    cohens_d = difference / pooled if pooled else math.copysign(math.inf, difference) \
        if difference else 0.0
    verdict = "worse" if high < -margin else "inconclusive" if low < -margin else "ok"
    return Verdict(name, baseline.budget, statistics.fmean(base), statistics.fmean(cand),
                   difference, low, high, cohens_d, (len(base), len(cand)), verdict)


def report(verdicts: list[Verdict], margin: float, paths: tuple[str | Path, str | Path]) -> str:
    """The verdicts as an aligned table, with what was compared and how."""
    from mnist_models.text_table import aligned

    rows = [[v.model, v.budget, f"{v.seeds[0]}/{v.seeds[1]}", f"{v.baseline_mean:.4f}",
             f"{v.candidate_mean:.4f}", f"{v.difference * 100:+.2f} pt",
             f"[{v.low * 100:+.2f}, {v.high * 100:+.2f}]", f"{v.cohens_d:+.2f}", v.verdict]
            for v in verdicts]
    header = ["model", "budget", "seeds", "baseline", "candidate", "difference",
              f"{CONFIDENCE:.0%} interval (Welch)", "Cohen's d", "verdict"]
    return (f"baseline {paths[0]}, candidate {paths[1]}; worse: the whole interval below "
            f"-{margin * 100:.2f} pt\n" + aligned(header, rows))
