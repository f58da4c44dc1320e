"""Where a measurement was made: date, machine, versions and command, as a record carries it."""

from __future__ import annotations

import os
import platform
import time


def provenance(command: str) -> dict[str, object]:
    """Date (UTC), machine, load and versions now, and the ``command`` that measured."""
    from mnist_models import code_paths, compat  # imports Keras: a run that trained calls this

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "command": command,
        "written": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{code_paths.cpu_model()}, {platform.machine()}, {os.cpu_count()} CPU "
        f"cores, {platform.system()} {platform.release()}",
        "code_path": code_paths.describe(compat.backend()),
        "load_average_1min": load,
        "versions": compat.versions() | {"python": platform.python_version()},
    }
