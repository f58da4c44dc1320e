"""The gates' power study: each model's gate trained with one-change recipe breaks.

``mnist-models gate-power [MODELS] --seeds N`` trains every break of
:data:`~mnist_models.gates.breaks.BREAKS` on every model's gate budget over seeds ``0..N-1``
and keeps each accuracy in ``calibration/gate_power.json``, the one file this module reads and
writes. The file is rewritten (atomically) after every run and a rerun skips what it holds, so
an interrupted study resumes. :mod:`mnist_models.gates.power_table` turns it into verdicts.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mnist_models import paths, records
from mnist_models.spec import ModelSpec

#: The committed study, beside the gates' calibration.
POWER_FILE = paths.shipped(paths.GATE_POWER)


class PowerFileError(records.RecordError):
    """A power-study file that cannot be read; the message names it and what was expected."""


@dataclass
class PowerStudy:
    """Accuracies of gate runs: ``runs[model][break]`` maps a seed to its test accuracy."""

    provenance: dict[str, Any] = field(default_factory=dict)
    runs: dict[str, dict[str, dict[int, float]]] = field(default_factory=dict)

    def accuracies(self, model: str, break_name: str) -> list[float]:
        """The accuracies measured for ``model`` with ``break_name``, by seed."""
        by_seed = self.runs.get(model, {}).get(break_name, {})
        return [by_seed[seed] for seed in sorted(by_seed)]


def read(path: str | Path = POWER_FILE) -> PowerStudy:
    """The study in ``path``; :class:`PowerFileError` if it is not one."""
    path = Path(path)
    data = records.read_json(path, PowerFileError, " (the power study)")
    try:
        runs = {model: {name: {int(seed): float(acc) for seed, acc in by_seed.items()}
                        for name, by_seed in breaks.items()}
                for model, breaks in data["runs"].items()}
        return PowerStudy(provenance=dict(data["provenance"]), runs=runs)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise PowerFileError(f"power study {str(path)!r}: expected the JSON that "
                             f"mnist-models gate-power writes ({error})") from None


def write(study: PowerStudy, path: str | Path = POWER_FILE) -> None:
    """Write ``study`` to ``path`` whole, or leave the old file as it was."""
    data = {"provenance": study.provenance,
            "runs": {model: {name: {str(seed): acc for seed, acc in sorted(by_seed.items())}
                             for name, by_seed in breaks.items()}
                     for model, breaks in sorted(study.runs.items())}}
    records.write(path, data)


def measure(specs: Sequence[ModelSpec], seeds: int, path: str | Path, command: str) -> PowerStudy:
    """Train what ``path`` lacks of every break x model x seed, seed by seed (so a study cut
    short still has every break at its first seeds), saving after each run."""
    from mnist_models.backend.provenance import provenance
    from mnist_models.data.mnist import load_mnist
    from mnist_models.gates.breaks import BREAKS, gate_accuracy

    study = read(path) if Path(path).exists() else PowerStudy()
    data = load_mnist()
    for seed in range(seeds):
        for spec in specs:
            for name in BREAKS:
                by_seed = study.runs.setdefault(spec.name, {}).setdefault(name, {})
                if seed in by_seed:
                    continue
                by_seed[seed] = gate_accuracy(spec, name, seed, data)
                print(f"{spec.name} {name} seed {seed}: {by_seed[seed]:.4f}",
                      file=sys.stderr, flush=True)
                study.provenance = provenance(command) | {"seeds": seeds}
                write(study, path)
    return study
