"""bench-ab's sequential designs, emulated on real A/A rounds: how often each states a difference
that is not there, leaves a benchmark unresolved, catches a +5% slowdown injected into the same
rounds, and what it would cost. (issue 25, item 2)

    python benchmarks/studies/ab_sequential.py --out calibration/ab-sequential.json

The rounds are those of bench-ab's three 10-generation A/A calibration runs
(``calibration/bench-noise-run*.json``; the newest with the workers' allocator set,
2026-12-05). One trial draws the generations in a random order and keeps the first R rounds
of each, then runs a design's looks (:mod:`mnist_models.bench.ab.sequential`) as bench-ab
would: a benchmark decided at a look is not timed after it. Its cost
is modelled from the rounds' own per-call times (a round of a workload lasts its call or 0.1 s,
whichever is longer, on each side) and a generation's warm-up, ``--setup-fixed`` seconds plus
``--setup-per-workload`` for each workload it warms up (measured by ab_warmup.py). Trials of one
run share generations, so they are not independent: the rates are means over them.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from mnist_models import outputs
from mnist_models.bench.ab import noise, sequential
from mnist_models.bench.workloads import ROUND_SECONDS

ROOT = Path(__file__).resolve().parents[2]
RUNS = [ROOT / "calibration" / "bench-noise-run-2026-12-05.json",
        ROOT / "calibration" / "bench-noise-run-2026-12-04.json",
        ROOT / "calibration" / "bench-noise-run.json"]
#: (most generations, first look, timed rounds per generation); a first look past the most
#: generations is one look at the end (no sequential stopping).
DESIGNS = [(4, 5, 6), (10, 11, 3), (10, 4, 3), (10, 4, 4), (10, 5, 3), (8, 4, 4)]


def _stated(verdict: str) -> bool:
    return verdict in ("faster", "REGRESSION") or verdict.startswith("slower")


def _trial(run: dict, order: np.ndarray, most: int, first_look: int, rounds_per: int,
           slowdown: float, floors: dict[str, float], setup: tuple[float, float]) -> dict:
    # Every benchmark of a noise-floor run has the same generations (the run's own list in
    # records before 2026-12-05, each benchmark's since).
    generation = np.asarray(run["results"][0].get("generation", run.get("generation")))
    keep, renumbered = [], []
    for new, old in enumerate(order[:most]):
        where = np.flatnonzero(generation == old)[:rounds_per]
        keep.extend(where)
        renumbered.extend([new] * len(where))
    keep, renumbered = np.asarray(keep), np.asarray(renumbered)
    by_label = {r["label"]: r["rounds"]["cpu"] for r in run["results"]}
    cost = {name: 2 * max(ROUND_SECONDS, float(np.median(r["baseline"])))
            for name, r in by_label.items()}
    judge = sequential.Judge(sequential.design(most, first_look), 0.05, floors)
    open_labels, seconds = list(by_label), 0.0
    for count in range(1, most + 1):
        if not open_labels:
            break
        seconds += setup[0] + setup[1] * len(open_labels)
        seconds += rounds_per * sum(cost[name] for name in open_labels)

        def rounds(name: str, count: int = count) -> sequential.Rounds:
            mask = renumbered < count
            sides = by_label[name]
            return (np.asarray(sides["baseline"])[keep][mask],
                    np.asarray(sides["candidate"])[keep][mask] * slowdown, renumbered[mask])

        open_labels = judge.look(count, open_labels, rounds)
    verdicts = [judge.results[name].verdict for name in by_label]
    return {"stated": sum(map(_stated, verdicts)), "unresolved": verdicts.count("unresolved"),
            "regression": verdicts.count("REGRESSION"), "of": len(verdicts),
            "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--trials", type=int, default=200)
    # A full generation's warm-up took 11-13 s for 21 workloads (the 2026-12-05 floors run).
    parser.add_argument("--setup-fixed", type=float, default=3.5)
    parser.add_argument("--setup-per-workload", type=float, default=0.4)
    args = parser.parse_args()
    outputs.check_file(args.out, "--out file")
    floors = noise.read(noise.DEFAULT_PATH)[0]
    setup = (args.setup_fixed, args.setup_per_workload)
    print(f"{args.trials} trials per run and design; warm-up {setup[0]} s + {setup[1]} s per "
          "workload; rates per benchmark comparison")
    print("most gens, first look, rounds/gen | run | A/A stated, unresolved | +5% REGRESSION "
          "| seconds A/A, +5% (median)")
    results = []
    for most, first_look, rounds_per in DESIGNS:
        for path in RUNS:
            run = json.loads(path.read_text())
            rng = np.random.default_rng(25)
            tallies = {1.0: [], 1.05: []}
            for _ in range(args.trials):
                numbers = run["results"][0].get("generation", run.get("generation"))
                order = rng.permutation(np.unique(numbers))
                for slowdown in tallies:
                    tallies[slowdown].append(_trial(run, order, most, first_look, rounds_per,
                                                    slowdown, floors, setup))
            aa, ab = tallies[1.0], tallies[1.05]
            of = sum(t["of"] for t in aa)
            row = {"design": [most, first_look, rounds_per], "run": path.name,
                   "aa_stated": sum(t["stated"] for t in aa) / of,
                   "aa_unresolved": sum(t["unresolved"] for t in aa) / of,
                   "plus5_regression": sum(t["regression"] for t in ab) / of,
                   "aa_seconds": float(np.median([t["seconds"] for t in aa])),
                   "plus5_seconds": float(np.median([t["seconds"] for t in ab]))}
            results.append(row)
            print(f"{most:2d} {first_look:2d} {rounds_per:2d} | {path.name[:26]:26s} | "
                  f"{row['aa_stated']:6.2%} {row['aa_unresolved']:6.2%} | "
                  f"{row['plus5_regression']:6.2%} | {row['aa_seconds']:4.0f} "
                  f"{row['plus5_seconds']:4.0f}", flush=True)
    outputs.write_text(args.out, json.dumps({
        "command": "python benchmarks/studies/ab_sequential.py " + " ".join(
            f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if k != "out"),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "results": results},
        indent=1) + "\n")


if __name__ == "__main__":
    main()
