"""bench-ab's runs: pairs of persistent workers, one per side, timed round by round.

Comparing a run with a baseline recorded minutes or days before cannot tell a slowdown from
the machine's drift (BENCHMARKS.md: lag-1 autocorrelation 0.78 between rounds, 14% between
identical runs). Here both sides meet the same conditions: each round of each workload is
timed once on each side, back to back, so the pair's ratio cancels whatever the machine was
doing at that moment.

- ``interleave``: the sides take turns, A B for one round, B A for the next (ABBA), both
  pinned to the same core, which the measurements found 2-3 times steadier than letting the
  scheduler move their threads;
- ``duet``: both sides time the same round at once, each pinned to its own core, and the cores
  swap every round (Bulej et al., ICPE 2020).

Two processes of one interpreter can run a workload up to 10-30% apart for their whole life
(memory layout, page placement), which no pairing of rounds reaches. So the budget is spread
over several *generations*: fresh pairs of workers started in turn, each warmed up and timed
for its share; the statistics (:mod:`mnist_models.bench.ab.stats`) treat a generation as the
unit that repeats (Kalibera and Jones: repeat at the level where the noise is).
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from mnist_models.bench.ab.client import ABError, Side, Worker, check_side
from mnist_models.bench.files import label
from mnist_models.bench.worker import PHASES
from mnist_models.spec import ModelSpec

MODES = ("interleave", "duet")
#: What a round is timed by: ``wall``, the wall clock; ``cpu``, the CPU seconds the worker's
#: threads used, which leave out the time spent waiting for a core that another process held.
CLOCKS = {"wall": "seconds", "cpu": "cpu_seconds"}
#: Rounds timed per generation at least, whatever the budget, after its warm-up round.
MIN_ROUNDS = 3
#: Untimed rounds at the start of a generation: its first rounds ran up to twice as slow on
#: both sides as the rest (allocations and caches still settling after the warm-up calls).
WARMUP_ROUNDS = 1
#: The most generations a run starts; a benchmark is judged after each from the fourth
#: (:mod:`mnist_models.bench.ab.sequential`) and stops being timed once decided.
DEFAULT_GENERATIONS = 14


@dataclass
class ABRun:
    """Per-call seconds of every round, per clock (:data:`CLOCKS`), side and workload label,
    and the generation of worker pairs that timed each of a label's rounds (a label decided at
    a look is not timed after it, :mod:`mnist_models.bench.ab.sequential`)."""

    labels: list[str]
    times: dict[str, dict[str, dict[str, list[float]]]]  # clock -> side -> label -> rounds
    generation: dict[str, list[int]]  # label -> its rounds' generations
    machines: dict[str, dict[str, Any]]
    mode: str
    setup_seconds: float
    timed_seconds: float

    @property
    def generations(self) -> int:
        return max(len(set(numbers)) for numbers in self.generation.values())

    @property
    def rounds(self) -> int:
        """Paired rounds of all benchmarks together."""
        return sum(len(numbers) for numbers in self.generation.values())

    def arrays(self, name: str, clock: str = "wall") -> tuple[np.ndarray, np.ndarray,
                                                               np.ndarray]:
        """(baseline, candidate) per-call seconds of every round of benchmark ``name``, and
        the generation of each round."""
        sides = self.times[clock]
        return (np.asarray(sides["baseline"][name]), np.asarray(sides["candidate"][name]),
                np.asarray(self.generation[name]))


def workloads(specs: Sequence[ModelSpec], phases: Sequence[str]) -> list[tuple[str, str, int]]:
    """(model, phase, batch size) of every model and phase, in a fixed order."""
    chosen = []
    for spec in specs:
        for name in phases:
            phase, batch_size = PHASES[name]
            chosen.append((spec.name, phase, batch_size or spec.recipe.batch_size))
    return chosen


def _progress(message: str) -> None:
    print(f"bench-ab: {message}", file=sys.stderr, flush=True)


def _setup(workers: list[Worker], chosen: list[tuple[str, str, int]]) -> dict[str, Any]:
    for worker in workers:  # both build and warm up at once
        worker.send({"op": "setup", "workloads": chosen})
    answers = {worker.side.name: worker.receive() for worker in workers}
    baseline, candidate = (answers[name]["workloads"] for name in ("baseline", "candidate"))
    for base, cand in zip(baseline, candidate, strict=True):
        if base != cand:
            raise ABError(f"the sides' workloads differ: {base} in the baseline, {cand} in the "
                          "candidate; expected the same models on both sides")
    return {name: answer["machine"] for name, answer in answers.items()}


def _round(workers: list[Worker], index: int, number: int, mode: str) -> dict[str, dict]:
    """One timed round of workload ``index`` on each side; the worker's answer by side."""
    cpus = sorted(os.sched_getaffinity(0))
    if mode == "duet":
        for position, worker in enumerate(workers):
            worker.send({"op": "time", "index": index, "cpu": cpus[(position + number) % 2]})
        return {worker.side.name: worker.receive() for worker in workers}
    answers = {}
    for worker in workers if number % 2 == 0 else workers[::-1]:
        worker.send({"op": "time", "index": index, "cpu": cpus[-1]})
        answers[worker.side.name] = worker.receive()
    return answers


