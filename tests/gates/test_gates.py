"""Accuracy gates: each model trains to its calibrated threshold, and real breakage fails it."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

import mnist_models
from mnist_models.backend import compat
from mnist_models.gates import calibration as gate_calibration
from mnist_models.gates.gate import gate_threshold, run_gate, threshold_from
from mnist_models.spec import ModelSpec
from tests.support import files

GATED = [name for name in mnist_models.list_models() if mnist_models.get_spec(name).gate]
CALIBRATION = files.SHIPPED
CALIBRATION_FILES = sorted(CALIBRATION.glob("gates*.json"))


def test_every_model_has_a_gate():
    assert mnist_models.list_models() == GATED


@pytest.mark.parametrize("name", GATED)
def test_gate_threshold_is_the_rule_applied_to_the_committed_calibration(name):
    spec = mnist_models.get_spec(name)
    calibrated = gate_calibration.calibrated(spec.gate, compat.backend())
    assert len(calibrated.runs) >= 10, "calibrate over at least 10 seeds"
    assert gate_threshold(spec) == threshold_from(calibrated.accuracies)
    assert gate_threshold(spec) < min(calibrated.accuracies)


@pytest.mark.parametrize("path", CALIBRATION_FILES, ids=lambda path: path.name)
def test_calibration_files_are_well_formed_and_name_registered_models(path):
    entries = gate_calibration.read(path)
    assert entries, f"{path} calibrates no model"
    for name, entry in entries.items():
        assert name in mnist_models.list_models(), f"{path}: {name} is not registered"
        assert sorted(run["seed"] for run in entry.runs) == list(range(len(entry.runs)))


def _spec_calibrated_in(directory: Path, accuracies: list[float], steps: int = 300):
    provenance = {"date": "d", "versions": {}, "machine": "m", "command": "c"}
    runs = tuple({"seed": i, "test_accuracy": a, "seconds": 1.0} for i, a in enumerate(accuracies))
    gate_calibration.record(gate_calibration.file_for(directory, "tensorflow"),
                            gate_calibration.GateCalibration("lenet5", None, steps, runs,
                                                             provenance))
    return dataclasses.replace(mnist_models.get_spec("lenet5"), data_dir=directory)


def test_a_spec_reads_its_threshold_from_its_calibration_folder(tmp_path):
    spec = _spec_calibrated_in(tmp_path, [0.95, 0.96, 0.97])
    threshold = gate_calibration.threshold_for
    assert threshold(spec.gate, "tensorflow") == threshold_from([0.95, 0.96, 0.97])
    spec = _spec_calibrated_in(tmp_path, [0.90, 0.91, 0.92])  # recalibrated: the file decides
    assert threshold(spec.gate, "tensorflow") == threshold_from([0.90, 0.91, 0.92])


def test_a_gate_whose_budget_changed_since_calibration_names_the_command(tmp_path):
    spec = _spec_calibrated_in(tmp_path, [0.95, 0.96], steps=200)
    with pytest.raises(gate_calibration.CalibrationError, match="mnist-models calibrate lenet5"):
        gate_calibration.threshold_for(spec.gate, "tensorflow")


def test_an_uncalibrated_gate_names_the_command(tmp_path):
    spec = dataclasses.replace(mnist_models.get_spec("lenet5"), data_dir=tmp_path)
    with pytest.raises(gate_calibration.CalibrationError, match="mnist-models calibrate lenet5"):
        gate_calibration.threshold_for(spec.gate, "tensorflow")


def test_recording_one_model_keeps_every_other_models_entry_and_provenance(tmp_path):
    path = tmp_path / "gates.json"
    shutil.copy(CALIBRATION / "gates.json", path)
    before = gate_calibration.read(path)
    _spec_calibrated_in(tmp_path, [0.95, 0.96])
    after = gate_calibration.read(path)
    assert after["lenet5"].accuracies == [0.95, 0.96]
    assert {n: e for n, e in after.items() if n != "lenet5"} == \
        {n: e for n, e in before.items() if n != "lenet5"}


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
