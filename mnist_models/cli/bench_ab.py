"""``mnist-models bench-ab``: compare two interpreters (or two settings of one) side by side.

Every argument is checked here, before a worker starts: a bad one is one line and exit 2. The
model names are resolved to specs by the argument types; everything below takes specs.
Progress goes to stderr, the table to stdout, ``--json`` to a file written all at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from mnist_models import outputs
from mnist_models.arguments import ArgumentError
from mnist_models.backend import code_paths
from mnist_models.bench.ab.client import Side
from mnist_models.bench.ab.run import CLOCKS, DEFAULT_GENERATIONS, MIN_ROUNDS, MODES
from mnist_models.bench.worker import PHASES
from mnist_models.cli.common_args import (
    add_command,
    add_model_names,
    argument_type,
    phases,
    positive_int,
    seconds,
    threshold,
)

DEFAULT_BUDGET = 180.0


def _environment(text: str) -> tuple[str, str]:
    key, equals, value = text.partition("=")
    if not equals or not key or any(c in key for c in " \t"):
        raise ValueError(f"expected KEY=VALUE, got {text!r}")
    return key, value



def sides(args: argparse.Namespace) -> argparse.Namespace:
    """The two sides; a model's name where an interpreter goes is the misparse of
    ``--models A B PY PY`` (names after ``--models`` are one comma-separated word), said so."""
    from mnist_models.zoo.registry import all_specs, list_models

    for side in ("baseline", "candidate"):
        given = getattr(args, f"{side}_python")
        if given in list_models():
            raise ArgumentError(f"{side} interpreter {given!r} is a model name; expected "
                                "bench-ab BASELINE_PYTHON CANDIDATE_PYTHON [NAME ...] (or "
                                "--models A,B, comma-separated)")
    args.specs = args.specs or all_specs()
    args.baseline_side = Side("baseline", args.baseline_python, dict(args.baseline_env or []))
    args.candidate_side = Side("candidate", args.candidate_python,
                               dict(args.candidate_env or []))
    return args


def _loads() -> list[float]:
    return [round(load, 2) for load in os.getloadavg()]


def _record(run: Any, results: list[Any], args: argparse.Namespace,
            loads: dict[str, list[float]]) -> dict[str, Any]:
    """bench-ab's --json: the verdicts, every round's times, and what ran them."""
    return {
        "mode": run.mode, "rounds": run.rounds, "generations": run.generations,
        "setup_seconds": run.setup_seconds,
        "timed_seconds": run.timed_seconds, "threshold": args.threshold,
        "load_average": loads,
        "sides": {side.name: {"python": side.python, "env": side.env,
                              "machine": run.machines[side.name]}
                  for side in (args.baseline_side, args.candidate_side)},
        "clock": args.clock,
        "results": [{**result.as_json(), "generation": run.generation[result.label],
                     "rounds": {clock: {side: sides[result.label]
                                        for side, sides in by_side.items()}
                                for clock, by_side in run.times.items()}}
                    for result in results],
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
    floors, about = bench_noise.read(path)
    return floors, *bench_noise.machine_note(path, about)


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
    from mnist_models.bench.ab import sequential
    from mnist_models.bench.ab import stats as bench_ab_stats

    if args.write_noise_floors:
        _check_noise_run(args)
        outputs.check_file(args.write_noise_floors, "--write-noise-floors file")
    if args.json:
        outputs.check_file(args.json, "--json file")
    # A broken floors file stops the run before any worker starts.
    floors, floors_line, same_kind = _floors(args)
    chosen = bench_ab.workloads(args.specs, args.phases)
    loads = {"before": _loads()}
    # A noise-floor run times every benchmark in every generation: its floors are spreads
    # over all of them.
    run, results = sequential.measure(
        args.baseline_side, args.candidate_side, chosen, threshold=args.threshold,
        floors=floors, generations=args.generations, budget=args.time_budget,
        looking=not args.write_noise_floors, mode=args.mode, clock=args.clock)
    loads["after"] = _loads()
    if not same_kind:
        print(f"bench-ab: warning: {floors_line}, not this machine's kind "
              f"({code_paths.summary(code_paths.describe())}); they may be too wide or too "
              "narrow here: record this machine's with --write-noise-floors", file=sys.stderr)
    print(bench_ab_stats.table(results))
    if sequential.note(results):
        print(sequential.note(results))
    if floors_line:
        print(floors_line)
    regressions = [r.label for r in results if r.verdict == "REGRESSION"]
    early = sum(r.generations < run.generations for r in results)
    unresolved = sum(r.verdict == "unresolved" for r in results)
    print(f"{len(regressions)} regression(s) of {len(results)} benchmarks ({unresolved} "
          f"unresolved: too noisy to rule out the threshold), {run.rounds} "
          f"paired rounds in {run.generations} generations, {early} benchmark(s) decided "
          f"before the last ({run.mode}, {args.clock} clock), "
          f"{run.setup_seconds:.0f} s warm-up + "
          f"{run.timed_seconds:.0f} s timed; load average {loads['before']} before, "
          f"{loads['after']} after" + (": " + ", ".join(regressions) if regressions else ""))
    if args.json:
        outputs.write_text(args.json, json.dumps(_record(run, results, args, loads)) + "\n")
    if args.write_noise_floors:
        measured = {name: bench_ab_stats.estimate(*run.arrays(name, args.clock),
                                                  set_aside=False).process_sd()
                    for name in run.labels}
        about = bench_noise.provenance(run.machines["baseline"], loads)
        path = bench_noise.write_floors(args.write_noise_floors, measured, about)
        print(f"noise floors: {path}", file=sys.stderr)
    return 1 if regressions else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``bench-ab`` to the ``mnist-models`` parser."""
    parser = add_command(sub, "bench-ab", "compare two Python environments side by side in one "
                 "session: generations of worker pairs, rounds paired by time slot, an "
                 "interval per benchmark; exit 1 on a regression")
    parser.add_argument("baseline_python", metavar="BASELINE_PYTHON",
                        help="interpreter of the baseline side, with mnist-models importable")
    parser.add_argument("candidate_python", metavar="CANDIDATE_PYTHON",
                        help="interpreter of the candidate side (the same one to measure the "
                        "A/A noise floor)")
    add_model_names(parser, "time")
    parser.add_argument("--phases", type=phases, metavar="P,Q",
                        default=",".join(PHASES),
                        help=f"comma-separated phases among {', '.join(PHASES)} (default: "
                        "all three)")
    parser.add_argument("--threshold", type=threshold, default="5%", metavar="PCT",
                        help="slowdown to flag, in percent: 5 or 5%% (a value under 1 "
                        "without %% is refused as ambiguous); raised per benchmark to twice "
                        "its noise floor where that is larger (default: 5%%)")
    parser.add_argument("--time-budget", type=seconds,
                        default=DEFAULT_BUDGET, metavar="SECONDS",
                        help="seconds of timed rounds at most, after the warm-ups: the first "
                        "generation times rounds for its share (budget / generations, at "
                        f"least {MIN_ROUNDS} rounds), the others as many rounds of the "
                        f"benchmarks still open (default: {DEFAULT_BUDGET:.0f})")
    parser.add_argument("--generations", type=positive_int,
                        default=DEFAULT_GENERATIONS, metavar="N",
                        help="the most fresh pairs of worker processes started in turn: two "
                        "processes of one interpreter can differ for their whole life, and "
                        "the interval counts that; from the fourth on, a benchmark already "
                        "decided is not timed again, and the run ends when none is open "
                        f"(default: {DEFAULT_GENERATIONS}; a --write-noise-floors run times "
                        "every benchmark in every generation; see BENCHMARKS.md)")
    parser.add_argument("--mode", choices=MODES, default="interleave",
                        help="interleave: the sides take turns, A B B A ...; duet: both at "
                        "once, one core each (default: interleave, see BENCHMARKS.md)")
    parser.add_argument("--clock", choices=CLOCKS, default="cpu",
                        help="time rounds by the CPU seconds the workers used, which leave out "
                        "waits for a core another process held, or by the wall clock "
                        "(default: cpu, see BENCHMARKS.md)")
    for side in ("baseline", "candidate"):
        parser.add_argument(f"--{side}-env", type=argument_type(_environment),
                            action="append", metavar="KEY=VALUE",
                            help=f"set KEY=VALUE in the {side} worker's environment; "
                            "repeatable (default: this process's environment)")
    parser.add_argument("--json", metavar="OUT",
                        help="also write the verdicts and every round's times as JSON")
    parser.add_argument("--noise-floors", metavar="FILE",
                        help="A/A noise floors to read ('none' for none): they widen the "
                        "interval and raise the threshold (default: "
                        "calibration/bench-noise.json if it exists here)")
    parser.add_argument("--write-noise-floors", metavar="FILE",
                        help="an A/A run (same interpreter and environment on both sides, "
                        "--generations 6 or more): record each benchmark's noise floor, the "
                        "typical offset between two worker processes, in FILE")
    parser.set_defaults(func=lambda args: cmd_bench_ab(sides(args)))
