"""train(): recipe defaults, determinism, time-to-accuracy, argument checks."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_models import get_spec
from mnist_models.training import STEPS_PER_EXECUTION, _random_batches, train


@pytest.mark.parametrize(
    "kwargs",
    [{"epochs": 0}, {"steps": -1}, {"epochs": 1, "steps": 10}, {"target_accuracy": 1.5},
     {"target_accuracy": 0.0}],
)
def test_bad_arguments_are_refused_before_any_work(kwargs):
    with pytest.raises(ValueError, match=r"epochs|steps|target_accuracy"):
        train("mlp_25_25", **kwargs)


def test_unknown_model_is_a_key_error():
    with pytest.raises(KeyError, match="valid names"):
        train("lenet6")


def test_random_batches_sample_with_replacement_like_document_004():
    x = np.arange(50)
    y = np.arange(50) * 10
    xb, yb = _random_batches(x, y, steps=300, batch_size=100, seed=98)
    assert xb.shape == (30000,)
    np.testing.assert_array_equal(yb, xb * 10)  # images and labels stay paired
    assert len(np.unique(xb[:100])) < 100  # with replacement: repeats within a batch
    again, _ = _random_batches(x, y, steps=300, batch_size=100, seed=98)
    np.testing.assert_array_equal(xb, again)


@pytest.mark.training
def test_same_seed_gives_the_same_accuracy_to_the_last_digit():
    first = train("mlp_25_25", steps=100, seed=5)
    second = train("mlp_25_25", steps=100, seed=5)
    assert first.test_accuracy == second.test_accuracy
    assert first.test_loss == second.test_loss
    other = train("mlp_25_25", steps=100, seed=6)
    # Shows the comparison above can fail: another seed gives other weights.
    assert other.test_loss != first.test_loss


@pytest.mark.training
def test_result_holds_what_a_report_needs():
    result = train("lenet5", steps=50, seed=1)
    data = result.to_json()
    for key in ("model", "test_accuracy", "test_loss", "seconds", "samples", "seed", "history",
                "versions"):
        assert key in data
    assert data["model"] == "lenet5" and data["seed"] == 1
    assert data["samples"] == 50 * get_spec("lenet5").recipe.batch_size
    assert data["versions"]["keras"]
    assert data["seconds"] > 0


@pytest.mark.training
def test_target_accuracy_stops_at_the_first_evaluation_reaching_it():
    target = 0.9
    result = train("mlp_100", epochs=3, seed=0, target_accuracy=target)
    accuracies = [e["test_accuracy"] for e in result.evaluations]
    assert result.reached_target
    assert accuracies[-1] >= target and all(a < target for a in accuracies[:-1])
    steps_per_epoch = -(-54000 // get_spec("mlp_100").recipe.batch_size)
    # Four evaluations an epoch, at compiled-execution boundaries.
    assert result.evaluations[0]["steps"] <= steps_per_epoch / 4 + STEPS_PER_EXECUTION
    assert result.steps < 3 * steps_per_epoch
    assert result.test_accuracy == pytest.approx(accuracies[-1], abs=1e-6)
