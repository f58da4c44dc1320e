"""Model plugins installed for a test the way pip installs one, without pip.

pip leaves a ``NAME-VERSION.dist-info`` folder with an ``entry_points.txt`` in site-packages;
``importlib.metadata`` (what the registry reads) finds every such folder on ``sys.path``. A
test writes one into a temporary folder and puts that folder, and the plugin's source, on the
path: the real metadata machinery, nothing mocked, and no shared environment touched.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from mnist_models.zoo.registry import ENTRY_POINT_GROUP
from tests.support import child_process

ROOT = Path(__file__).resolve().parents[2]
#: keras-io's "Simple MNIST convnet" as a plugin package (its pyproject.toml names the entry
#: point written below).
EXAMPLE_SOURCE = ROOT / "tests" / "support" / "plugin_example"
EXAMPLE_ENTRY_POINTS = {"simple_convnet": "simple_convnet_zoo:SPECS"}


def write_dist_info(site: Path, distribution: str, entry_points: Mapping[str, str]) -> Path:
    """An installed distribution's metadata in ``site``: its name, version and entry points
    in the ``mnist_models.zoo`` group."""
    folder = site / f"{distribution.replace('-', '_')}-0.1.0.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 0.1.0\n")
    (folder / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n" + "".join(f"{k} = {v}\n" for k, v in entry_points.items()))
    return folder


def example_environment(site: Path) -> dict[str, str]:
    """A subprocess environment in which the example plugin is installed beside this
    checkout's mnist_models."""
    write_dist_info(site, "mnist-models-simple-convnet", EXAMPLE_ENTRY_POINTS)
    path = [str(ROOT), str(site), str(EXAMPLE_SOURCE), os.environ.get("PYTHONPATH", "")]
    return child_process.environment(PYTHONPATH=os.pathsep.join(p for p in path if p))


def forget_modules(*names: str) -> None:
    """Drop plugin modules a test imported, so the next test imports its own."""
    for name in names:
        sys.modules.pop(name, None)
