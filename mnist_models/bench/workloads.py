"""What the throughput benchmarks time: one warmed-up training step, or one inference batch.

``benchmarks/`` wraps these in pytest-benchmark; the functions live in the package so the
benchmarks and the tests of ``bench-compare`` time exactly the same thing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from mnist_models.data.recipe_arrays import prepare
from mnist_models.spec import ModelSpec
from mnist_models.training.train import compile_model
from mnist_models.zoo.registry import build

#: Threads the benchmarks pin TensorFlow to (intra-op, inter-op): one each. On this 2-core
#: machine, lenet5_bn's train step measured a within-run CV of 2.5% with one intra-op thread
#: against 8-11% with two (the Python thread and two workers oversubscribe two cores), at
#: about the same median; one inter-op thread runs independent ops in a fixed order.
#: ``MNIST_MODELS_INTRA_OP`` overrides the first for machines with more cores.
BENCH_THREADS = (int(os.environ.get("MNIST_MODELS_INTRA_OP", "1")), 1)
#: Extra work per timed call, as a fraction of the call (0.5: half its CPU time again): the
#: deliberately slowed variant that bench-compare's and bench-ab's end-to-end tests must
#: catch. Unset means none.
SLOWDOWN_ENV = "MNIST_MODELS_BENCH_EXTRA_WORK"
INFER_BATCHES = (1, 1024)
WARMUP_CALLS = 3
#: Each timed round repeats the call until it lasts about this long: a 2 ms step timed alone
#: is at the mercy of every scheduler tick, a 100 ms round much less so (50 ms rounds gave a
#: median CV of 4.6% over the suite, 100 ms rounds with GC off 3.3%, in back-to-back runs).
ROUND_SECONDS = 0.1


@dataclass
class Workload:
    """A timed call and what it processes per call."""

    model: str
    phase: str
    batch_size: int
    params: int
    call: Callable[[], object]
    iterations: int = 1


def slowdown_fraction() -> Fraction:
    """The slowed variant's extra work (``MNIST_MODELS_BENCH_EXTRA_WORK``), exact: 0.2 is 1/5."""
    text = os.environ.get(SLOWDOWN_ENV) or "0"
    try:
        fraction = Fraction(text).limit_denominator(100)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{SLOWDOWN_ENV}: expected a fraction like 0.5, got {text!r}") from None
    if fraction < 0:
        raise ValueError(f"{SLOWDOWN_ENV}: expected a fraction >= 0, got {text!r}")
    return fraction


def with_slowdown(call: Callable[[], object], fraction: Fraction) -> Callable[[], object]:
    """``call``, then ``fraction`` of the CPU time it just took spent again, busy.

    Every call is slowed by the same fraction, so a round of one 300 ms call is as slow as a
    round of forty 2 ms ones. Repeating every twentieth call (the variant's first form) made a
    +5% round either +0% or +100% unless it held whole 20-call periods, which cut a heavy
    workload's rounds to 6 s each and bench-ab's pairs to 8 in its budget. The extra time is
    busy CPU, measured on the process's CPU clock against the call's own, not a sleep: it
    stretches with the load as the call does (a fixed sleep, sized on an idle machine, shrank
    to under 30% of a loaded step), and bench-ab's CPU clock counts it.
    """
    return _Slowed(call, float(fraction)) if fraction > 0 else call


def _nothing() -> None:
    return None


class _Slowed:
    def __init__(self, call: Callable[[], object], share: float) -> None:
        self.call, self.share, self.overhead = call, share, 0.0
        # The clock reads and the loop cost about 2 us a call (3% more on a 75 us call, so a
        # +5% variant of a batch-1 inference read +7-11%): measured once, and taken off.
        # The least of five batches: an interrupt inside one batch must not inflate it.
        self.overhead = min(self._cost_around(_nothing) for _ in range(5))

    def __call__(self) -> object:
        return self._slowed(self.call)

    def _cost_around(self, call: Callable[[], object], calls: int = 400) -> float:
        started = time.process_time()
        for _ in range(calls):
            self._slowed(call)
        return (time.process_time() - started) / calls

    def _slowed(self, call: Callable[[], object]) -> object:
        started = time.process_time()
        result = call()
        # The process's CPU clock, not this thread's: TensorFlow's pool threads spin on
        # after a call, and counting only this thread overshot too.
        until = started + (1 + self.share) * (time.process_time() - started) - self.overhead
        while time.process_time() < until:
            pass
        return result


def iterations_per_round(seconds_per_call: float) -> int:
    """Calls per timed round: about ``ROUND_SECONDS`` of work, at least one."""
    return max(1, round(ROUND_SECONDS / seconds_per_call))


def warm_up(call: Callable[[], object]) -> int:
    """Call ``call`` :data:`WARMUP_CALLS` times, the first to trace and compile outside the
    timed rounds, and return the calls per round that the others' fastest time gives.
    (Sizing took five more calls of each workload until 2026-12-05, a second or two of every
    bench-ab generation's warm-up: the calls already made say as much about a round's
    length.)"""
    call()
    seconds = []
    for _ in range(WARMUP_CALLS - 1):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return iterations_per_round(min(seconds))


def _warm(workload: Workload) -> Workload:
    """:func:`warm_up` ``workload``, then slow it if asked. The unslowed call sizes the round,
    so both sides of a slowed comparison time the same number of calls."""
    workload.iterations = warm_up(workload.call)
    workload.call = with_slowdown(workload.call, slowdown_fraction())
    return workload


def train_step(spec: ModelSpec) -> Workload:
    """One optimizer step at the recipe's batch size, compiled and warmed up."""
    model = build(spec, seed=0)
    compile_model(model, spec.recipe, steps_per_execution=1, jit_compile=spec.jit_compile)
    (x, y), _ = prepare(spec.recipe, limit=spec.recipe.batch_size)
    return _warm(Workload(spec.name, "train", spec.recipe.batch_size, spec.total_params,
                          lambda: model.train_on_batch(x, y)))


def inference(spec: ModelSpec, batch_size: int) -> Workload:
    """``predict_on_batch`` at ``batch_size``, warmed up."""
    model = build(spec, seed=0)
    (x, _), _ = prepare(spec.recipe, limit=batch_size)
    return _warm(Workload(spec.name, "infer", batch_size, spec.total_params,
                          lambda: model.predict_on_batch(x)))
