"""The ``mnist-models`` argument parser: every command, option, default and unit, and the
checks that turn a bad argument into one line and exit code 2 before anything is imported.

Nothing here imports Keras: the model names come from the registry's plain data.
"""

from __future__ import annotations

import argparse
import math
import textwrap
from collections.abc import Callable
from typing import Any

from mnist_models import arguments
from mnist_models.cli import commands
from mnist_models.cli import stats as stats_commands
from mnist_models.spec import ModelSpec

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {' '.join(message.split())}\n")


def _argument_type(check: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type from a check whose ValueError (or KeyError) message is for the user."""

    def convert(text: str) -> Any:
        try:
            return check(text)
        except (ValueError, KeyError) as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = check.__name__
    return convert


@_argument_type
def model_spec(text: str) -> ModelSpec:
    """The edge where a model's name is resolved: commands get its spec, never the name."""
    from mnist_models.zoo.registry import get_spec

    return get_spec(text)


@_argument_type
def positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"expected a positive integer, got {text!r}") from None
    if number < 1:
        raise ValueError(f"expected a positive integer, got {number}")
    return number


@_argument_type
def seed(text: str) -> int:
    expected = f"expected an integer in [0, {arguments.MAX_SEED}]"
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"{expected}, got {text!r}") from None
    if not 0 <= number <= arguments.MAX_SEED:
        raise ValueError(f"{expected}, got {number}")
    return number


