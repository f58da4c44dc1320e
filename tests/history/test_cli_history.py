"""``mnist-models history`` as a user runs it: record, show, detect, publish; and bad input as
one line and exit 2, with the history left as it was."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("sqlalchemy", reason="the history extra is not installed")

from mnist_models.cli.app import main
from mnist_models.history import store
from tests.support import histories
from tests.support.files import NOTES

CONVERGE = NOTES / "converge-tf221-native.json"
COMPARE = NOTES / "compare" / "tf220-tf221.json"
BENCH = NOTES.parent / "benchmarks" / "baselines"


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["history", *argv])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def _bench_file() -> str:
    return str(sorted(BENCH.glob("*.json"))[0])


def test_record_then_show_detect_and_publish(capsys, tmp_path):
    url = str(tmp_path / "h.sqlite")
    code, out, _ = _cli(capsys, "record", "--history", url, str(CONVERGE), str(COMPARE),
                        _bench_file())
    assert code == 0 and out.startswith("recorded 3 run(s)")
    code, out, _ = _cli(capsys, "show", "--history", url, "--models", "mlp_100")
    assert code == 0 and "accuracy mlp_100 2 epochs" in out and "speed mlp_100 train" in out
    code, out, _ = _cli(capsys, "detect", "--history", url)
    assert code == 0, out
    code, out, _ = _cli(capsys, "publish", "--history", url, str(tmp_path / "site"),
                        "--models", "mlp_100")
    assert code == 0 and (tmp_path / "site" / "models" / "mlp_100.html").exists()


def test_detect_exits_1_on_a_step_among_the_newest_runs_and_names_it(capsys, tmp_path):
    url = str(tmp_path / "h.sqlite")
    history = store.open_store(url)
    for run in histories.stepped(30, at=27):
        history.add(run)
    history.close()
    code, _, err = _cli(capsys, "detect", "--history", url)
    assert code == 1
    assert err.startswith("open regression: speed mlp_100 train 64") and "c027aaaa" in err


def _refused(capsys, argv: list[str], message: str) -> None:
    code, out, err = _cli(capsys, *argv)
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and message in err, err


def test_an_unreadable_record_is_refused_and_nothing_is_written(capsys, tmp_path):
    url = tmp_path / "h.sqlite"
    _cli(capsys, "record", "--history", str(url), str(CONVERGE))
    before = url.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"something": "else"}))
    _refused(capsys, ["record", "--history", str(url), str(CONVERGE), str(bad)],
             "not a record the history stores")
    assert url.read_bytes() == before


@pytest.mark.parametrize(("argv", "message"), [
    (["show", "--history", "mysql://u@h/d"], "unknown scheme 'mysql'"),
    (["show", "--history", "postgresql://nobody@127.0.0.1:1/none"],
     "history postgresql+psycopg://nobody@127.0.0.1:1/none: cannot be opened"),
    (["show", "--history", "/nonexistent/h.sqlite"], "no such file"),
])
def test_a_store_that_cannot_be_used_is_one_line(capsys, argv, message):
    _refused(capsys, argv, message)


def test_a_newer_schema_is_one_line(capsys, tmp_path):
    import sqlalchemy as sa

    url = tmp_path / "h.sqlite"
    store.open_store(str(url)).close()
    engine = sa.create_engine(f"sqlite:///{url}")
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE meta SET value = '9' WHERE key = 'schema_version'"))
    engine.dispose()
    _refused(capsys, ["show", "--history", str(url)], "schema version 9 is newer")


def test_the_history_url_may_come_from_the_environment(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "env.sqlite"))
    assert _cli(capsys, "record", str(CONVERGE))[0] == 0
    assert (tmp_path / "env.sqlite").exists()
    shutil.rmtree(tmp_path)
