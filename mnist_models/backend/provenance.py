"""Where a measurement was made: the one builder of every record's provenance.

Every record the suite writes (goldens, fingerprint deviations, gate calibrations, convergence
and power studies, noise floors, benchmark runs) carries :func:`provenance`: the command, the
date, the versions that decide the numbers, the CPU and the kernels' code path
(:mod:`~mnist_models.backend.code_paths`), the accelerator and the load.
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from typing import Any

from mnist_models.backend import code_paths


def machine() -> str:
    """One line: CPU model, architecture, cores, kernel."""
    return (f"{code_paths.cpu_model()}, {platform.machine()}, {os.cpu_count()} CPU cores, "
            f"{platform.system()} {platform.release()}")


def environment(backend: bool = True) -> dict[str, Any]:
    """Versions, machine, CPU and code path now; ``backend``: also the Keras backend's
    versions and path (imports Keras)."""
    about: dict[str, Any] = {"machine": machine(), "python": platform.python_version()}
    if not backend:
        about["code_path"] = code_paths.describe()
        return about
    from mnist_models.backend import compat  # imports Keras

    about["versions"] = compat.versions() | {"python": platform.python_version()}
    about["code_path"] = code_paths.describe(compat.backend())
    about["accelerator"] = compat.accelerator() or "none"
    return about


def provenance(command: str, backend: bool = True) -> dict[str, Any]:
    """The command that measured, when (UTC), the load, and :func:`environment`."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"command": command, "date": time.strftime("%Y-%m-%d", time.gmtime()),
            "written": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average_1min": load, "commit": commit(), **environment(backend)}


def commit() -> str | None:
    """The git commit of the checkout this package runs from, if it is one."""
    from mnist_models import paths

    root = paths.source_tree()
    if root is None:
        return None
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None
