"""bench-ab's side of the worker protocol (:mod:`mnist_models.bench.worker`): the two sides
it compares, the check of their interpreters, and a handle on one running worker.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from typing import Any


class ABError(ValueError):
    """Bad input to bench-ab: an interpreter, its environment or its workloads."""


@dataclass(frozen=True)
class Side:
    """One side of the comparison: an interpreter and the environment its worker runs with."""

    name: str  # "baseline" or "candidate"
    python: str
    env: dict[str, str] = field(default_factory=dict)


def check_side(side: Side) -> Side:
    """The side with its interpreter as an absolute path, found and executable, before any
    worker starts. (Absolute, not resolved: a venv's python is a link that must stay one.)"""
    found = shutil.which(side.python)
    if found is None or not os.access(found, os.X_OK):
        raise ABError(f"{side.name} interpreter {side.python!r}: not found or not executable; "
                      "expected a Python interpreter with mnist-models installed")
    return replace(side, python=os.path.abspath(found))


BENCH_WORKER = "mnist_models.bench_worker"
#: glibc's allocator for bench-ab's workers, unless the environment already sets it: no
#: mmap'd chunks and no trimming, so that a freed buffer is reused, not returned to the kernel
#: and faulted in again. By default glibc moves its mmap threshold as a process frees large
#: chunks, so whether a workload's big buffers come back as fresh pages on every call depends on
#: the process's allocation history: in one process mlp_25_25's batch-1024 inference took 1536
#: page faults a call (2.2 of its 4.1 ms in the kernel), in another none; cnn_64_32_32's took
#: 62,700 a call (BENCHMARKS.md, issue 25). Both sides get the same setting.
MALLOC_TUNABLES = ("glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184:"
                   "glibc.malloc.arena_max=1")


def worker_environment(side: Side) -> dict[str, str]:
    """The environment a side's timing worker runs with: this one, :data:`MALLOC_TUNABLES` where no
    ``GLIBC_TUNABLES`` is set, then the side's own."""
    return {"GLIBC_TUNABLES": MALLOC_TUNABLES, **os.environ, **side.env}


class Worker:
    """A running ``python -m MODULE`` of one side, speaking JSON lines. bench-ab's module is
    ``mnist_models.bench_worker``: that path is the protocol's, kept stable across versions of
    this package (a shim to :mod:`mnist_models.bench.worker`), since the other side may have
    another installed; compare's is :mod:`mnist_models.compare.worker`."""

    def __init__(self, side: Side, module: str = BENCH_WORKER) -> None:
        self.side = side
        # The worker's stderr, for an error message; closed by close().
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115
        # Started in "/": ``-m`` puts the working directory first on sys.path, and a checkout
        # there would shadow the package installed in the side's interpreter.
        self.process = subprocess.Popen(
            [side.python, "-m", module],
            env=worker_environment(side) if module == BENCH_WORKER else {**os.environ,
                                                                          **side.env},
            cwd="/",
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
            bufsize=1)

    def send(self, request: dict[str, Any]) -> None:
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise self._failed("") from None

    def receive(self) -> dict[str, Any]:
        line = self.process.stdout.readline()
        answer = json.loads(line) if line.strip() else {}
        if "error" in answer or not answer:
            raise self._failed(answer.get("error", ""))
        return answer

    def _failed(self, error: str) -> ABError:
        self.kill()
        self.log.seek(0)
        lines = [line for line in self.log.read().splitlines() if line.strip()]
        why = error or (lines[-1] if lines else f"exit code {self.process.returncode}")
        return ABError(f"{self.side.name} interpreter {self.side.python}: its worker failed: "
                       f"{why}; expected mnist-models importable there (PYTHONPATH through "
                       f"--{self.side.name}-env) and the workloads it was asked for")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
