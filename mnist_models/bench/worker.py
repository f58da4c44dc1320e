"""One side of ``mnist-models bench-ab``: a persistent process that times workloads on request.

    PYTHON -m mnist_models.bench_worker

It speaks JSON lines: requests on stdin, one answer per request on stdout. Everything else a
library prints goes to stderr, because file descriptor 1 is pointed there before Keras is
imported and the protocol writes to a private copy of the original stdout.

- ``{"op": "setup", "workloads": [[model, phase, batch_size], ...]}``: build, compile and warm
  up each workload once (:mod:`mnist_models.bench.workloads`, as the pytest-benchmark suite
  does); answers ``{"workloads": [...identity of each...], "machine": {...}}``;
- ``{"op": "time", "index": i, "cpu": c, "iterations": n}``: one timed round of workload
  ``i``, on CPU ``c`` alone if given (every thread of the process is pinned there first), of
  ``n`` calls if given (studies; else the workload's own count); answers
  ``{"seconds": per-call wall-clock seconds, "cpu_seconds": per-call CPU seconds}``;
- end of input: exit 0. Any failure answers ``{"error": "..."}`` and exits 1.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
import time
from collections.abc import Callable
from typing import IO, Any

#: Phases as the command line names them: (phase, batch size or None for the recipe's).
PHASES = {"train": ("train", None), "infer1": ("infer", 1), "infer1024": ("infer", 1024)}


def protocol_stream() -> IO[str]:
    """A private copy of stdout for answers; fd 1 then points at stderr for everyone else."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    return answers


def _configure() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # The benchmark suite's settings (benchmarks/conftest.py says why): oneDNN off, one thread
    # per pool. A side's --*-env can override the first.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def _setup(requested: list[list[Any]]) -> tuple[list[Any], dict[str, Any]]:
    from mnist_models.backend import compat
    from mnist_models.bench import files as bench_files
    from mnist_models.bench import workloads as benchmarking
    from mnist_models.zoo.registry import get_spec

    threads = compat.configure_threads(*benchmarking.BENCH_THREADS)
    workloads = []
    for model, phase, batch_size in requested:
        spec = get_spec(model)
        if phase == "train":
            workload = benchmarking.train_step(spec)
        else:
            workload = benchmarking.inference(spec, int(batch_size))
        workloads.append(workload)
    return workloads, bench_files.machine_info(threads)


def _pin(cpu: int) -> None:
    """Every thread of this process (TensorFlow's pools included) onto CPU ``cpu`` alone."""
    for thread in os.listdir("/proc/self/task"):
        with contextlib.suppress(ProcessLookupError):  # a thread that ended meanwhile
            os.sched_setaffinity(int(thread), {cpu})


def _time(workload: Any, iterations: int | None = None) -> dict[str, float]:
    """Per-call wall-clock and CPU seconds (all of this process's threads) of one round."""
    call, iterations = workload.call, iterations or workload.iterations
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(iterations):
        call()
    return {"seconds": (time.perf_counter() - started) / iterations,
            "cpu_seconds": (time.process_time() - cpu_started) / iterations}


def answer_each(requests: IO[str], answers: IO[str],
                handle: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    """The protocol's loop, for every worker: ``handle`` each request line, write its answer
    line; the first failure is answered ``{"error": ...}`` and ends the loop. The exit code."""
    for line in requests:
        try:
            answer = handle(json.loads(line))
        except Exception as error:  # reported to the parent, which owns the user's message
            answers.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")
            return 1
        answers.write(json.dumps(answer) + "\n")
    return 0


def serve(requests: IO[str], answers: IO[str]) -> int:
    """Answer ``requests`` until they end; the exit code."""
    from mnist_models.bench import files as bench_files

    workloads: list[Any] = []

    def handle(request: dict[str, Any]) -> dict[str, Any]:
        nonlocal workloads
        if request["op"] == "setup":
            workloads, machine = _setup(request["workloads"])
            gc.collect()
            gc.disable()  # a collection mid-round would be timed as the model's
            return {"workloads": [bench_files.identity(w.model, w.phase, w.batch_size, w.params)
                                  for w in workloads], "machine": machine}
        if request["op"] == "time":
            if request.get("cpu") is not None:
                _pin(request["cpu"])
            return _time(workloads[request["index"]], request.get("iterations"))
        raise ValueError(f"unknown request {request['op']!r}")

    return answer_each(requests, answers, handle)


def main() -> int:
    answers = protocol_stream()
    _configure()
    return serve(sys.stdin, answers)


if __name__ == "__main__":
    sys.exit(main())
