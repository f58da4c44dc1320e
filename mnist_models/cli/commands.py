"""What each ``mnist-models`` command does, once :mod:`mnist_models.cli.app` has checked its
arguments and output paths.

Each command imports what it needs when it runs: ``list`` and the argument checks never import
Keras (or TensorFlow), the commands that train do. A bad file or bad data met while a command
runs is raised, and :func:`mnist_models.cli.app.main` turns it into one line and exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator, Sequence


def _print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    from mnist_models.text_table import aligned

    print(aligned(header, rows))


def cmd_list(args: argparse.Namespace) -> int:
    from mnist_models.zoo.registry import all_specs

    specs = all_specs()
    if args.json:
        print(json.dumps([
            {"model": s.name, "document": str(s.document), "params": s.total_params,
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
    from mnist_models.zoo.architecture import layer_table, table_mismatches
    from mnist_models.zoo.registry import build

    spec = args.spec
    model = build(spec, seed=0)
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
    from mnist_models.training.train import train

    with _progress_to(args.json) as verbose:
        result = train(args.spec, epochs=args.epochs, steps=args.steps, seed=args.seed,
                       target_accuracy=args.target_accuracy, verbose=verbose)
    if args.plot:
        from mnist_models.data.mnist import load_mnist
        from mnist_models.data.recipe_arrays import prepare
        from mnist_models.training.plots import write_plots

        _, (x_test, _) = prepare(args.spec.recipe)
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


def _environment_line() -> str:
    """The header of a report: versions, CPU and the kernels' code path it ran on."""
    from mnist_models.backend import code_paths, compat

    versions = compat.versions()
    backend = versions["backend"]
    return (f"keras {versions['keras']}, {backend} {versions.get(backend, '')} on "
            f"{code_paths.summary(code_paths.describe(backend))}")


def cmd_check(args: argparse.Namespace) -> int:
    from mnist_models.gates.gate import gate_threshold, run_gate
    from mnist_models.zoo.architecture import table_mismatches
    from mnist_models.zoo.registry import all_specs, build

    specs = args.specs or all_specs()
    print(_environment_line())
    rows, failed = [], False
    for index, spec in enumerate(specs, 1):
        name = spec.name
        print(f"[{index}/{len(specs)}] {name}: checking architecture and training its gate",
              file=sys.stderr, flush=True)
        problems = table_mismatches(build(spec, seed=0), spec)
        result = run_gate(spec)
        threshold = gate_threshold(spec)
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
    from mnist_models.reproduction.reproduce import reproduce

    return reproduce(args.specs or None, markdown_path=args.markdown, seed=args.seed,
                     results_path=args.results, from_results=args.from_results)


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from mnist_models.fingerprints import check as fingerprint_check
    from mnist_models.zoo.registry import builtin_models, get_spec, list_models

    # Tolerances are measured per tox environment for the zoo's own models (a plugin's model
    # is held to the floors), and the README's table is theirs: an installed plugin changes
    # neither.
    default = builtin_models() if args.tolerance_table or args.calibrate else list_models()
    specs = args.specs or [get_spec(name) for name in default]
    command = "mnist-models fingerprint " + " ".join(sys.argv[2:])
    # A missing or broken golden file is a GoldenError: main() makes it one line, exit 2.
    if args.tolerance_table:
        from mnist_models.fingerprints import tolerances
        from mnist_models.fingerprints.compute import all_golden_keys

        keys = [key for spec in specs for key in all_golden_keys(spec)]
        print(tolerances.markdown(tolerances.read_calibration(), keys), end="")
        return 0
    if args.write:
        rows, written = fingerprint_check.write(specs, command, args.measurements)
        print(fingerprint_check.table(rows) if rows else "no earlier goldens to compare")
        print(f"wrote {len(written)} golden(s): {', '.join(written) or 'none'}")
        return 0
    if args.all_paths and not args.calibrate:
        raise ValueError("fingerprint --all-paths: expected --calibrate ENV beside it")
    if args.calibrate and args.all_paths:
        return fingerprint_check.calibrate_all_paths([s.name for s in args.specs or []],
                                                     args.calibrate, args.measurements)
    if args.calibrate:
        rows = fingerprint_check.calibrate(specs, args.calibrate, command, args.measurements)
        print(fingerprint_check.table(rows))
        print(f"recorded {args.calibrate}'s deviations for {len(specs)} model(s)")
        return 0
    rows, status = fingerprint_check.check(specs)
    print(fingerprint_check.table(rows))
    moved = sorted({row.deviation.model for row in rows if row.moved})
    print(f"MOVED: {', '.join(moved)}" if moved else "every fingerprint matches its golden")
    return status


def cmd_bench_compare(args: argparse.Namespace) -> int:
    from mnist_models.bench.compare import compare_files, report_lines, table

    # The threshold was parsed with the arguments; a broken file is a BaselineError (main).
    report = compare_files(args.baseline, args.current, args.threshold)
    print(table(report.results, args.threshold))
    lines, code = report_lines(report, args.allow_missing)
    print("\n".join(lines))
    return code


def cmd_bench_report(args: argparse.Namespace) -> int:
    from mnist_models.bench.report import chart, collect, markdown

    labels, rows = collect(args.files)  # every file checked before anything is written
    if args.chart:
        print(f"chart: {chart(labels, rows, args.chart)}", file=sys.stderr)
    print(markdown(labels, rows), end="")
    return 0
