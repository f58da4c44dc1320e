"""bench-ab's interval rules on real A/A rounds: how often each states a difference that is not
there, leaves a benchmark unresolved, and catches a +5% slowdown injected into the same rounds.

    python benchmarks/studies/ab_intervals.py --out calibration/ab-intervals.json

The rounds are those of bench-ab's two 10-generation A/A calibration runs
(``calibration/bench-noise-run*.json``, one interpreter on both sides, 21 benchmarks). Every
4 of a run's 10 generations (210 subsets) is one A/A comparison as a default run would make it;
the subsets of one run share generations, so they are not independent: the rates are means over
them, and the spread between the two runs is shown beside them. The floors are the shipped ones,
measured from the newer run itself: its rates are in-sample, the older run's are not.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

import numpy as np

from mnist_models import outputs
from mnist_models.bench.ab import noise, stats

ROOT = Path(__file__).resolve().parents[2]
RUNS = [ROOT / "calibration" / "bench-noise-run-2026-12-04.json",
        ROOT / "calibration" / "bench-noise-run.json"]
STATED = ("faster", "REGRESSION")


def _stated(verdict: str) -> bool:
    return verdict in STATED or verdict.startswith("slower")


def from_study(path: Path) -> None:
    """Every rule on the runs of an ab_rates study (each a default bench-ab run, 4 generations,
    A/A or with the candidate slowed): the verdicts each rule gives on the same rounds."""
    study = json.loads(path.read_text())
    floors = noise.read(noise.DEFAULT_PATH)[0]
    print(f"{path.name}: {len(study['bench_ab'])} bench-ab runs, {study['date']}")
    for rule in stats.RULES:
        line = []
        for extra in sorted({run["extra_work"] for run in study["bench_ab"]}):
            verdicts = [stats.compare(r["label"], np.asarray(r["rounds"]["baseline"]),
                                      np.asarray(r["rounds"]["candidate"]),
                                      np.asarray(r.get("generation", run.get("generation"))),
                                      0.05,
                                      floors.get(r["label"]), rule=rule).verdict
                        for run in study["bench_ab"] if run["extra_work"] == extra
                        for r in run["results"]]
            if extra == 0.0:
                line.append(f"A/A stated {sum(map(_stated, verdicts))} of {len(verdicts)}, "
                            f"unresolved {verdicts.count('unresolved')}")
            else:
                line.append(f"+{extra:.0%} REGRESSION {verdicts.count('REGRESSION')} of "
                            f"{len(verdicts)}")
        print(f"  {rule:22s} " + "; ".join(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generations", type=int, default=4)
    parser.add_argument("--out")
    parser.add_argument("--from-study", metavar="JSON",
                        help="judge an ab_rates study's runs (with their rounds) by every rule")
    args = parser.parse_args()
    if args.from_study:
        from_study(Path(args.from_study))
        return
    if not args.out:
        parser.error("--out is required")
    outputs.check_file(args.out, "--out file")
    floors = noise.read(noise.DEFAULT_PATH)[0]
    results = {}
    for path in RUNS:
        run = json.loads(path.read_text())
        generation = np.asarray(run["generation"])
        counts: dict[str, dict[str, int]] = {}
        set_aside = comparisons = 0
        for result in run["results"]:
            base = np.asarray(result["rounds"]["cpu"]["baseline"])
            cand = np.asarray(result["rounds"]["cpu"]["candidate"])
            floor = floors.get(result["label"])
            for chosen in itertools.combinations(np.unique(generation), args.generations):
                keep = np.isin(generation, chosen)
                comparisons += 1
                for rule in stats.RULES:
                    for slowdown in (1.0, 1.05):
                        found = stats.compare(result["label"], base[keep],
                                              cand[keep] * slowdown, generation[keep], 0.05,
                                              floor, rule=rule)
                        tally = counts.setdefault(f"{rule} x{slowdown}", {})
                        key = ("stated" if _stated(found.verdict) else found.verdict) \
                            if slowdown == 1.0 else found.verdict.split()[0]
                        tally[key] = tally.get(key, 0) + 1
                        if rule == "normal, set-aside" and slowdown == 1.0:
                            set_aside += found.set_aside
        results[path.name] = {"comparisons": comparisons, "set_aside": set_aside,
                              "counts": counts}
        print(f"{path.name}: {comparisons} A/A comparisons ({args.generations} of its "
              f"generations), the odd-generation rule fired in {set_aside} "
              f"({set_aside / comparisons:.1%})")
        for rule in stats.RULES:
            aa, ab = counts[f"{rule} x1.0"], counts[f"{rule} x1.05"]
            print(f"  {rule:22s} A/A stated {aa.get('stated', 0) / comparisons:6.2%}, "
                  f"unresolved {aa.get('unresolved', 0) / comparisons:6.2%}; +5% flagged "
                  f"REGRESSION {ab.get('REGRESSION', 0) / comparisons:6.2%}")
    outputs.write_text(args.out, json.dumps({
        "command": f"python benchmarks/studies/ab_intervals.py --generations {args.generations}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "results": results},
        indent=1) + "\n")


if __name__ == "__main__":
    main()
