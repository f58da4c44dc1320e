"""The history's detection rates on synthetic histories made from this suite's own noise.

    python benchmarks/studies/history_rates.py --histories 200 --out calibration/history-rates.json

For each setting of the change-point test (Otava's ``max_pvalue``) and each number of worker
processes a run's value is the median of, it builds ``--histories`` histories per kind (a
+2%, +5% and +10% step, a drift of 1% per run, none) from the committed A/A noise runs, runs
detection as CI would after every run, and prints the rates (mnist_models.history.study).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

from mnist_models import outputs
from mnist_models.history import study

ROOT = Path(__file__).resolve().parents[2]
NOISE_RUNS = [ROOT / "calibration" / "bench-noise-run-2026-12-04.json",
              ROOT / "calibration" / "bench-noise-run.json"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=200)
    parser.add_argument("--pvalues", default="0.001,0.0001")
    parser.add_argument("--processes", default="1,4")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    outputs.check_file(args.out, "--out file")
    residuals = study.residuals_from([json.loads(path.read_text()) for path in NOISE_RUNS])
    results = []
    for processes in [int(p) for p in args.processes.split(",")]:
        for pvalue in [float(p) for p in args.pvalues.split(",")]:
            started = time.perf_counter()
            rates = study.measure(residuals, args.histories, seed=0, processes=processes,
                                  max_pvalue=pvalue)
            print(f"processes per run {processes}, max_pvalue {pvalue} "
                  f"({time.perf_counter() - started:.0f} s):")
            for rate in rates:
                delay = "-" if rate.median_delay is None else f"{rate.median_delay:g}"
                print(f"  {rate.kind:13s} found within 5 runs {rate.found_within_5:6.1%}, "
                      f"within {study.HORIZON} {rate.found_within_horizon:6.1%}, median "
                      f"delay {delay} runs; false change points {rate.false_per_100_runs:.2f} "
                      "per 100 runs")
                results.append({"processes": processes, "max_pvalue": pvalue,
                                **{k: float(v) if v is not None else None
                                   for k, v in asdict(rate).items() if k != "kind"},
                                "kind": rate.kind})
    outputs.write_text(args.out, json.dumps({
        "command": "python benchmarks/studies/history_rates.py "
        f"--histories {args.histories} --pvalues {args.pvalues} --processes {args.processes}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "noise": [str(p.relative_to(ROOT)) for p in NOISE_RUNS], "results": results},
        indent=1) + "\n")


if __name__ == "__main__":
    main()
