"""``pytest benchmarks`` run as a user might: bare, it refuses in one line (what to add) instead
of timing for minutes and keeping nothing."""

from __future__ import annotations

import subprocess
import sys

from tests.support import child_process, files


def test_a_bare_benchmark_run_says_what_to_add_and_times_nothing():
    run = subprocess.run([sys.executable, "-m", "pytest", "benchmarks", "-q", "-p",
                          "no:cacheprovider"], cwd=files.ROOT, capture_output=True, text=True,
                         timeout=300, env=child_process.environment(), check=False)
    assert run.returncode == 4, run.stdout[-2000:] + run.stderr[-2000:]  # pytest's usage error
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines == ["ERROR: pytest benchmarks keeps nothing as run: add --benchmark-json FILE "
                     "(what mnist-models bench-compare and bench-report read), e.g. pytest "
                     "benchmarks --benchmark-only --benchmark-json bench.json"], run.stderr
