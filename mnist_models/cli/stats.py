"""The commands that measure distributions over seeds: ``converge``, ``converge-compare`` and
``gate-power``. Model names were resolved to specs by the parser's checks; each command
resolves them once, here, and passes the specs on."""

from __future__ import annotations

import argparse
import sys

from mnist_models import arguments
from mnist_models.cli.common_args import (
    accuracy,
    add_command,
    add_model_names,
    margin,
    positive_int,
)


def _command_line(command: str) -> str:
    return " ".join(["mnist-models", command, *sys.argv[2:]])


def _gated_specs(specs: list) -> list:
    from mnist_models.zoo.registry import all_specs

    specs = list(specs) or all_specs()
    ungated = [spec.name for spec in specs if spec.gate is None]
    if ungated:
        raise arguments.ArgumentError(f"{', '.join(ungated)}: expected models with an "
                                      "accuracy gate (its budget is what they train)")
    return specs


def cmd_converge(args: argparse.Namespace) -> int:
    from mnist_models.convergence import record as convergence

    specs = _gated_specs(args.specs)
    record = convergence.measure(specs, args.seeds, args.target_accuracy,
                                 _command_line("converge"))
    convergence.write(record, args.json_out)
    for name, runs in record.models.items():
        accuracies = runs.accuracies()
        print(f"{name}: {runs.budget}, {len(accuracies)} seeds, test accuracy "
              f"{min(accuracies):.4f}-{max(accuracies):.4f}, mean "
              f"{sum(accuracies) / len(accuracies):.4f}")
    print(f"wrote {args.json_out}")
    return 0


def cmd_converge_compare(args: argparse.Namespace) -> int:
    from mnist_models.convergence import record as convergence
    from mnist_models.convergence.compare import compare, report

    paths = (args.baseline, args.candidate)
    baseline, candidate = convergence.read(args.baseline), convergence.read(args.candidate)
    verdicts = compare(baseline, candidate, args.margin, paths)
    print(report(verdicts, args.margin, paths))
    worse = [v.model for v in verdicts if v.verdict == "worse"]
    print(f"WORSE: {', '.join(worse)}" if worse else
          "no model learns worse by more than the margin")
    return 1 if worse else 0


def cmd_gate_power(args: argparse.Namespace) -> int:
    from mnist_models.gates import power as gate_power
    from mnist_models.gates import power_table as gate_power_table

    path = args.file or gate_power.POWER_FILE
    if args.table:
        print(gate_power_table.markdown(gate_power.read(path)), end="")
        return 0
    specs = _gated_specs(args.specs)
    study = gate_power.measure(specs, args.seeds, path, _command_line("gate-power"))
    print(gate_power_table.markdown(study), end="")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``converge``, ``converge-compare`` and ``gate-power`` to the ``mnist-models``
    parser."""
    add, names = add_command, add_model_names
    converge = add(sub, "converge", "train each model's gate budget over N seeds and write "
                   "every run's test accuracy and loss, with versions and machine, as JSON")
    names(converge, "train")
    converge.add_argument("--seeds", type=positive_int, default=10, metavar="N",
                          help="seeds 0..N-1 per model (default: 10)")
    converge.add_argument("--json", dest="json_out", required=True, metavar="OUT",
                          help="the record to write, checked before the first run (default: none, "
                          "required)")
    converge.add_argument("--target-accuracy", type=accuracy, metavar="A",
                          help="also record the training samples to the first test "
                          "evaluation (four an epoch) at or above A (default: none)")
    converge.set_defaults(func=cmd_converge)

    compare = add(sub, "converge-compare", "per model: does the candidate learn worse than "
                  "the baseline by more than a margin (Welch's t over seeds)? exit 1 if so")
    compare.add_argument("baseline", metavar="BASELINE.json", help="a converge record")
    compare.add_argument("candidate", metavar="CANDIDATE.json", help="a converge record")
    compare.add_argument("--margin", type=margin, default=0.0025, metavar="FRACTION",
                         help="accuracy a candidate may lose, a fraction (default: 0.0025, "
                         "a quarter point)")
    compare.set_defaults(func=cmd_converge_compare)

    power = add(sub, "gate-power", "train each gate with one-change recipe breaks over N "
                "seeds, resuming the study file, and print its power and false-failure table")
    names(power, "study")
    power.add_argument("--seeds", type=positive_int, default=3, metavar="N",
                       help="seeds 0..N-1 per model and break (default: 3)")
    power.add_argument("--file", default=None, metavar="JSON",
                       help="the study (default: the shipped gate_power.json)")
    power.add_argument("--table", action="store_true",
                       help="print the docs' table from the study file and train nothing "
                       "(default: run the study)")
    power.set_defaults(func=cmd_gate_power)
