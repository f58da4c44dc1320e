"""The ``mnist-models`` command line: the same functions the tests call, for a person."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator, Sequence

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


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {number}")
    return number


def _accuracy(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {value!r}") from None
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError(f"expected an accuracy in (0, 1], got {number}")
    return number


def _writable_folder(value: str) -> str:
    from mnist_models.plots import check_writable

    try:
        check_writable(value)
    except PermissionError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


@contextlib.contextmanager
def _progress_to(json_output: bool) -> Iterator[int]:
    """Keras verbosity for a run: a progress bar on a terminal, never mixed into JSON.

    Keras writes its bar to stdout; with ``--json`` it is sent to stderr instead, so stdout
    holds the JSON alone.
    """
    stream = sys.stderr if json_output else sys.stdout
    if not stream.isatty():
        yield 0
    elif json_output:
        with contextlib.redirect_stdout(sys.stderr):
            yield 1
    else:
        yield 1


def cmd_train(args: argparse.Namespace) -> int:
    from mnist_models.training import train

    with _progress_to(args.json) as verbose:
        result = train(args.name, epochs=args.epochs, steps=args.steps, seed=args.seed,
                       target_accuracy=args.target_accuracy, verbose=verbose)
    if args.plot:
        from mnist_models.data import load_mnist
        from mnist_models.plots import write_plots
        from mnist_models.registry import get_spec
        from mnist_models.training import prepare

        _, (x_test, _) = prepare(get_spec(args.name).recipe)
        _, (_, labels) = load_mnist()
        predicted = result.keras_model.predict(x_test, batch_size=1000, verbose=0).argmax(1)
        written = write_plots(result, labels, predicted, args.plot)
        print("plots: " + ", ".join(str(p) for p in written), file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        reached = ""
        if result.reached_target is not None:
            outcome = "reached" if result.reached_target else "NOT reached"
            reached = f", target {result.target_accuracy} {outcome}"
        print(f"{result.model}: test accuracy {result.test_accuracy:.4f}, loss "
              f"{result.test_loss:.4f}, {result.steps} steps, {result.samples:,} samples, "
              f"{result.seconds:.1f} s, seed {result.seed}{reached}")
    return 0 if result.reached_target in (None, True) else 1


def cmd_check(args: argparse.Namespace) -> int:
    from mnist_models.architecture import table_mismatches
    from mnist_models.gates import gate_threshold, run_gate
    from mnist_models.registry import build, get_spec, list_models

    names = args.names or list_models()
    rows, failed = [], False
    for index, name in enumerate(names, 1):
        spec = get_spec(name)
        print(f"[{index}/{len(names)}] {name}: checking architecture and training its gate",
              file=sys.stderr, flush=True)
        problems = table_mismatches(build(name, seed=0), spec)
        result = run_gate(name)
        threshold = gate_threshold(name)
        passed = result.test_accuracy >= threshold
        failed |= bool(problems) or not passed
        rows.append([name, f"{spec.total_params:,}", "ok" if not problems else "DIFFERS",
                     f"{result.test_accuracy:.4f}", f"{threshold:.3f}",
                     "ok" if passed else "BELOW", f"{result.seconds:.1f}"])
        for problem in problems:
            print(f"{name}: {problem}", file=sys.stderr)
    _print_table(["model", "params", "vs document", "gate acc", "threshold", "gate", "seconds"],
                 rows)
    print("FAILED" if failed else "all models match their documents and pass their gates")
    return 1 if failed else 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    from mnist_models.reproduction import reproduce

    return reproduce(args.names or None, markdown_path=args.markdown, seed=args.seed)


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from mnist_models import fingerprint_check
    from mnist_models.goldens import GoldenError
    from mnist_models.registry import get_spec, list_models

    specs = [get_spec(name) for name in args.names or list_models()]
    command = "mnist-models fingerprint " + " ".join(sys.argv[2:])
    try:
        if args.tolerance_table:
            from mnist_models import tolerances
            from mnist_models.fingerprint import all_golden_keys

            keys = [key for spec in specs for key in all_golden_keys(spec)]
            print(tolerances.markdown(tolerances.read_calibration(), keys), end="")
            return 0
        if args.write:
            rows, written = fingerprint_check.write(specs, command)
            print(fingerprint_check.table(rows) if rows else "no earlier goldens to compare")
            print(f"wrote {len(written)} golden(s): {', '.join(written) or 'none'}")
            return 0
        if args.calibrate:
            rows = fingerprint_check.calibrate(specs, args.calibrate, command)
            print(fingerprint_check.table(rows))
            print(f"recorded {args.calibrate}'s deviations for {len(specs)} model(s)")
            return 0
        rows, status = fingerprint_check.check(specs)
    except GoldenError as error:
        print(f"mnist-models fingerprint: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(fingerprint_check.table(rows))
    moved = sorted({row.deviation.model for row in rows if row.moved})
    print(f"MOVED: {', '.join(moved)}" if moved else "every fingerprint matches its golden")
    return status


def cmd_bench_compare(args: argparse.Namespace) -> int:
    from mnist_models.bench_compare import compare, parse_threshold, table

    try:
        threshold = parse_threshold(args.threshold)
        results = compare(args.baseline, args.current, threshold)
    except ValueError as error:  # BaselineError included
        print(f"mnist-models bench-compare: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(table(results, threshold))
    regressions = [r.name for r in results if r.regression]
    print(f"{len(regressions)} regression(s) of {len(results)} benchmarks"
          + (": " + ", ".join(regressions) if regressions else ""))
    return 1 if regressions else 0


def cmd_bench_report(args: argparse.Namespace) -> int:
    from mnist_models.bench_compare import BaselineError
    from mnist_models.bench_report import chart, collect, markdown

    try:
        labels, rows = collect(args.files)
    except BaselineError as error:
        print(f"mnist-models bench-report: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(markdown(labels, rows), end="")
    if args.chart:
        print(f"chart: {chart(labels, rows, args.chart)}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mnist-models", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    listing = commands.add_parser("list", help="list the zoo")
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
    listing.set_defaults(func=cmd_list)

    summary = commands.add_parser("summary", help="a model's layer table beside its document's")
    summary.add_argument("name", type=_model_name)
    summary.set_defaults(func=cmd_summary)

    train = commands.add_parser("train", help="train a model by its document's recipe")
    train.add_argument("name", type=_model_name)
    budget = train.add_mutually_exclusive_group()
    budget.add_argument("--epochs", type=_positive_int)
    budget.add_argument("--steps", type=_positive_int)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--target-accuracy", type=_accuracy, default=None)
    train.add_argument("--json", action="store_true", help="one JSON object on stdout")
    train.add_argument("--plot", type=_writable_folder, metavar="DIR",
                       help="write training curves and the confusion matrix as PNGs")
    train.set_defaults(func=cmd_train)

    check = commands.add_parser(
        "check", help="the main job: architecture tables and accuracy gates, one table")
    check.add_argument("names", nargs="*", type=_model_name, metavar="NAME")
    check.set_defaults(func=cmd_check)

    reproduce = commands.add_parser("reproduce", help="each document's full recipe")
    reproduce.add_argument("names", nargs="*", type=_model_name, metavar="NAME")
    reproduce.add_argument("--seed", type=int, default=0)
    reproduce.add_argument("--markdown", metavar="FILE",
                           help="write the comparison table (REPRODUCTION.md)")
    reproduce.set_defaults(func=cmd_reproduce)

    fingerprint = commands.add_parser(
        "fingerprint", help="the same weights give the same numbers: fingerprints vs goldens")
    fingerprint.add_argument("names", nargs="*", type=_model_name, metavar="NAME",
                             help="models to fingerprint (default: every model)")
    action = fingerprint.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true",
                        help="store these fingerprints as the goldens (after a deliberate "
                        "change); prints how far each moved from the old ones")
    action.add_argument("--calibrate", metavar="ENV",
                        help="record this environment's deviations from the goldens under ENV "
                        "in calibration/fingerprints.json")
    action.add_argument("--tolerance-table", action="store_true",
                        help="print the README's table of calibrated deviations and tolerances")
    fingerprint.set_defaults(func=cmd_fingerprint)

    compare = commands.add_parser("bench-compare", help="flag slowdowns between two runs")
    compare.add_argument("baseline", metavar="BASELINE.json")
    compare.add_argument("current", metavar="CURRENT.json")
    compare.add_argument("--threshold", default="10%", help="slowdown to flag (default 10%%)")
    compare.set_defaults(func=cmd_bench_compare)

    report = commands.add_parser("bench-report", help="samples/s across benchmark runs")
    report.add_argument("files", nargs="+", metavar="FILE")
    report.add_argument("--chart", metavar="PNG", default="bench-report.png")
    report.set_defaults(func=cmd_bench_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
