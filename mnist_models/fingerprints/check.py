"""Fingerprints against their goldens: the verdicts, the report and the two writers.

What ``mnist-models fingerprint`` runs, and what ``tests/test_fingerprints.py`` asserts on.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mnist_models import paths
from mnist_models.backend import code_paths, compat
from mnist_models.backend.provenance import provenance
from mnist_models.fingerprints import goldens, tolerances
from mnist_models.fingerprints.compute import fingerprint, golden_key, stages
from mnist_models.fingerprints.goldens import Deviation, Fingerprint
from mnist_models.spec import ModelSpec
from mnist_models.text_table import aligned


@dataclass(frozen=True)
class Verdict:
    """One quantity of one model: how far it moved, how far it may, and whether that is ok."""

    deviation: Deviation
    tolerance: float

    @property
    def moved(self) -> bool:
        return self.deviation.deviation > self.tolerance


def golden_of(spec: ModelSpec, stored: Mapping[str, Fingerprint],
              golden_file: Path | None = None) -> Fingerprint:
    """``spec``'s golden among the ``stored`` ones; a ``GoldenError`` naming the command that
    writes it if there is none."""
    golden_file = golden_file or goldens.golden_file(spec.data_dir)
    key = golden_key(spec)
    if key not in stored:
        raise goldens.GoldenError(f"no golden fingerprint {key!r} in {golden_file}; write one "
                                  f"with: mnist-models fingerprint {spec.name} --write")
    return stored[key]


def verdicts(spec: ModelSpec, now: Fingerprint | None = None,
             golden_file: Path | None = None,
             calibration_file: Path | None = None,
             missing_calibration_ok: bool = False, fail_fast: bool = False) -> list[Verdict]:
    """``spec``'s fingerprint (``now``, or computed here) against its golden, per quantity.

    ``fail_fast`` stops computing at the first part (schedule, forward pass, training steps)
    that moved; the parts after it are then reported as the golden's own. ``golden_file``
    defaults to the spec's own (:func:`mnist_models.fingerprints.goldens.golden_file`).
    """
    golden_file = golden_file or goldens.golden_file(spec.data_dir)
    stored, _ = goldens.read_goldens(golden_file)
    calibration = tolerances.read_calibration(calibration_file, missing_calibration_ok)
    return _compare(spec, golden_of(spec, stored, golden_file), calibration, now, fail_fast)


def _compare(spec: ModelSpec, golden: Fingerprint, calibration: Mapping[str, Any],
             now: Fingerprint | None = None, fail_fast: bool = False) -> list[Verdict]:
    candidates = [now] if now is not None else stages(spec, golden if fail_fast else None)
    for candidate in candidates:
        rows = _rows(golden, candidate, calibration)
        if any(row.moved for row in rows):
            break
    return rows


def _rows(golden: Fingerprint, now: Fingerprint,
          calibration: Mapping[str, Any]) -> list[Verdict]:
    return [Verdict(row, tolerances.tolerance(calibration, row.model, row.quantity))
            for row in goldens.deviations(golden, now)]


def moved_message(rows: Sequence[Verdict]) -> str:
    """What moved, by how much, against which tolerance: a failing test's message."""
    return "\n".join(
        f"{r.deviation.model} {r.deviation.quantity} moved at {r.deviation.where}: golden "
        f"{r.deviation.golden}, now {r.deviation.now}; deviation {r.deviation.deviation:.3g} > "
        f"tolerance {r.tolerance:.3g} ({goldens.QUANTITIES[r.deviation.quantity]})"
        for r in rows if r.moved)


def table(rows: Sequence[Verdict]) -> str:
    """One line per model and quantity, aligned, for the command line."""
    return aligned(("model", "quantity", "worst at", "golden", "now", "deviation", "tolerance", ""),
                   [(r.deviation.model, r.deviation.quantity, r.deviation.where,
                     r.deviation.golden, r.deviation.now, f"{r.deviation.deviation:.2e}",
                     f"{r.tolerance:.1e}", "MOVED" if r.moved else "ok") for r in rows])


