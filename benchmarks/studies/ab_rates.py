"""How well does bench-ab catch a slowdown, how often does it cry wolf, and how does that
compare with bench-compare in the same session? (issue 12; BENCHMARKS.md has the results)

    python benchmarks/studies/ab_rates.py --out calibration/bench-ab-study.json \
        --noise calibration/bench-noise.json
    python benchmarks/studies/ab_rates.py --out calibration/bench-ab-study.json --table
    python benchmarks/studies/ab_rates.py --generations calibration/bench-noise-run.json

Every bench-ab run is the command a user runs (``mnist-models bench-ab PY PY``, default
options, all of the zoo's workloads), with the candidate slowed through ``--candidate-env
MNIST_MODELS_BENCH_EXTRA_WORK``. The noise file must come from a separate A/A run, so that
every run here is out of sample. The parts, in order, each with the load average before and
after it:

1. bench-compare, today's path: one pytest-benchmark run of the whole throughput suite as the
   baseline, then an unchanged run and runs at +5%, +10%, +20%, each compared with the
   baseline at the threshold;
2. bench-ab: unchanged (A/A) runs alternating with slowed ones, so that both kinds meet the
   same stretch of the session.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from mnist_models import outputs
from mnist_models.bench import compare as bench_compare
from mnist_models.bench.ab import stats as bench_ab_stats

ROOT = Path(__file__).resolve().parents[2]
#: bench-ab's runs in order: unchanged ones between the slowed ones.
AB_RUNS = (0.0, 0.05, 0.0, 0.10, 0.0, 0.05, 0.0, 0.20, 0.0)
COMPARE_RUNS = (0.0, 0.05, 0.10, 0.20)


def _loads() -> list[float]:
    return [round(load, 2) for load in os.getloadavg()]


def _environment(extra_work: float = 0.0) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT),
            "MNIST_MODELS_BENCH_EXTRA_WORK": str(extra_work)}


def _pytest_run(out: Path, extra_work: float) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "benchmarks/test_throughput.py", "-q",
                    "-p", "no:cacheprovider", "--benchmark-only", "--benchmark-save-data",
                    f"--benchmark-json={out}"],
                   cwd=ROOT, env=_environment(extra_work), check=True, capture_output=True)
    return time.perf_counter() - started


def bench_compare_part(folder: Path, threshold: float) -> dict:
    loads = {"before": _loads()}
    base = folder / "base.json"
    seconds = [_pytest_run(base, 0.0)]
    rows = {}
    for extra in COMPARE_RUNS:
        current = folder / f"current-{extra}.json"
        seconds.append(_pytest_run(current, extra))
        results = bench_compare.compare(base, current, threshold)
        rows[str(extra)] = {"flagged": sum(r.regression for r in results),
                            "of": len(results), "ratios": [round(r.ratio, 4) for r in results]}
    loads["after"] = _loads()
    return {"seconds_per_run": seconds, "results": rows, "load_average": loads}


def ab_run(folder: Path, number: int, extra: float, noise: str) -> dict:
    """One ``mnist-models bench-ab`` run as a user runs it; its verdicts and timings."""
    out = folder / f"ab-{number}.json"
    command = [sys.executable, "-c", "import sys; from mnist_models.cli.app import main; "
               "sys.exit(main(sys.argv[1:]))", "bench-ab", sys.executable, sys.executable,
               "--noise-floors", noise, "--json", str(out)]
    for side in ("baseline", "candidate"):
        command += [f"--{side}-env", f"PYTHONPATH={ROOT}"]
    command += ["--candidate-env", f"MNIST_MODELS_BENCH_EXTRA_WORK={extra}"]
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT, env=_environment(), capture_output=True,
                              text=True)
    wall = time.perf_counter() - started
    if finished.returncode not in (0, 1) or not out.exists():
        raise RuntimeError(f"bench-ab exited {finished.returncode}: {finished.stderr[-2000:]}")
    record = json.loads(out.read_text())
    return {"extra_work": extra, "exit": finished.returncode, "wall_seconds": wall,
            "table": finished.stdout, **{key: record[key] for key in (
                "rounds", "generations", "setup_seconds", "timed_seconds", "load_average")},
            # The rounds (CPU clock) and generations, so that other interval rules can be
            # judged on the same runs (benchmarks/studies/ab_intervals.py --from-study).
            "results": [{**{key: result[key] for key in ("label", "ratio", "low", "high",
                                                         "threshold", "verdict", "generations",
                                                         "confidence", "generation")},
                         "rounds": result["rounds"]["cpu"]}
                        for result in record["results"]]}


def generation_of(result: dict, record: dict) -> np.ndarray:
    """The generation of each of a benchmark's rounds: its own since bench-ab stopped timing
    decided benchmarks (2026-12-05), the run's before."""
    return np.asarray(result.get("generation", record.get("generation")))


