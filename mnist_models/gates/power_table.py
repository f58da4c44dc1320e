"""The gates' power and false-failure table, from the power study and the calibrations.

For each model: how often its gate fails a sound model (the calibration seeds, and the gate
runs recorded in other environments), and how often it catches each one-change break
(:mod:`mnist_models.gates.breaks`). A break moves accuracy by more than the seed noise when its
mean lies more than :data:`NOISE_SDS` calibrated standard deviations below the calibrated mean;
the gates must catch at least :data:`REQUIRED_POWER` of the runs of such breaks. A break whose
mean lies closer (or above) is one the budget cannot tell from noise, marked so.
docs/gates.md shows :func:`markdown` between ``<!-- gate-power -->`` markers; a test keeps it
current.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from mnist_models import paths
from mnist_models.gates.calibration import (
    calibrated_backends,
    gate_accuracies,
    gate_versions,
    threshold_for,
)
from mnist_models.gates.power import PowerStudy

#: "More than the seed noise": a mean drop beyond this many calibrated sds.
NOISE_SDS = 3.0
REQUIRED_POWER = 0.8


@dataclass(frozen=True)
class Cell:
    """One model x break: runs caught by the gate, runs, mean accuracy, beyond the noise."""

    caught: int
    runs: int
    mean: float
    beyond_noise: bool


def cells(study: PowerStudy, model: str, threshold: float, calibrated: list[float],
          breaks: list[str]) -> dict[str, Cell]:
    """The study's verdicts for ``model``'s gate at ``threshold``."""
    mean, sd = statistics.fmean(calibrated), statistics.stdev(calibrated)
    result = {}
    for name in breaks:
        accuracies = study.accuracies(model, name)
        if accuracies:
            break_mean = statistics.fmean(accuracies)
            result[name] = Cell(sum(a < threshold for a in accuracies), len(accuracies),
                                break_mean, break_mean < mean - NOISE_SDS * sd)
    return result


def _false_failures() -> dict[str, list[str]]:
    """Per model: 'failed/runs where' for the calibration seeds of each backend and the
    convergence records of other environments (shipped ``converge-ENV.json``), each
    against the threshold the model has on that backend."""
    from mnist_models.convergence import record as convergence
    from mnist_models.zoo.registry import get_spec

    found: dict[str, list[str]] = {}

    def count(model: str, runs: list[float], backend: str, where: str) -> None:
        threshold = threshold_for(get_spec(model).gate, backend)
        found.setdefault(model, []).append(
            f"{sum(a < threshold for a in runs)}/{len(runs)}{where}")

    for backend in calibrated_backends():
        for model, runs in gate_accuracies(backend).items():
            count(model, runs, backend, "" if backend == "tensorflow" else f" {backend}")
    for path in sorted(paths.shipped_folder().glob("converge-*.json")):
        record = convergence.read(path)
        versions = record.provenance.get("versions", {})
        backend = versions.get("backend", "tensorflow")
        for model, runs in record.models.items():
            if _same_versions(versions, gate_versions(backend, model)):
                continue  # the calibration's own environment: its seeds again, counted once
            count(model, runs.accuracies(), backend, f" {path.stem.removeprefix('converge-')}")
    return found


def _same_versions(a: dict[str, str], b: dict[str, str]) -> bool:
    return all(a.get(key) == b.get(key) for key in ("keras", "backend", "tensorflow", "jax",
                                                      "torch"))


def markdown(study: PowerStudy) -> str:
    """The docs' table (docs/gates.md): one row per model, one column per break, and the
    overall power."""
    from mnist_models.gates.breaks import BREAKS
    from mnist_models.gates.threshold import FALSE_FAILURE_RATE
    from mnist_models.zoo.registry import get_spec

    breaks = [name for name in BREAKS if name != "none"]
    calibration = gate_accuracies("tensorflow")
    false_failures = _false_failures()
    rows, beyond, caught = [], 0, 0
    for model in sorted(study.runs):
        threshold = threshold_for(get_spec(model).gate, "tensorflow")
        calibrated = calibration[model]
        found = cells(study, model, threshold, calibrated, breaks)
        beyond += sum(c.runs for c in found.values() if c.beyond_noise)
        caught += sum(c.caught for c in found.values() if c.beyond_noise)
        rows.append(f"| {model} | {threshold:.3f} | {statistics.fmean(calibrated):.4f} ± "
                    f"{statistics.stdev(calibrated):.4f} | {', '.join(false_failures[model])} | "
                    + " | ".join(_cell(found.get(name)) for name in breaks) + " |")
    provenance = study.provenance
    versions = provenance.get("versions", {})
    power = caught / beyond if beyond else float("nan")
    lines = [
        f"Threshold: a normal fit of the calibration seeds' accuracies, its one-sided "
        f"tolerance bound (a sound run fails at most {FALSE_FAILURE_RATE:.0%}, at 95% "
        "confidence; `mnist_models.gates.threshold`). False failures: sound runs "
        "below it: the calibration seeds (TensorFlow 2.21; then other backends, against their "
        "own threshold) and the convergence records of other environments "
        "(`measurements/converge-ENV.json`). Each break "
        f"cell: runs caught / runs, mean accuracy; **bold** where the mean lies more than "
        f"{NOISE_SDS:g} seed sds below the calibrated mean (beyond the seed noise), *~* where "
        "it does not (this budget cannot tell that break from noise, or it does not hurt).",
        "",
        f"Study: `{provenance.get('command', '?')}` ({_seed_counts(study)} seeds per model "
        f"and break), {provenance.get('written', '?')}, {provenance.get('machine', '?')}, "
        f"TensorFlow {versions.get('tensorflow', '?')}, Keras {versions.get('keras', '?')}.",
        "",
        "| model | threshold | calibrated mean ± sd | false failures | "
        + " | ".join(breaks) + " |",
        "|---|---|---|---|" + "---|" * len(breaks),
        *rows,
        "",
        f"Breaks beyond the seed noise: {caught} of {beyond} runs caught ({power:.0%}; "
        f"required {REQUIRED_POWER:.0%}).",
    ]
    return "\n".join(lines) + "\n"


def _seed_counts(study: PowerStudy) -> str:
    counts = {len(by_seed) for breaks in study.runs.values() for by_seed in breaks.values()}
    return "-".join(str(n) for n in sorted({min(counts), max(counts)})) if counts else "0"


def _cell(cell: Cell | None) -> str:
    if cell is None:
        return "-"
    text = f"{cell.caught}/{cell.runs}, {cell.mean:.3f}"
    return f"**{text}**" if cell.beyond_noise else f"*~* {text}"
