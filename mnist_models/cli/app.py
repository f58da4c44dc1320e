"""The ``mnist-models`` command line: the same functions the tests call, for a person.

Every argument and output path is checked before any work, and without importing Keras or
TensorFlow, so a usage error, ``list`` and ``--help`` answer at once. Any error is one line on
stderr and exit code 2, never a traceback; a failed check or a found regression is exit code 1;
Ctrl-C is one line and exit code 130. A failed or interrupted run leaves no partial file and
no folder it created (see :mod:`mnist_models.outputs`).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence

from mnist_models import arguments, outputs, paths, records
from mnist_models.backend import quiet
from mnist_models.cli.common_args import merge_models
from mnist_models.cli.parser import EXIT_USAGE, build_parser

__all__ = ["EXIT_INTERRUPTED", "EXIT_USAGE", "build_parser", "main"]

#: 128 + SIGINT: what a shell reports for a program that Ctrl-C stopped.
EXIT_INTERRUPTED = 130
#: Commands that train or run models: MNIST is loaded and verified before their first step.
_USES_DATA = {"train", "check", "reproduce", "fingerprint", "calibrate", "converge",
              "gate-power"}
#: Commands that build models, so import Keras (and TensorFlow); every other one never does.
_USES_KERAS = {"summary", *_USES_DATA}


def _check_outputs(args: argparse.Namespace) -> None:
    """Create and prove every output target before any work (OutputError if one can't be).

    An empty value is a target too (``--plot ""``), refused by name, never read as "none"."""
    for option in ("plot", "chart"):
        # find_spec, not import: matplotlib takes a second to import, and only drawing needs it.
        if getattr(args, option, None) and importlib.util.find_spec("matplotlib") is None:
            raise outputs.OutputError(f"--{option} draws with matplotlib, which is not "
                                      "installed; expected pip install 'mnist-models[cli]'")
    if getattr(args, "plot", None) is not None:
        outputs.check_folder(args.plot, "--plot folder")
    for option, dest in (("markdown", "markdown"), ("chart", "chart"), ("json", "json_out")):
        if getattr(args, dest, None) is not None:
            outputs.check_file(getattr(args, dest), f"--{option} file")


def _user_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean bad input (a file, data, an argument met at run time), not a bug."""
    from mnist_models.bench.ab.client import ABError
    from mnist_models.data.mnist import DataError
    from mnist_models.zoo.registry import PluginError, UnknownModelError

    # Every record's error (goldens, calibrations, benchmark files, studies) is a RecordError.
    return (arguments.ArgumentError, outputs.OutputError, records.RecordError,
            paths.NotWritableError, DataError, UnknownModelError, PluginError, ABError)


def _run(args: argparse.Namespace) -> int:
    merge_models(args)
    with outputs.removing_created_folders_on_error():
        _check_outputs(args)
        # These read a JSON file and train no model.
        light = any(getattr(args, option, None)
                    for option in ("tolerance_table", "table", "from_results"))
        if getattr(args, "preflight", None) is not None:
            args.preflight(args)  # every file the command reads, before data and Keras
        if args.command in _USES_DATA and not light:
            from mnist_models.data.mnist import load_mnist

            load_mnist()  # a damaged MNIST_MODELS_DATA stops the run here, before any model
        if args.command in _USES_KERAS and not light:
            quiet.import_keras_quietly()
        return args.func(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code (usage errors exit 2 from argparse itself)."""
    user_errors = _user_errors()
    try:
        # The help of the commands that take a model lists the registry: a broken plugin is
        # met here.
        args = build_parser().parse_args(argv)
    except user_errors as error:
        print(f"mnist-models: error: {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_USAGE
    prog = f"mnist-models {args.command}"
    try:
        return _run(args)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except user_errors as error:
        # One line: some messages quote a file's content or an OS error over several.
        print(f"{prog}: error: {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_USAGE
