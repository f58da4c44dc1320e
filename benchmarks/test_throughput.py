"""Training and inference throughput of every registry model (pytest-benchmark).

    pytest benchmarks --benchmark-only --benchmark-json out.json --benchmark-save-data

``train``: one optimizer step at the recipe's batch size, compiled and warmed up first.
``infer``: ``predict_on_batch`` at batch 1 (latency) and 1024 (throughput).
"""

from __future__ import annotations

import pytest

from mnist_models import get_spec, list_models
from mnist_models.backend import compat
from mnist_models.bench import files as bench_files
from mnist_models.bench.workloads import INFER_BATCHES, Workload, inference, train_step

MODELS = list_models()
ROUNDS = 30


def _run(benchmark, workload: Workload) -> None:
    benchmark.group = workload.model
    benchmark.pedantic(workload.call, rounds=ROUNDS, iterations=workload.iterations,
                       warmup_rounds=2)
    benchmark.extra_info.update(bench_files.extra_info(
        workload.model, workload.phase, workload.batch_size, workload.params,
        benchmark.stats.stats.median, compat.backend(), compat.KERAS_VERSION))


@pytest.mark.parametrize("name", MODELS)
def test_train(benchmark, name):
    _run(benchmark, train_step(get_spec(name)))


@pytest.mark.parametrize("batch_size", INFER_BATCHES)
@pytest.mark.parametrize("name", MODELS)
def test_infer(benchmark, name, batch_size):
    _run(benchmark, inference(get_spec(name), batch_size))
