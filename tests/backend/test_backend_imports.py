"""On JAX and torch nothing in the package may import TensorFlow (those envs don't have it)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mnist_models.backend import compat
from tests.support import child_process

IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
import mnist_models
for module in pkgutil.walk_packages(mnist_models.__path__, "mnist_models."):
    if module.name != "mnist_models.__main__":  # runs the CLI when imported
        importlib.import_module(module.name)
mnist_models.build(mnist_models.get_spec("lenet5_bn"))
print(sorted(name for name in sys.modules if name.split(".")[0] == "tensorflow"))
"""


@pytest.mark.skipif(compat.backend() == "tensorflow",
                    reason="TensorFlow is this environment's backend; the jax and torch "
                    "environments run this test")
def test_no_module_imports_tensorflow_on_another_backend():
    done = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], capture_output=True,
                          text=True, env=child_process.environment(KERAS_BACKEND=compat.backend()),
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
