"""``list``, ``summary``, ``train`` and ``check``: the zoo, one model, one run, the main job."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator, Sequence

from mnist_models import arguments
from mnist_models.cli.common_args import (
    accuracy,
    add_command,
    add_model_names,
    model_spec,
    models_epilog,
    positive_int,
    seed,
)


def _print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    from mnist_models.text_table import aligned

    print(aligned(header, rows))

def cmd_list(args: argparse.Namespace) -> int:
    from mnist_models.zoo.registry import all_specs

    if args.markdown_table:
        from mnist_models.cli.doc_tables import zoo_markdown, zoo_specs

        print(zoo_markdown(zoo_specs()), end="")
        return 0
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

def read_gates(args: argparse.Namespace) -> None:
    """``check``'s preflight: every chosen model's gate calibration is read (and its budget
    compared) before MNIST is loaded or Keras imported, so a missing or broken one is one
    line at once, not after seconds of imports."""
    from mnist_models.gates import calibration
    from mnist_models.zoo.registry import all_specs

    for spec in args.specs or all_specs():
        if spec.gate is not None:
            calibration.calibrated(spec.gate, "tensorflow")


def cmd_check(args: argparse.Namespace) -> int:
    from mnist_models.gates.gate import gate_bounds, run_gate
    from mnist_models.gates.threshold import verdict_from
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
        low, high = gate_bounds(spec)
        gate = verdict_from(result.test_accuracy, (low, high))  # the band just read
        failed |= bool(problems) or gate != "ok"
        rows.append([name, f"{spec.total_params:,}", "ok" if not problems else "DIFFERS",
                     f"{result.test_accuracy:.4f}", f"{low:.3f}-{high:.3f}", gate,
                     f"{result.seconds:.1f}"])
        for problem in problems:
            print(f"{name}: {problem}", file=sys.stderr)
    _print_table(["model", "params", "vs document", "gate acc", "gate band", "gate", "seconds"],
                 rows)
    print("FAILED" if failed else "all models match their documents and pass their gates")
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``list``, ``summary``, ``train`` and ``check`` to the ``mnist-models`` parser."""
    listing = add_command(sub, "list", "list the zoo: model, document, params, reported accuracy")
    listing.add_argument("--json", action="store_true",
                         help="print one JSON array on stdout (default: a table)")
    listing.add_argument("--markdown", action="store_true", dest="markdown_table",
                         help="print README.md's zoo table of the zoo's own models, as "
                         "Markdown (default: a table of every registered model)")
    listing.set_defaults(func=cmd_list)

    summary = add_command(sub, "summary", "a model's layer table beside its document's; exit 1 if "
                   "they differ", epilog=models_epilog())
    summary.add_argument("spec", type=model_spec, metavar="NAME", help="the model")
    summary.set_defaults(func=cmd_summary)

    train = add_command(sub, "train", "train a model by its document's recipe, then evaluate it on "
                 "the 10,000 test images", epilog=models_epilog())
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
    train.set_defaults(func=cmd_train)

    check = add_command(sub, "check", "the main job: each model's layer table against its document "
                 "and its short accuracy gate, one table; exit 1 on any failure")
    add_model_names(check, "check")
    check.set_defaults(func=cmd_check, preflight=read_gates)
