"""The fingerprint record, its golden file and the comparison of two fingerprints.

The goldens (shipped as ``mnist_models/measurements/fingerprints.json``, a plugin's in its
``data_dir``) are written only by ``mnist-models fingerprint --write``, through
:mod:`mnist_models.records`; the deviations they are compared against are
:mod:`~mnist_models.fingerprints.tolerances`'.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mnist_models import paths, records

#: What each quantity's deviation measures; the tolerances are in the same units.
QUANTITIES: Mapping[str, str] = {
    "schedule": "any change (counts are exact)",
    "forward": "largest absolute difference of a softmax probability",
    "losses": "largest relative difference of a step's loss",
    "first_update": "largest relative difference of the L1 or L2 norm of a trainable "
    "weight's first-step change",
    "first_moving_stats": "the same for a BatchNormalization moving statistic",
    "updates": "the same for every weight's change over all the steps",
}


class GoldenError(records.RecordError):
    """A golden or calibration file that is missing, unreadable or of the wrong shape."""


@dataclass(frozen=True)
class Fingerprint:
    """See :mod:`mnist_models.fingerprints.compute` for what each part is."""

    model: str
    schedule: Mapping[str, int]
    forward: np.ndarray
    losses: list[float]
    first_update: Mapping[str, tuple[float, float]]
    first_moving_stats: Mapping[str, tuple[float, float]]
    updates: Mapping[str, tuple[float, float]]

    def to_json(self) -> dict[str, Any]:
        # 9 significant digits round-trip a float32 exactly; the updates are float64 sums.
        return {
            "schedule": dict(self.schedule),
            "forward": [[float(f"{p:.9g}") for p in row] for row in np.asarray(self.forward)],
            "losses": [float(f"{v:.9g}") for v in self.losses],
            "first_update": _digest_json(self.first_update),
            "first_moving_stats": _digest_json(self.first_moving_stats),
            "updates": _digest_json(self.updates),
        }

    @classmethod
    def from_json(cls, model: str, data: Mapping[str, Any]) -> Fingerprint:
        try:
            return cls(model=model, schedule=dict(data["schedule"]),
                       forward=np.asarray(data["forward"], dtype=np.float64),
                       losses=[float(v) for v in data["losses"]],
                       first_update=_digest(data["first_update"]),
                       first_moving_stats=_digest(data["first_moving_stats"]),
                       updates=_digest(data["updates"]))
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise GoldenError(f"golden fingerprint of {model!r} is malformed: {error!r}") from None


def _digest_json(digest: Mapping[str, tuple[float, float]]) -> dict[str, list[float]]:
    return {key: [float(f"{v:.12g}") for v in pair] for key, pair in digest.items()}


def _digest(data: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    return {key: (float(pair[0]), float(pair[1])) for key, pair in data.items()}


@dataclass(frozen=True)
class Deviation:
    """How far one quantity of a fingerprint moved from its golden, and where the most."""

    model: str
    quantity: str
    where: str
    golden: str
    now: str
    deviation: float


def deviations(golden: Fingerprint, now: Fingerprint) -> list[Deviation]:
    """One :class:`Deviation` per quantity in :data:`QUANTITIES`, at its worst entry."""
    rows = [_schedule(golden, now)]
    diff = np.abs(now.forward - golden.forward) if now.forward.shape == golden.forward.shape \
        else np.full((1, 1), math.inf)
    image, klass = np.unravel_index(int(np.argmax(diff)), diff.shape)
    rows.append(Deviation(now.model, "forward", f"image {image}, class {klass}",
                          _at(golden.forward, image, klass), _at(now.forward, image, klass),
                          float(diff.max())))
    rows.append(_worst(now.model, "losses", {
        f"step {i + 1}": (g, n, abs(n - g) / max(abs(g), 1e-12))
        for i, (g, n) in enumerate(zip(golden.losses, now.losses, strict=False))
    }, len(golden.losses) == len(now.losses)))
    for quantity in ("first_update", "first_moving_stats", "updates"):
        rows.append(_digest_deviation(now.model, quantity, getattr(golden, quantity),
                                      getattr(now, quantity)))
    return rows


def _digest_deviation(model: str, quantity: str, golden: Mapping[str, tuple[float, float]],
                      now: Mapping[str, tuple[float, float]]) -> Deviation:
    entries = {}
    for key in golden.keys() & now.keys():
        entries[key] = (golden[key], now[key], max(
            abs(n - g) / max(abs(g), 1e-12) for g, n in zip(golden[key], now[key], strict=True)))
    return _worst(model, quantity, entries, golden.keys() == now.keys())


def _schedule(golden: Fingerprint, now: Fingerprint) -> Deviation:
    moved = sorted(k for k in golden.schedule.keys() | now.schedule.keys()
                   if golden.schedule.get(k) != now.schedule.get(k))
    if not moved:
        return Deviation(now.model, "schedule", "-", "-", "-", 0.0)
    key = moved[0]
    return Deviation(now.model, "schedule", ", ".join(moved), str(golden.schedule.get(key)),
                     str(now.schedule.get(key)), math.inf)


def _worst(model: str, quantity: str, entries: Mapping[str, tuple[Any, Any, float]],
           same_keys: bool) -> Deviation:
    if not same_keys:
        return Deviation(model, quantity, "entries added or removed", "-", "-", math.inf)
    if not entries:
        return Deviation(model, quantity, "-", "-", "-", 0.0)
    where = max(entries, key=lambda k: entries[k][2])
    golden, now, deviation = entries[where]
    return Deviation(model, quantity, where, _fmt(golden), _fmt(now), deviation)


def _at(array: np.ndarray, *index: int) -> str:
    try:
        return _fmt(float(array[index]))
    except IndexError:
        return f"shape {array.shape}"


def _fmt(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_fmt(v) for v in value) + ")"
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def golden_file(data_dir: Path | None) -> Path:
    """The golden file of a model whose measurements live in ``data_dir`` (a plugin's, see
    ``ModelSpec.data_dir``), or the suite's own for the zoo's models (``None``)."""
    return paths.shipped(paths.GOLDENS) if data_dir is None else Path(data_dir) / paths.GOLDENS


def read_goldens(path: Path | None = None) -> tuple[dict[str, Fingerprint], dict[str, Any]]:
    """The golden fingerprints by model (the shipped ones unless ``path`` is given), and the
    provenance they were written with."""
    path = golden_file(None) if path is None else path
    data = records.read(path, "golden file", GoldenError)
    models = data.get("models")
    if not isinstance(models, dict):
        raise GoldenError(f"golden file {path}: expected a 'models' object")
    return ({name: Fingerprint.from_json(name, entry) for name, entry in models.items()},
            dict(data.get("provenance", {})))


def write_goldens(fingerprints: Mapping[str, Fingerprint], provenance: Mapping[str, Any],
                  path: Path) -> None:
    """Replace the goldens of the given models; the other models' goldens stay as they are."""
    data = records.read(path, "golden file", GoldenError) if path.exists() else {"models": {}}
    data.setdefault("models", {}).update({n: fp.to_json() for n, fp in fingerprints.items()})
    data.setdefault("provenance", {}).update({n: dict(provenance) for n in fingerprints})
    records.write(path, data, compact_numbers=True)
