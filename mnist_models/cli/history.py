"""``mnist-models history record|show|detect|publish``: every run remembered, its change points
found, and a dashboard.

The store is ``--history`` (a file path, ``sqlite:///PATH`` or ``postgresql://...``), else
``$MNIST_MODELS_HISTORY``, else one SQLite file per user (``~/.local/share/mnist-models``).
Every file and the store are checked before anything is written: a bad one is one line and
exit 2, and the history stays as it was.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from mnist_models import outputs
from mnist_models.cli.common_args import add_command, p_value
from mnist_models.text_table import aligned

#: What the history commands import, from the ``history`` extra.
NEEDS = ("sqlalchemy", "otava", "matplotlib")


def _check_extra() -> None:
    missing = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        raise outputs.OutputError(f"history needs {', '.join(missing)}, which is not installed; "
                                  "expected pip install 'mnist-models[history]'")


def cmd_record(args: argparse.Namespace) -> int:
    from mnist_models.history import ingest, store

    runs = [ingest.read(path) for path in args.files]  # every file, before any write
    history = store.open_store(args.history)
    try:
        for run in runs:
            history.add(run)
    finally:
        history.close()
    points = sum(len(run.points) for run in runs)
    print(f"recorded {len(runs)} run(s), {points} point(s), into {store.shown(history.url)}")
    return 0


def _series(args: argparse.Namespace) -> list:
    from mnist_models.history import store, summary

    history = store.open_store(args.history, create=False)
    try:
        runs = history.read()
    finally:
        history.close()
    items = summary.series(runs, max_pvalue=args.max_pvalue)
    if getattr(args, "models", None):
        items = [item for item in items if item.model in args.models.split(",")]
    return [runs, items]


def cmd_show(args: argparse.Namespace) -> int:
    from mnist_models.history import summary

    runs, items = _series(args)
    print(aligned(["series", "environment", "runs", "newest", "trend (last 10)",
                   "last change point", ""], summary.rows(items)))
    print(f"{len(runs)} runs, {len(items)} series")
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    from mnist_models.history import summary

    _, items = _series(args)
    rows = [[item.name, item.environment, summary.describe_change(item, change),
             "regression" if change.regression else "improvement",
             "OPEN" if change is item.open_regression else ""]
            for item in items for change in item.changes]
    print(aligned(["series", "environment", "change point", "direction", ""], rows))
    opened = [item for item in items if item.open_regression]
    for item in opened:
        print(f"open regression: {item.name} ({item.environment}): "
              f"{summary.describe_change(item, item.open_regression)}", file=sys.stderr)
    return 1 if opened else 0


def cmd_publish(args: argparse.Namespace) -> int:
    from mnist_models.history import publish

    outputs.check_folder(args.folder, "publish folder")
    runs, items = _series(args)
    written = publish.write(args.folder, publish.site(runs, items))
    print(f"{len(written)} pages in {args.folder} ({len(items)} series)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``history`` and its subcommands to the ``mnist-models`` parser."""
    parser = add_command(sub, "history", "a history of every run (SQLite or PostgreSQL), its "
                         "change points and a dashboard")
    commands = parser.add_subparsers(dest="history_command", required=True,
                                     parser_class=type(parser), metavar="SUBCOMMAND")
    for name, help_text, func in (
            ("record", "store benchmark JSON, converge and compare records", cmd_record),
            ("show", "per series: newest value, trend, last change point", cmd_show),
            ("detect", "change points per series; exit 1 on an open regression", cmd_detect),
            ("publish", "write the static dashboard into a folder", cmd_publish)):
        command = add_command(commands, name, help_text)
        command.add_argument("--history", metavar="PATH_OR_URL",
                             help="a SQLite file, sqlite:///PATH or postgresql://... "
                             "(default: $MNIST_MODELS_HISTORY, else "
                             "~/.local/share/mnist-models/history.sqlite)")
        command.set_defaults(func=lambda args, func=func: (_check_extra(), func(args))[1])
        if name != "record":
            command.add_argument("--max-pvalue", type=p_value, default=0.001, metavar="P",
                                 help="significance a change point must reach; 0.0001 keeps "
                                 "false ones under 1 per 100 runs, at a lower detection rate "
                                 "(docs/history.md) (default: 0.001)")
        if name == "record":
            command.add_argument("files", nargs="+", metavar="FILE",
                                 help="pytest-benchmark JSON, converge or compare records")
            continue
        if name == "publish":
            command.add_argument("folder", metavar="OUT", help="the site's folder, created "
                                 "if needed; its pages are replaced all at once")
        command.add_argument("--models", metavar="A,B",
                             help="only these models' series (default: every series)")
