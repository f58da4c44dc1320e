"""Where files live: the one module that knows.

- **Shipped measurements** (:data:`MEASUREMENTS`): the zoo's gate calibrations, fingerprint
  goldens and deviations, bench-ab's noise floors and the studies the commands read back. They
  are package data, read through :mod:`importlib.resources`, so an installed wheel finds them
  from any working directory.
- **Where a command rewrites them**: the checkout's own copy when the package runs from a source
  tree (an editable install, or the repository on ``sys.path``), else only a folder the user
  names. An installed package (site-packages) is never written into.
- :data:`OVERRIDE` names a folder of the user's own measurements: a file there is read before
  the shipped one of the same name, and the writing commands write there by default.
- A plugin's model keeps its measurements in its own ``ModelSpec.data_dir``.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

#: The package-data folder of shipped measurements, inside ``mnist_models``.
MEASUREMENTS = "measurements"
GATES = "gates.json"
GOLDENS = "fingerprints.json"
DEVIATIONS = "fingerprint-deviations.json"
NOISE_FLOORS = "bench-noise.json"
GATE_POWER = "gate_power.json"
REPRODUCTION = "reproduction.json"
#: A folder of one's own measurements, read before the shipped ones (see above).
OVERRIDE = "MNIST_MODELS_MEASUREMENTS"


class NotWritableError(ValueError):
    """A shipped file a command was asked to rewrite inside an installed package."""


def shipped_folder() -> Path:
    """The folder of the shipped measurements (a plain folder: wheels install unzipped)."""
    return Path(str(importlib.resources.files("mnist_models") / MEASUREMENTS))


def shipped(name: str) -> Path:
    """The measurement file ``name`` (see the names above): the :data:`OVERRIDE` folder's where
    it holds one, else the shipped one."""
    own = os.environ.get(OVERRIDE)
    if own and (Path(own) / name).is_file():
        return Path(own) / name
    return shipped_folder() / name


def gate_file(folder: Path, backend: str) -> Path:
    """The gate calibration of ``backend`` in ``folder``: TensorFlow's is ``gates.json``; in
    the shipped folder, the :data:`OVERRIDE` folder's copy where it has one."""
    name = GATES if backend == "tensorflow" else f"gates-{backend}.json"
    return shipped(name) if Path(folder) == shipped_folder() else Path(folder) / name


def source_tree() -> Path | None:
    """The repository root when this package runs from a checkout, else None.

    A checkout is a package folder beside a ``pyproject.toml`` naming this project, outside any
    ``site-packages`` or ``dist-packages`` folder.
    """
    package = Path(str(importlib.resources.files("mnist_models")))
    root = package.parent
    installed = any(part in ("site-packages", "dist-packages") for part in package.parts)
    project = root / "pyproject.toml"
    if installed or not project.is_file():
        return None
    return root if 'name = "mnist-models"' in project.read_text(errors="replace") else None


def writable_folder(given: str | os.PathLike[str] | None, option: str) -> Path:
    """Where a command writes measurements: ``given``, else the checkout's shipped folder; a
    :class:`NotWritableError` naming ``option`` when neither is there."""
    if given is not None:
        return Path(given)
    if os.environ.get(OVERRIDE):
        return Path(os.environ[OVERRIDE])
    if source_tree() is None:
        raise NotWritableError(
            f"the shipped measurements are inside the installed package "
            f"({shipped_folder()}), which is never rewritten; expected {option} FOLDER (or "
            f"{OVERRIDE}=FOLDER), or a run from a checkout of mnist_models")
    return shipped_folder()
