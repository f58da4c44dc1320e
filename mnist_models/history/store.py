"""The history store: one owner of its schema, its URL and every read and write.

SQLAlchemy Core over an embedded SQLite file (the default: no server, no set-up) or PostgreSQL
(``postgresql://...``), so that many CI runners can write to one store. The schema carries its
version in ``meta``; an older store is migrated forward in one transaction (:data:`MIGRATIONS`),
a newer one is refused. A run and all its points are written in one transaction, so a failed
write leaves the history as it was, and two writers at once lose nothing: SQLite serialises
them (``BEGIN IMMEDIATE``, waiting up to :data:`BUSY_SECONDS`), PostgreSQL's transactions do.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mnist_models import records

#: The schema this version writes and reads.
SCHEMA_VERSION = 1
#: Where the history lives when no ``--history`` is given.
ENV_VAR = "MNIST_MODELS_HISTORY"
BUSY_SECONDS = 60


class HistoryError(records.RecordError):
    """A history that cannot be opened, read or written; the message names it and why."""


@dataclass(frozen=True)
class Point:
    series: str  # e.g. "speed mlp_100 train 64", "accuracy lenet5 1 epochs"
    value: float
    unit: str  # "s", "accuracy", "ratio"
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One recorded run: when, from which commit and environment, and what it measured."""

    kind: str  # "benchmark", "convergence", "compare"
    recorded_at: str  # ISO 8601, UTC
    environment: str  # the environment kind: backend, CPU and code path, no versions
    versions: dict[str, Any]
    commit: str | None = None
    branch: str | None = None
    source: str = ""
    points: tuple[Point, ...] = ()
    id: int | None = None


def default_location() -> Path:
    """``$XDG_DATA_HOME/mnist-models/history.sqlite``: one per user, not per folder."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mnist-models" / "history.sqlite"


def url_of(given: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL from a path or URL given by the user (or :data:`ENV_VAR`)."""
    text = str(given) if given is not None else os.environ.get(ENV_VAR) or ""
    if not text:
        return f"sqlite:///{default_location()}"
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().absolute()}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    if scheme == "sqlite":
        return text
    raise HistoryError(f"history URL {text!r}: unknown scheme {scheme!r}; expected a file "
                       "path, sqlite:///PATH or postgresql://USER@HOST/DATABASE")


