"""bench-compare: synthetic samples, broken baselines, and an end-to-end slowed variant."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from mnist_models.bench.compare import (
    BaselineError,
    compare,
    load_rounds,
    parse_threshold,
    table,
)
from mnist_models.bench.workloads import iterations_per_round, slowdown_fraction, with_slowdown
from mnist_models.cli.app import main
from tests.support import child_process

ROOT = Path(__file__).resolve().parents[2]


def write_run(path: Path, rounds: dict[str, np.ndarray], batch_size: int = 64,
              models: dict[str, str] | None = None) -> Path:
    """A saved run; each benchmark measures the model of its own name unless ``models`` says."""
    models = models or {}
    document = {"machine_info": {}, "benchmarks": [
        {"fullname": name, "extra_info": {"model": models.get(name, name), "phase": "train",
                                          "batch_size": batch_size},
         "stats": {"data": [float(v) for v in values]}}
        for name, values in rounds.items()]}
    path.write_text(json.dumps(document))
    return path


def noisy(rng, median: float, n: int = 30) -> np.ndarray:
    # Shared-machine noise: a lognormal body with occasional one-sided bursts.
    values = median * rng.lognormal(0, 0.03, n)
    bursts = rng.random(n) < 0.1
    values[bursts] *= rng.uniform(1.2, 2.0, bursts.sum())
    return values


@pytest.mark.parametrize(("slowdown", "threshold", "flagged"), [
    (0.0, 0.10, False), (0.05, 0.10, False), (0.30, 0.10, True), (0.20, 0.30, False),
    (0.50, 0.30, True), (0.15, 0.10, True), (-0.30, 0.10, False),
])
def test_synthetic_slowdowns(tmp_path, slowdown, threshold, flagged):
    rng = np.random.default_rng(1)
    base = write_run(tmp_path / "base.json", {"m": noisy(rng, 1e-2)})
    current = write_run(tmp_path / "cur.json", {"m": noisy(rng, 1e-2 * (1 + slowdown))})
    [result] = compare(base, current, threshold)
    assert result.regression is flagged


def test_false_alarm_rate_on_noise_is_low(tmp_path):
    rng = np.random.default_rng(2)
    alarms = 0
    for _ in range(50):
        base = write_run(tmp_path / "b.json", {"m": noisy(rng, 1e-2)})
        current = write_run(tmp_path / "c.json", {"m": noisy(rng, 1e-2)})
        alarms += compare(base, current, 0.10)[0].regression
    assert alarms == 0, f"{alarms} false alarms in 50 runs of identical noise"


def test_a_large_but_insignificant_change_is_not_flagged(tmp_path):
    rng = np.random.default_rng(3)
    base = write_run(tmp_path / "b.json", {"m": rng.uniform(0.5, 2.0, 6)})
    current = write_run(tmp_path / "c.json", {"m": rng.uniform(0.6, 2.4, 6)})
    [result] = compare(base, current, 0.10)
    assert result.low <= 1.0 and not result.regression


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not readable JSON"),
    ('{"benchmarks": "x"}', "'benchmarks' list"),
    ('{"benchmarks": [{"fullname": "m", "stats": {}}]}', "--benchmark-save-data"),
    ('{"benchmarks": [{"fullname": "m", "stats": {"data": [1, 2]}}]}', "at least 5"),
    ('{"benchmarks": [{"fullname": "m", "stats": {"data": [1, 2, 3, 4, -5]}}]}', "positive"),
    ('{"benchmarks": []}', "holds no benchmarks"),
])
def test_broken_baseline_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        load_rounds(path)


def test_mismatched_runs_are_refused(tmp_path):
    rounds = {"m": np.full(10, 0.01)}
    base = write_run(tmp_path / "b.json", rounds, batch_size=64)
    with pytest.raises(BaselineError, match="batch_size"):
        compare(base, write_run(tmp_path / "c.json", rounds, batch_size=128))
    with pytest.raises(BaselineError, match="share no benchmark"):
        compare(base, write_run(tmp_path / "d.json", {"other": np.full(10, 0.01)}))


def test_a_benchmark_newer_than_the_baseline_is_named_not_compared_and_no_error(tmp_path,
                                                                               capsys):
    rng = np.random.default_rng(5)
    base = write_run(tmp_path / "b.json", {"m": noisy(rng, 1e-2)})
    grown = write_run(tmp_path / "c.json", {"m": noisy(rng, 1e-2), "new_model": noisy(rng, 1)})
    assert main(["bench-compare", str(base), str(grown)]) == 0
    out = capsys.readouterr().out
    assert "no baseline for 1 benchmark(s), not compared: new_model" in out
    assert main(["bench-compare", str(base), str(base)]) == 0
    assert "no baseline" not in capsys.readouterr().out  # the message is no constant


def test_cli_exit_codes(tmp_path, capsys):
    rng = np.random.default_rng(4)
    base = write_run(tmp_path / "b.json", {"m": noisy(rng, 1e-2)})
    slow = write_run(tmp_path / "s.json", {"m": noisy(rng, 1.5e-2)})
    assert main(["bench-compare", str(base), str(base)]) == 0
    assert main(["bench-compare", str(base), str(slow), "--threshold", "10%"]) == 1
    assert "REGRESSION" in capsys.readouterr().out
    assert main(["bench-compare", str(tmp_path / "missing.json"), str(slow)]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # a bad option is a usage error, from argparse
        main(["bench-compare", str(base), str(slow), "--threshold", "ten"])
    assert usage.value.code == 2
    assert "--threshold: expected a percentage like 10%, got 'ten'" in capsys.readouterr().err
    assert parse_threshold("30%") == pytest.approx(0.3)


def _cpu_work(seconds: float) -> Callable[[], None]:
    def call() -> None:
        until = time.thread_time() + seconds
        while time.thread_time() < until:
            pass

    return call


def _cpu_per_call(call: Callable[[], None], calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - started) / calls


@pytest.mark.parametrize("fraction", [Fraction(1, 20), Fraction(1, 5), Fraction(1, 2)])
@pytest.mark.parametrize("seconds_per_call", [0.0001, 0.002, 0.02])
def test_slowed_variant_slows_every_call_by_its_fraction(fraction, seconds_per_call):
    """Each call, alone, costs (1 + fraction) times the CPU time of the same call unslowed,
    timed alike: a round of any length holds the same slowdown, down to 100 us calls where
    the wrapper's own cost (about 2 us) counts. The smallest break caught: the extra work
    skipped (ratio 1), doubled (1 + 2 * fraction), or the wrapper's cost left in (+2-3% at
    100 us), each more than the tolerance away at +5%."""
    call = _cpu_work(seconds_per_call)
    slowed = with_slowdown(call, fraction)
    calls = max(1, round(0.02 / seconds_per_call))
    plain, slow = [], []
    for _ in range(7):  # alternating, so that the machine's drift meets both alike
        plain.append(_cpu_per_call(call, calls))
        slow.append(_cpu_per_call(slowed, calls))
    ratio = float(np.median(slow) / np.median(plain))
    # 1.25 points at +5%, and a little more for larger fractions, whose spin ends on a
    # coarser step; measured: 1.050-1.058 at +5%, 1.50-1.53 at +50%, on 100 us calls.
    assert ratio == pytest.approx(1 + fraction, abs=0.01 + 0.05 * float(fraction))
    assert with_slowdown(call, Fraction(0)) is call


def test_a_round_is_about_100_ms_of_calls():
    assert iterations_per_round(0.002) == 50
    assert iterations_per_round(0.3) == 1


@pytest.mark.parametrize(("text", "expected"), [("", 0), ("0.5", Fraction(1, 2)),
                                                ("0.2", Fraction(1, 5))])
def test_slowdown_fraction_reads_the_environment(monkeypatch, text, expected):
    monkeypatch.setenv("MNIST_MODELS_BENCH_EXTRA_WORK", text)
    assert slowdown_fraction() == expected


@pytest.mark.parametrize("text", ["half", "-0.5"])
def test_a_bad_slowdown_is_a_clear_error(monkeypatch, text):
    monkeypatch.setenv("MNIST_MODELS_BENCH_EXTRA_WORK", text)
    with pytest.raises(ValueError, match="MNIST_MODELS_BENCH_EXTRA_WORK"):
        slowdown_fraction()


def _bench(tmp_path: Path, label: str, extra_work: float = 0.0) -> Path:
    out = tmp_path / f"{label}.json"
    env = child_process.environment(MNIST_MODELS_BENCH_EXTRA_WORK=str(extra_work))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "benchmarks/test_throughput.py", "-q",
         "-p", "no:cacheprovider", "-k", "test_train and lenet5_bn", "--benchmark-only",
         "--benchmark-save-data", f"--benchmark-json={out}"],
        cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        pytest.fail(f"benchmark run {label} exited {run.returncode}:\n"
                    f"{run.stdout[-4000:]}\n{run.stderr[-4000:]}", pytrace=False)
    return out


ATTEMPTS = 3


def _attempt(tmp_path: Path, label: str) -> tuple[bool, str]:
    first = _bench(tmp_path, f"{label}a")
    second = _bench(tmp_path, f"{label}b")
    slowed = _bench(tmp_path, f"{label}s50", 0.50)
    unchanged = compare(first, second, 0.10)
    caught = {threshold: compare(first, slowed, threshold) for threshold in (0.10, 0.30)}
    passed = not any(r.regression for r in unchanged) and all(
        r.regression for results in caught.values() for r in results)
    report = (f"unchanged pair at 10%:\n{table(unchanged, 0.10)}\n" + "".join(
        f"+50% variant at {threshold:.0%}:\n{table(results, threshold)}\n"
        for threshold, results in caught.items()))
    return passed, report


@pytest.mark.training
@pytest.mark.timing
def test_end_to_end_slowed_variant_is_flagged_and_unchanged_code_is_not(tmp_path):
    """Real benchmark runs of lenet5_bn's train step: twice unchanged, and once with 50% more
    of the same work in every step, the one variant checked at 10% and 30%.

    This machine's speed drifts over seconds (consecutive rounds correlate, lag-1 0.78), so two
    unchanged runs a few seconds apart have differed by up to 14% (BENCHMARKS.md), and a
    10% gate sometimes fires on them (BENCHMARKS.md has the rates). An alarm that does not
    reproduce is noise, a real slowdown reproduces: one attempt (three fresh runs) must pass
    every check at once, and up to ATTEMPTS are made. A gate that always fires, or never,
    fails every attempt."""
    reports = []
    for attempt in range(ATTEMPTS):
        passed, report = _attempt(tmp_path, f"try{attempt}")
        if passed:
            return
        reports.append(f"attempt {attempt + 1}:\n{report}")
    pytest.fail("bench-compare failed every attempt:\n" + "\n".join(reports))


@pytest.mark.parametrize(("text", "expected"), [("5", 0.05), ("5%", 0.05), ("0.5%", 0.005),
                                                ("30", 0.3), ("0", 0.0), ("1", 0.01)])
def test_a_bare_threshold_is_a_percentage(text, expected):
    assert parse_threshold(text) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "message"), [("0.05", "ambiguous"), ("0.5", "ambiguous"),
                                               ("1000", "between"), ("-5", "between"),
                                               ("5x", "percentage like")])
def test_an_ambiguous_or_bad_threshold_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_threshold(text)


def test_benchmarks_on_one_side_only_are_named_and_fail_unless_allowed(tmp_path, capsys):
    """Of models both runs measured: a benchmark lost, and one gained (a new phase of ``m``)."""
    rng = np.random.default_rng(5)
    shared = noisy(rng, 1e-2)
    base = write_run(tmp_path / "b.json", {"m": shared, "gone": noisy(rng, 1e-2)},
                     models={"gone": "m"})
    current = write_run(tmp_path / "c.json", {"m": shared, "new": noisy(rng, 1e-2)},
                        models={"new": "m"})
    assert main(["bench-compare", str(base), str(base)]) == 0
    assert "only in" not in capsys.readouterr().out
    assert main(["bench-compare", str(base), str(current)]) == 1
    out = capsys.readouterr().out
    assert "only in the baseline (1, not compared): gone" in out
    assert "only in the current run (1, not compared): new" in out
    assert "0 regression(s) of 1 benchmarks" in out and "FAILED" in out
    assert main(["bench-compare", str(base), str(current), "--allow-missing"]) == 0
    assert "FAILED" not in capsys.readouterr().out


def test_bench_compare_states_the_between_run_noise_it_cannot_resolve(tmp_path, capsys):
    base = write_run(tmp_path / "b.json", {"m": noisy(np.random.default_rng(6), 1e-2)})
    main(["bench-compare", str(base), str(base)])
    assert "between-run noise not resolved here: unchanged runs on a shared 2-core machine " \
        "have differed by up to 14%" in capsys.readouterr().out
