"""A real PostgreSQL server for the history's tests, started from the binaries this machine
kind has installed (``/usr/lib/postgresql/*/bin``): ``initdb`` in a temporary folder, a free
port on 127.0.0.1, trust authentication, stopped and removed after the session.

Where the binaries are missing the tests that use it skip, with the reason; ``.ci/run`` sets
``MNIST_MODELS_REQUIRE_POSTGRES=1``, which turns that skip into a failure. The server does not
run as root (PostgreSQL refuses to), so under root it runs as the ``postgres`` user.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REQUIRE = "MNIST_MODELS_REQUIRE_POSTGRES"
_databases = itertools.count()


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """``postgresql://postgres@127.0.0.1:PORT``, a server of its own for the session."""
    binaries = _binaries()
    if binaries is None:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"no PostgreSQL binaries (initdb), and {REQUIRE}=1 requires them")
        pytest.skip("no PostgreSQL binaries (initdb) on this machine")
    folder = Path(tempfile.mkdtemp(prefix="mnist-models-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data = folder / "data"

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8")
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start")
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True, check=False, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's server."""
    import psycopg

    name = f"history_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return f"{postgres_server}/{name}"
