"""Reproduction verdicts by interval: what they let through, what they flag, and REPRODUCTION.md."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from mnist_models.cli.app import main
from mnist_models.reproduction import reproduce as reproduction
from mnist_models.reproduction.interval import interval
from mnist_models.reproduction.record import Reproduced, read_results, record_result
from mnist_models.zoo.registry import get_spec
from tests.support import files

ROOT = Path(__file__).resolve().parents[2]
STORED = files.SHIPPED / "reproduction.json"


def test_lenet5_counts_its_500_images_of_binomial_noise_and_passes():
    spec = get_spec("lenet5")
    ours = read_results(STORED)["lenet5"].test_accuracy
    span = interval(spec, ours)
    assert span.eval_sd == pytest.approx(math.sqrt(ours * (1 - ours) / 500))
    assert span.contains(spec.reported_accuracy)
    # Evaluated on the full test set, the document's figure would need a narrower interval.
    full = interval(dataclasses.replace(spec, evaluated_on=10_000), ours)
    assert full.high < span.high - 0.005


def test_a_figure_just_outside_the_interval_is_not_reproduced():
    spec = get_spec("mlp_100")
    span = interval(spec, 0.97)
    assert reproduction.reproduced(spec, 0.97) == span.contains(spec.reported_accuracy)
    assert span.contains(span.high - 1e-6) and not span.contains(span.high + 1e-6)
    assert not span.contains(span.low - 1e-6)


def test_a_full_test_set_figure_counts_seed_noise_only_and_says_where_it_came_from():
    span = interval(get_spec("mlp_100"), 0.9762)
    assert span.eval_sd == 0.0
    assert span.seed_noise.startswith("borrowed from the gate (2 epochs")
    assert interval(get_spec("lenet5"), 0.9572).seed_noise.startswith("measured")


def test_every_stored_reproduction_passes():
    for name, run in read_results(STORED).items():
        assert reproduction.reproduced(get_spec(name), run.test_accuracy), name


def test_reproduction_md_is_generated_from_the_stored_runs(tmp_path, capsys):
    out = tmp_path / "R.md"
    assert main(["reproduce", "--from-results", str(STORED), "--markdown", str(out)]) == 0
    capsys.readouterr()
    strip = [line for line in out.read_text().splitlines() if not line.startswith("Generated")]
    committed = [line for line in (ROOT / "REPRODUCTION.md").read_text().splitlines()
                 if not line.startswith("Generated")]
    assert strip == committed, "stale: regenerate with mnist-models reproduce --from-results " \
                               "calibration/reproduction.json --markdown REPRODUCTION.md"


def test_a_run_is_added_beside_the_others_and_a_bad_record_is_one_line(tmp_path, capsys):
    path = tmp_path / "r.json"
    record_result(path, Reproduced("lenet5", 0, 0.95, 6.0, "here"))
    record_result(path, Reproduced("mlp_100", 0, 0.97, 6.0, "here"))
    assert sorted(read_results(path)) == ["lenet5", "mlp_100"]
    data = json.loads(path.read_text())
    data["runs"]["lenet5"]["test_accuracy"] = 1.2
    path.write_text(json.dumps(data))
    assert main(["reproduce", "--from-results", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "runs.lenet5.test_accuracy" in err, err
