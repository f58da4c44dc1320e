"""Numerical fingerprints against their goldens, generated from the registry (keras-hub style).

The same numpy-drawn weights must give the same softmax outputs, step losses and weight updates
on every Keras version and backend, within tolerances calibrated over the tox environments
(``calibration/fingerprints.json``). ``tests/test_fast_tier_catches_breaks.py`` shows what
they catch.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import keras
import numpy as np
import pytest

import mnist_models
from mnist_models.backend import code_paths, compat
from mnist_models.backend.provenance import provenance
from mnist_models.cli import doc_tables
from mnist_models.fingerprints import check as fingerprint_check
from mnist_models.fingerprints import goldens, tolerances
from mnist_models.fingerprints.compute import all_golden_keys
from mnist_models.fingerprints.goldens import Deviation
from mnist_models.fingerprints.weights import cancelled_by_batchnorm, fill_weights
from tests.support import checks, files

GOLDEN = files.GOLDEN
CALIBRATION = files.DEVIATIONS
#: The page that holds the tolerance table.
TOLERANCE_DOC = files.ROOT / doc_tables.DOC_FILES["fingerprint-tolerances"]
#: The tox test environments; each one's deviations must be in the calibration.
TOX_ENVIRONMENTS = ("tf215", "tf216", "tf217", "tf218", "tf219", "tf220", "tf221", "jax",
                    "torch")
MODELS = mnist_models.list_models()
DROPOUTS = [(name, row.name, row.settings["rate"]) for name in MODELS
            for row in mnist_models.get_spec(name).layers if row.kind == "Dropout"]


def golden_file(spec) -> Path:
    """The suite's golden file, or a plugin model's own (in its package, ``data_dir``)."""
    return goldens.golden_file(spec.data_dir) if spec.data_dir else GOLDEN


def verdicts(spec, now=None):
    return fingerprint_check.verdicts(spec, now, golden_file=golden_file(spec),
                                      calibration_file=CALIBRATION)


@pytest.mark.parametrize("name", MODELS)
def test_fingerprint_matches_its_golden(name):
    rows = verdicts(mnist_models.get_spec(name))
    assert {row.deviation.quantity for row in rows} == set(goldens.QUANTITIES)
    assert not any(row.moved for row in rows), fingerprint_check.moved_message(rows)


@pytest.mark.parametrize(("name", "layer_name", "rate"), DROPOUTS)
def test_dropout_drops_its_rate_and_rescales_the_rest(name, layer_name, rate):
    """The fingerprints train with Dropout off (its mask differs per backend); this checks
    what the layer does with its rate instead."""
    model = mnist_models.build(mnist_models.get_spec(name), seed=0)
    checks.check_dropout(model.get_layer(layer_name), rate)


#: Every golden in the suite's file: one per zoo model, and one per known numeric difference a
#: model is subject to (an installed plugin's models keep theirs in their own package).
ZOO = [name for name in MODELS if mnist_models.get_spec(name).data_dir is None]
KEYS = sorted(key for name in ZOO for key in all_golden_keys(mnist_models.get_spec(name)))


def _backend_of(environment: str) -> str:
    return {"jax": "jax", "torch": "torch"}.get(environment, "tensorflow")


def test_every_model_has_a_golden_calibrated_in_every_environment_and_on_the_avx2_path():
    stored, provenance = goldens.read_goldens(GOLDEN)
    assert sorted(stored) == KEYS
    calibration = tolerances.read_calibration(CALIBRATION)
    measured = tolerances.environments(calibration)
    assert sorted(measured) == sorted(TOX_ENVIRONMENTS)
    for environment, paths in measured.items():
        # The native path of the calibrating machine, and the AVX2 path that CI checks.
        assert {"native", code_paths.AVX2[_backend_of(environment)]} <= paths, environment
    # A model is measured on every environment and path, or (added since the last
    # calibration, as the docs say) on none: held to the floors until then.
    measured_models = {key.split("@")[0] for entry in calibration["measurements"]
                       for key in entry["deviations"]}
    assert measured_models | set(tolerances.uncalibrated(calibration, ZOO)) == set(ZOO)
    for entry in calibration["measurements"]:
        where = (entry["environment"], entry["path"])
        assert set(entry["deviations"]) <= set(KEYS), where
        assert {key.split("@")[0] for key in entry["deviations"]} == measured_models, where
        for key, deviations in entry["deviations"].items():
            assert set(deviations) == set(goldens.QUANTITIES), (where, key)
            about = entry["provenance"][key]
            assert {"date", "versions", "machine", "command", "code_path"} <= set(about)
            assert about["code_path"]["path"] == entry["path"], (where, key)
            assert about["code_path"]["cpu"] == entry["cpu"] and about["code_path"]["isa"]
    for key in KEYS:
        # Written only by a command: fingerprint --write, or calibrate NAME for a new model.
        assert provenance[key]["command"].startswith(("mnist-models fingerprint",
                                                      "mnist-models calibrate")), key


@pytest.mark.parametrize("key", [key for key in KEYS if "@" in key])
def test_a_known_difference_moves_its_model_past_the_common_golden(key):
    """A model's own golden for a known difference is no disguised tolerance: the difference
    moves its fingerprint far past what the common golden allows."""
    stored, _ = goldens.read_goldens(GOLDEN)
    name = key.split("@")[0]
    calibration = tolerances.read_calibration(CALIBRATION)
    moved = [row for row in goldens.deviations(stored[name], stored[key])
             if row.deviation > tolerances.tolerance(calibration, name, row.quantity)]
    assert moved, f"{key} lies within the common golden's tolerances: not a difference"


def test_readme_tolerance_table_is_the_calibrations():
    block = re.search(r"<!-- fingerprint-tolerances -->\n(.*?)<!-- /fingerprint-tolerances -->",
                      TOLERANCE_DOC.read_text(), re.DOTALL)
    assert block, f"{TOLERANCE_DOC.name} has no <!-- fingerprint-tolerances --> block"
    expected = tolerances.markdown(tolerances.read_calibration(CALIBRATION), KEYS)
    assert block.group(1) == expected, "stale: regenerate with mnist-models fingerprint " \
                                       "--tolerance-table"


def _measurement(environment, path, deviations):
    return {"environment": environment, "path": path, "cpu": "c", "deviations": deviations}


def test_tolerance_is_the_margin_over_the_largest_deviation_on_any_path_with_a_floor():
    calibration = {"measurements": [
        _measurement("a", "native", {"m": {"forward": 2e-6}}),
        _measurement("b", "native", {"m": {"forward": 1e-6}}),
        _measurement("b", "onednn:AVX2", {"m": {"forward": 2e-5}})]}
    assert tolerances.tolerance(calibration, "m", "forward") == tolerances.MARGIN * 2e-5
    assert tolerances.tolerance(calibration, "m", "losses") == tolerances.FLOORS["losses"]
    assert tolerances.tolerance(calibration, "m", "schedule") == 0.0
    # Without the capped path (a golden calibrated on one path only), AVX2's 2e-5 would fail.
    native_only = {"measurements": calibration["measurements"][:2]}
    assert tolerances.tolerance(native_only, "m", "forward") < 2e-5
    table = tolerances.markdown(calibration, ["m"])
    assert "| m | forward | 2.0e-06 | a | 2.0e-05 | b onednn:AVX2 | 6.0e-05 |" in table


def test_recording_a_path_replaces_only_that_measurements_models(tmp_path):
    path = tmp_path / "calibration.json"
    about = {"code_path": {"path": "native", "cpu": "c"}}
    row = Deviation("m", "forward", "-", "-", "-", 1e-7)
    tolerances.record("tf", [row], about, path)
    tolerances.record("tf", [Deviation("n", "forward", "-", "-", "-", 2e-7)], about, path)
    tolerances.record("tf", [row], {"code_path": {"path": "onednn:AVX2", "cpu": "c"}}, path)
    calibration = tolerances.read_calibration(path)
    assert [(m["path"], sorted(m["deviations"])) for m in calibration["measurements"]] == [
        ("native", ["m", "n"]), ("onednn:AVX2", ["m"])]
    with pytest.raises(goldens.GoldenError, match="regenerate the goldens"):
        tolerances.record("tf", [Deviation("m", "schedule", "x", "-", "-", math.inf)], about,
                          path)
    assert tolerances.read_calibration(path) == calibration


def test_a_moved_fingerprint_says_what_where_by_how_much_and_against_what():
    row = fingerprint_check.Verdict(Deviation("lenet5", "losses", "step 2", "2.31", "2.29",
                                              8.7e-3), 1e-5)
    message = fingerprint_check.moved_message([row])
    for part in ("lenet5 losses", "step 2", "golden 2.31", "now 2.29", "0.0087",
                 "tolerance 1e-05", "relative"):
        assert part in message


def test_a_changed_schedule_is_never_within_tolerance():
    stored, _ = goldens.read_goldens(GOLDEN)
    golden = stored["mlp_100"]
    now = goldens.Fingerprint(golden.model, {**golden.schedule, "train_samples": 1},
                              golden.forward, golden.losses, golden.first_update,
                              golden.first_moving_stats, golden.updates)
    row = goldens.deviations(golden, now)[0]
    assert row.quantity == "schedule" and row.where == "train_samples"
    assert math.isinf(row.deviation)


def test_fill_weights_depends_on_model_and_layer_names_only():
    first = mnist_models.build(mnist_models.get_spec("lenet5_bn"), seed=1)
    second = mnist_models.build(mnist_models.get_spec("lenet5_bn"), seed=2)
    fill_weights(first, "lenet5_bn")
    fill_weights(second, "lenet5_bn")
    checks.check_same_weights(first, second)
    other = mnist_models.build(mnist_models.get_spec("lenet5_bn"), seed=1)
    fill_weights(other, "another name")
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])


def test_fill_weights_refuses_an_initializer_it_cannot_scale():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(
        2, kernel_initializer="orthogonal", name="odd")])
    # Keras before 3.8 names the class OrthogonalInitializer.
    with pytest.raises(ValueError, match=r"odd/kernel has initializer 'Orthogonal(Initializer)?'"):
        fill_weights(model, "x")


@pytest.mark.parametrize(("activation", "cancelled"), [("linear", {"d/bias"}), ("relu", set())])
def test_a_bias_is_left_out_only_where_batchnorm_removes_it(activation, cancelled):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation, name="d"),
                              keras.layers.BatchNormalization(center=False, name="bn")])
    assert cancelled_by_batchnorm(model) == cancelled


def test_goldens_are_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "fingerprints.json"
    stored, _ = goldens.read_goldens(GOLDEN)
    goldens.write_goldens({"mlp_100": stored["mlp_100"]}, {"command": "test"}, path)
    goldens.write_goldens({"lenet5": stored["lenet5"]}, {"command": "test"}, path)
    assert sorted(goldens.read_goldens(path)[0]) == ["lenet5", "mlp_100"]
    before = path.read_text()

    def failing_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        goldens.write_goldens({"mlp_25_25": stored["mlp_25_25"]}, {"command": "x"}, path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["fingerprints.json"]


@pytest.mark.parametrize("text", ["", "[1, 2]", '{"models": {"m": {"forward": []}}}'])
def test_a_damaged_golden_file_is_named(tmp_path, text):
    path = tmp_path / "fingerprints.json"
    path.write_text(text)
    with pytest.raises(goldens.GoldenError, match=re.escape(str(path)) + "|'m'"):
        goldens.read_goldens(path)


def test_backend_is_named_in_provenance():
    about = provenance("cmd")
    assert about["versions"]["backend"] == compat.backend()
    assert about["code_path"]["backend"] == compat.backend() and about["code_path"]["isa"]
