"""bench-ab: its statistic under drift, its verdicts and thresholds, its bad input, and an
end-to-end run that must stay quiet on unchanged code and flag a +20% candidate."""

from __future__ import annotations

import io
import json
import sys
import venv
from pathlib import Path

import numpy as np
import pytest

from mnist_models.backend import code_paths
from mnist_models.bench.ab import client as bench_worker_client
from mnist_models.bench.ab import noise as bench_noise
from mnist_models.bench.ab import run as bench_ab
from mnist_models.bench.ab import stats as bench_ab_stats
from mnist_models.bench.compare import compare, ratio_interval
from mnist_models.cli.app import main
from tests.support import files

ROOT = Path(__file__).resolve().parents[2]
FLOORS = files.NOISE_FLOORS
ATTEMPTS = 3
BRANCH_ENV = ["--baseline-env", f"PYTHONPATH={ROOT}", "--candidate-env", f"PYTHONPATH={ROOT}"]


def drifting_pairs(rng, slowdown: float, n: int = 32, generations: int = 4,
                   process_sd: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rounds on a machine whose speed drifts (AR(1), lag-1 0.9, swings of about +-15%, as
    measured here) with 3% noise per round; the pair shares the moment's speed. The rounds
    fall into ``generations`` of worker pairs, each with its own candidate offset (standard
    deviation ``process_sd`` of the log-ratio)."""
    speed = np.zeros(n)
    for index in range(1, n):
        speed[index] = 0.9 * speed[index - 1] + rng.normal(0, 0.07)
    generation = np.repeat(np.arange(generations), n // generations)
    offset = rng.normal(0, process_sd, generations)[generation] if process_sd else 0.0
    base = 1e-2 * np.exp(speed + rng.normal(0, 0.03, n))
    cand = 1e-2 * (1 + slowdown) * np.exp(speed + offset + rng.normal(0, 0.03, n))
    return base, cand, generation


@pytest.mark.parametrize(("slowdown", "verdict"), [(0.0, "no change"), (0.05, "REGRESSION"),
                                                    (0.20, "REGRESSION"), (-0.10, "faster")])
def test_pairs_by_time_slot_see_through_drift(slowdown, verdict):
    base, cand, generation = drifting_pairs(np.random.default_rng(7), slowdown)
    assert bench_ab_stats.compare("m", base, cand, generation, 0.05, None).verdict == verdict


def test_unpaired_rounds_of_unchanged_code_drift_apart_and_pairs_do_not():
    # What pairing buys: with the same drift, rounds taken at other moments (a run after a
    # run, as bench-compare sees them) often land apart, while pairs of one moment do not.
    rng = np.random.default_rng(11)
    unpaired = paired = 0
    for _ in range(20):
        base, _, _ = drifting_pairs(rng, 0.0)
        later, cand, generation = drifting_pairs(rng, 0.0)
        _, low, high = ratio_interval(base, later)
        unpaired += low > 1.05 or high < 1 / 1.05
        paired += bench_ab_stats.compare("m", later, cand, generation, 0.05,
                                         None).verdict == "REGRESSION"
    assert (paired, unpaired >= 5) == (0, True), (paired, unpaired)


def _flag_rate(rng, slowdown: float, process_sd: float, calibrated: float,
               trials: int = 400) -> float:
    flagged = 0
    for _ in range(trials):
        base, cand, generation = drifting_pairs(rng, slowdown, process_sd=process_sd)
        flagged += bench_ab_stats.compare("m", base, cand, generation, 0.05,
                                          calibrated).verdict == "REGRESSION"
    return flagged / trials


def test_offsets_between_processes_widen_the_interval_instead_of_raising_alarms():
    """Process offsets of 4% (as mlp_25_25's batch-1024 inference showed) over 4 generations:
    an interval from the rounds alone flags about one unchanged candidate in ten (the break
    this catches: the between-generation part dropped); the calibrated offset keeps false
    alarms under 1% and still flags a +20% slowdown in most runs (87.5% measured: where the
    generations' own spread is wider than the floor, Student's t on their 3 degrees of freedom
    sets the width, the price of an honest interval)."""
    rng = np.random.default_rng(5)
    assert _flag_rate(rng, 0.0, 0.04, calibrated=0.04) <= 0.01
    assert _flag_rate(rng, 0.20, 0.04, calibrated=0.04) >= 0.85
    within_only = 0
    for _ in range(200):
        base, cand, generation = drifting_pairs(rng, 0.0, process_sd=0.04)
        found = bench_ab_stats.estimate(base, cand, generation)
        half = 2.576 * np.sqrt(found.within / found.generations)
        within_only += found.log_ratio - half > 0 and found.log_ratio + half > np.log(1.05)
    assert within_only >= 10  # of 200


def test_without_process_offsets_a_5_percent_slowdown_is_caught_and_quiet_code_is_not():
    # No floor: the 4 generations' spread is all the interval has, on 3 degrees of freedom,
    # so +5% against 3% noise per round is caught in two runs of three (67% measured).
    rng = np.random.default_rng(6)
    assert _flag_rate(rng, 0.0, 0.0, calibrated=0.0) <= 0.01
    assert _flag_rate(rng, 0.05, 0.0, calibrated=0.0) >= 0.60


def test_a_calibrated_offset_holds_the_interval_open_when_few_generations_agree_by_chance():
    agreeing = bench_ab_stats.Estimate(0.0, within=1e-4, medians=(0.001, -0.001))
    assert agreeing.standard_error(0.0) == pytest.approx(np.sqrt(1e-4 / 2))
    assert agreeing.standard_error(0.10) == pytest.approx(np.sqrt((0.01 + 1e-4) / 2))
    apart = bench_ab_stats.Estimate(0.0, within=1e-4, medians=(0.3, -0.3))
    assert apart.standard_error(0.10) == pytest.approx(np.sqrt(0.18 / 2))


def test_process_sd_is_what_the_generations_show_beyond_their_rounds():
    rng = np.random.default_rng(9)
    base, cand, generation = drifting_pairs(rng, 0.0, n=400, generations=40, process_sd=0.05)
    assert bench_ab_stats.estimate(base, cand, generation).process_sd() == pytest.approx(
        0.05, abs=0.015)
    base, cand, generation = drifting_pairs(rng, 0.0, n=400, generations=40)
    assert bench_ab_stats.estimate(base, cand, generation).process_sd() < 0.01


@pytest.mark.parametrize(("low", "high", "verdict"), [
    (1.001, 1.05, "REGRESSION"), (1.001, 1.049, "slower < 5.0%"), (0.999, 1.05, "unresolved"),
    (0.999, 1.049, "no change"), (0.95, 0.999, "faster")])
def test_verdict_boundaries(low, high, verdict):
    assert bench_ab_stats.verdict(low, high, 0.05) == verdict


@pytest.mark.parametrize(("floor", "expected"), [
    (None, (0.05, "yours")), (0.02, (0.05, "yours")), (0.025, (0.05, "yours")),
    (0.026, (0.052, "noise floor"))])
def test_the_threshold_is_raised_to_twice_a_larger_noise_floor(floor, expected):
    threshold, source = bench_ab_stats.effective_threshold(0.05, floor)
    assert (round(threshold, 6), source) == expected


def test_a_noisy_benchmark_is_judged_against_its_floor():
    base, cand, generation = drifting_pairs(np.random.default_rng(3), 0.06, n=60)
    assert bench_ab_stats.compare("m", base, cand, generation, 0.05,
                                  None).verdict == "REGRESSION"
    quiet = bench_ab_stats.compare("m", base, cand, generation, 0.05, 0.05)
    assert (quiet.threshold, quiet.threshold_source) == (pytest.approx(0.10), "noise floor")
    assert quiet.verdict in ("unresolved", "slower < 10.0%")


def test_noise_floors_round_trip_and_keep_other_labels(tmp_path):
    path = tmp_path / "floors.json"
    bench_noise.write_floors(path, {"a": 0.01, "b": 0.02}, {"date": "d"})
    bench_noise.write_floors(path, {"b": 0.03}, {"date": "e"})
    assert bench_noise.read_floors(path) == {"a": 0.01, "b": 0.03}
    assert json.loads(path.read_text())["provenance"] == {"date": "e"}


def test_noise_floors_name_their_machine_and_bench_ab_knows_another_kind(tmp_path):
    path = tmp_path / "floors.json"
    bench_noise.write_floors(path, {"a": 0.01}, bench_noise.provenance({}, {}))
    line, same_kind = bench_noise.machine_note(path)
    assert same_kind and code_paths.cpu_model() in line
    other = bench_noise.provenance({}, {})
    other["code_path"] = {**other["code_path"], "cpu": "Intel Xeon", "isa": ["avx2"]}
    bench_noise.write_floors(path, {"a": 0.01}, other)
    line, same_kind = bench_noise.machine_note(path)
    assert not same_kind and "measured on Intel Xeon (x86_64, avx2)" in line
    bench_noise.write_floors(path, {"a": 0.01}, {"date": "d"})
    assert bench_noise.machine_note(path) == (f"noise floors {path}: measured on an "
                                              "unrecorded CPU", False)


class FakeWorker:
    def __init__(self, name: str, workloads: list) -> None:
        self.side = bench_worker_client.Side(name, "python")
        self.answer = {"workloads": workloads, "machine": {}}

    def send(self, request: dict) -> None:
        pass

    def receive(self) -> dict:
        return self.answer


def test_sides_whose_workloads_differ_are_refused():
    same = [{"model": "lenet5", "phase": "train", "batch_size": 100, "params": 61706}]
    other = [{**same[0], "params": 61000}]
    bench_ab._setup([FakeWorker("baseline", same), FakeWorker("candidate", same)], [])
    with pytest.raises(bench_worker_client.ABError, match=r"workloads differ.*61000"):
        bench_ab._setup([FakeWorker("baseline", same), FakeWorker("candidate", other)], [])


@pytest.mark.parametrize(("argv", "message"), [
    (["/no/such/python", sys.executable], "baseline interpreter '/no/such/python': not found"),
    ([sys.executable, sys.executable, "--models", "lenet6"], "unknown model 'lenet6'"),
    ([sys.executable, sys.executable, "--phases", "infer64"], "unknown phase 'infer64'"),
    ([sys.executable, sys.executable, "--threshold", "0.05"], "'0.05' is ambiguous"),
    ([sys.executable, sys.executable, "--baseline-env", "PYTHONPATH"], "expected KEY=VALUE"),
    ([sys.executable, sys.executable, "--time-budget", "0"], "positive number of seconds"),
    ([sys.executable, sys.executable, "--generations", "0"], "expected a positive integer"),
    ([sys.executable, sys.executable, "--candidate-env", "A=1", "--write-noise-floors", "f",
      "--generations", "6"], "expected the same interpreter and environment"),
    ([sys.executable, sys.executable, "--write-noise-floors", "f", "--generations", "5"],
     "expected --generations 6 or more"),
    ([sys.executable, sys.executable, "--noise-floors", "/no/such/floors.json"],
     "no such file"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    try:
        code = main(["bench-ab", *argv])
    except SystemExit as usage:  # argparse's checks
        code = usage.code
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err


def test_an_interpreter_without_the_package_is_exit_2(capsys, tmp_path):
    # A bare virtual environment: this interpreter with none of the installed packages.
    venv.create(tmp_path / "bare", with_pip=False)
    bare = tmp_path / "bare" / "bin" / "python"
    code = main(["bench-ab", str(bare), sys.executable, "--models", "mlp_25_25"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert "No module named" in err[-1] and "baseline interpreter" in err[-1]


@pytest.mark.training
@pytest.mark.timing
def test_same_interpreter_is_quiet_and_a_20_percent_slower_candidate_is_flagged(capsys):
    """Two real bench-ab runs of mlp_25_25's train step, about 20-25 s each: the interpreter
    against itself must find no regression at the default 5%, and against itself with 20% more
    of the same work in every call (MNIST_MODELS_BENCH_EXTRA_WORK) must find one (both right in
    one of ATTEMPTS attempts). The
    committed noise floors apply, as they do by default from the repository root: two worker
    processes of one interpreter differ by a few percent (BENCHMARKS.md), and a floor that grew
    past 10% here would hide a +20% break, which fails this test. Four generations: where the
    generations' own spread sets the width, the interval takes Student's t on their degrees of
    freedom at 99%, 63.7 on one and 9.9 on two, wide enough to leave +20% unresolved now and
    then (5.8 on three)."""
    common = [sys.executable, sys.executable, "--models", "mlp_25_25", "--phases", "train",
              "--time-budget", "4", "--generations", "4", "--noise-floors", str(FLOORS),
              *BRANCH_ENV]
    # A shared machine can push one pair of runs past its floor now and then (BENCHMARKS.md
    # has the rates); a real break, or a comparison that always or never fires, fails every
    # attempt, so an attempt passes only when both runs are right at once.
    reports = []
    for _ in range(ATTEMPTS):
        quiet = main(["bench-ab", *common])
        same = capsys.readouterr().out
        slowed = main(["bench-ab", *common, "--candidate-env",
                       "MNIST_MODELS_BENCH_EXTRA_WORK=0.2"])
        flagged = capsys.readouterr().out
        if (quiet, slowed) == (0, 1) and "REGRESSION" not in same and "REGRESSION" in flagged:
            return
        reports.append(f"exit codes {quiet}, {slowed}\nunchanged:\n{same}\n+20%:\n{flagged}")
    pytest.fail(f"bench-ab was wrong in all {ATTEMPTS} attempts:\n" + "\n".join(reports))


def test_bench_compare_still_agrees_with_itself_on_drift_free_rounds(tmp_path):
    # The stored-baseline path stays: identical files are no regression.
    document = {"benchmarks": [{"fullname": "m", "extra_info": {}, "stats": {
        "data": [0.01, 0.011, 0.012, 0.01, 0.013]}}]}
    path = tmp_path / "run.json"
    path.write_text(json.dumps(document))
    assert not compare(path, path, 0.05)[0].regression


def test_benchmarks_md_holds_the_measured_rates():
    # The table in BENCHMARKS.md is printed by the study from its committed JSON:
    # python benchmarks/studies/ab_rates.py --out calibration/bench-ab-study.json --table
    import importlib.util

    location = ROOT / "benchmarks" / "studies" / "ab_rates.py"
    spec = importlib.util.spec_from_file_location("ab_rates", location)
    study = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(study)
    benchmarks_md = (ROOT / "BENCHMARKS.md").read_text()
    for name in ("bench-ab-study.json", "bench-ab-study-2026-12-04.json",
                 "bench-ab-study-2026-12-05-allocator.json", "bench-ab-study-2026-12-05.json"):
        record = json.loads((ROOT / "calibration" / name).read_text())
        assert study.rates_table(record) in benchmarks_md, name
    # and the per-generation table of the A/A run that set the committed noise floors:
    # python benchmarks/studies/ab_rates.py --generations calibration/bench-noise-run.json
    for name in ("bench-noise-run.json", "bench-noise-run-2026-12-05.json"):
        floors_run = json.loads((ROOT / "calibration" / name).read_text())
        assert study.generations_table(floors_run) in benchmarks_md, name


def test_the_worker_times_the_calls_it_is_asked_for(monkeypatch):
    from mnist_models.bench import worker as bench_worker

    calls = []
    workload = type("W", (), {"call": lambda self=None: calls.append(1), "iterations": 5,
                              "model": "m", "phase": "train", "batch_size": 1, "params": 1})()
    monkeypatch.setattr(bench_worker, "_setup", lambda requested: ([workload], {}))
    requests = io.StringIO('{"op": "setup", "workloads": []}\n{"op": "time", "index": 0}\n'
                           '{"op": "time", "index": 0, "iterations": 2}\n{"op": "nap"}\n')
    answers = io.StringIO()
    assert bench_worker.serve(requests, answers) == 1
    lines = [json.loads(line) for line in answers.getvalue().splitlines()]
    assert len(calls) == 7 and set(lines[1]) == {"seconds", "cpu_seconds"}
    assert lines[-1] == {"error": "ValueError: unknown request 'nap'"}


def _with_odd_generation(rng, slowdown: float, odd: float) -> tuple:
    base, cand, generation = drifting_pairs(rng, slowdown)
    cand = np.where(generation == 2, cand * (1 + odd), cand)
    return base, cand, generation


def test_one_odd_generation_leaves_the_interval_open_instead_of_being_set_aside():
    """One pair of processes 30% apart on a workload. The old rule (``normal, set-aside``)
    set that generation aside and judged the other three as if their spread were known: it
    caught a +5% slowdown, but the A/A study found it firing in 22-33% of real comparisons and
    stating differences that were not there (BENCHMARKS.md). The default keeps every
    generation: unchanged code stays quiet, and a +5% slowdown behind an odd generation is
    left unresolved, not claimed."""
    rng = np.random.default_rng(12)
    old_caught = lost = quiet = 0
    for _ in range(50):
        base, cand, generation = _with_odd_generation(rng, 0.05, 0.30)
        old_caught += bench_ab_stats.compare("m", base, cand, generation, 0.05, None,
                                             rule="normal, set-aside").verdict == "REGRESSION"
        lost += bench_ab_stats.compare("m", base, cand, generation, 0.05,
                                       None).verdict == "unresolved"
        base, cand, generation = _with_odd_generation(rng, 0.0, 0.30)
        result = bench_ab_stats.compare("m", base, cand, generation, 0.05, None)
        quiet += result.verdict in ("no change", "unresolved") and result.set_aside == 0
    assert (old_caught >= 40, quiet == 50, lost >= 45) == (True, True, True), (
        old_caught, quiet, lost)


def test_generations_are_rarely_set_aside_when_none_is_odd_and_never_below_four():
    rng = np.random.default_rng(13)
    set_aside = sum(bench_ab_stats.estimate(*drifting_pairs(rng, 0.0)).set_aside
                    for _ in range(300))
    assert set_aside <= 9  # 3%; 4 measured
    base, cand, generation = _with_odd_generation(rng, 0.0, 0.30)
    three = generation < 3
    assert bench_ab_stats.estimate(base[three], cand[three], generation[three]).set_aside == 0