def rates_table(record: dict) -> str:
    """BENCHMARKS.md's table of rates, from the study's JSON (a test checks the two agree)."""
    lines = ["| method | candidate | runs | wall s per run (median) | comparisons | flagged "
             "| median ratio | unresolved |", "|---|---|---|---|---|---|---|---|"]
    compare_runs = record["bench_compare"]
    seconds = float(np.median(compare_runs["seconds_per_run"]))
    for extra, row in compare_runs["results"].items():
        lines.append(f"| bench-compare | +{float(extra):.0%} | 1 + baseline | {seconds:.0f} "
                     f"| {row['of']} | {row['flagged']} ({row['flagged'] / row['of']:.0%}) "
                     f"| {np.median(row['ratios']):.3f} | - |")
    for extra in sorted({run["extra_work"] for run in record["bench_ab"]}):
        runs = [run for run in record["bench_ab"] if run["extra_work"] == extra]
        results = [result for run in runs for result in run["results"]]
        flagged = sum(result["verdict"] == "REGRESSION" for result in results)
        unresolved = sum(result["verdict"] == "unresolved" for result in results)
        wall = float(np.median([run["wall_seconds"] for run in runs]))
        lines.append(f"| bench-ab | +{extra:.0%} | {len(runs)} | {wall:.0f} | {len(results)} "
                     f"| {flagged} ({flagged / len(results):.0%}) "
                     f"| {np.median([result['ratio'] for result in results]):.3f} "
                     f"| {unresolved} |")
    return "\n".join(lines)


def generations_table(record: dict, clock: str = "cpu") -> str:
    """Per benchmark of a ``bench-ab --json`` record: each generation's median paired
    log-ratio (percent), the spread of a generation's median from its rounds, and the floor."""
    lines = ["| benchmark | per-generation median log-ratio, % | within, % | floor, % |",
             "|---|---|---|---|"]
    for result in record["results"]:
        rounds = result["rounds"][clock]
        found = bench_ab_stats.estimate(np.asarray(rounds["baseline"]),
                                        np.asarray(rounds["candidate"]),
                                        generation_of(result, record), set_aside=False)
        medians = " ".join(f"{100 * median:+.0f}" for median in found.medians)
        lines.append(f"| {result['label']} | {medians} | {100 * found.within ** 0.5:.1f} "
                     f"| {100 * found.process_sd():.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out")
    parser.add_argument("--generations", metavar="JSON",
                        help="print the per-generation table of a bench-ab --json record")
    parser.add_argument("--noise", help="the noise file bench-ab reads, from a separate A/A run")
    parser.add_argument("--table", action="store_true",
                        help="print BENCHMARKS.md's table from --out, an earlier result")
    parser.add_argument("--threshold", type=float, default=0.05)
    parser.add_argument("--bench-compare-from", metavar="JSON",
                        help="part 1's result line from an earlier run of this study, "
                        "instead of running it again")
    parser.add_argument("--rerun-bench-compare", action="store_true",
                        help="run part 1 again and replace it in --out's record")
    args = parser.parse_args()
    if args.generations:
        print(generations_table(json.loads(Path(args.generations).read_text())))
        return
    if args.table:
        print(rates_table(json.loads(Path(args.out).read_text())))
        return
    if args.rerun_bench_compare:
        record = json.loads(Path(args.out).read_text())
        with tempfile.TemporaryDirectory() as folder:
            record["bench_compare"] = bench_compare_part(Path(folder), args.threshold)
        record["bench_compare"]["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        outputs.write_text(args.out, json.dumps(record, indent=1) + "\n")
        print(rates_table(record))
        return
    outputs.check_file(args.out, "--out")
    noise = str(Path(args.noise).resolve())
    record = {"argv": sys.argv, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "noise": noise, "threshold": args.threshold}
    with tempfile.TemporaryDirectory() as folder:
        if args.bench_compare_from:
            record["bench_compare"] = json.loads(Path(args.bench_compare_from).read_text())
        else:
            record["bench_compare"] = bench_compare_part(Path(folder), args.threshold)
        print(json.dumps(record["bench_compare"]), flush=True)
        record["bench_ab"] = []
        for number, extra in enumerate(AB_RUNS):
            run = ab_run(Path(folder), number, extra, noise)
            print(json.dumps({key: value for key, value in run.items() if key != "results"}),
                  flush=True)
            record["bench_ab"].append(run)
            outputs.write_text(args.out, json.dumps(record, indent=1) + "\n")
    print(rates_table(record))


if __name__ == "__main__":
    main()
