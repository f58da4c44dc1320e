"""Every registry model against its source document, generated from the registry (timm style).

No expected value lives here: shapes, params and totals come from each model's ModelSpec.
"""

from __future__ import annotations

import keras
import pytest

import mnist_models
from mnist_models.zoo.architecture import layer_table, param_counts
from tests.support import checks

MODELS = mnist_models.list_models()


@pytest.fixture(params=MODELS)
def spec(request):
    return mnist_models.get_spec(request.param)


@pytest.fixture
def model(spec):
    return mnist_models.build(spec, seed=0)


def test_registry_lists_the_zoo():
    assert len(MODELS) == len(set(MODELS)) >= 7
    assert sorted(MODELS) == MODELS


def test_layer_table_matches_document(model, spec):
    checks.check_matches_document(model, spec)
    assert layer_table(model) == spec.layers


def test_input_shape(model, spec):
    assert tuple(model.inputs[0].shape)[1:] == spec.input_shape


def test_param_totals(model, spec):
    assert param_counts(model) == {
        "total": spec.total_params,
        "trainable": spec.trainable_params,
        "non_trainable": spec.non_trainable_params,
    }
    assert model.count_params() == spec.total_params


def test_softmax_rows_sum_to_one(model, spec):
    checks.check_softmax_rows(model, spec)


def test_gradient_reaches_every_trainable_weight(model, spec):
    checks.check_gradients_reach_every_weight(model, spec)


def test_same_seed_gives_same_weights(spec):
    first = mnist_models.build(spec, seed=7)
    second = mnist_models.build(spec, seed=7)
    checks.check_same_weights(first, second)


def test_keras_save_and_load_keeps_predictions(model, spec, tmp_path):
    path = tmp_path / f"{spec.name}.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    checks.check_same_predictions(model, restored, spec)


@pytest.mark.parametrize("bad_name", ["lenet", "LeNet5", "", "resnet50"])
def test_unknown_model_name_lists_valid_names(bad_name):
    with pytest.raises(KeyError) as excinfo:
        mnist_models.get_spec(bad_name)
    message = str(excinfo.value)
    assert repr(bad_name) in message
    for name in MODELS:
        assert name in message
    # build takes a name as get_spec does, and says the same.
    with pytest.raises(mnist_models.UnknownModelError, match=repr(bad_name)):
        mnist_models.build(bad_name)


def test_build_takes_a_name_as_timm_create_model_does():
    by_name = mnist_models.build("lenet5", seed=0)
    by_spec = mnist_models.build(mnist_models.get_spec("lenet5"), seed=0)
    assert by_name.count_params() == by_spec.count_params() == 61_706
    checks.check_same_weights(by_name, by_spec)
