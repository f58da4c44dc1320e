"""``mnist-models bench-ab``: compare two interpreters (or two settings of one) side by side.

The model names were resolved to specs by the argument parser; everything here takes specs.
Progress goes to stderr, the table to stdout, ``--json`` to a file written all at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from mnist_models import outputs
from mnist_models.backend import code_paths


def _loads() -> list[float]:
    return [round(load, 2) for load in os.getloadavg()]


def _record(run: Any, results: list[Any], args: argparse.Namespace,
            loads: dict[str, list[float]]) -> dict[str, Any]:
    """bench-ab's --json: the verdicts, every round's times, and what ran them."""
    return {
        "mode": run.mode, "rounds": run.rounds, "generations": run.generations,
        "generation": run.generation, "setup_seconds": run.setup_seconds,
        "timed_seconds": run.timed_seconds, "threshold": args.threshold,
        "load_average": loads,
        "sides": {side.name: {"python": side.python, "env": side.env,
                              "machine": run.machines[side.name]}
                  for side in (args.baseline_side, args.candidate_side)},
        "clock": args.clock,
        "results": [{**result.as_json(), "rounds": {
            clock: {side: sides[result.label] for side, sides in by_side.items()}
            for clock, by_side in run.times.items()}} for result in results],
    }


def _floors(args: argparse.Namespace) -> tuple[dict[str, float], str | None, bool]:
    """The floors to read, the one line that says which machine they belong to, and whether
    that is this machine's kind."""
    from mnist_models.bench.ab import noise as bench_noise

    if args.noise_floors == "none":
        return {}, None, True
    path = args.noise_floors or (bench_noise.DEFAULT_PATH
                                 if bench_noise.DEFAULT_PATH.exists() else None)
    if path is None:
        return {}, None, True
    floors = bench_noise.read_floors(path)
    return floors, *bench_noise.machine_note(path)


#: A noise floor is a spread over generations: fewer than this leave it a guess.
MIN_FLOOR_GENERATIONS = 6


def _check_noise_run(args: argparse.Namespace) -> None:
    from mnist_models.bench.ab.client import ABError

    if args.generations < MIN_FLOOR_GENERATIONS:
        raise ABError(f"--write-noise-floors: expected --generations {MIN_FLOOR_GENERATIONS} "
                      f"or more to measure the offset between processes, got "
                      f"{args.generations}")
    base, cand = args.baseline_side, args.candidate_side
    if (os.path.realpath(base.python), base.env) != (os.path.realpath(cand.python), cand.env):
        raise ABError("--write-noise-floors: expected the same interpreter and environment on "
                      "both sides (an A/A run), got different ones")


def cmd_bench_ab(args: argparse.Namespace) -> int:
    from mnist_models.bench.ab import noise as bench_noise
    from mnist_models.bench.ab import run as bench_ab
    from mnist_models.bench.ab import stats as bench_ab_stats

    if args.write_noise_floors:
        _check_noise_run(args)
        outputs.check_file(args.write_noise_floors, "--write-noise-floors file")
    if args.json:
        outputs.check_file(args.json, "--json file")
    # A broken floors file stops the run before any worker starts.
    floors, floors_line, same_kind = _floors(args)
    chosen = bench_ab.workloads(args.models, args.phases)
    loads = {"before": _loads()}
    run = bench_ab.run(args.baseline_side, args.candidate_side, chosen, mode=args.mode,
                       budget=args.time_budget, generations=args.generations)
    loads["after"] = _loads()
    results = [bench_ab_stats.compare(name, *bench_ab.as_arrays(run, name, args.clock),
                                      args.threshold, floors.get(name))
               for name in run.labels]
    if not same_kind:
        print(f"bench-ab: warning: {floors_line}, not this machine's kind "
              f"({code_paths.summary(code_paths.describe())}); they may be too wide or too "
              "narrow here: record this machine's with --write-noise-floors", file=sys.stderr)
    print(bench_ab_stats.table(results))
    if floors_line:
        print(floors_line)
    regressions = [r.label for r in results if r.verdict == "REGRESSION"]
    unresolved = sum(r.verdict == "unresolved" for r in results)
    print(f"{len(regressions)} regression(s) of {len(results)} benchmarks ({unresolved} "
          f"unresolved: too noisy to rule out the threshold), {run.rounds} "
          f"paired rounds in {run.generations} generations ({run.mode}, {args.clock} clock), "
          f"{run.setup_seconds:.0f} s warm-up + "
          f"{run.timed_seconds:.0f} s timed; load average {loads['before']} before, "
          f"{loads['after']} after" + (": " + ", ".join(regressions) if regressions else ""))
    if args.json:
        outputs.write_text(args.json, json.dumps(_record(run, results, args, loads)) + "\n")
    if args.write_noise_floors:
        measured = {name: bench_ab_stats.estimate(*bench_ab.as_arrays(run, name, args.clock),
                                                  set_aside=False).process_sd()
                    for name in run.labels}
        about = bench_noise.provenance(run.machines["baseline"], loads)
        path = bench_noise.write_floors(args.write_noise_floors, measured, about)
        print(f"noise floors: {path}", file=sys.stderr)
    return 1 if regressions else 0