def shown(url: str) -> str:
    """``url`` without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _tables() -> tuple[Any, Any, Any, Any]:
    import sqlalchemy as sa

    metadata = sa.MetaData()
    meta = sa.Table("meta", metadata, sa.Column("key", sa.String(64), primary_key=True),
                    sa.Column("value", sa.String(256), nullable=False))
    runs = sa.Table(
        "runs", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("environment", sa.String(512), nullable=False),
        sa.Column("versions", sa.Text, nullable=False),
        sa.Column("commit", sa.String(64)), sa.Column("branch", sa.String(256)),
        sa.Column("source", sa.String(1024), nullable=False))
    points = sa.Table(
        "points", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("series", sa.String(512), nullable=False, index=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False))
    return metadata, meta, runs, points


#: Migration from version N to N + 1, run inside the transaction that opens the store.
MIGRATIONS: dict[int, Callable[[Any], None]] = {}


class Store:
    """An open history; :func:`open_store` makes one."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.url = url
        self.metadata, self.meta, self.runs, self.points = _tables()
        sqlite = url.startswith("sqlite")
        if sqlite:
            Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(
            url, connect_args={"timeout": BUSY_SECONDS} if sqlite else {"connect_timeout": 10})
        if sqlite:
            # pysqlite defers BEGIN to the first write, where two writers can deadlock;
            # SQLAlchemy's documented remedy: begin every transaction IMMEDIATE ourselves.
            sa.event.listen(self.engine, "connect",
                            lambda connection, _: setattr(connection, "isolation_level", None))
            sa.event.listen(self.engine, "begin",
                            lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))

    def _schema(self, connection: Any) -> None:
        import sqlalchemy as sa

        if self.engine.dialect.name == "postgresql":  # one creator at a time
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(7263541)"))
        self.metadata.create_all(connection, checkfirst=True)
        found = connection.execute(sa.select(self.meta.c.value).where(
            self.meta.c.key == "schema_version")).scalar()
        if found is None:
            connection.execute(self.meta.insert().values(key="schema_version",
                                                         value=str(SCHEMA_VERSION)))
            return
        version = int(found)
        if version > SCHEMA_VERSION:
            raise HistoryError(f"history {shown(self.url)}: schema version {version} is newer "
                               f"than this mnist-models reads ({SCHEMA_VERSION}); expected an "
                               "upgraded mnist-models")
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](connection)
            version += 1
        connection.execute(self.meta.update().where(self.meta.c.key == "schema_version")
                           .values(value=str(version)))

    def add(self, run: Run) -> int:
        """Store ``run`` and its points in one transaction; its id."""
        with self.engine.begin() as connection:
            run_id = connection.execute(self.runs.insert().values(
                kind=run.kind, recorded_at=run.recorded_at, environment=run.environment,
                versions=json.dumps(run.versions, sort_keys=True), commit=run.commit,
                branch=run.branch, source=run.source)).inserted_primary_key[0]
            if run.points:
                connection.execute(self.points.insert(), [
                    {"run_id": run_id, "series": p.series, "value": p.value, "unit": p.unit,
                     "detail": json.dumps(p.detail, sort_keys=True)} for p in run.points])
        return int(run_id)

    def read(self) -> list[Run]:
        """Every run with its points, oldest first."""
        import sqlalchemy as sa

        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(self.runs).order_by(
                self.runs.c.recorded_at, self.runs.c.id)).mappings().all()
            points: dict[int, list[Point]] = {}
            for p in connection.execute(sa.select(self.points).order_by(self.points.c.id)) \
                    .mappings():
                points.setdefault(p["run_id"], []).append(
                    Point(p["series"], p["value"], p["unit"], json.loads(p["detail"])))
        return [Run(r["kind"], r["recorded_at"], r["environment"], json.loads(r["versions"]),
                    r["commit"], r["branch"], r["source"], tuple(points.get(r["id"], [])),
                    r["id"]) for r in rows]

    def close(self) -> None:
        self.engine.dispose()


def open_store(given: str | os.PathLike[str] | None = None, create: bool = True) -> Store:
    """The history at ``given`` (a path or URL; default :data:`ENV_VAR`, else
    :func:`default_location`), its schema created or migrated; :class:`HistoryError` naming
    it if it cannot be reached or is of a newer schema. ``create=False``: a SQLite file that
    does not exist is an error, not a new empty history."""
    import sqlalchemy as sa

    url = url_of(given)
    if not create and url.startswith("sqlite:///") and not Path(url[10:]).exists():
        raise HistoryError(f"history {url[10:]}: no such file; expected a history that "
                           "mnist-models history record (or pytest benchmarks --history) wrote")
    try:
        store = Store(url)
        with store.engine.begin() as connection:
            store._schema(connection)
    except sa.exc.ArgumentError as error:
        raise HistoryError(f"history URL {given!r}: {error}") from None
    except (sa.exc.OperationalError, sa.exc.DatabaseError, OSError) as error:
        reason = " ".join(str(getattr(error, "orig", error) or error).split())
        raise HistoryError(f"history {shown(url)}: cannot be opened: {reason}") from None
    return store


def series_of(runs: Sequence[Run]) -> dict[tuple[str, str], list[tuple[Run, Point]]]:
    """Every (series, environment kind) with its points in run order."""
    found: dict[tuple[str, str], list[tuple[Run, Point]]] = {}
    for run in runs:
        for point in run.points:
            found.setdefault((point.series, run.environment), []).append((run, point))
    return found


def iter_series(runs: Sequence[Run]) -> Iterator[tuple[str, str, list[tuple[Run, Point]]]]:
    for (series, environment), points in sorted(series_of(runs).items()):
        yield series, environment, points
