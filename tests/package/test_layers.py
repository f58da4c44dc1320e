"""The package's shape: its import layers hold (the contracts ``tox -e lint`` runs), and each
contract fails on the smallest break of it; the top level stays small and every module short."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import files

PACKAGE = files.ROOT / "mnist_models"
#: The issue's limits: a newcomer reads a folder per concern, and modules of a screen or so.
MAX_TOP_LEVEL_MODULES = 8
MAX_MODULE_LINES = 250


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # The package in ``root`` comes first on the path (the working directory), before any
    # installed copy.
    script = "import sys; from importlinter.cli import lint_imports_command; " \
             "sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", script, "--no-cache"], cwd=root,
                          capture_output=True, text=True, timeout=300, check=False)


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "mnist_models",
                    ignore=shutil.ignore_patterns("__pycache__", "*.gz", "*.json"))
    shutil.copy(files.ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_import_contracts_hold():
    run = _lint_imports(files.ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "Contracts: 3 kept, 0 broken." in run.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    # The spec reaching up for its gate's threshold: the cycle this layout ended.
    ("spec/model.py", "from mnist_models.gates import threshold", "Layers"),
    ("spec/model.py", "import numpy", "The spec is data"),
    # Two modules of one subpackage importing each other, one of them inside a function.
    ("fingerprints/goldens.py", "def _late():\n    from mnist_models.fingerprints import check",
     "No import cycle"),
])
def test_each_contract_fails_on_one_added_import(tmp_path, module, line, contract):
    root = _copy(tmp_path)
    path = root / "mnist_models" / module
    path.write_text(path.read_text() + "\n\n" + line + "\n")
    run = _lint_imports(root)
    assert run.returncode == 1, run.stdout[-3000:]
    broken = [text for text in run.stdout.splitlines() if text.endswith("BROKEN")]
    # An upward import also closes a cycle: that contract may fail beside the one named.
    assert any(text.startswith(contract) for text in broken), run.stdout[-3000:]


def test_the_top_level_is_small_and_every_module_short():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, long
