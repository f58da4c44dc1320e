"""train(): recipe defaults, determinism, exact step budgets, the curve, time-to-accuracy,
argument checks (the full tables: tests/test_bad_input.py)."""

from __future__ import annotations

import numpy as np
import pytest

import mnist_models
from mnist_models import get_spec, load_mnist
from mnist_models.data.recipe_arrays import prepare, random_batches
from mnist_models.training.budget import MIN_CURVE_POINTS, execution_length
from mnist_models.training.train import STEPS_PER_EXECUTION, train


@pytest.mark.parametrize(
    "kwargs",
    [{"epochs": 0}, {"steps": -1}, {"epochs": 1, "steps": 10}, {"target_accuracy": 1.5},
     {"target_accuracy": 0.0}],
)
def test_bad_arguments_are_refused_before_any_work(kwargs):
    with pytest.raises(ValueError, match=r"epochs|steps|target_accuracy"):
        train(get_spec("mlp_25_25"), **kwargs)


def test_train_takes_a_name_or_a_spec_and_refuses_anything_else():
    with pytest.raises(mnist_models.UnknownModelError, match="unknown model 'nope'; valid names"):
        train("nope", steps=1)
    with pytest.raises(TypeError, match=r"spec: expected a model name or a ModelSpec, got int"):
        train(5, steps=1)


@pytest.mark.training
def test_train_resolves_a_name_to_the_same_run_as_its_spec():
    by_name = train("mlp_25_25", steps=3, seed=1)
    by_spec = train(get_spec("mlp_25_25"), steps=3, seed=1)
    assert by_name.model == by_spec.model == "mlp_25_25"
    assert by_name.test_accuracy == by_spec.test_accuracy


def test_random_batches_sample_with_replacement_like_document_004():
    x = np.arange(50)
    y = np.arange(50) * 10
    xb, yb = random_batches(x, y, steps=300, batch_size=100, seed=98)
    assert xb.shape == (30000,)
    np.testing.assert_array_equal(yb, xb * 10)  # images and labels stay paired
    assert len(np.unique(xb[:100])) < 100  # with replacement: repeats within a batch
    again, _ = random_batches(x, y, steps=300, batch_size=100, seed=98)
    np.testing.assert_array_equal(xb, again)


def test_a_limited_prepare_is_the_start_of_the_full_one():
    # The benchmarks time the first batch of what train() fits on, not data made another way.
    recipe = get_spec("lenet5").recipe  # padded, scaled, sparse: every kind of step
    small = load_mnist()
    small = tuple((x[:300], y[:300]) for x, y in small)
    (x_train, y_train), (x_test, _) = prepare(recipe, small)
    (x_few, y_few), (x_few_test, _) = prepare(recipe, small, limit=7)
    assert x_few.shape == (7, *x_train.shape[1:]) and len(x_few_test) == 7
    np.testing.assert_array_equal(x_few, x_train[:7])
    np.testing.assert_array_equal(y_few, y_train[:7])
    np.testing.assert_array_equal(x_few_test, x_test[:7])


@pytest.mark.training
def test_same_seed_gives_the_same_accuracy_to_the_last_digit():
    first = train(get_spec("mlp_25_25"), steps=100, seed=5)
    second = train(get_spec("mlp_25_25"), steps=100, seed=5)
    assert first.test_accuracy == second.test_accuracy
    assert first.test_loss == second.test_loss
    other = train(get_spec("mlp_25_25"), steps=100, seed=6)
    # Shows the comparison above can fail: another seed gives other weights.
    assert other.test_loss != first.test_loss


@pytest.mark.training
def test_result_holds_what_a_report_needs():
    result = train(get_spec("lenet5"), steps=50, seed=1)
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
    result = train(get_spec("mlp_100"), epochs=3, seed=0, target_accuracy=target)
    accuracies = [e["test_accuracy"] for e in result.evaluations]
    assert result.reached_target
    assert accuracies[-1] >= target and all(a < target for a in accuracies[:-1])
    steps_per_epoch = -(-54000 // get_spec("mlp_100").recipe.batch_size)
    # Four evaluations an epoch, at compiled-execution boundaries.
    assert result.evaluations[0]["steps"] <= steps_per_epoch / 4 + STEPS_PER_EXECUTION
    assert result.steps < 3 * steps_per_epoch
    assert result.test_accuracy == pytest.approx(accuracies[-1], abs=1e-6)


@pytest.mark.parametrize(("steps_per_epoch", "budget"), [
    (480, 1), (480, 3), (480, 50), (480, 479), (480, 1000), (480, 960), (844, 601), (8, 37),
    (15, 37), (469, 199)])
def test_execution_length_ends_an_execution_on_the_budgets_last_step(steps_per_epoch, budget):
    length = execution_length(steps_per_epoch, budget)
    assert 1 <= length <= min(STEPS_PER_EXECUTION, steps_per_epoch)
    # Executions restart with each epoch, so the last epoch's steps must be whole executions.
    assert (budget % steps_per_epoch) % length == 0
    assert budget // length >= min(budget, MIN_CURVE_POINTS)


@pytest.mark.parametrize("budget", [37, 50, 300, 301])
def test_a_run_of_one_epoch_of_exactly_its_budget_ends_on_an_execution_boundary(budget):
    """Document 004's random batches: the data ends with the budget, and Keras 3 before 3.8
    ran one step too many when it ended inside an execution (seen on 3.3.3 and 3.5.0)."""
    assert budget % execution_length(budget, budget) == 0


@pytest.mark.parametrize(("steps_per_epoch", "budget"), [
    (480, 300), (844, 600), (469, 200), (300, 300), (480, None), (750, None)])
def test_gate_budgets_keep_the_execution_length_they_were_calibrated_with(steps_per_epoch,
                                                                           budget):
    assert execution_length(steps_per_epoch, budget) == STEPS_PER_EXECUTION


def _small_test_set(n_train: int | None = None):
    (x_train, y_train), (x_test, y_test) = load_mnist()
    return (x_train[:n_train], y_train[:n_train]), (x_test[:500], y_test[:500])


@pytest.mark.training
@pytest.mark.parametrize("name", mnist_models.list_models())
@pytest.mark.parametrize(("steps", "n_train"), [(3, None), (37, 1000)],
                         ids=["3 steps", "37 steps over several epochs of 1000 images"])
def test_steps_means_exactly_that_many_optimizer_steps(name, steps, n_train):
    # 1000 images make an epoch of 8 to 16 steps, so the budget ends inside a later epoch.
    result = train(get_spec(name), steps=steps, seed=0, data=_small_test_set(n_train))
    assert result.steps == steps
    batch_size = get_spec(name).recipe.batch_size
    assert result.samples <= steps * batch_size


@pytest.mark.training
def test_a_short_run_records_a_curve_not_a_dot():
    result = train(get_spec("mlp_25_25"), steps=50, seed=0, data=_small_test_set())
    steps = [point["steps"] for point in result.curve if "loss" in point]
    assert len(steps) >= MIN_CURVE_POINTS
    assert steps == sorted(set(steps)) and steps[-1] == 50
    assert all(0 < point["loss"] < 10 for point in result.curve if "loss" in point)
    # Stopped inside the first epoch: the validation at its end is on the curve too.
    assert [point["steps"] for point in result.curve if "val_loss" in point] == [50]
