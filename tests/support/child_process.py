"""The environment a test gives the Python or pytest it starts as a child process."""

from __future__ import annotations

import os


def environment(**overrides: str) -> dict[str, str]:
    """This process's environment with ``overrides``, less pytest-xdist's worker variables.

    Under ``pytest -n``, a child pytest that inherited ``PYTEST_XDIST_WORKER`` would take itself
    for an xdist worker: pytest-benchmark then refuses ``--benchmark-only``.
    """
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith("PYTEST_XDIST_")}
    return {**inherited, **overrides}
