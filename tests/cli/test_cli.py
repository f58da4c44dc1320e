"""The mnist-models command line, called in-process the way the console script calls it."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mnist_models
from mnist_models import paths
from mnist_models.cli import doc_tables
from mnist_models.cli.app import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


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


# Bad arguments, files and output paths, class by class: tests/test_bad_input.py,
# tests/test_bench_files.py and tests/test_outputs.py.

LIGHT_COMMANDS = [["list"], ["list", "--json"], ["list", "--markdown"], ["--help"],
                  ["train", "--help"], ["train", "--epochs", "-1", "lenet5"], ["train", "lenet6"],
                  ["reproduce", "--seed", "-1"], ["bench-compare", "missing.json", "x.json"],
                  # The spec is data and the threshold rule scipy alone: tables need no Keras.
                  ["calibration"], ["gate-power", "--table"]]
IMPORTED_HEAVY = """
import sys
from mnist_models.cli.app import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit_:
    code = exit_.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"keras", "tensorflow", "jax", "torch",
                                                       "matplotlib"})
print("HEAVY", code, heavy, file=sys.stderr)
"""


@pytest.mark.parametrize("argv", LIGHT_COMMANDS, ids=" ".join)
def test_commands_that_do_not_train_import_no_keras(argv):
    # Importing Keras (and TensorFlow) takes 4-12 s here: list, help and usage errors must
    # answer at once (`time python -m mnist_models list`: 0.6 s).
    done = subprocess.run([sys.executable, "-c", IMPORTED_HEAVY, *argv], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, check=False)
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("HEAVY") and last.endswith("[]"), done.stderr[-2000:]
    assert last.split()[1] in ("0", "2")


def _option_helps(parser, command: str = "") -> list[tuple[str, str]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _option_helps(sub, name)
        elif not isinstance(action, argparse._HelpAction):
            found.append((f"{command} {action.dest}".strip(), action.help or ""))
    return found


def test_help_documents_every_option_with_its_default():
    helps = _option_helps(build_parser())
    assert len(helps) >= 20
    for dest, text in helps:
        assert text, f"{dest} has no help"
        required = ("summary spec", "train spec", "calibrate spec", "bench-", "converge-compare ",
                    "compare baseline", "compare candidate", "record files", "publish folder")
        if dest.startswith(required) and "--" not in dest:
            continue  # a required positional: no default to state
        assert "(default: " in text, f"{dest}: {text!r}"


def test_train_help_lists_every_model_with_its_budget(capsys):
    code, out, _ = run(capsys, "train", "--help")
    assert code == 0
    for name in mnist_models.list_models():
        recipe = mnist_models.get_spec(name).recipe
        budget = f"{recipe.epochs} epochs," if recipe.epochs else f"{recipe.steps} steps,"
        assert any(line.split()[:3] == [name, *budget.split()] for line in out.splitlines())
    for option in ("--epochs", "--steps", "--seed", "--target-accuracy", "--json", "--plot"):
        assert option in out


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
    assert "lenet5" in out and "BELOW" not in out and "ABOVE" not in out
    assert "DIFFERS" not in out
    # The header names the versions, the CPU and the kernels' code path the verdict holds for.
    header = out.splitlines()[0]
    assert header.startswith("keras ") and ", path " in header, header


def test_fingerprint_prints_every_quantity_against_its_tolerance(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # the goldens and calibration are repository files
    code, out, _ = run(capsys, "fingerprint", "mlp_100")
    assert code == 0, out
    assert out.count("mlp_100 ") == 6 and "MOVED" not in out
    assert out.rstrip().endswith("every fingerprint matches its golden")


def test_fingerprint_runs_from_any_folder_with_the_shipped_goldens(capsys, monkeypatch,
                                                                   tmp_path):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "fingerprint", "mlp_25_25")
    assert code == 0, out
    assert list(tmp_path.iterdir()) == []


def test_a_broken_golden_file_exits_2_naming_the_file(capsys, monkeypatch, tmp_path):
    broken = tmp_path / paths.GOLDENS
    broken.write_text("{not json")
    monkeypatch.setenv(paths.OVERRIDE, str(tmp_path))
    code, out, err = run(capsys, "fingerprint", "mlp_100")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert f"{broken}: not readable JSON" in err


def test_tolerance_table_is_what_the_readme_shows(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "fingerprint", "--tolerance-table")
    assert code == 0
    assert out in (ROOT / doc_tables.DOC_FILES["fingerprint-tolerances"]).read_text()


@pytest.mark.training
def test_train_steps_is_exact_on_the_command_line(capsys):
    code, out, err = run(capsys, "train", "mlp_25_25", "--steps", "3", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["steps"] == 3 and result["samples"] == 3 * 100


#: The command as the console script runs it, plus a callback that says when training has
#: started, so the signal lands in the middle of a fit and not while TensorFlow imports.
INTERRUPTED_TRAIN = """
import functools, pathlib, sys
from mnist_models.backend import quiet

quiet.import_keras_quietly()  # first, as main() would: the test checks every line of stderr
import keras
from mnist_models.training import train as training
from mnist_models.cli.app import main

class Started(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        pathlib.Path(sys.argv[1]).touch()

training.train = functools.partial(training.train, callbacks=[Started()])
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.training
def test_ctrl_c_is_one_line_exit_130_and_leaves_no_output(tmp_path):
    started = tmp_path / "started"
    plots = tmp_path / "new" / "plots"
    process = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED_TRAIN, str(started), "train", "mlp_25_25",
         "--epochs", "20", "--json", "--plot", str(plots)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while not started.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "training never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert (process.returncode, out) == (130, ""), err
    assert err == "mnist-models train: interrupted\n"
    assert [p.name for p in tmp_path.iterdir()] == ["started"]  # no plots, no folders


def test_check_reads_its_gate_calibrations_before_importing_keras(tmp_path):
    """A broken calibration is one line at once: no data loaded, no Keras imported."""
    (tmp_path / paths.GATES).write_text("{not json")
    done = subprocess.run([sys.executable, "-c", IMPORTED_HEAVY, "check"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=60, check=False,
                          env={**os.environ, paths.OVERRIDE: str(tmp_path)})
    lines = done.stderr.strip().splitlines()
    assert lines[-1] == "HEAVY 2 []", done.stderr[-2000:]
    assert lines[-2].startswith(f"mnist-models check: error: {tmp_path / paths.GATES}: not "
                                "readable JSON"), done.stderr[-2000:]
