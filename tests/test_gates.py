"""Accuracy gates: each model trains to its calibrated threshold, and real breakage fails it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

import mnist_models
from mnist_models import compat
from mnist_models.gates import gate_threshold, run_gate, threshold_from
from mnist_models.spec import ModelSpec

GATED = [name for name in mnist_models.list_models() if mnist_models.get_spec(name).gate]
CALIBRATION = Path(__file__).resolve().parents[1] / "calibration"
BACKEND_GATES = [(name, backend) for name in GATED
                 for backend in mnist_models.get_spec(name).gate.other_backends]


def test_every_model_has_a_gate():
    assert mnist_models.list_models() == GATED


@pytest.mark.parametrize("name", GATED)
def test_gate_threshold_comes_from_the_committed_calibration(name):
    gate = mnist_models.get_spec(name).gate
    _assert_calibrated(CALIBRATION / "gates.json", name, gate.threshold, gate.calibrated_min)


@pytest.mark.parametrize(("name", "backend"), BACKEND_GATES)
def test_backend_gate_comes_from_that_backends_calibration(name, backend):
    threshold, calibrated_min = mnist_models.get_spec(name).gate.other_backends[backend]
    _assert_calibrated(CALIBRATION / f"gates-{backend}.json", name, threshold, calibrated_min)


def _assert_calibrated(path: Path, name: str, threshold: float, calibrated_min: float) -> None:
    gate = mnist_models.get_spec(name).gate
    entry = json.loads(path.read_text())["models"][name]
    accuracies = [run["test_accuracy"] for run in entry["runs"]]
    assert len(accuracies) >= 10, "calibrate over at least 10 seeds"
    assert (entry["epochs"], entry["steps"]) == (gate.epochs, gate.steps), "budget changed"
    assert threshold == threshold_from(accuracies)
    assert calibrated_min == pytest.approx(min(accuracies))
    assert threshold < min(accuracies)


@pytest.mark.training
@pytest.mark.parametrize("name", GATED)
def test_model_trains_to_its_gate(name):
    spec = mnist_models.get_spec(name)
    threshold = gate_threshold(spec)
    result = run_gate(spec)
    assert result.test_accuracy >= threshold, (
        f"{name}: test accuracy {result.test_accuracy:.4f} after its gate budget is below "
        f"the calibrated threshold {threshold:.3f} on {compat.backend()}"
    )


def _assert_fails_gate(spec: ModelSpec, **overrides) -> None:
    name = spec.name
    threshold = gate_threshold(spec)
    result = run_gate(spec, **overrides)
    assert result.test_accuracy < threshold, (
        f"broken {name} still reached {result.test_accuracy:.4f} >= {threshold:.3f}"
    )


@pytest.mark.training
def test_gate_catches_a_learning_rate_100x_too_high():
    spec = mnist_models.get_spec("mlp_25_25")
    _assert_fails_gate(dataclasses.replace(spec, recipe=dataclasses.replace(
        spec.recipe, learning_rate=spec.recipe.learning_rate * 100)))


@pytest.mark.training
def test_gate_catches_labels_shuffled_against_images():
    (x_train, y_train), test = mnist_models.load_mnist()
    shuffled = np.random.default_rng(0).permutation(y_train)
    _assert_fails_gate(mnist_models.get_spec("mlp_25_25"), data=((x_train, shuffled), test))


@pytest.mark.training
def test_gate_catches_missing_scaling():
    spec = mnist_models.get_spec("mlp_100")
    recipe = spec.recipe
    unscaled = tuple("to_float32" if step == "scale" else step for step in recipe.image_steps)
    assert unscaled != recipe.image_steps
    _assert_fails_gate(dataclasses.replace(
        spec, recipe=dataclasses.replace(recipe, image_steps=unscaled)))
