"""``mnist-models compare``'s run: both sides' workers, each aspect in turn, one record.

The order is the cost's: architecture and numerics take seconds a model, so they always run;
learning trains, so by default only where the numerics moved beyond round-off (where they
did not, both sides compute the same arithmetic and would learn the same); speed runs last,
with bench-ab's own workers, once the measuring workers have exited and left the cores idle.
A ``time_budget`` bounds the whole: learning stops training when what is left would not leave
speed its warm-ups and a minute of rounds, and speed gets what is left after that.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mnist_models.bench.ab.client import Side, Worker
from mnist_models.bench.ab.run import DEFAULT_GENERATIONS
from mnist_models.compare import aspects
from mnist_models.compare.sides import WORKER, SideSpec, opened
from mnist_models.spec import ModelSpec

#: Seconds of bench-ab rounds when no time budget says otherwise: bench-ab's own default.
SPEED_SECONDS = 180.0
#: Seconds of rounds below which a speed comparison is not worth starting.
MIN_SPEED_SECONDS = 30.0
#: Warm-up seconds per generation and workload (BENCHMARKS.md: 13 s for 21 workloads since
#: 2026-12-05, 22 s before).
WARMUP_PER_WORKLOAD = 0.65


@dataclass(frozen=True)
class Options:
    specs: Sequence[ModelSpec]
    aspects: Sequence[str] = aspects.ASPECTS
    learning: str = "moved"  # or "all"
    seeds: int = 5
    margin: float = 0.0025
    phases: Sequence[str] = ("train", "infer1", "infer1024")
    threshold: float = 0.05
    generations: int = DEFAULT_GENERATIONS
    time_budget: float | None = None


def _progress(message: str) -> None:
    print(f"compare: {message}", file=sys.stderr, flush=True)


def _ask(workers: Sequence[Worker], request: dict[str, Any]) -> list[dict[str, Any]]:
    """Both sides work on ``request`` at once; their answers, baseline first."""
    for worker in workers:
        worker.send(request)
    return [worker.receive() for worker in workers]


class _Clock:
    def __init__(self, budget: float | None) -> None:
        self.started = time.perf_counter()
        self.budget = budget

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def left(self) -> float:
        return float("inf") if self.budget is None else self.budget - self.elapsed()


def _speed_reserve(options: Options) -> float:
    if "speed" not in options.aspects:
        return 0.0
    workloads = len(options.specs) * len(options.phases)
    return options.generations * WARMUP_PER_WORKLOAD * workloads + MIN_SPEED_SECONDS


def _measure(sides: tuple[Side, Side], options: Options, clock: _Clock,
             progress: Callable[[str], None]) -> tuple[list[dict], dict[str, dict]]:
    """What the measuring workers say: each side's "about", and each model's aspects."""
    from mnist_models.fingerprints import tolerances

    calibration = tolerances.read_calibration()
    workers = [Worker(side, WORKER) for side in sides]
    results: dict[str, dict[str, aspects.Aspect]] = {}
    try:
        about = _ask(workers, {"op": "about"})
        for spec in options.specs:
            name, found = spec.name, results.setdefault(spec.name, {})
            missing = [side.name for side, info in zip(sides, about, strict=True)
                       if name not in info["models"]]
            if missing:
                found["architecture"] = aspects.Aspect(
                    "moved", f"not in the {' and '.join(missing)} zoo")
                continue
            if "architecture" in options.aspects:
                found["architecture"] = aspects.architecture(
                    *_ask(workers, {"op": "architecture", "model": name}))
            if "numerics" in options.aspects:
                found["numerics"] = aspects.numerics(
                    *_ask(workers, {"op": "fingerprint", "model": name}), calibration)
            if "learning" in options.aspects:
                found["learning"] = _learning(workers, spec, found, options, clock, progress)
            progress(f"{name}: " + ", ".join(f"{aspect} {result.verdict}"
                                             for aspect, result in found.items()))
    except BaseException:
        for worker in workers:
            worker.kill()
        raise
    finally:
        for worker in workers:
            worker.close()
    return about, results


def _learning(workers: Sequence[Worker], spec: ModelSpec, found: dict[str, aspects.Aspect],
              options: Options, clock: _Clock,
              progress: Callable[[str], None]) -> aspects.Aspect:
    numerics = found.get("numerics")
    if options.learning != "all" and numerics is not None and numerics.verdict == "same":
        return aspects.Aspect("same", "not trained: numerics identical within tolerance")
    if spec.gate is None:
        return aspects.not_run("not trained: the model has no gate budget")
    if clock.left() < _speed_reserve(options):
        return aspects.Aspect("inconclusive", "not trained: the time budget is spent")
    progress(f"{spec.name}: training {options.seeds} seeds a side")
    trained = _ask(workers, {"op": "learn", "model": spec.name, "seeds": options.seeds})
    return aspects.learning(*trained, spec.name, options.margin)


def _speed(sides: tuple[Side, Side], options: Options, clock: _Clock,
           progress: Callable[[str], None]) -> dict[str, aspects.Aspect]:
    from mnist_models.bench.ab import noise, run, sequential

    warmups = _speed_reserve(options) - MIN_SPEED_SECONDS
    seconds = min(SPEED_SECONDS, clock.left() - warmups)
    if seconds < MIN_SPEED_SECONDS:
        return {spec.name: aspects.Aspect("inconclusive", "not timed: the time budget is spent")
                for spec in options.specs}
    floors = noise.read(noise.DEFAULT_PATH)[0] if noise.DEFAULT_PATH.exists() else {}
    chosen = run.workloads(options.specs, options.phases)
    _, results = sequential.measure(
        *sides, chosen, threshold=options.threshold, floors=floors,
        generations=options.generations, budget=seconds,
        progress=lambda message: progress(f"speed: {message}"))
    return {spec.name: aspects.speed([r for r in results if r.label.split()[0] == spec.name])
            for spec in options.specs}


def compare(specs: tuple[SideSpec, SideSpec], options: Options,
            progress: Callable[[str], None] = _progress) -> dict[str, Any]:
    """Run every chosen aspect of every model on both sides; the report's record
    (:mod:`mnist_models.compare.report`)."""
    from mnist_models.compare import report

    clock = _Clock(options.time_budget)
    with opened(specs) as sides:
        progress(f"baseline {specs[0].description}; candidate {specs[1].description}")
        about, results = _measure(sides, options, clock, progress)
        # A model one side lacks has nothing to time: its architecture says so.
        present = [spec for spec in options.specs
                   if all(spec.name in info["models"] for info in about)]
        if "speed" in options.aspects and present:
            timed = _speed(sides, dataclasses.replace(options, specs=present), clock, progress)
            for name, aspect in timed.items():
                results[name]["speed"] = aspect
                progress(f"{name}: speed {aspect.verdict}")
    return report.record(specs, about, results, options, clock.elapsed())
