"""pytest-benchmark set-up: pinned threads, and versions recorded in ``machine_info``.

Run with ``pytest benchmarks --benchmark-only``; plain ``pytest`` never collects this folder
(``testpaths = ["tests"]``).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# oneDNN chooses its CPU kernels per process: on this machine lenet5_bn's train step ran at a
# 9.7 ms median in some processes and 14.3 ms in others, identical code, so one run could not
# be compared with another. With it off, six runs fell within +-5% (at about 25 ms). Stable
# beats fast for a regression tracker; set TF_ENABLE_ONEDNN_OPTS=1 to measure it anyway.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from mnist_models.backend import compat
from mnist_models.bench import files as bench_files
from mnist_models.bench.workloads import BENCH_THREADS

# TensorFlow's per-epoch speed on lenet5_bn swung 2x between identical runs here with its
# default pools; pinning them before any op runs is what makes rounds comparable.
THREADS = compat.configure_threads(*BENCH_THREADS)


def pytest_configure(config: pytest.Config) -> None:
    # Two minutes of timing that nobody can compare with anything is worse than a refusal.
    keeps = any(config.getoption(option, None) for option in (
        "benchmark_json", "benchmark_save", "benchmark_autosave", "benchmark_disable"))
    listing = config.getoption("collectonly", False) or config.getoption("help", False)
    if not keeps and not listing:
        raise pytest.UsageError(
            "pytest benchmarks keeps nothing as run: add --benchmark-json FILE (what "
            "mnist-models bench-compare and bench-report read), e.g. pytest benchmarks "
            "--benchmark-only --benchmark-json bench.json")


def pytest_benchmark_update_machine_info(config, machine_info):
    machine_info["mnist_models"] = bench_files.machine_info(THREADS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A garbage collection in mid-round would be timed as the model's; keep it out of every
    # benchmark's rounds, through pytest-benchmark's own marker.
    for item in items:
        item.add_marker(pytest.mark.benchmark(disable_gc=True))
