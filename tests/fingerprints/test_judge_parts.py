"""Every part of the fingerprint tolerances changes a verdict: the margin over the largest
measured deviation, each quantity's floor, and every measurement in the deviations file.

A fingerprint is compared with its golden quantity by quantity (``check._rows``, what
``mnist-models fingerprint`` runs); here both are built by hand, one quantity moved by a chosen
amount, against a calibration built by hand too. The floors are pinned by behaviour, not only
by the generated tolerance table: a change twice the documented float32 round-off is flagged,
so a loosened floor fails here.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mnist_models.fingerprints import check, tolerances
from mnist_models.fingerprints.goldens import Fingerprint

MODEL = "m"
GOLDEN = Fingerprint(model=MODEL, schedule={"steps": 2}, forward=np.array([[0.25, 0.75]]),
                     losses=[1.0, 0.5], first_update={"w": (1.0, 2.0)},
                     first_moving_stats={"s": (1.0, 2.0)}, updates={"w": (3.0, 4.0)})
#: docs/fingerprints.md: the least tolerance of each quantity, float32 round-off.
DOCUMENTED_FLOORS = {"forward": 1e-6, "losses": 1e-6, "first_update": 1e-5,
                     "first_moving_stats": 1e-5, "updates": 1e-5}


def _moved_by(quantity: str, amount: float) -> Fingerprint:
    """The golden with one quantity's deviation (absolute for ``forward``, relative for the
    rest) set to ``amount``."""
    if quantity == "forward":
        return dataclasses.replace(GOLDEN, forward=GOLDEN.forward + np.array([[amount, -amount]]))
    if quantity == "losses":
        return dataclasses.replace(GOLDEN, losses=[1.0 + amount, 0.5])
    digest = getattr(GOLDEN, quantity)
    key = next(iter(digest))
    first, second = digest[key]
    return dataclasses.replace(GOLDEN, **{quantity: {key: (first * (1 + amount), second)}})


def _calibration(*largest: float, quantity: str = "forward") -> dict:
    """One measurement per value, each the largest deviation it saw of ``quantity``."""
    return {"measurements": [
        {"environment": f"env{i}", "path": "native" if i == 0 else "avx2", "cpu": "c",
         "deviations": {MODEL: {quantity: value}}} for i, value in enumerate(largest)]}


def _moved(now: Fingerprint, calibration: dict) -> list[str]:
    return [row.deviation.quantity for row in check._rows(GOLDEN, now, calibration) if row.moved]


def test_the_margin_allows_three_times_the_largest_measured(monkeypatch):
    now, calibration = _moved_by("forward", 2e-4), _calibration(1e-4)
    assert _moved(now, calibration) == []
    monkeypatch.setattr(tolerances, "MARGIN", 1.0)
    assert _moved(now, calibration) == ["forward"]


@pytest.mark.parametrize("quantity", DOCUMENTED_FLOORS)
def test_each_floor_allows_round_off_where_nothing_was_measured(monkeypatch, quantity):
    now = _moved_by(quantity, tolerances.FLOORS[quantity] / 2)
    assert _moved(now, {"measurements": []}) == []
    monkeypatch.setitem(tolerances.FLOORS, quantity, 0.0)
    assert _moved(now, {"measurements": []}) == [quantity]


@pytest.mark.parametrize("left_out", range(3))
def test_every_measurement_counts(monkeypatch, left_out):
    # Each measurement in turn saw the largest deviation (a version, a code path, a CPU).
    largest = [1e-5, 1e-5, 1e-5]
    largest[left_out] = 1e-4
    calibration, now = _calibration(*largest), _moved_by("forward", 2e-4)
    assert _moved(now, calibration) == []
    real, skipped = tolerances._seen, calibration["measurements"][left_out]
    monkeypatch.setattr(tolerances, "_seen", lambda calibration, *a, **k: (
        (value, entry) for value, entry in real(calibration, *a, **k) if entry is not skipped))
    assert _moved(now, calibration) == ["forward"]


def check_floors_catch_twice_the_documented_round_off() -> None:
    for quantity, floor in DOCUMENTED_FLOORS.items():
        assert _moved(_moved_by(quantity, 2 * floor), {"measurements": []}) == [quantity], \
            f"{quantity} moved by twice its documented floor {floor:g} passes"
        assert _moved(_moved_by(quantity, floor / 2), {"measurements": []}) == [], \
            f"{quantity} moved by half its documented floor {floor:g} fails"


def test_floors_catch_twice_the_documented_round_off():
    assert set(DOCUMENTED_FLOORS) == set(tolerances.FLOORS) - {"schedule"}
    check_floors_catch_twice_the_documented_round_off()


@pytest.mark.parametrize("quantity", DOCUMENTED_FLOORS)
def test_a_loosened_floor_fails_the_edge_check(monkeypatch, quantity):
    monkeypatch.setitem(tolerances.FLOORS, quantity, tolerances.FLOORS[quantity] * 10)
    with pytest.raises(AssertionError, match=f"{quantity} moved by twice"):
        check_floors_catch_twice_the_documented_round_off()
