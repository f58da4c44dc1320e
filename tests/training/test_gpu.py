"""On a GPU the zoo trains there: what the ``gpu`` marker guards.

``gpu`` tests are skipped, with the reason, where the backend sees no GPU (conftest.py). Where
it sees one, they fail if a model's or its optimizer's variables live anywhere else. A backend
whose GPU build is missing or broken sees no GPU at all, and Keras then trains on the CPU
without a word: on a GPU runner set ``MNIST_MODELS_REQUIRE_GPU=1`` and that run stops with a
usage error instead of skipping.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import mnist_models
from mnist_models.backend import compat
from mnist_models.training.train import train
from tests.support import backend_helpers, child_process


def test_variable_device_matches_what_the_backend_sees():
    """Runs everywhere: "cpu" on a CPU machine (CI), "gpu" on a GPU one."""
    model = mnist_models.build(mnist_models.get_spec("mlp_100"), seed=0)
    expected = "gpu" if compat.gpu_available() else "cpu"
    assert {backend_helpers.variable_device(v) for v in model.weights} == {expected}
    assert (compat.accelerator() is None) == (expected == "cpu")


@pytest.mark.gpu
def test_training_runs_on_the_gpu():
    result = train(mnist_models.get_spec("lenet5_bn"), steps=50)
    model = result.keras_model
    assert {backend_helpers.variable_device(v) for v in model.weights} == {"gpu"}
    assert {backend_helpers.variable_device(v) for v in model.optimizer.variables} == {"gpu"}
    assert result.steps == 50
    assert compat.accelerator(), "a GPU is visible but has no name"


def test_requiring_a_gpu_where_there_is_none_is_an_error():
    """``MNIST_MODELS_REQUIRE_GPU=1`` turns the gpu skip into a usage error naming the setting;
    where a GPU is visible the same run passes."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/training/test_gpu.py", "-q", "-p",
         "no:cacheprovider", "-k", "training_runs_on_the_gpu"],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
        env=child_process.environment(MNIST_MODELS_REQUIRE_GPU="1"))
    if compat.gpu_available():
        assert run.returncode == 0, run.stdout + run.stderr
    else:
        assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
        assert "MNIST_MODELS_REQUIRE_GPU is set" in run.stderr