def _empty_times(labels: list[str]) -> dict[str, dict[str, dict[str, list[float]]]]:
    return {clock: {side: {name: [] for name in labels} for side in ("baseline", "candidate")}
            for clock in CLOCKS}


def _cores() -> int:
    return len(os.sched_getaffinity(0))


@dataclass
class _Generation:
    """What one pair of workers measured."""

    times: dict[str, dict[str, dict[str, list[float]]]]
    rounds: int
    machines: dict[str, dict[str, Any]]
    setup_seconds: float
    timed_seconds: float


def _generation(sides: tuple[Side, Side], chosen: list[tuple[str, str, int]], mode: str,
                budget: float, rounds: int | None) -> _Generation:
    """Start a fresh pair of workers, warm up, and time ``rounds`` rounds (if given), else
    rounds for ``budget`` seconds (at least :data:`MIN_ROUNDS`)."""
    labels = [label(*workload) for workload in chosen]
    times = _empty_times(labels)
    started = time.perf_counter()
    workers = [Worker(side) for side in sides]
    try:
        machines = _setup(workers, chosen)
        for warmup in range(WARMUP_ROUNDS):  # both at once, one core each: half the wait
            for index in range(len(labels)):
                _round(workers, index, warmup, "duet" if _cores() >= 2 else mode)
        setup_seconds = time.perf_counter() - started
        timing_started = time.perf_counter()
        done = 0
        while True:
            round_started = time.perf_counter()
            for index, name in enumerate(labels):
                for side, answer in _round(workers, index, done, mode).items():
                    for clock, key in CLOCKS.items():
                        times[clock][side][name].append(answer[key])
            done += 1
            now = time.perf_counter()
            if rounds is not None:
                if done >= rounds:
                    break
            elif done >= MIN_ROUNDS and now - timing_started + (now - round_started) > budget:
                break
    except BaseException:  # Ctrl-C or a failed side: don't wait for the other to finish
        for worker in workers:
            worker.kill()
        raise
    finally:
        for worker in workers:
            worker.close()
    return _Generation(times, done, machines, setup_seconds,
                       time.perf_counter() - timing_started)


class Looks(Protocol):
    """What decides, after a generation, which benchmarks are still open
    (:class:`mnist_models.bench.ab.sequential.Judge`)."""

    def look(self, generations: int, open_labels: list[str],
             rounds: Callable[[str], tuple[np.ndarray, np.ndarray, np.ndarray]]) -> list[str]:
        ...


def run(baseline: Side, candidate: Side, chosen: list[tuple[str, str, int]], *,
        mode: str = "interleave", budget: float = 180.0,
        generations: int = DEFAULT_GENERATIONS, looks: Looks | None = None, clock: str = "cpu",
        progress: Callable[[str], None] = _progress) -> ABRun:
    """Time up to ``generations`` fresh pairs of workers in turn. The first times rounds for
    its share of ``budget`` seconds (at least :data:`MIN_ROUNDS`); the others as many rounds,
    of the benchmarks ``looks`` leaves open after each generation (all, without ``looks``), so
    that a generation costs less as benchmarks are decided, and the run ends when none is
    open."""
    baseline, candidate = check_side(baseline), check_side(candidate)
    if mode == "duet" and _cores() < 2:
        raise ABError("--mode duet: expected at least 2 CPUs to pin the sides to")
    labels = [label(*workload) for workload in chosen]
    times = _empty_times(labels)
    generation: dict[str, list[int]] = {name: [] for name in labels}
    setup_seconds = timed_seconds = 0.0
    rounds: int | None = None
    open_labels = list(labels)
    progress(f"up to {generations} generations of worker pairs, {len(chosen)} workloads, "
             f"{budget:.0f} s of rounds at most ({mode})")
    for number in range(generations):
        now_chosen = [workload for workload in chosen if label(*workload) in open_labels]
        measured = _generation((baseline, candidate), now_chosen, mode, budget / generations,
                               rounds)
        rounds = measured.rounds
        for clock_name, sides in measured.times.items():
            for side, by_label in sides.items():
                for name, timed in by_label.items():
                    times[clock_name][side][name].extend(timed)
        for name in measured.times["wall"]["baseline"]:
            generation[name].extend([number] * measured.rounds)
        setup_seconds += measured.setup_seconds
        timed_seconds += measured.timed_seconds
        so_far = ABRun(labels, times, generation, measured.machines, mode, setup_seconds,
                       timed_seconds)
        if looks is not None:
            open_labels = looks.look(number + 1, open_labels,
                                     functools.partial(so_far.arrays, clock=clock))
        progress(f"generation {number + 1}: {len(now_chosen)} workloads, "
                 f"{measured.setup_seconds:.0f} s warm-up, {measured.rounds} rounds in "
                 f"{measured.timed_seconds:.0f} s; {len(open_labels)} still open")
        if not open_labels:
            break
    return so_far


def as_arrays(run_: ABRun, name: str, clock: str = "wall") -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """(baseline, candidate) per-call seconds of every round of benchmark ``name``, and the
    generation of each round."""
    return run_.arrays(name, clock)
