"""The ``mnist-models`` command line: the same functions the tests call, for a person."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _model_name(value: str) -> str:
    from mnist_models.registry import get_spec

    try:
        get_spec(value)
    except KeyError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def _print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for index, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths).rstrip())


def cmd_list(args: argparse.Namespace) -> int:
    from mnist_models.registry import get_spec, list_models

    specs = [get_spec(name) for name in list_models()]
    if args.json:
        print(json.dumps([
            {"model": s.name, "document": s.document, "params": s.total_params,
             "reported_accuracy": s.reported_accuracy, "description": s.description}
            for s in specs
        ]))
        return 0
    _print_table(
        ["model", "doc", "params", "reported acc", "description"],
        [[s.name, s.document, f"{s.total_params:,}", f"{s.reported_accuracy:.4f}",
          s.description] for s in specs],
    )
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from mnist_models.architecture import layer_table, table_mismatches
    from mnist_models.registry import build, get_spec

    spec = get_spec(args.name)
    model = build(spec.name, seed=0)
    built = layer_table(model)
    rows = []
    for index in range(max(len(built), len(spec.layers))):
        got = built[index] if index < len(built) else None
        want = spec.layers[index] if index < len(spec.layers) else None
        rows.append([
            got.name if got else "-", got.kind if got else "-",
            got.output_shape if got else "-", want.output_shape if want else "-",
            f"{got.params:,}" if got else "-", f"{want.params:,}" if want else "-",
            "ok" if got == want else "DIFFERS",
        ])
    print(f"{spec.name}: document {spec.document} ({spec.table_source} table)")
    _print_table(["layer", "type", "built shape", "document shape", "built params",
                  "document params", ""], rows)
    problems = table_mismatches(model, spec)
    print(f"total params {model.count_params():,} (document {spec.total_params:,}, "
          f"non-trainable {spec.non_trainable_params:,})")
    for problem in problems:
        print(f"MISMATCH: {problem}")
    return 1 if problems else 0


def cmd_check(args: argparse.Namespace) -> int:
    from mnist_models.architecture import table_mismatches
    from mnist_models.registry import build, get_spec, list_models

    names = args.names or list_models()
    rows, failed = [], False
    for name in names:
        spec = get_spec(name)
        model = build(name, seed=0)
        problems = table_mismatches(model, spec)
        failed |= bool(problems)
        rows.append([name, f"{model.count_params():,}", f"{spec.total_params:,}",
                     "ok" if not problems else "; ".join(problems)])
    _print_table(["model", "params", "document", "architecture"], rows)
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mnist-models", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    listing = commands.add_parser("list", help="list the zoo")
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
    listing.set_defaults(func=cmd_list)

    summary = commands.add_parser("summary", help="a model's layer table beside its document's")
    summary.add_argument("name", type=_model_name)
    summary.set_defaults(func=cmd_summary)

    check = commands.add_parser("check", help="check models against their documents")
    check.add_argument("names", nargs="*", type=_model_name, metavar="NAME")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
