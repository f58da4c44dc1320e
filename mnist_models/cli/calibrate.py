"""``mnist-models calibrate NAME``: ready a model's committed measurements in one command.

It trains the model's gate budget over seeds 0..N-1 and records every accuracy, with this
run's provenance, in the model's gate calibration (:mod:`mnist_models.gates.calibration`), where
its spec reads the threshold from; then it writes the model's fingerprint golden
(``mnist-models fingerprint NAME --write``). Other models' entries are left as they are.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mnist_models import arguments, outputs, paths
from mnist_models.spec import ModelSpec

#: The fewest seeds the threshold rule is fitted to; the gate tests ask for 10.
MIN_SEEDS = 10


def calibration_folder(spec: ModelSpec, given: Path | None = None) -> Path:
    """Where ``spec``'s measurements are written: a plugin's own data folder, ``given``, or the
    checkout's shipped folder (never an installed package's)."""
    return spec.gate.calibration or paths.writable_folder(given, "--measurements")


def calibrate_gate(spec: ModelSpec, seeds: int, command: str, folder: Path) -> Path:
    """Train ``spec``'s gate over ``seeds`` seeds and record them; returns the file written."""
    from mnist_models.backend import compat
    from mnist_models.backend.provenance import provenance
    from mnist_models.gates import calibration as gate_calibration
    from mnist_models.gates.gate import run_gate

    path = gate_calibration.file_for(folder, compat.backend())
    runs = []
    for seed in range(seeds):
        result = run_gate(spec, seed=seed)
        runs.append({"seed": seed, "test_accuracy": float(result.test_accuracy),
                     "seconds": round(result.seconds, 2)})
        print(f"{spec.name} seed {seed}: {result.test_accuracy:.4f} ({result.seconds:.1f} s)",
              file=sys.stderr, flush=True)
    gate_calibration.record(path, gate_calibration.GateCalibration(
        spec.name, spec.gate.epochs, spec.gate.steps, tuple(runs), provenance(command)))
    return path


def cmd_calibrate(args: argparse.Namespace) -> int:
    from mnist_models.fingerprints import check as fingerprint_check
    from mnist_models.gates import calibration as gate_calibration

    spec = args.spec
    if spec.gate is None:
        raise arguments.ArgumentError(f"{spec.name} has no gate to calibrate; expected a spec "
                                      "with gate=Gate(epochs=N) or Gate(steps=N)")
    if args.seeds < MIN_SEEDS:
        raise arguments.ArgumentError(f"--seeds: expected at least {MIN_SEEDS} (the gate tests "
                                      f"ask for them), got {args.seeds}")
    # Every target is proved writable before the first seed trains.
    folder = calibration_folder(spec, args.measurements)
    outputs.check_folder(folder, "measurements folder")
    golden_file = folder / paths.GOLDENS
    if args.fingerprint:
        outputs.check_file(golden_file, "golden file")
    command = "mnist-models calibrate " + " ".join(sys.argv[2:])
    path = calibrate_gate(spec, args.seeds, command, folder)
    calibration = gate_calibration.read(path)[spec.name]
    print(gate_calibration.markdown([calibration]), end="")
    print(f"wrote {spec.name}'s gate calibration to {path}: threshold "
          f"{calibration.threshold:.3f}")
    if args.fingerprint:
        _, written = fingerprint_check.write([spec], command, folder)
        print(f"wrote {len(written)} fingerprint golden(s) to {golden_file}: "
              f"{', '.join(written) or 'none (this environment writes only its differences)'}")
    if args.measurements is None:
        _refresh_doc_tables(spec)
    return 0


def _refresh_doc_tables(spec) -> None:
    """A zoo model's own calibration is in the documentation's generated tables (README.md's
    zoo, docs/gates.md's gate calibration, docs/fingerprints.md's tolerances): bring each up
    to date in its own file, so that adding a model to the package is one module and this one
    command."""
    from mnist_models.cli import doc_tables
    from mnist_models.zoo.registry import builtin_models

    root = paths.source_tree()
    if spec.name not in builtin_models() or root is None:
        return
    changed = doc_tables.refresh_all(root, doc_tables.zoo_blocks())
    for name, markers in changed.items():
        print(f"regenerated {name}'s {', '.join(markers)} table(s)")
    if not changed:
        print("the documentation's generated tables were already current")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``calibrate`` to the ``mnist-models`` parser."""
    from mnist_models.cli.common_args import add_command, model_spec, positive_int

    parser = add_command(sub, "calibrate", "ready a model: train its gate budget over seeds "
                         "0..N-1 and record the accuracies, with date, versions, machine and "
                         "command, in its gate calibration (the band is computed from it), then "
                         "write its fingerprint golden; other models' entries are kept")
    parser.add_argument("spec", type=model_spec, metavar="NAME", help="the model")
    parser.add_argument("--seeds", type=positive_int, default=MIN_SEEDS, metavar="N",
                        help=f"seeds to train, 0..N-1, at least {MIN_SEEDS} (default: "
                        f"{MIN_SEEDS})")
    parser.add_argument("--no-fingerprint", dest="fingerprint", action="store_false",
                        help="leave the fingerprint golden as it is (default: write it)")
    parser.add_argument("--measurements", metavar="FOLDER", type=Path,
                        help="write the calibration and golden into FOLDER (default: the "
                        "checkout's mnist_models/measurements, a plugin's own data folder; an "
                        "installed package is never written into)")
    parser.set_defaults(func=cmd_calibrate)
