"""``fingerprint``: the same weights give the same numbers, against the goldens."""

from __future__ import annotations

import argparse
import sys

from mnist_models.cli.common_args import (
    add_command,
    add_model_names,
)


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from mnist_models.fingerprints import check as fingerprint_check
    from mnist_models.zoo.registry import builtin_models, get_spec, list_models

    # Tolerances are measured per tox environment for the zoo's own models (a plugin's model
    # is held to the floors), and the docs' table is theirs: an installed plugin changes
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


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``fingerprint`` to the ``mnist-models`` parser."""
    fingerprint = add_command(sub, "fingerprint", "the same weights give the same numbers: each "
                       "model's fingerprint against its golden; exit 1 if one moved")
    add_model_names(fingerprint, "fingerprint")
    action = fingerprint.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true",
                        help="store these fingerprints as the goldens (after a deliberate "
                        "change); prints how far each moved from the old ones (default: "
                        "compare only)")
    action.add_argument("--calibrate", metavar="ENV",
                        help="record this environment's deviations from the goldens under the "
                        "name ENV in fingerprint-deviations.json (default: compare only)")
    action.add_argument("--tolerance-table", action="store_true",
                        help="print the docs' table of calibrated deviations and "
                        "tolerances (default: compare)")
    fingerprint.add_argument("--all-paths", action="store_true",
                             help="with --calibrate: measure on every code path this CPU can "
                             "take (oneDNN, XLA or ATen ISA caps), one child process each "
                             "(default: the path this process is on)")
    fingerprint.add_argument("--measurements", metavar="FOLDER",
                             help="with --write or --calibrate: the folder to write the goldens "
                             "or deviations into (default: the checkout's "
                             "mnist_models/measurements; an installed package is never "
                             "written into)")
    fingerprint.set_defaults(func=cmd_fingerprint)
