"""The committed benchmark baselines: loadable by bench-compare and complete for the registry.

A baseline that lost a model, a phase or its per-round data would make ``bench-compare``
compare less than the user thinks; this fails first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mnist_models import get_spec, list_models
from mnist_models.bench_compare import compare, load_rounds
from mnist_models.bench_files import read_run
from mnist_models.benchmarking import INFER_BATCHES

BASELINES = sorted((Path(__file__).resolve().parents[1] / "benchmarks" / "baselines")
                   .glob("*.json"))
EXTRA_INFO = {"model", "phase", "batch_size", "samples_per_s", "params", "backend"}


def test_there_are_baselines_for_both_keras_generations_and_all_backends():
    names = {path.stem for path in BASELINES}
    assert {"bench-tf215", "bench-tf221", "bench-jax", "bench-torch"} <= names


@pytest.mark.parametrize("path", BASELINES, ids=lambda path: path.stem)
def test_baseline_covers_every_model_and_phase(path):
    runs = load_rounds(path)
    measured = {(r["extra_info"]["model"], r["extra_info"]["phase"],
                 r["extra_info"]["batch_size"]) for r in runs.values()
                if r["extra_info"]["backend"] != "torch-peer"}
    expected = {(name, "train", get_spec(name).recipe.batch_size) for name in list_models()}
    expected |= {(name, "infer", batch) for name in list_models() for batch in INFER_BATCHES}
    assert measured == expected
    assert all(set(r["extra_info"]) >= EXTRA_INFO for r in runs.values())
    info = read_run(path).recorded
    assert {"keras", "backend", "numpy", "python", "threads"} <= set(info)


@pytest.mark.parametrize("path", BASELINES, ids=lambda path: path.stem)
def test_a_baseline_compared_with_itself_flags_nothing(path):
    assert not any(result.regression for result in compare(path, path, 0.10))
