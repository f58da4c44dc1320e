"""How well does bench-ab catch a slowdown, how often does it cry wolf, and how does that
compare with bench-compare given the same machine time? (issue 12; BENCHMARKS.md has results)

    python benchmarks/studies/ab_rates.py --out calibration/bench-ab-study.json

Run it NOT niced, on the machine as it is (shared, loaded): that is the target condition. Each
part records the load average before and after it. The parts, in order:

1. bench-compare, today's path: one baseline pytest-benchmark run of the light workloads, then
   an unchanged run and runs at +5%, +10%, +20% (MNIST_MODELS_BENCH_EXTRA_WORK), each compared
   with the baseline at the threshold. Its wall time per run sets the bench-ab window below.
2. bench-ab, interleave and duet: A/A runs of the same interpreter; each run's rounds are cut
   into windows of that same wall time (and of ``--short-window`` seconds), one comparison
   per workload and window. Every round's times are kept in the output.
3. bench-ab, interleave: the candidate at +5%, +10%, +20%, windows as above.

The light workloads (batch-1 inference of every model, the MLPs' train step and batch-1024
inference) keep calls under about 5 ms, so a +5% variant's rounds of whole 20-call periods
stay near the suite's 100 ms; a heavy call (230 ms for a CNN's batch of 1024) would need 4.6 s
rounds at +5%.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from mnist_models import bench_ab, bench_ab_stats, bench_compare, bench_noise, outputs
from mnist_models.registry import get_spec, list_models

ROOT = Path(__file__).resolve().parents[2]
LIGHT = ([(name, "infer", 1) for name in list_models()]
         + [(name, phase, batch) for name in ("mlp_100", "mlp_25_25")
            for phase, batch in (("train", get_spec(name).recipe.batch_size),
                                 ("infer", 1024))])
PYTEST_SELECTION = "infer and -1] or mlp_100 or mlp_25_25"
SLOWDOWNS = (0.05, 0.10, 0.20)


def _loads() -> list[float]:
    return [round(load, 2) for load in os.getloadavg()]


def _pytest_run(out: Path, extra_work: float) -> float:
    started = time.perf_counter()
    env = {**os.environ, "MNIST_MODELS_BENCH_EXTRA_WORK": str(extra_work),
           "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "pytest", "benchmarks/test_throughput.py", "-q",
                    "-p", "no:cacheprovider", "-k", PYTEST_SELECTION, "--benchmark-only",
                    "--benchmark-save-data", f"--benchmark-json={out}"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def bench_compare_part(folder: Path, threshold: float) -> dict:
    loads = {"before": _loads()}
    base = folder / "base.json"
    seconds = [_pytest_run(base, 0.0)]
    rows = {}
    for extra in (0.0, *SLOWDOWNS):
        current = folder / f"current-{extra}.json"
        seconds.append(_pytest_run(current, extra))
        results = bench_compare.compare(base, current, threshold)
        rows[str(extra)] = {"flagged": sum(r.regression for r in results),
                            "of": len(results), "ratios": [round(r.ratio, 4) for r in results]}
    loads["after"] = _loads()
    return {"seconds_per_run": seconds, "results": rows, "load_average": loads}


def _windows(rounds: int, timed_seconds: float, window_seconds: float) -> list[slice]:
    per_window = max(bench_ab.MIN_ROUNDS,
                     round(rounds * window_seconds / max(timed_seconds, 1e-9)))
    return [slice(start, start + per_window)
            for start in range(0, rounds - per_window + 1, per_window)]


def _summary(part: dict, window_seconds: float, threshold: float, clock: str,
             floors: dict[str, float] | None = None) -> dict:
    """Verdicts of every workload and window of one run, from its rounds."""
    verdicts, ratios, widths = [], [], []
    sides = part["times"][clock]
    for name in sides["baseline"]:
        base, cand = np.asarray(sides["baseline"][name]), np.asarray(sides["candidate"][name])
        for window in _windows(part["rounds"], part["timed_seconds"], window_seconds):
            result = bench_ab_stats.compare(name, base[window], cand[window], threshold,
                                            (floors or {}).get(name))
            verdicts.append(result.verdict)
            ratios.append(result.ratio)
            widths.append((result.high - result.low) / 2)
    return {"clock": clock, "window_seconds": window_seconds, "comparisons": len(verdicts),
            "flagged": verdicts.count("REGRESSION"),
            "verdicts": {v: verdicts.count(v) for v in sorted(set(verdicts))},
            "median_ratio": float(np.median(ratios)),
            "median_half_width": float(np.median(widths))}


def ab_part(mode: str, extra: float, budget: float, windows: list[float],
            threshold: float) -> dict:
    env = {"PYTHONPATH": str(ROOT)}
    baseline = bench_ab.Side("baseline", sys.executable, env)
    candidate = bench_ab.Side("candidate", sys.executable,
                              {**env, "MNIST_MODELS_BENCH_EXTRA_WORK": str(extra)})
    loads = {"before": _loads()}
    started = time.perf_counter()
    run = bench_ab.run(baseline, candidate, LIGHT, mode=mode, budget=budget)
    wall = time.perf_counter() - started
    loads["after"] = _loads()
    lag1 = {}
    for clock in bench_ab.CLOCKS:
        raw, paired = [], []
        for name in run.labels:
            base, cand = bench_ab.as_arrays(run, name, clock)
            raw.append(bench_ab_stats.lag1_autocorrelation(np.log(base)))
            paired.append(bench_ab_stats.lag1_autocorrelation(np.log(cand / base)))
        lag1[clock] = {"raw_rounds": float(np.median(raw)),
                       "paired_log_ratios": float(np.median(paired))}
    part = {"mode": mode, "extra_work": extra, "rounds": run.rounds, "wall_seconds": wall,
            "setup_seconds": run.setup_seconds, "timed_seconds": run.timed_seconds,
            "lag1": lag1, "load_average": loads, "times": run.times}
    part["windows"] = [_summary(part, seconds, threshold, clock) for seconds in windows
                       for clock in bench_ab.CLOCKS]
    return part


def rejudge(record: dict, floors_path: str) -> dict:
    """The same windows judged again with the noise floors in ``floors_path`` (measured by a
    separate A/A run, so out of sample for every run here)."""
    floors = bench_noise.read_floors(floors_path)
    record["floors_from"] = floors_path
    for part in record["bench_ab"]:
        part["windows_with_floors"] = [
            _summary(part, window["window_seconds"], record["threshold"], window["clock"],
                     floors) for window in part["windows"]]
    return record


def rates_table(record: dict) -> str:
    """BENCHMARKS.md's table of rates, from the study's JSON (a test checks the two agree)."""
    lines = ["| method | candidate | window (s of rounds) | comparisons | flagged | with "
             "noise floors |", "|---|---|---|---|---|---|"]
    compare_runs = record["bench_compare"]
    budget = float(np.median(compare_runs["seconds_per_run"]))
    for extra, row in compare_runs["results"].items():
        lines.append(f"| bench-compare | +{float(extra):.0%} | one run, {budget:.0f} "
                     f"| {row['of']} | {row['flagged']} ({row['flagged'] / row['of']:.0%}) "
                     "| - |")
    totals: dict[tuple, list[int]] = {}
    for part in record["bench_ab"]:
        rejudged = part.get("windows_with_floors") or [None] * len(part["windows"])
        for window, with_floors in zip(part["windows"], rejudged, strict=True):
            key = (part["mode"], window["clock"], part["extra_work"],
                   round(window["window_seconds"]))
            total = totals.setdefault(key, [0, 0, 0])
            total[0] += window["comparisons"]
            total[1] += window["flagged"]
            total[2] += with_floors["flagged"] if with_floors else 0
    for (mode, clock, extra, seconds), (count, flagged, floored) in sorted(totals.items()):
        lines.append(f"| bench-ab {mode}, {clock} clock | +{extra:.0%} | {seconds} | {count} "
                     f"| {flagged} ({flagged / max(count, 1):.0%}) "
                     f"| {floored} ({floored / max(count, 1):.0%}) |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--rejudge", metavar="FLOORS",
                        help="judge --out's windows again with these noise floors, and store "
                        "that in --out")
    parser.add_argument("--table", action="store_true",
                        help="print BENCHMARKS.md's table from --out, an earlier result")
    parser.add_argument("--threshold", type=float, default=0.05)
    parser.add_argument("--budget", type=float, default=180.0, help="seconds of rounds a run")
    parser.add_argument("--aa-runs", type=int, default=3)
    parser.add_argument("--short-window", type=float, default=30.0,
                        help="also judge windows of this many seconds of rounds")
    parser.add_argument("--bench-compare-from", metavar="JSON",
                        help="part 1's result line from an earlier run of this study, "
                        "instead of running it again")
    args = parser.parse_args()
    if args.rejudge:
        record = rejudge(json.loads(Path(args.out).read_text()), args.rejudge)
        outputs.write_text(args.out, json.dumps(record) + "\n")
    if args.table or args.rejudge:
        print(rates_table(json.loads(Path(args.out).read_text())))
        return
    outputs.check_file(args.out, "--out")
    record = {"argv": sys.argv, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "workloads": LIGHT, "threshold": args.threshold}
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"ab_rates_{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    if args.bench_compare_from:
        record["bench_compare"] = json.loads(Path(args.bench_compare_from).read_text())
    else:
        record["bench_compare"] = bench_compare_part(folder, args.threshold)
    same_budget = float(np.median(record["bench_compare"]["seconds_per_run"]))
    print(json.dumps(record["bench_compare"]), flush=True)
    parts = [("duet", 0.0)] + [("interleave", 0.0)] * args.aa_runs
    parts += [("interleave", extra) for extra in SLOWDOWNS]
    record["bench_ab"] = []
    for mode, extra in parts:
        part = ab_part(mode, extra, args.budget, [same_budget, args.short_window],
                       args.threshold)
        print(json.dumps({key: value for key, value in part.items() if key != "times"}),
              flush=True)
        record["bench_ab"].append(part)
        outputs.write_text(args.out, json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
