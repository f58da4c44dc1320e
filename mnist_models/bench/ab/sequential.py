"""bench-ab's group-sequential design: look after each generation, time only what is still open.

A benchmark whose interval already decides it (any verdict but ``unresolved``) stops being
timed; the next generations warm up and time only the others, so their rounds get cheaper and
the budget goes where the answer is still open (Chromium's Pinpoint adds repeats only where a
comparison is ambiguous).

Looking more than once would inflate the errors if every look used the 99% interval: a
benchmark gets several chances to cross a boundary by luck. So each look spends a share of the
1% (:data:`~mnist_models.bench.ab.stats.CONFIDENCE`): look k's interval is at 1 - 0.01 w_k with
the shares w_k summing to 1. By Bonferroni's inequality the chance that *any* look's interval
misses the truth is then at most 1%, whatever the looks' dependence, so a stated difference in
an A/A run stays at most 1% and a "no change" misses a slowdown of T at most 1% of the time
(Jennison and Turnbull's repeated confidence intervals). The price is a wider interval at each
look; the shares lean to the last look, where most of the generations are (an O'Brien-Fleming
flavour), and the first look waits for :data:`FIRST_LOOK` generations, since the spread of fewer
rests on one or two degrees of freedom (Student's t: 64 on one at 99%).

A run that measures noise floors (every benchmark in every generation) has no looks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mnist_models.bench.ab import stats
from mnist_models.bench.ab.client import Side
from mnist_models.bench.ab.run import ABRun, run

#: The first look, after this many generations.
FIRST_LOOK = 4


@dataclass(frozen=True)
class Design:
    """Where a run looks (generation counts) and the share of the error each look spends."""

    looks: tuple[int, ...]
    shares: tuple[float, ...]

    def confidence(self, generations: int) -> float:
        """The interval's confidence at the look after ``generations``."""
        share = self.shares[self.looks.index(generations)]
        return 1.0 - (1.0 - stats.CONFIDENCE) * share

    @property
    def last(self) -> int:
        return self.looks[-1]


def design(generations: int, first_look: int = FIRST_LOOK) -> Design:
    """Looks after every generation from ``first_look`` to ``generations``, each spending a
    share of the error in proportion to its generation count (so the last, with the most
    generations, spends the most). Fewer generations than ``first_look``: one look, at the
    end, at the full confidence."""
    looks = tuple(range(min(first_look, generations), generations + 1))
    weights = np.asarray(looks, float)
    return Design(looks, tuple(float(w) for w in weights / weights.sum()))


def fixed(generations: int) -> Design:
    """One look, at the end: every benchmark in every generation (noise-floor runs)."""
    return Design((generations,), (1.0,))


def decided(result: stats.Result) -> bool:
    return result.verdict != "unresolved"


#: One benchmark's rounds so far: (baseline, candidate, generation of each round).
Rounds = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass
class Judge:
    """Looks at each benchmark after each generation of a :class:`Design`, and keeps the result
    of the look that decided it (or of the last look)."""

    plan: Design
    threshold: float
    floors: dict[str, float]
    rule: str = stats.DEFAULT_RULE

    def __post_init__(self) -> None:
        self.results: dict[str, stats.Result] = {}

    def look(self, generations: int, open_labels: list[str],
             rounds: Callable[[str], Rounds]) -> list[str]:
        """After ``generations``: judge the open benchmarks if this is a look, keep their
        results; the labels still open (none after the last look)."""
        if generations not in self.plan.looks:
            return open_labels
        confidence = self.plan.confidence(generations)
        still_open = []
        for name in open_labels:
            result = stats.compare(name, *rounds(name), self.threshold, self.floors.get(name),
                                   self.rule, confidence)
            self.results[name] = result
            if not decided(result) and generations < self.plan.last:
                still_open.append(name)
        return still_open


def measure(baseline: Side, candidate: Side, chosen: list[tuple[str, str, int]], *,
            threshold: float, floors: dict[str, float], generations: int, budget: float,
            looking: bool = True, mode: str = "interleave", clock: str = "cpu",
            progress: Callable[[str], None] | None = None) -> tuple[ABRun, list[stats.Result]]:
    """bench-ab's run and its results, one per benchmark in ``chosen``'s order: with looks
    after every generation from :data:`FIRST_LOOK` (``looking``), or one look at the end with
    every benchmark timed in every generation (a noise-floor run)."""
    plan = design(generations) if looking else fixed(generations)
    judge = Judge(plan, threshold, floors)
    extra = {} if progress is None else {"progress": progress}
    measured = run(baseline, candidate, chosen, mode=mode, budget=budget,
                   generations=generations, looks=judge, clock=clock, **extra)
    return measured, [judge.results[name] for name in measured.labels]


def note(results: list[stats.Result]) -> str:
    """One line on what the intervals' confidence means, for the table's reader."""
    levels = sorted({result.confidence for result in results})
    if levels == [stats.CONFIDENCE]:
        return ""
    return (f"intervals at {levels[0]:.2%}-{levels[-1]:.2%} each, by the look that decided "
            f"the benchmark, so that all looks together hold {stats.CONFIDENCE:.0%}")
