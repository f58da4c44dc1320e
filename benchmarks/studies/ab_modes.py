"""Duet against pinned interleave at equal wall time, and the workers' allocator setting, on
this machine (issue 25, items 4 and 5).

    python benchmarks/studies/ab_modes.py --out calibration/ab-modes.json

Three A/A bench-ab runs of the same eight workloads (the MLPs, lenet5 and cnn_64_32_32; train
and batch-1024 inference), one after another, with the same generations and the same budget of
rounds, so the same wall time: interleave (the default), duet (both sides at once, one core
each, so about twice the rounds), and interleave with glibc's default allocator
(``GLIBC_TUNABLES=`` on both sides, instead of bench-ab's setting). Every benchmark is timed
in every generation (the noise-floor form of the run). Per benchmark and variant: the spread
of a round's paired log-ratio within a generation, the spread of the generations' medians, and
the half-width of the 99% interval over all generations (no floor: each run's own spread).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from mnist_models import outputs
from mnist_models.bench.ab import stats

ROOT = Path(__file__).resolve().parents[2]
MODELS, PHASES = "mlp_100,mlp_25_25,lenet5,cnn_64_32_32", "train,infer1024"


#: name -> (mode, extra bench-ab arguments)
VARIANTS = {"interleave": ("interleave", []), "duet": ("duet", []),
            "interleave, glibc's default allocator": (
                "interleave", ["--baseline-env", "GLIBC_TUNABLES=", "--candidate-env",
                               "GLIBC_TUNABLES="])}


def _run(name: str, folder: Path, generations: int, budget: float) -> dict:
    mode, extra = VARIANTS[name]
    record = folder / f"{len(list(folder.iterdir()))}.json"
    command = [sys.executable, "-c", "import sys; from mnist_models.cli.app import main; "
               "sys.exit(main(sys.argv[1:]))", "bench-ab", sys.executable, sys.executable,
               "--models", MODELS, "--phases", PHASES, "--generations", str(generations),
               "--time-budget", str(budget), "--noise-floors", "none", "--mode", mode,
               "--write-noise-floors", str(record.with_suffix(".floors")),
               "--json", str(record), *extra]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    found = json.loads(record.read_text())
    found["wall_seconds"] = time.perf_counter() - started
    return found


def _summary(record: dict) -> dict[str, dict[str, float]]:
    rows = {}
    for result in record["results"]:
        rounds = result["rounds"]["cpu"]
        arrays = (np.asarray(rounds["baseline"]), np.asarray(rounds["candidate"]),
                  np.asarray(result["generation"]))
        found = stats.estimate(*arrays, set_aside=False)
        logs = np.log(arrays[1] / arrays[0])
        within = float(np.median([stats.stats.median_abs_deviation(
            logs[arrays[2] == number], scale="normal") for number in np.unique(arrays[2])]))
        _, low, high = found.interval()
        rows[result["label"]] = {"rounds": len(logs), "within_sd": within,
                                 "between_sd": float(np.std(found.medians, ddof=1)),
                                 "half_width": (high - low) / 2}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--generations", type=int, default=10)
    parser.add_argument("--time-budget", type=float, default=100.0)
    args = parser.parse_args()
    outputs.check_file(args.out, "--out file")
    document = {"argv": sys.argv, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "modes": {}}
    with tempfile.TemporaryDirectory() as folder:
        for name in VARIANTS:
            record = _run(name, Path(folder), args.generations, args.time_budget)
            document["modes"][name] = {"wall_seconds": record["wall_seconds"],
                                       "load_average": record["load_average"],
                                       "benchmarks": _summary(record)}
    outputs.write_text(args.out, json.dumps(document, indent=1) + "\n")
    modes = document["modes"]
    print(f"{document['date']}: {args.generations} generations, {args.time_budget:.0f} s of "
          "rounds each; wall " + ", ".join(f"{mode} {found['wall_seconds']:.0f} s"
                                            for mode, found in modes.items()))
    names = list(modes)
    print(f"Each cell: {'; '.join(names)}.")
    print("| benchmark | rounds | within-generation sd, % | between-generation sd, % "
          "| 99% half-width, % |\n|---|---|---|---|---|")
    for label in modes[names[0]]["benchmarks"]:
        rows = [modes[name]["benchmarks"][label] for name in names]
        cells = [", ".join(f"{row['rounds']}" for row in rows)]
        for key in ("within_sd", "between_sd", "half_width"):
            cells.append(", ".join(f"{100 * row[key]:.1f}" for row in rows))
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
