"""The store on SQLite and on a real PostgreSQL server: what is written reads back, a newer
schema is refused, a failed write leaves the history as it was, two writers lose nothing."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

pytest.importorskip("sqlalchemy", reason="the history extra is not installed")

from mnist_models.history import store
from tests.support import histories
from tests.support.child_process import environment


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite")
    return request.getfixturevalue("postgres_url")


def test_a_run_reads_back_as_it_was_written(url):
    history = store.open_store(url)
    try:
        written = histories.stepped(5)
        for run in written:
            history.add(run)
        read = history.read()
    finally:
        history.close()
    assert [dataclasses.replace(r, id=None) for r in read] == written


def test_a_schema_from_a_newer_version_is_refused(url):
    import sqlalchemy as sa

    store.open_store(url).close()
    engine = sa.create_engine(store.url_of(url))
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(store.HistoryError, match="schema version 2 is newer than this "
                       "mnist-models reads"):
        store.open_store(url)


def test_a_failed_write_leaves_the_history_as_it_was(url):
    history = store.open_store(url)
    try:
        history.add(histories.run(0, 0.01))
        broken = dataclasses.replace(histories.run(1, 0.01), points=(
            store.Point("speed a", 0.01, "s", {}), store.Point("speed b", None, "s", {})))
        with pytest.raises(Exception, match=r"(?i)null|integrity"):
            history.add(broken)
        assert [len(r.points) for r in history.read()] == [1]
    finally:
        history.close()


WRITER = """
import sys
from mnist_models.history import store
from tests.support import histories
history = store.open_store(sys.argv[1])
for index in range(int(sys.argv[2])):
    history.add(histories.run(index, 0.01, commit=f"{sys.argv[3]}{index}"))
history.close()
"""


def test_two_writers_at_once_lose_nothing(url):
    store.open_store(url).close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, url, "25", name],
                                env=environment(), stderr=subprocess.PIPE, text=True)
               for name in ("a", "b")]
    for writer in writers:
        assert writer.wait(timeout=300) == 0, writer.stderr.read()
    history = store.open_store(url)
    try:
        commits = sorted(run.commit for run in history.read())
    finally:
        history.close()
    assert commits == sorted(f"{name}{i}" for name in "ab" for i in range(25))


@pytest.mark.parametrize(("given", "message"), [
    ("mysql://user@host/db", "unknown scheme 'mysql'"),
    ("postgresql://nobody@127.0.0.1:1/none", "cannot be opened: connection failed"),
])
def test_a_store_that_cannot_be_reached_is_named_with_the_reason(given, message):
    with pytest.raises(store.HistoryError, match=message):
        store.open_store(given)
