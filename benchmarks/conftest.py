"""pytest-benchmark set-up: pinned threads, and versions recorded in ``machine_info``.

Run with ``pytest benchmarks --benchmark-only``; plain ``pytest`` never collects this folder
(``testpaths = ["tests"]``).
"""

from __future__ import annotations

import json
import os
import tempfile

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# oneDNN chooses its CPU kernels per process: on this machine lenet5_bn's train step ran at a
# 9.7 ms median in some processes and 14.3 ms in others, identical code, so one run could not
# be compared with another. With it off, six runs fell within +-5% (at about 25 ms). Stable
# beats fast for a regression tracker; set TF_ENABLE_ONEDNN_OPTS=1 to measure it anyway.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

#: The thread pools' sizes, set in pytest_configure before any TensorFlow op runs: TensorFlow's
#: per-epoch speed on lenet5_bn swung 2x between identical runs here with its default pools.
#: Keras (and TensorFlow) is imported there, after the checks of the command line, so that a
#: usage error answers at once instead of after TensorFlow's seconds of start-up.
THREADS: dict[str, int] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--history", metavar="PATH_OR_URL",
                     help="record this run into a history (a SQLite file, sqlite:///PATH or "
                     "postgresql://...), as mnist-models history record does; needs the "
                     "history extra")


def pytest_configure(config: pytest.Config) -> None:
    history = config.getoption("history", None)
    if history:
        _open_history(config, history)
    # Two minutes of timing that nobody can compare with anything is worse than a refusal.
    keeps = history or any(config.getoption(option, None) for option in (
        "benchmark_json", "benchmark_save", "benchmark_autosave", "benchmark_disable"))
    listing = config.getoption("collectonly", False) or config.getoption("help", False)
    if not keeps and not listing:
        raise pytest.UsageError(
            "pytest benchmarks keeps nothing as run: add --benchmark-json FILE (what "
            "mnist-models bench-compare and bench-report read), e.g. pytest benchmarks "
            "--benchmark-only --benchmark-json bench.json")
    from mnist_models.backend import compat
    from mnist_models.bench.workloads import BENCH_THREADS

    THREADS.update(compat.configure_threads(*BENCH_THREADS))


def _open_history(config: pytest.Config, history: str) -> None:
    """Reach the history before any timing (a bad URL or database is a usage error now, not
    after minutes), and have pytest-benchmark produce its JSON, which is what gets recorded."""
    try:
        from mnist_models.history import store
    except ImportError as error:
        raise pytest.UsageError(f"--history needs the history extra ({error.name} is not "
                                "installed): pip install 'mnist-models[history]'") from None
    try:
        store.open_store(history).close()
    except store.HistoryError as error:
        raise pytest.UsageError(f"--history: {error}") from None
    if not config.getoption("benchmark_json", None):
        handle, path = tempfile.mkstemp(prefix="mnist-models-bench-", suffix=".json")
        os.close(handle)
        config.option.benchmark_json = path
        config.add_cleanup(lambda: os.unlink(path))


def pytest_benchmark_update_json(config, benchmarks, output_json):
    """Record the run (every benchmark, its machine and commit) into ``--history``."""
    history = config.getoption("history", None)
    if not history or not benchmarks:
        return
    from mnist_models.history import ingest, store

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "run.json")
        with open(path, "w") as file:
            json.dump(output_json, file, default=str)
        run = ingest.read(path)
    opened = store.open_store(history)
    try:
        opened.add(run)
    finally:
        opened.close()
    print(f"\nrecorded {len(run.points)} benchmarks into {store.shown(opened.url)}")


def pytest_benchmark_update_machine_info(config, machine_info):
    from mnist_models.bench import files as bench_files

    machine_info["mnist_models"] = bench_files.machine_info(THREADS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A garbage collection in mid-round would be timed as the model's; keep it out of every
    # benchmark's rounds, through pytest-benchmark's own marker.
    for item in items:
        item.add_marker(pytest.mark.benchmark(disable_gc=True))
