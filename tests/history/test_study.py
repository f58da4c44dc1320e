"""A small version of the synthetic-history study (docs/history.md has the full one): it runs
on the committed noise, and its rates order as they must."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("otava", reason="the history extra is not installed")

from mnist_models.history import study
from tests.support.files import NOTES

NOISE_RUNS = [NOTES / "bench-noise-run-2026-12-04.json", NOTES / "bench-noise-run.json"]


def test_the_study_on_the_committed_noise():
    residuals = study.residuals_from([json.loads(path.read_text()) for path in NOISE_RUNS])
    assert len(residuals) == 21 and all(len(r) == 40 for r in residuals.values())
    rates = {r.kind: r for r in study.measure(residuals, histories=30, seed=1)}
    assert rates["step +10%"].found_within_horizon >= rates["step +2%"].found_within_horizon
    assert rates["step +10%"].found_within_5 > 0.3
    assert rates["unchanged"].false_per_100_runs < 5
