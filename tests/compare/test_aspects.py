"""Each aspect's verdict: the smallest change it catches, and what it must not flag."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_models.bench.ab.stats import Result
from mnist_models.compare import aspects
from mnist_models.fingerprints import goldens, tolerances

CALIBRATION = tolerances.read_calibration()
STORED, _ = goldens.read_goldens()


def _side(model: str) -> dict:
    return {"key": model, "fingerprint": STORED[model].to_json()}


def _tolerance(model: str, quantity: str) -> float:
    return tolerances.tolerance(CALIBRATION, model, quantity)


def test_identical_fingerprints_are_the_same_to_the_bit():
    found = aspects.numerics(_side("mlp_100"), _side("mlp_100"), CALIBRATION)
    assert (found.verdict, found.summary) == ("same", "identical to the bit")


@pytest.mark.parametrize(("quantity", "stage"), [
    ("forward", "the forward pass"), ("first_update", "the loss or optimizer")])
def test_a_move_just_beyond_its_tolerance_is_named_where_it_first_moved(quantity, stage):
    for factor, verdict in ((0.9, "same"), (1.2, "moved")):
        candidate = _side("lenet5")
        data = candidate["fingerprint"]
        allowed = _tolerance("lenet5", quantity)
        if quantity == "forward":
            data["forward"][0][0] += factor * allowed
        else:
            key = sorted(data[quantity])[0]
            data[quantity][key][0] *= 1 + factor * allowed
        found = aspects.numerics(_side("lenet5"), candidate, CALIBRATION)
        assert found.verdict == verdict, (factor, found.summary)
        if verdict == "moved":
            assert found.summary.startswith(f"moved first in {stage}: {quantity}"), found.summary


def test_a_changed_schedule_is_moved_in_the_schedule():
    candidate = _side("mlp_25_25")
    candidate["fingerprint"]["schedule"]["batch_size"] += 1
    found = aspects.numerics(_side("mlp_25_25"), candidate, CALIBRATION)
    assert found.summary.startswith("moved first in the schedule"), found.summary


def _table(activation: str = "'relu'", document: list[str] | None = None) -> dict:
    return {"layers": [{"name": "dense", "kind": "Dense", "output_shape": [100], "params": 78500,
                        "settings": {"activation": activation, "units": "100"}}],
            "params": {"total": 78500, "trainable": 78500, "non_trainable": 0},
            "document": document or []}


def test_architecture_names_the_setting_that_changed_and_nothing_when_none_did():
    assert aspects.architecture(_table(), _table()).verdict == "same"
    found = aspects.architecture(_table(), _table("'sigmoid'"))
    assert found.verdict == "moved"
    assert found.summary == "layer 0 dense activation 'relu', now 'sigmoid'"


def test_a_new_difference_from_the_document_is_moved_an_old_one_is_not():
    old = ["layer 0 dense (Dense): activation relu, document has tanh"]
    assert aspects.architecture(_table(document=old), _table(document=old)).verdict == "same"
    found = aspects.architecture(_table(), _table(document=old))
    assert found.verdict == "moved" and "differs from its document" in found.summary


def _runs(accuracies: list[float]) -> dict:
    return {"epochs": 2, "steps": None, "target_accuracy": None,
            "runs": [{"seed": seed, "test_accuracy": accuracy, "test_loss": 0.1, "seconds": 1.0,
                      "samples_to_target": None} for seed, accuracy in enumerate(accuracies)]}


def test_learning_pairs_seeds_so_a_small_shift_on_every_seed_is_caught():
    rng = np.random.default_rng(0)
    # Seeds scatter by 0.5 points, far more than the 0.25-point margin; a pairing by seed
    # sees through that to a shift of 0.5 points.
    base = list(0.95 + rng.normal(0, 0.005, 5))
    assert aspects.learning(_runs(base), _runs(base), "m", 0.0025).verdict == "same"
    shifted = [a - 0.005 + rng.normal(0, 0.0005) for a in base]
    assert aspects.learning(_runs(base), _runs(shifted), "m", 0.0025).verdict == "worse"
    scattered = [a + rng.normal(0, 0.01) for a in base]
    assert aspects.learning(_runs(base), _runs(scattered), "m", 0.0025).verdict \
        == "inconclusive"


def _result(ratio: float, low: float, high: float, verdict: str) -> Result:
    return Result("m train 64", 1.0, ratio, ratio, low, high, 36, 4, 0, 0.01, 0.05, "yours",
                  verdict)


@pytest.mark.parametrize(("interval", "bench_ab", "expected"), [
    ((1.10, 1.06, 1.14), "REGRESSION", "slower"),
    ((1.02, 1.01, 1.03), "slower < 5.0%", "same"),
    ((0.97, 0.95, 0.99), "faster", "same"),  # a speed-up under the threshold is not claimed
    ((0.90, 0.88, 0.92), "faster", "faster"),
    ((1.00, 0.93, 1.07), "unresolved", "inconclusive"),
    ((1.00, 0.98, 1.02), "no change", "same"),
])
def test_speed_verdicts(interval, bench_ab, expected):
    assert aspects.speed([_result(*interval, bench_ab)]).verdict == expected


def test_a_model_takes_its_most_severe_verdict():
    assert aspects.most_severe(["same", "faster", "moved", "inconclusive"]) == "moved"
    assert aspects.most_severe(["same", "worse", "slower"]) == "worse"
    assert aspects.most_severe([]) == "not run"
