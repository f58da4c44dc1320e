"""Where a measurement was made: date, machine, versions and command, as a record carries it."""

from __future__ import annotations

import os
import platform
import time


def provenance(command: str) -> dict[str, object]:
    """Date (UTC), machine, load and versions now, and the ``command`` that measured."""
    from mnist_models import compat  # imports Keras: only a run that trained calls this

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "command": command,
        "written": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, "
        f"{platform.system()} {platform.release()}",
        "load_average_1min": load,
        "versions": compat.versions() | {"python": platform.python_version()},
    }
