"""bench-ab's looks: a benchmark decided at a look stops being timed, and looking after every
generation still keeps the stated error (synthetic rounds with a known offset between
processes, as in test_ab_coverage.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mnist_models.bench.ab import sequential, stats

GENERATIONS, ROUNDS = 10, 4
PROCESS_SD, ROUND_SD = 0.02, 0.01
TRUTH = 1.03
TRIALS = 1500
SLACK = 3 * math.sqrt(stats.CONFIDENCE * (1 - stats.CONFIDENCE) / TRIALS)


def _rounds(rng: np.random.Generator, truth: float = TRUTH,
            generations: int = GENERATIONS) -> sequential.Rounds:
    generation = np.repeat(np.arange(generations), ROUNDS)
    offset = rng.normal(0, PROCESS_SD, generations)[generation]
    base = np.exp(rng.normal(0, ROUND_SD, generation.size)) * 0.01
    cand = base * truth * np.exp(offset + rng.normal(0, ROUND_SD, generation.size))
    return base, cand, generation


def _sequential_run(plan: sequential.Design, rounds: dict[str, sequential.Rounds],
                    floor: float | None, threshold: float = 0.05) -> sequential.Judge:
    """What bench-ab's run does with ``plan``: look after each generation, time only the
    benchmarks still open (here: look only at their rounds so far)."""
    judge = sequential.Judge(plan, threshold,
                             {} if floor is None else dict.fromkeys(rounds, floor))
    open_labels = list(rounds)
    for count in range(1, plan.last + 1):
        def so_far(name: str, count: int = count) -> sequential.Rounds:
            base, cand, generation = rounds[name]
            keep = generation < count
            return base[keep], cand[keep], generation[keep]

        open_labels = judge.look(count, open_labels, so_far)
        if not open_labels:
            break
    return judge


def _coverage(plan: sequential.Design, floor: float | None, truth: float = TRUTH,
              threshold: float = 0.05) -> float:
    rng = np.random.default_rng(20261205)
    covered = 0
    for _ in range(TRIALS):
        result = _sequential_run(plan, {"m": _rounds(rng, truth)}, floor,
                                 threshold).results["m"]
        covered += result.low <= truth <= result.high
    return covered / TRIALS


def test_the_design_spends_the_error_over_looks_from_the_fourth_generation():
    plan = sequential.design(10)
    assert plan.looks == (4, 5, 6, 7, 8, 9, 10)
    assert sum(plan.shares) == pytest.approx(1.0)
    levels = [plan.confidence(look) for look in plan.looks]
    assert all(level > stats.CONFIDENCE for level in levels)
    assert levels == sorted(levels, reverse=True)  # the last look spends the most
    assert sequential.design(2) == sequential.Design((2,), (1.0,))
    assert sequential.fixed(10).confidence(10) == stats.CONFIDENCE


def test_a_decided_benchmark_stops_being_timed_and_keeps_the_result_that_decided_it():
    rng = np.random.default_rng(5)
    rounds = {"slowed": _rounds(rng, truth=1.5), "unchanged": _rounds(rng, truth=1.0),
              "noisy": _rounds(np.random.default_rng(6), truth=1.04)}
    judge = sequential.Judge(sequential.design(10), 0.05, {})
    asked = []

    def so_far(name: str) -> sequential.Rounds:
        asked.append(name)
        base, cand, generation = rounds[name]
        return base[generation < 4], cand[generation < 4], generation[generation < 4]

    assert judge.look(3, list(rounds), so_far) == list(rounds) and not asked  # not a look
    still_open = judge.look(4, list(rounds), so_far)
    assert "slowed" not in still_open
    assert judge.results["slowed"].verdict == "REGRESSION"
    assert judge.results["slowed"].confidence == sequential.design(10).confidence(4)
    # The last look decides what is left, whatever it finds.
    assert judge.look(10, still_open, lambda name: rounds[name]) == []
    assert set(judge.results) == set(rounds)


@pytest.mark.parametrize("floor", [PROCESS_SD, None], ids=["calibrated floor", "no floor"])
def test_looking_after_every_generation_keeps_the_stated_coverage(floor):
    # Whenever the run stopped for this benchmark, its interval holds the truth in 99% of runs.
    assert _coverage(sequential.design(GENERATIONS), floor) >= stats.CONFIDENCE - SLACK


def test_looking_at_99_percent_every_time_would_not():
    # The break this design guards against: every look at the full 99%, so that each of the
    # seven looks is a fresh chance to stop on an interval that misses. It shows where a
    # benchmark stays open long: an unchanged one judged against a 0.5% threshold, which no
    # interval here is narrow enough to rule out, so every look is a chance to call it faster
    # or slower.
    naive = sequential.Design(tuple(range(4, GENERATIONS + 1)), (1.0,) * (GENERATIONS - 3))
    assert _coverage(naive, None, 1.0, 0.005) < stats.CONFIDENCE - SLACK
    assert _coverage(sequential.design(GENERATIONS), None, 1.0, 0.005) >= (
        stats.CONFIDENCE - SLACK)


def test_an_unchanged_candidate_is_rarely_called_different_and_a_20_percent_one_is_caught():
    rng = np.random.default_rng(7)
    plan = sequential.design(GENERATIONS)
    stated = caught = 0
    for _ in range(300):
        judge = _sequential_run(plan, {"same": _rounds(rng, 1.0), "slow": _rounds(rng, 1.2)},
                                PROCESS_SD)
        stated += judge.results["same"].verdict not in ("no change", "unresolved")
        caught += judge.results["slow"].verdict == "REGRESSION"
    assert stated <= 3 and caught >= 297, (stated, caught)
