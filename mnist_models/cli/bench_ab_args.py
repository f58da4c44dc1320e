"""bench-ab's command line: its arguments, their checks, and the two sides they describe.

Every argument is checked here, before a worker starts: a bad one is one line and exit 2.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

from mnist_models.bench.ab.client import Side
from mnist_models.bench.ab.run import CLOCKS, DEFAULT_GENERATIONS, MIN_ROUNDS, MODES
from mnist_models.bench.worker import PHASES

DEFAULT_BUDGET = 180.0


def _seconds(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected a number of seconds, got {text!r}") from None
    if not number > 0 or math.isinf(number):
        raise ValueError(f"expected a positive number of seconds, got {text!r}")
    return number


def _specs(text: str) -> list[Any]:
    from mnist_models.zoo.registry import get_spec

    return [get_spec(name.strip()) for name in text.split(",")]  # resolved once, here


def _phases(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    for name in names:
        if name not in PHASES:
            raise ValueError(f"unknown phase {name!r}; expected some of {', '.join(PHASES)}")
    return names


def _environment(text: str) -> tuple[str, str]:
    key, equals, value = text.partition("=")
    if not equals or not key or any(c in key for c in " \t"):
        raise ValueError(f"expected KEY=VALUE, got {text!r}")
    return key, value



def sides(args: argparse.Namespace) -> argparse.Namespace:
    args.baseline_side = Side("baseline", args.baseline_python, dict(args.baseline_env or []))
    args.candidate_side = Side("candidate", args.candidate_python,
                               dict(args.candidate_env or []))
    return args


def add_bench_ab(sub: Any, add: Callable[..., argparse.ArgumentParser],
                 argument_type: Callable[[Callable[[str], Any]], Callable[[str], Any]],
                 threshold: Callable[[str], float]) -> None:
    """Register ``bench-ab`` on the subcommands ``sub``."""
    from mnist_models.cli import bench_ab as bench_ab_command
    from mnist_models.cli.parser import positive_int
    from mnist_models.zoo.registry import list_models

    parser = add(sub, "bench-ab", "compare two Python environments side by side in one "
                 "session: generations of worker pairs, rounds paired by time slot, an "
                 "interval per benchmark; exit 1 on a regression")
    parser.add_argument("baseline_python", metavar="BASELINE_PYTHON",
                        help="interpreter of the baseline side, with mnist-models importable")
    parser.add_argument("candidate_python", metavar="CANDIDATE_PYTHON",
                        help="interpreter of the candidate side (the same one to measure the "
                        "A/A noise floor)")
    parser.add_argument("--models", type=argument_type(_specs), metavar="A,B",
                        default=",".join(list_models()),
                        help="comma-separated models (default: every registered model)")
    parser.add_argument("--phases", type=argument_type(_phases), metavar="P,Q",
                        default=",".join(PHASES),
                        help=f"comma-separated phases among {', '.join(PHASES)} (default: "
                        "all three)")
    parser.add_argument("--threshold", type=threshold, default="5%", metavar="PCT",
                        help="slowdown to flag, in percent: 5 or 5%% (a value under 1 "
                        "without %% is refused as ambiguous); raised per benchmark to twice "
                        "its noise floor where that is larger (default: 5%%)")
    parser.add_argument("--time-budget", type=argument_type(_seconds),
                        default=DEFAULT_BUDGET, metavar="SECONDS",
                        help="seconds of timed rounds, after the warm-ups, shared among the "
                        f"generations (default: {DEFAULT_BUDGET:.0f}; at least {MIN_ROUNDS} "
                        "rounds run per generation)")
    parser.add_argument("--generations", type=positive_int,
                        default=DEFAULT_GENERATIONS, metavar="N",
                        help="fresh pairs of worker processes started in turn, each warmed up "
                        "and timed for its share of the budget: two processes of one "
                        "interpreter can differ for their whole life, and the interval counts "
                        f"that (default: {DEFAULT_GENERATIONS}; more for --write-noise-floors, "
                        "see BENCHMARKS.md)")
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
    parser.set_defaults(func=lambda args: bench_ab_command.cmd_bench_ab(sides(args)))
