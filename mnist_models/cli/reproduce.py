"""``reproduce``: each document's full recipe against its reported accuracy."""

from __future__ import annotations

import argparse

from mnist_models import arguments
from mnist_models.cli.common_args import (
    add_command,
    add_model_names,
    seed,
)


def cmd_reproduce(args: argparse.Namespace) -> int:
    from mnist_models.reproduction.reproduce import reproduce

    return reproduce(args.specs or None, markdown_path=args.markdown, seed=args.seed,
                     results_path=args.results, from_results=args.from_results)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``reproduce`` to the ``mnist-models`` parser."""
    reproduce = add_command(sub, "reproduce", "train each document's full recipe and compare with "
                     "its reported test accuracy; exit 1 if one falls short (minutes to half "
                     "an hour a model on a CPU)")
    add_model_names(reproduce, "reproduce")
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
    reproduce.set_defaults(func=cmd_reproduce)