@_argument_type
def accuracy(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected a number in (0, 1], got {text!r}") from None
    if math.isnan(number) or not 0 < number <= 1:
        raise ValueError(f"expected an accuracy in (0, 1], got {number}")
    return number


@_argument_type
def threshold(text: str) -> float:
    from mnist_models.bench.compare import parse_threshold

    try:
        return parse_threshold(text)
    except ValueError as error:
        raise ValueError(str(error).removeprefix("threshold: ")) from None


@_argument_type
def margin(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected a fraction in [0, 1), got {text!r}") from None
    if math.isnan(number) or not 0 <= number < 1:
        raise ValueError(f"expected a fraction in [0, 1), got {number}")
    return number


def _models_epilog() -> str:
    """The zoo, one line a model, with the budget its recipe trains by default."""
    from mnist_models.zoo.registry import all_specs

    lines = ["models (NAME), with the budget and batch size of their document's recipe:"]
    for spec in all_specs():
        lines.append(f"  {spec.name:<13} {spec.recipe.budget():>10}, batch "
                     f"{spec.recipe.batch_size:<4} {spec.description}")
    return "\n".join(lines)


def _add(commands_: argparse._SubParsersAction, name: str, help_text: str,
         epilog: str | None = None) -> argparse.ArgumentParser:
    # Raw, so the models' table in the epilog keeps its columns; the description is wrapped
    # here instead.
    return commands_.add_parser(name, help=help_text, description=textwrap.fill(help_text, 79),
                                epilog=epilog,
                                formatter_class=argparse.RawDescriptionHelpFormatter)


def _names(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument("specs", nargs="*", type=model_spec, metavar="NAME",
                        help=f"models to {verb} (default: every model; see "
                        "`mnist-models list`)")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; ``parse_args`` sets ``func`` to the command to run."""
    parser = _Parser(prog="mnist-models", description="A regression and benchmark suite for "
                     "a zoo of Keras MNIST classifiers. Exit codes: 0 success, 1 a failed "
                     "check or a regression, 2 bad input, 130 interrupted.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                metavar="COMMAND")

    listing = _add(sub, "list", "list the zoo: model, document, params, reported accuracy")
    listing.add_argument("--json", action="store_true",
                         help="print one JSON array on stdout (default: a table)")
    listing.set_defaults(func=commands.cmd_list)

    summary = _add(sub, "summary", "a model's layer table beside its document's; exit 1 if "
                   "they differ", epilog=_models_epilog())
    summary.add_argument("spec", type=model_spec, metavar="NAME", help="the model")
    summary.set_defaults(func=commands.cmd_summary)

    train = _add(sub, "train", "train a model by its document's recipe, then evaluate it on "
                 "the 10,000 test images", epilog=_models_epilog())
    train.add_argument("spec", type=model_spec, metavar="NAME", help="the model (below)")
    budget = train.add_mutually_exclusive_group()
    budget.add_argument("--epochs", type=positive_int, metavar="N",
                        help="train N epochs, passes over the training set (default: the "
                        "recipe's budget, below)")
    budget.add_argument("--steps", type=positive_int, metavar="N",
                        help="train exactly N optimizer steps, batches of the recipe's size "
                        "(default: the recipe's budget)")
    train.add_argument("--seed", type=seed, default=0, metavar="N",
                       help=f"seed of the initial weights, shuffling and dropout, an integer "
                       f"in [0, {arguments.MAX_SEED}] (default: 0)")
    train.add_argument("--target-accuracy", type=accuracy, metavar="A",
                       help="stop at the first test evaluation (four an epoch) with accuracy "
                       ">= A, a fraction in (0, 1]; exit 1 if the budget ends first (default: "
                       "none, train the whole budget)")
    train.add_argument("--json", action="store_true",
                       help="print the result as one JSON object on stdout (default: one line "
                       "of text)")
    train.add_argument("--plot", metavar="DIR",
                       help="write NAME_loss.png, NAME_accuracy.png (against optimizer steps) "
                       "and NAME_confusion.png into DIR, created if missing (default: none)")
    train.set_defaults(func=commands.cmd_train)

    check = _add(sub, "check", "the main job: each model's layer table against its document "
                 "and its short accuracy gate, one table; exit 1 on any failure")
    _names(check, "check")
    check.set_defaults(func=commands.cmd_check)

    reproduce = _add(sub, "reproduce", "train each document's full recipe and compare with "
                     "its reported test accuracy; exit 1 if one falls short (minutes to half "
                     "an hour a model on a CPU)")
    _names(reproduce, "reproduce")
    reproduce.add_argument("--seed", type=seed, default=0, metavar="N",
                           help=f"seed of every run, an integer in [0, {arguments.MAX_SEED}] "
                           "(default: 0)")
    reproduce.add_argument("--markdown", metavar="FILE",
                           help="also write the comparison table as Markdown to FILE (as "
                           "REPRODUCTION.md); checked before the first model trains, replaced "
                           "only when the last has (default: none)")
    stored = reproduce.add_mutually_exclusive_group()
    stored.add_argument("--results", metavar="FILE",
                        help="also keep each run in the JSON record FILE, beside the runs of "
                        "other models there (default: none)")
    stored.add_argument("--from-results", metavar="FILE",
                        help="train nothing: judge the runs stored in FILE (as "
                        "calibration/reproduction.json) and write --markdown from them "
                        "(default: train)")
    reproduce.set_defaults(func=commands.cmd_reproduce)

    fingerprint = _add(sub, "fingerprint", "the same weights give the same numbers: each "
                       "model's fingerprint against its golden; exit 1 if one moved")
    _names(fingerprint, "fingerprint")
    action = fingerprint.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true",
                        help="store these fingerprints as the goldens (after a deliberate "
                        "change); prints how far each moved from the old ones (default: "
                        "compare only)")
    action.add_argument("--calibrate", metavar="ENV",
                        help="record this environment's deviations from the goldens under the "
                        "name ENV in fingerprint-deviations.json (default: compare only)")
    action.add_argument("--tolerance-table", action="store_true",
                        help="print the README's table of calibrated deviations and "
                        "tolerances (default: compare)")
    fingerprint.add_argument("--all-paths", action="store_true",
                             help="with --calibrate: measure on every code path this CPU can "
                             "take (oneDNN, XLA or ATen ISA caps), one child process each "
                             "(default: the path this process is on)")
    fingerprint.add_argument("--measurements", metavar="FOLDER",
                             help="with --write or --calibrate: the folder to write the goldens "
                             "or deviations into (default: the checkout's "
                             "mnist_models/measurements; an installed package is never "
                             "written into)")
    fingerprint.set_defaults(func=commands.cmd_fingerprint)

    compare = _add(sub, "bench-compare", "flag slowdowns between two benchmark runs; exit 1 "
                   "on a regression")
    compare.add_argument("baseline", metavar="BASELINE.json",
                         help="pytest-benchmark JSON of the earlier run, saved with "
                         "--benchmark-save-data")
    compare.add_argument("current", metavar="CURRENT.json",
                         help="pytest-benchmark JSON of the run to check, saved the same way")
    compare.add_argument("--threshold", type=threshold, default="10%", metavar="PCT",
                         help="slowdown of the median round time to flag, in percent: 10 or "
                         "10%% (a value under 1 without %% is refused as ambiguous) "
                         "(default: 10%%)")
    compare.add_argument("--allow-missing", action="store_true",
                         help="compare what both files hold, and exit 0 although some "
                         "benchmark is in only one of them (default: name them, exit 1)")
    compare.set_defaults(func=commands.cmd_bench_compare)

    from mnist_models.cli.bench_ab_args import add_bench_ab

    add_bench_ab(sub, _add, _argument_type, threshold)

    report = _add(sub, "bench-report", "samples/s per model, phase and batch size across "
                  "benchmark runs, as a Markdown table on stdout")
    report.add_argument("files", nargs="+", metavar="FILE",
                        help="pytest-benchmark JSON files, one per run")
    report.add_argument("--chart", metavar="PNG",
                        help="also draw the samples/s as a bar chart into the PNG file PNG "
                        "(default: no chart)")
    report.set_defaults(func=commands.cmd_bench_report)

    from mnist_models.cli import calibrate as calibrate_command
    from mnist_models.cli import doc_tables

    calibrate_command.add_parser(sub, _add, model_spec, positive_int)
    doc_tables.add_parsers(sub, _add, listing, model_spec)
    stats_commands.add_commands(sub, _add, _names, positive_int, accuracy, margin)
    return parser
