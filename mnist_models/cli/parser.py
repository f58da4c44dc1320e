"""The ``mnist-models`` argument parser: every command registers itself here the same way.

Each command module of this package has ``register(sub)``, which adds its subcommand(s) with
:func:`~mnist_models.cli.common_args.add_command` and sets ``func``, the function to run. A
usage error is one line and exit code 2. Nothing here imports Keras.
"""

from __future__ import annotations

import argparse

from mnist_models.cli import (
    bench,
    bench_ab,
    calibrate,
    compare,
    doc_tables,
    fingerprint,
    history,
    models,
    reproduce,
    stats,
)

EXIT_USAGE = 2
#: In the order ``mnist-models --help`` lists them.
COMMANDS = (compare, history, models, reproduce, fingerprint, bench, bench_ab, stats,
            calibrate, doc_tables)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        commands = self._subcommands()
        if commands and "required: COMMAND" in message:
            # `mnist-models` alone: say what it takes, in the one line a usage error gets.
            message = (f"expected a command, one of: {', '.join(commands)} (mnist-models "
                       "COMMAND --help for its options)")
        self.exit(EXIT_USAGE, f"{self.prog}: error: {' '.join(message.split())}\n")

    def _subcommands(self) -> list[str]:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return list(action.choices)
        return []


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; ``parse_args`` sets ``func`` to the command to run."""
    parser = Parser(prog="mnist-models", description="A regression and benchmark suite for "
                    "a zoo of Keras MNIST classifiers. Exit codes: 0 success, 1 a failed "
                    "check or a regression, 2 bad input, 130 interrupted.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser,
                                metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser
