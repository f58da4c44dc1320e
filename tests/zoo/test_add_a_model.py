"""Adding a model to the zoo is one module and one command, as the README says: shown on a copy
of the repository, the way a user would do it, then the fast tier runs on the copy.

The new model is keras-io's "Simple MNIST convnet" (the example plugin's module, renamed and
moved into the zoo's families), with a short gate so that calibrating it takes seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import files, plugins

NAME = "keras_io_convnet"
#: The folders the zoo's registry-generated fast-tier tests live in, and the docs' tables;
#: of those, the new model's own tests and every test that reads the whole zoo (the ones a
#: test holding the zoo's composition would be among), to keep the default run short.
SUITES = ("tests/zoo", "tests/fingerprints", "tests/docs")
SELECTED = f"{NAME} or every or table"


def _copy_of_the_repository(target: Path) -> Path:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=files.ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        source = files.ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _new_family(repository: Path) -> Path:
    """The one module a user writes: the example plugin's spec, as a zoo family."""
    text = (plugins.EXAMPLE_SOURCE / "simple_convnet_zoo" / "__init__.py").read_text()
    text = text.replace("simple_convnet", NAME).replace("gate=Gate(steps=300)",
                                                        "gate=Gate(steps=5)")
    text = text.replace('    data_dir=Path(__file__).resolve().parent / "measurements",\n', "")
    module = repository / "mnist_models" / "zoo" / "families" / "keras_io.py"
    module.write_text(text.replace("from pathlib import Path\n\n", ""))
    return module


def _run(repository: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(repository)}
    environ.pop("MNIST_MODELS_MEASUREMENTS", None)
    return subprocess.run([sys.executable, *argv], cwd=repository, env=environ,
                          capture_output=True, text=True, timeout=900, check=False)


@pytest.mark.training
def test_one_module_and_one_command_put_a_new_model_under_the_fast_tier(tmp_path):
    repository = _copy_of_the_repository(tmp_path / "repo")
    _new_family(repository)
    calibrated = _run(repository, "-m", "mnist_models", "calibrate", NAME)
    assert calibrated.returncode == 0, calibrated.stdout[-3000:] + calibrated.stderr[-3000:]
    tested = _run(repository, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA",
                  "-m", "not training and not reproduce and not gpu", "-k", SELECTED, *SUITES)
    assert tested.returncode == 0, tested.stdout[-5000:]
    passed = [line for line in tested.stdout.splitlines()
              if line.startswith("PASSED") and f"[{NAME}" in line]
    # Its architecture, layer settings, fingerprint and every one-change break, at least.
    assert len(passed) >= 20, tested.stdout[-5000:]
    assert f"test_fingerprint_matches_its_golden[{NAME}]" in tested.stdout
