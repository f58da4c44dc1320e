"""Bad input, one test per class, each a table of cases from the command line and the API.

Every case must be refused before any work, with an error naming what is wrong: on the
command line one line on stderr, nothing on stdout and exit code 2; from Python an exception
naming the parameter. The autouse guard fails any case that gets as far as preprocessing data
or seeding a model (loading MNIST is allowed: that is where damaged data is found), so
"before any work" is checked, not assumed. The benchmark-file and output-path classes are in
tests/test_bench_files.py and tests/test_outputs.py.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import mnist_models
from mnist_models import arguments
from mnist_models.backend import compat
from mnist_models.cli.app import build_parser, main
from mnist_models.cli.common_args import merge_models
from mnist_models.data import recipe_arrays as recipe_data
from mnist_models.data.mnist import ENV_VAR, DataError
from mnist_models.gates.gate import run_gate
from mnist_models.reproduction.reproduce import reproduce
from mnist_models.training import train as training

MLP_25_25 = mnist_models.get_spec("mlp_25_25")
LENET5 = mnist_models.get_spec("lenet5")


@pytest.fixture(autouse=True)
def _no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    def work(*_args, **_kwargs):
        raise AssertionError("work started before the arguments were checked")

    monkeypatch.setattr(recipe_data, "preprocess_images", work)  # loading MNIST is checking it
    monkeypatch.setattr(compat, "set_seed", work)


def run_cli(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_cli_refuses(capsys: pytest.CaptureFixture[str], argv: list[str], message: str
                       ) -> None:
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and err.startswith("mnist-models"), err
    assert message in err


def cli(*argv: str, message: str) -> object:
    return pytest.param("cli", list(argv), message, id="cli " + " ".join(argv))


def api(call: Callable[[], object], message: str, error: type[Exception] = ValueError,
        label: str = "") -> object:
    return pytest.param("api", (call, error), message, id=f"api {label or message}")


def check_case(capsys: pytest.CaptureFixture[str], surface: str, case: object,
               message: str) -> None:
    if surface == "cli":
        assert_cli_refuses(capsys, case, message)
    else:
        call, error = case
        with pytest.raises(error) as raised:
            call()
        assert message in str(raised.value)


COUNTS = [
    cli("train", "lenet5", "--epochs", "-1", message="--epochs: expected a positive integer"),
    cli("train", "lenet5", "--epochs", "0", message="expected a positive integer, got 0"),
    cli("train", "lenet5", "--steps", "zero", message="--steps: expected a positive integer"),
    cli("train", "lenet5", "--steps", "1.5", message="expected a positive integer, got '1.5'"),
    cli("train", "lenet5", "--epochs", "1", "--steps", "5", message="not allowed with"),
    api(lambda: training.train(MLP_25_25, epochs=0), "epochs: expected a positive integer"),
    api(lambda: training.train(MLP_25_25, steps=-3), "steps: expected a positive integer"),
    api(lambda: training.train(MLP_25_25, epochs=1.5), "epochs: expected a positive integer",
        TypeError, "epochs float"),
    api(lambda: training.train(MLP_25_25, steps="10"), "steps: expected a positive integer, "
        "got str", TypeError),
    api(lambda: training.train(MLP_25_25, steps=True), "steps: expected a positive integer, "
        "got bool", TypeError),
    api(lambda: training.train(MLP_25_25, epochs=1, steps=10), "epochs, steps: expected one"),
    api(lambda: run_gate(MLP_25_25, steps=10), "steps: a gate trains on its own budget"),
]


@pytest.mark.parametrize(("surface", "case", "message"), COUNTS)
def test_epochs_and_steps_must_be_positive_integers(capsys, surface, case, message):
    check_case(capsys, surface, case, message)


SEEDS = [
    cli("train", "lenet5", "--seed", "-1", message="--seed: expected an integer in [0, "),
    cli("train", "lenet5", "--seed", "abc", message="got 'abc'"),
    cli("train", "lenet5", "--seed", "1.5", message="got '1.5'"),
    cli("train", "lenet5", "--seed", "4294967296", message="got 4294967296"),
    cli("reproduce", "lenet5", "--seed", "-7", message="--seed: expected an integer"),
    api(lambda: training.train(MLP_25_25, seed=-1), "seed: expected an integer in [0, "),
    api(lambda: training.train(MLP_25_25, seed=1.5), "seed: expected an integer", TypeError,
        "seed float"),
    api(lambda: training.train(MLP_25_25, seed=True), "got bool", TypeError),
    api(lambda: training.train(MLP_25_25, seed="3"), "got str", TypeError),
    api(lambda: training.train(MLP_25_25, seed=2**32), "got 4294967296"),
    api(lambda: mnist_models.build(LENET5, seed=-2), "seed: expected an integer"),
    api(lambda: run_gate(LENET5, seed=-1), "seed: expected an integer"),
    api(lambda: reproduce([LENET5], seed=0.5), "seed: expected an integer", TypeError,
        "reproduce seed"),
]


@pytest.mark.parametrize(("surface", "case", "message"), SEEDS)
def test_seed_must_be_an_integer_a_backend_accepts(capsys, surface, case, message):
    check_case(capsys, surface, case, message)


ACCURACIES = [
    cli("train", "lenet5", "--target-accuracy", "1.5", message="expected a number in (0, 1], got"),
    cli("train", "lenet5", "--target-accuracy", "0", message="expected a number in (0, 1], got"),
    cli("train", "lenet5", "--target-accuracy", "nan", message="got nan"),
    cli("train", "lenet5", "--target-accuracy", "high", message="got 'high'"),
    api(lambda: training.train(MLP_25_25, target_accuracy=0.0), "target_accuracy: expected"),
    api(lambda: training.train(MLP_25_25, target_accuracy=float("nan")), "got nan"),
    api(lambda: training.train(MLP_25_25, target_accuracy="0.9"), "got str", TypeError),
    api(lambda: training.train(MLP_25_25, target_accuracy=True), "got bool", TypeError),
]


@pytest.mark.parametrize(("surface", "case", "message"), ACCURACIES)
def test_target_accuracy_must_be_a_fraction(capsys, surface, case, message):
    check_case(capsys, surface, case, message)


def _mnist_like(n_train: int, n_train_labels: int, n_test: int, n_test_labels: int):
    images, labels = np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.uint8)
    return ((images.repeat(n_train, 0), labels.repeat(n_train_labels)),
            (images.repeat(n_test, 0), labels.repeat(n_test_labels)))


@pytest.fixture
def damaged_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "mnist.npz"
    broken.write_bytes(b"PK\x03\x04 not a zip archive")
    monkeypatch.setenv(ENV_VAR, str(broken))


DATA = [
    cli("train", "mlp_25_25", "--steps", "1", message=f"MNIST {ENV_VAR}="),
    cli("check", "lenet5", message="not a readable .npz"),
    cli("reproduce", "lenet5", message="mnist.npz: not a readable .npz"),
    api(lambda: training.train(MLP_25_25, steps=1), "not a readable .npz", DataError,
        "damaged MNIST_MODELS_DATA"),
    api(lambda: training.train(MLP_25_25, data=_mnist_like(100, 99, 10, 10)),
        "data: training images and labels differ in length: 100 images, 99 labels"),
    api(lambda: training.train(MLP_25_25, data=_mnist_like(100, 100, 10, 11)),
        "data: test images and labels differ in length: 10 images, 11 labels"),
    api(lambda: training.train(MLP_25_25, data=_mnist_like(0, 0, 10, 10)),
        "data: the training set is empty"),
    api(lambda: training.train(MLP_25_25, data=5), "data: expected ((x_train, y_train), "
        "(x_test, y_test)), got int", TypeError),
    api(lambda: training.train(MLP_25_25, data=((1, 2), (3, 4))), "data: expected the "
        "training images as an array", TypeError),
]


@pytest.mark.parametrize(("surface", "case", "message"), DATA)
def test_bad_data_is_named_before_training(capsys, damaged_source, surface, case, message):
    # The damaged source is what MNIST_MODELS_DATA points at; data= cases never read it.
    check_case(capsys, surface, case, message)


NAMES = [
    cli("train", "lenet6", message="unknown model 'lenet6'"),
    cli("summary", "resnet", message="valid names: cnn_12_20"),
    cli("check", "lenet5", "nope", message="unknown model 'nope'"),
    cli("reproduce", "LeNet5", message="unknown model 'LeNet5'"),
    cli("frobnicate", message="invalid choice"),
    api(lambda: mnist_models.get_spec("lenet6"), "unknown model 'lenet6'", KeyError),
    api(lambda: mnist_models.get_spec(5), "unknown model 5", KeyError),
    # The public functions take a name or a spec, resolved once at their edge.
    api(lambda: training.train("lenet6"), "unknown model 'lenet6'; valid names", KeyError),
    api(lambda: mnist_models.build("nope"), "unknown model 'nope'; valid names: cnn_12_20",
        KeyError),
    api(lambda: mnist_models.build(5), "spec: expected a model name or a ModelSpec, got int 5",
        TypeError),
    api(lambda: run_gate("nope"), "unknown model 'nope'", KeyError),
    api(lambda: run_gate(5.0), "spec: expected a model name or a ModelSpec", TypeError),
    api(lambda: reproduce("lenet5"), "specs: expected a list of ModelSpecs, got str",
        TypeError),
    api(lambda: reproduce([LENET5, "nope"]), "unknown model 'nope'", KeyError),
    api(lambda: dataclasses.replace(LENET5, recipe="adam"), "recipe: expected a Recipe",
        TypeError),
    api(lambda: training.train(LENET5, verbose=3), "verbose: expected 0, 1 or 2"),
]


@pytest.mark.parametrize(("surface", "case", "message"), NAMES)
def test_unknown_models_and_options_are_named(capsys, surface, case, message):
    check_case(capsys, surface, case, message)


def test_argument_errors_are_value_errors_and_type_errors_too():
    # Callers catch ValueError for any bad argument, TypeError where the type was wrong.
    assert issubclass(arguments.ArgumentTypeError, TypeError)
    assert issubclass(arguments.ArgumentTypeError, ValueError)
    assert arguments.seed(np.int64(7)) == 7 and type(arguments.seed(np.int64(7))) is int


PYTHON = sys.executable
DIALECT = [
    # No command: the line lists them.
    cli(message="expected a command, one of: compare, history, list, summary, train, check"),
    # An empty output target is refused by name, never read as "none".
    cli("train", "lenet5", "--plot", "", message="--plot folder '' is not writable: expected "
        "a folder name"),
    cli("reproduce", "lenet5", "--markdown", "", message="expected a file name"),
    # bench-ab's models are names after the interpreters, or --models A,B; the old misparse
    # of a space-separated --models is said so.
    cli("bench-ab", "--models", "mlp_100", "lenet5", PYTHON, PYTHON,
        message="expected a model name, got the path"),
    cli("bench-ab", "lenet5", PYTHON, message="baseline interpreter 'lenet5' is a model name"),
    cli("check", "--models", "lenet5,,mlp_100", message="expected model names separated by "
        "commas"),
    cli("check", "--models", "lenet5,nope", message="unknown model 'nope'"),
]


@pytest.mark.parametrize(("surface", "case", "message"), DIALECT)
def test_one_dialect_and_one_line_for_each_mistake(capsys, surface, case, message):
    check_case(capsys, surface, case, message)


def test_an_empty_benchmark_run_is_refused_not_charted(capsys, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text('{"machine_info": {}, "benchmarks": []}')
    chart = tmp_path / "chart.png"
    assert_cli_refuses(capsys, ["bench-report", str(empty), "--chart", str(chart)],
                       "its 'benchmarks' list is empty")
    assert not chart.exists()


def test_names_and_models_option_are_one_form(capsys):
    parser = build_parser()
    for argv in (["check", "lenet5", "mlp_100"], ["check", "--models", "lenet5,mlp_100"],
                 ["check", "lenet5", "--models", "mlp_100,lenet5"]):
        args = parser.parse_args(argv)
        merge_models(args)
        assert [spec.name for spec in args.specs] == ["lenet5", "mlp_100"], argv
    args = parser.parse_args(["bench-ab", PYTHON, PYTHON, "lenet5", "--models", "mlp_100"])
    merge_models(args)
    assert [spec.name for spec in args.specs] == ["lenet5", "mlp_100"]
