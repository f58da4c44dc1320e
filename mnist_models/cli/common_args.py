"""The command line's shared arguments: one type per kind of value, each a check of
:mod:`mnist_models.arguments` (the API's checks, with the same message for the same mistake),
and the helpers every command registers itself with.

Nothing here imports Keras: the model names come from the registry's plain data.
"""

from __future__ import annotations

import argparse
import math
import textwrap
from collections.abc import Callable
from typing import Any

from mnist_models import arguments
from mnist_models.spec import ModelSpec


def argument_type(check: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type from a check whose ValueError (or KeyError) message is for the user."""

    def convert(text: str) -> Any:
        try:
            return check(text)
        except (ValueError, KeyError) as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = check.__name__
    return convert


@argument_type
def model_spec(text: str) -> ModelSpec:
    """The edge where a model's name is resolved: commands get its spec, never the name."""
    from mnist_models.zoo.registry import get_spec, list_models

    if "/" in text or "\\" in text:
        # What a misplaced interpreter looks like (bench-ab --models A B PY PY).
        raise ValueError(f"expected a model name, got the path {text!r}: interpreters go "
                         "before the model names; models: " + ", ".join(list_models()))
    return get_spec(text)


def _number(text: str, kind: type, expected: str) -> Any:
    """The word ``text`` as a number of ``kind``, or the check's own message for a non-number."""
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"expected {expected}, got {text!r}") from None


@argument_type
def positive_int(text: str) -> int:
    return arguments.positive_count("", _number(text, int, "a positive integer"))


@argument_type
def seed(text: str) -> int:
    return arguments.seed(_number(text, int, f"an integer in [0, {arguments.MAX_SEED}]"), "")


@argument_type
def accuracy(text: str) -> float:
    value = arguments.accuracy("", _number(text, float, "a number in (0, 1]"))
    assert value is not None
    return value


@argument_type
def threshold(text: str) -> float:
    from mnist_models.bench.compare import parse_threshold

    try:
        return parse_threshold(text)
    except ValueError as error:
        raise ValueError(str(error).removeprefix("threshold: ")) from None


@argument_type
def margin(text: str) -> float:
    number = _number(text, float, "a fraction in [0, 1)")
    if math.isnan(number) or not 0 <= number < 1:
        raise ValueError(f"expected a fraction in [0, 1), got {number}")
    return number


def models_epilog() -> str:
    """The zoo, one line a model, with the budget its recipe trains by default."""
    from mnist_models.zoo.registry import all_specs

    lines = ["models (NAME), with the budget and batch size of their document's recipe:"]
    for spec in all_specs():
        lines.append(f"  {spec.name:<13} {spec.recipe.budget():>10}, batch "
                     f"{spec.recipe.batch_size:<4} {spec.description}")
    return "\n".join(lines)


@argument_type
def seconds(text: str) -> float:
    """A positive, finite number of seconds."""
    number = _number(text, float, "a number of seconds")
    if not number > 0 or math.isinf(number):
        raise ValueError(f"expected a positive number of seconds, got {text!r}")
    return number


@argument_type
def p_value(text: str) -> float:
    """A significance level, strictly between 0 and 1."""
    value = _number(text, float, "a p value in (0, 1)")
    if not 0 < value < 1:
        raise ValueError(f"expected a p value in (0, 1), got {value}")
    return value


@argument_type
def phases(text: str) -> list[str]:
    """Comma-separated benchmark phases (:data:`mnist_models.bench.worker.PHASES`)."""
    from mnist_models.bench.worker import PHASES

    names = [name.strip() for name in text.split(",")]
    for name in names:
        if name not in PHASES:
            raise ValueError(f"unknown phase {name!r}; expected some of {', '.join(PHASES)}")
    return names


def add_command(commands_: argparse._SubParsersAction, name: str, help_text: str,
         epilog: str | None = None) -> argparse.ArgumentParser:
    # Raw, so the models' table in the epilog keeps its columns; the description is wrapped
    # here instead.
    return commands_.add_parser(name, help=help_text, description=textwrap.fill(help_text, 79),
                                epilog=epilog,
                                formatter_class=argparse.RawDescriptionHelpFormatter)


@argument_type
def model_list(text: str) -> list[ModelSpec]:
    """``--models A,B``: the same names as the positional form, comma-separated."""
    from mnist_models.zoo.registry import get_spec

    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise ValueError(f"expected model names separated by commas, got {text!r}")
    return [get_spec(name) for name in names]


def add_model_names(parser: argparse.ArgumentParser, verb: str) -> None:
    """The one way every command takes several models: names after the command, or the same
    names as ``--models A,B`` (merged with them by :func:`merge_models`)."""
    parser.add_argument("specs", nargs="*", type=model_spec, metavar="NAME",
                        help=f"models to {verb} (default: every model; see "
                        "`mnist-models list`)")
    parser.add_argument("--models", dest="models_option", type=model_list, metavar="A,B",
                        help="the same models comma-separated, for scripts that build the "
                        "list (default: the NAMEs)")


def merge_models(args: argparse.Namespace) -> None:
    """``args.specs``: the positional names, then ``--models``', each model once."""
    chosen = [*(getattr(args, "specs", None) or []),
              *(getattr(args, "models_option", None) or [])]
    if hasattr(args, "specs"):
        args.specs = list({spec.name: spec for spec in chosen}.values())

