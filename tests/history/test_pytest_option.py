"""``pytest benchmarks --history``: the run is recorded as it ends (into SQLite; the same run
into PostgreSQL), and a store that cannot be reached stops pytest before any timing."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

pytest.importorskip("sqlalchemy", reason="the history extra is not installed")

from mnist_models.history import ingest, store
from tests.support import child_process, files


def _pytest(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "benchmarks/test_throughput.py",
                           "--benchmark-only", "-q", "-p", "no:cacheprovider", *argv],
                          cwd=files.ROOT, capture_output=True, text=True, timeout=600,
                          env=child_process.environment(), check=False)


def test_a_benchmark_run_is_recorded_into_the_history_and_the_same_run_into_postgresql(
        tmp_path, postgres_url):
    url = str(tmp_path / "h.sqlite")
    kept = tmp_path / "bench.json"
    done = _pytest("-k", "mlp_25_25 and infer and not 1024", "--benchmark-max-time=0.1",
                   "--history", url, "--benchmark-json", str(kept))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    history = store.open_store(url, create=False)
    try:
        runs = history.read()
    finally:
        history.close()
    assert [(run.kind, [p.series for p in run.points]) for run in runs] == [
        ("benchmark", ["speed mlp_25_25 infer 1"])]
    assert runs[0].points[0].value > 0 and "tensorflow" in runs[0].environment
    # The same run into a real PostgreSQL server (one pytest run less: each starts TensorFlow).
    server = store.open_store(postgres_url)
    try:
        server.add(ingest.read(kept))
        assert [dataclasses.replace(r, id=None, source="") for r in server.read()] == [
            dataclasses.replace(r, id=None, source="") for r in runs]
    finally:
        server.close()


def test_an_unreachable_history_stops_pytest_before_timing():
    done = _pytest("--history", "mysql://u@h/d")
    assert done.returncode == 4  # pytest's usage error
    assert "--history: history URL 'mysql://u@h/d': unknown scheme 'mysql'" in done.stderr
