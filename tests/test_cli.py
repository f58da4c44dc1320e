"""The mnist-models command line, called in-process the way the console script calls it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import mnist_models
from mnist_models.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_names_every_model(capsys):
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [row["model"] for row in rows] == mnist_models.list_models()
    assert {row["params"] for row in rows} == {
        mnist_models.get_spec(name).total_params for name in mnist_models.list_models()}


def test_summary_prints_the_table_beside_the_document(capsys):
    code, out, _ = run(capsys, "summary", "lenet5_bn")
    assert code == 0
    assert "62,698" in out and "DIFFERS" not in out
    assert out.count(" ok") == len(mnist_models.get_spec("lenet5_bn").layers)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["train", "lenet6"], "unknown model 'lenet6'"),
        (["train", "lenet5", "--epochs", "-1"], "--epochs: expected a positive integer"),
        (["train", "lenet5", "--steps", "zero"], "--steps: expected a positive integer"),
        (["train", "lenet5", "--target-accuracy", "1.5"], "expected an accuracy in (0, 1]"),
        (["train", "lenet5", "--epochs", "1", "--steps", "5"], "not allowed with"),
        (["summary", "resnet"], "valid names: cnn_12_20"),
        (["check", "lenet5", "nope"], "unknown model 'nope'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and expected in err


def test_unwritable_plot_folder_exits_2_before_training(capsys, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    code, _, err = run(capsys, "train", "lenet5", "--plot", str(blocked / "plots"))
    assert code == 2 and "not writable" in err
    if os.geteuid() != 0:  # root writes through permission bits
        readonly = tmp_path / "ro"
        readonly.mkdir(mode=0o500)
        code, _, err = run(capsys, "train", "lenet5", "--plot", str(readonly))
        assert code == 2 and "not writable" in err


@pytest.mark.training
def test_train_json_is_the_last_line_of_stdout_and_alone(capsys, tmp_path):
    code, out, _ = run(capsys, "train", "lenet5", "--steps", "50", "--seed", "3", "--json",
                       "--plot", str(tmp_path))
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[-1])
    for key in ("model", "test_accuracy", "test_loss", "seconds", "samples", "seed"):
        assert key in result
    assert result["seed"] == 3 and result["samples"] == 50 * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "lenet5_accuracy.png", "lenet5_confusion.png", "lenet5_loss.png"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in tmp_path.iterdir())


@pytest.mark.training
def test_check_prints_one_table_and_passes(capsys):
    code, out, _ = run(capsys, "check", "lenet5")
    assert code == 0, out
    assert "lenet5" in out and "BELOW" not in out and "DIFFERS" not in out


def test_fingerprint_prints_every_quantity_against_its_tolerance(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # the goldens and calibration are repository files
    code, out, _ = run(capsys, "fingerprint", "mlp_100")
    assert code == 0, out
    assert out.count("mlp_100 ") == 6 and "MOVED" not in out
    assert out.rstrip().endswith("every fingerprint matches its golden")


def test_fingerprint_without_goldens_exits_2_naming_the_file(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "fingerprint", "mlp_100")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "tests/golden/fingerprints.json does not exist" in err


def test_tolerance_table_is_what_the_readme_shows(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "fingerprint", "--tolerance-table")
    assert code == 0
    assert out in (ROOT / "README.md").read_text()
