"""On a GPU the zoo trains there: what the ``gpu`` marker guards.

``gpu`` tests are skipped, with the reason, where the backend sees no GPU (conftest.py). Keras
falls back to the CPU without a word when a backend's GPU build is missing or broken, so a
suite run on a GPU machine that silently trained on its CPU would report CPU figures as GPU
ones; these tests fail then.
"""

from __future__ import annotations

import pytest

import mnist_models
from mnist_models import compat
from mnist_models.training import train


def test_variable_device_tells_cpu_from_gpu():
    """Runs everywhere, so the helper the ``gpu`` test relies on is shown to answer "cpu" on a
    CPU machine (CI) and "gpu" on a GPU one: it is no constant."""
    model = mnist_models.build("mlp_100", seed=0)
    expected = "gpu" if compat.gpu_available() else "cpu"
    assert {compat.variable_device(v) for v in model.weights} == {expected}
    assert (compat.accelerator() is None) == (expected == "cpu")


@pytest.mark.gpu
def test_training_runs_on_the_gpu():
    result = train("lenet5_bn", steps=50)
    model = result.keras_model
    assert {compat.variable_device(v) for v in model.weights} == {"gpu"}
    assert {compat.variable_device(v) for v in model.optimizer.variables} == {"gpu"}
    assert result.steps == 50
    assert compat.accelerator(), "a GPU is visible but has no name"