def check(specs: Sequence[ModelSpec]) -> tuple[list[Verdict], int]:
    """Every spec against its golden: the verdicts and the exit code (1 if anything moved)."""
    # Every golden and the calibration are read before any model is built: a missing one is
    # an error at once, not after minutes of work.
    files = {spec.name: goldens.golden_file(spec.data_dir) for spec in specs}
    stored = {path: goldens.read_goldens(path)[0] for path in set(files.values())}
    wanted = [golden_of(spec, stored[files[spec.name]], files[spec.name]) for spec in specs]
    calibration = tolerances.read_calibration()
    rows = []
    for index, (spec, golden) in enumerate(zip(specs, wanted, strict=True), 1):
        print(f"[{index}/{len(specs)}] {spec.name}", file=sys.stderr, flush=True)
        rows.extend(_compare(spec, golden, calibration))
    return rows, int(any(row.moved for row in rows))


def target_folder(spec: ModelSpec, folder: Path | None) -> Path:
    """Where ``spec``'s measurements are rewritten: a plugin's own ``data_dir``, else
    ``folder``, else the checkout's shipped folder (:func:`mnist_models.paths.writable_folder`)."""
    return spec.data_dir or paths.writable_folder(folder, "--measurements")


def write(specs: Sequence[ModelSpec], command: str,
          folder: Path | None = None) -> tuple[list[Verdict], list[str]]:
    """Recompute and store ``specs``' goldens, each in its own folder's golden file (see
    :func:`target_folder`); returns how each moved from the old ones, and the goldens
    written."""
    by_file: dict[Path, list[ModelSpec]] = {}
    for spec in specs:
        by_file.setdefault(target_folder(spec, folder) / paths.GOLDENS, []).append(spec)
    rows, written = [], []
    for path, group in by_file.items():
        more_rows, more_written = _write(group, command, path)
        rows += more_rows
        written += more_written
    return rows, sorted(written)


def _write(specs: Sequence[ModelSpec], command: str,
           golden_file: Path) -> tuple[list[Verdict], list[str]]:
    try:
        stored, _ = goldens.read_goldens(golden_file if golden_file.exists() else None)
    except goldens.GoldenError as error:
        # Nothing good to keep: a missing file, or one of an older format.
        print(f"not comparing with the old goldens: {error}", file=sys.stderr)
        stored = {}
    if compat.active_numeric_differences():
        # The goldens come from an environment without known differences; here only the
        # goldens of the models one of them moves are this environment's to write.
        specs = [spec for spec in specs if golden_key(spec) != spec.name]
    fresh = {golden_key(spec): fingerprint(spec) for spec in specs}
    calibration = tolerances.read_calibration()
    rows = [row for name, now in fresh.items() if name in stored
            for row in _rows(stored[name], now, calibration)]
    goldens.write_goldens(fresh, provenance(command), golden_file)
    return rows, sorted(fresh)


def calibrate(specs: Sequence[ModelSpec], environment: str, command: str,
              folder: Path | None = None) -> list[Verdict]:
    """Measure this environment's deviations from the shipped goldens and store them under
    its name, in ``folder``'s deviations file (see :func:`target_folder`)."""
    target = paths.writable_folder(folder, "--measurements") / paths.DEVIATIONS
    stored, _ = goldens.read_goldens()
    calibration = tolerances.read_calibration(target, missing_ok=True)
    rows = [row for spec in specs
            for row in _compare(spec, golden_of(spec, stored), calibration)]
    tolerances.record(environment, [row.deviation for row in rows], provenance(command),
                      target)
    return rows


def calibrate_all_paths(names: Sequence[str], environment: str,
                        folder: Path | None = None) -> int:
    """Run ``--calibrate environment`` once per code path this CPU can take, each in a child
    process with that path's variable set (a path is chosen when a library loads); say which
    paths were skipped and why. Returns the exit code: the first failed child's, or 0."""
    backend = compat.backend()
    taken, skipped = code_paths.supported_paths(backend)
    for path, reason in skipped:
        print(f"skipped {backend} path {path.name}: {reason}", file=sys.stderr, flush=True)
    for path in taken:
        variables = " ".join(f"{k}={v}" for k, v in path.environment().items()) or "(none)"
        print(f"== {environment}, path {path.name}: {variables}", file=sys.stderr, flush=True)
        into = [] if folder is None else ["--measurements", str(folder)]
        child = subprocess.run([sys.executable, "-m", "mnist_models", "fingerprint", *names,
                                "--calibrate", environment, *into],
                               env=code_paths.clean_environment(path.environment()), check=False)
        if child.returncode:
            print(f"{environment}, path {path.name}: exit {child.returncode}", file=sys.stderr)
            return child.returncode
    return 0
