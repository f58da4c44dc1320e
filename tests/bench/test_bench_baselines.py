"""The committed benchmark baselines: loadable by bench-compare, well-formed, of real models.

A baseline is recorded once per environment (one needs an H100), so a model registered since
has none: ``bench-compare`` names its benchmarks "no baseline" and compares the rest.
Re-recording is a deliberate step (docs/benchmarks.md). What must hold is that every model a
baseline measured still exists and was measured whole, every phase at the batch sizes its spec
says: a baseline that lost a phase or its per-round data would make ``bench-compare`` compare
less than the user thinks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mnist_models import get_spec, list_models
from mnist_models.bench.compare import compare, load_rounds
from mnist_models.bench.files import read_run
from mnist_models.bench.workloads import INFER_BATCHES

BASELINES = sorted((Path(__file__).resolve().parents[2] / "benchmarks" / "baselines")
                   .glob("*.json"))
EXTRA_INFO = {"model", "phase", "batch_size", "samples_per_s", "params", "backend"}


def expected_benchmarks(models: set[str]) -> set[tuple[str, str, int]]:
    """Every (model, phase, batch size) a baseline holds for each of ``models``."""
    expected = {(name, "train", get_spec(name).recipe.batch_size) for name in models}
    return expected | {(name, "infer", batch) for name in models for batch in INFER_BATCHES}


def problems(runs: dict[str, dict]) -> list[str]:
    """What makes a loaded baseline unfit to compare against, or nothing."""
    measured = {(r["extra_info"]["model"], r["extra_info"]["phase"],
                 r["extra_info"]["batch_size"]) for r in runs.values()
                if r["extra_info"]["backend"] != "torch-peer"}
    models = {model for model, _, _ in measured}
    unknown = sorted(models - set(list_models()))
    if unknown:
        return [f"models that are not registered: {', '.join(unknown)}"]
    found = [f"missing {row}" for row in sorted(expected_benchmarks(models) - measured)]
    found += [f"unexpected {row}" for row in sorted(measured - expected_benchmarks(models))]
    found += [f"{name}: extra_info lacks {sorted(EXTRA_INFO - set(r['extra_info']))}"
              for name, r in runs.items() if not set(r["extra_info"]) >= EXTRA_INFO]
    return found


def test_there_are_baselines_for_both_keras_generations_and_all_backends():
    names = {path.stem for path in BASELINES}
    assert {"bench-tf215", "bench-tf221", "bench-jax", "bench-torch"} <= names


@pytest.mark.parametrize("path", BASELINES, ids=lambda path: path.stem)
def test_baseline_is_well_formed_and_measured_only_registered_models_whole(path):
    assert problems(load_rounds(path)) == []
    info = read_run(path).recorded
    assert {"keras", "backend", "numpy", "python", "threads"} <= set(info)


def test_a_baseline_of_an_unknown_model_or_a_lost_phase_is_refused():
    runs = load_rounds(BASELINES[0])
    assert problems(runs) == []
    name, run = next((n, r) for n, r in runs.items() if r["extra_info"]["phase"] == "infer")
    assert problems({n: r for n, r in runs.items() if n != name}) == [
        f"missing {(run['extra_info']['model'], 'infer', run['extra_info']['batch_size'])}"]
    renamed = dict(runs, **{name: {**run, "extra_info": {**run["extra_info"],
                                                          "model": "not_a_model"}}})
    assert problems(renamed) == ["models that are not registered: not_a_model"]


@pytest.mark.parametrize("path", BASELINES, ids=lambda path: path.stem)
def test_a_baseline_compared_with_itself_flags_nothing(path):
    assert not any(result.regression for result in compare(path, path, 0.10))
