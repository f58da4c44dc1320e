"""converge-compare: what it flags, what it must not, and the files it refuses.

The statistics run on synthetic records (cheap, exact); one training test shows a deliberately
degraded recipe (learning rate /10) flagged against the committed baseline record.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

import mnist_models
from mnist_models.cli.app import main
from mnist_models.convergence import record as convergence
from mnist_models.convergence.compare import MARGIN, MIN_SEEDS, compare
from mnist_models.convergence.record import (
    ConvergenceFileError,
    ConvergenceRecord,
    ModelRuns,
    SeedRun,
)
from tests.support import files

BASELINE = files.SHIPPED / "converge-tf221.json"
SD = 0.002  # about the MLPs' seed sd at their gate budget (calibration/gates.json)


def record(mean: float, seeds: int = 10, *, steps: int = 300, model: str = "m",
           seed: int = 0) -> ConvergenceRecord:
    accuracies = np.random.default_rng(seed).normal(mean, SD, seeds)
    runs = tuple(SeedRun(i, float(a), 0.2, 1.0) for i, a in enumerate(accuracies))
    return ConvergenceRecord({model: ModelRuns(None, steps, None, runs)})


def verdict(baseline: ConvergenceRecord, candidate: ConvergenceRecord) -> str:
    return compare(baseline, candidate)[0].verdict


def test_a_candidate_one_point_worse_is_flagged_with_its_effect():
    (result,) = compare(record(0.95), record(0.94, seed=1))
    assert result.verdict == "worse"
    assert result.low < -0.01 < result.high
    assert result.cohens_d < -3


def test_the_smallest_flagged_shift_is_just_beyond_the_margin_plus_the_noise():
    # 10 seeds of sd 0.2 points a side: the 95% interval's half-width is about 0.2 points.
    assert verdict(record(0.95), record(0.95 - MARGIN - 0.003, seed=1)) == "worse"
    assert verdict(record(0.95), record(0.95 - MARGIN, seed=1)) != "worse"


@pytest.mark.parametrize("seed", range(20))
def test_the_same_distribution_from_other_seeds_is_never_flagged(seed):
    assert verdict(record(0.95, seed=100 + seed), record(0.95, seed=seed)) != "worse"


def test_a_better_candidate_is_ok():
    assert verdict(record(0.95), record(0.97, seed=1)) == "ok"


def test_a_record_survives_writing_and_reading(tmp_path):
    original = record(0.95, seeds=3)
    convergence.write(original, tmp_path / "r.json")
    assert convergence.read(tmp_path / "r.json").models == original.models


@pytest.mark.parametrize(("candidate", "message"), [
    (record(0.95, model="other"), "expected the same models"),
    (record(0.95, steps=600), "expected the same budget"),
    (record(0.95, seeds=MIN_SEEDS - 1), f"needs at least {MIN_SEEDS} a side"),
])
def test_incomparable_records_are_refused(candidate, message):
    with pytest.raises(ConvergenceFileError, match=message):
        compare(record(0.95), candidate)


def _write(path: Path, data: object) -> str:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def _valid() -> dict:
    return {"format": convergence.FORMAT, "models": {"m": {
        "epochs": None, "steps": 300, "target_accuracy": None,
        "runs": [{"seed": s, "test_accuracy": 0.95, "test_loss": 0.2, "seconds": 1.0}
                 for s in range(3)]}}}


def _broken(change) -> dict:
    data = _valid()
    change(data)
    return data


CORRUPT = [
    pytest.param("{not json", "not readable JSON", id="not JSON"),
    pytest.param({"benchmarks": []}, "expected a convergence record", id="another tool's"),
    pytest.param(_broken(lambda d: d["models"]["m"]["runs"][0].update(test_accuracy=1.5)),
                 "runs[0].test_accuracy: expected a number in [0, 1]", id="accuracy 1.5"),
    pytest.param(_broken(lambda d: d["models"]["m"].update(epochs=2)),
                 "exactly one of epochs and steps", id="two budgets"),
    pytest.param(_broken(lambda d: d["models"]["m"]["runs"][1].update(seed=0)),
                 "a seed appears more than once", id="repeated seed"),
    pytest.param(_broken(lambda d: d["models"]["m"]["runs"][0].update(test_loss="nan")),
                 "test_loss: expected a finite number", id="loss a string"),
]


@pytest.mark.parametrize(("content", "message"), CORRUPT)
def test_a_corrupt_file_is_one_line_and_exit_2(tmp_path, capsys, content, message):
    good = _write(tmp_path / "good.json", _valid())
    bad = _write(tmp_path / "bad.json", content)
    assert main(["converge-compare", good, bad]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err, err


def test_cli_exits_1_on_a_worse_candidate_and_0_otherwise(tmp_path, capsys):
    base, worse, same = (tmp_path / f"{n}.json" for n in ("base", "worse", "same"))
    convergence.write(record(0.95), base)
    convergence.write(record(0.94, seed=1), worse)
    convergence.write(record(0.95, seed=2), same)
    assert main(["converge-compare", str(base), str(worse)]) == 1
    assert "WORSE: m" in capsys.readouterr().out
    assert main(["converge-compare", str(base), str(same)]) == 0


@pytest.mark.training
def test_a_learning_rate_ten_times_too_low_learns_worse_than_the_baseline():
    spec = mnist_models.get_spec("mlp_25_25")
    slow = dataclasses.replace(spec, recipe=dataclasses.replace(
        spec.recipe, learning_rate=spec.recipe.learning_rate / 10))
    baseline = convergence.read(BASELINE)
    baseline = ConvergenceRecord({spec.name: baseline.models[spec.name]})
    candidate = convergence.measure([slow], MIN_SEEDS, None, "test")
    (result,) = compare(baseline, candidate)
    assert result.verdict == "worse", result
