"""Broken benchmark files of every shape: one line and exit 2 from bench-compare and
bench-report, a BaselineError from their functions; and bench-report writes a chart only when
asked."""

from __future__ import annotations

import json

import pytest

from mnist_models.bench.compare import BaselineError, load_rounds
from mnist_models.bench.report import collect
from mnist_models.cli.app import main

ROUNDS = [0.01, 0.011, 0.012, 0.01, 0.013]


def entry(**changes: object) -> dict:
    """One well-formed benchmark, as the suite saves it, with ``changes`` applied."""
    good = {"fullname": "benchmarks/test_throughput.py::test_train[mlp_100]",
            "extra_info": {"model": "mlp_100", "phase": "train", "batch_size": 64,
                           "samples_per_s": 5000.0, "backend": "tensorflow"},
            "stats": {"data": ROUNDS, "mean": 0.0112, "stddev": 0.001}}
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            good[section] = {**good[section], field: value}
        else:
            good[section] = value
    return good


def document(*entries: dict, **top: object) -> str:
    return json.dumps({"machine_info": {"mnist_models": {"backend": "tensorflow"}},
                       "benchmarks": list(entries), **top})


#: Broken for both commands: (label, file content).
BROKEN = [
    ("not JSON", "{not json"),
    ("a JSON list", "[1, 2]"),
    ("nested past Python's recursion limit", "[" * 100_000),
    ("benchmarks not a list", '{"benchmarks": {"a": 1}}'),
    ("a benchmark that is a number", document(3)),
    ("fullname a number", document(entry(fullname=7))),
    ("no fullname", document({"stats": {"data": ROUNDS}})),
    ("stats a list", document(entry(stats=[1, 2]))),
    ("data a string", document(entry(stats__data="fast"))),
    ("data an object", document(entry(stats__data={"a": 1}))),
    ("data with a boolean", document(entry(stats__data=[True, *ROUNDS]))),
    ("data with a string", document(entry(stats__data=["1", *ROUNDS]))),
    ("data with an integer past any float", document(entry(stats__data=[10**400, *ROUNDS]))),
    ("data with NaN", document(entry(stats__data=[float("nan"), *ROUNDS]))),
    ("extra_info a list", document(entry(extra_info=[]))),
    ("machine_info a list", json.dumps({"machine_info": [], "benchmarks": [entry()]})),
    ("machine versions a list", document(entry(), machine_info={"mnist_models": {"keras": []}})),
    ("one benchmark twice", document(entry(), entry())),
]
#: Broken for bench-compare only (it needs per-round data and something to compare).
BROKEN_FOR_COMPARE = [
    ("no benchmarks", document()),
    ("no round data", document(entry(stats={"mean": 0.01, "stddev": 0.001}))),
    ("too few rounds", document(entry(stats__data=ROUNDS[:2]))),
    ("a negative round", document(entry(stats__data=[-1.0, *ROUNDS]))),
]
#: Broken for bench-report only (it needs the suite's extra_info and the mean and spread).
BROKEN_FOR_REPORT = [
    ("no extra_info", document(entry(extra_info={}))),
    ("batch size a string", document(entry(extra_info__batch_size="64"))),
    ("batch size a boolean", document(entry(extra_info__batch_size=True))),
    ("samples/s a string", document(entry(extra_info__samples_per_s="fast"))),
    ("samples/s zero", document(entry(extra_info__samples_per_s=0))),
    ("model a number", document(entry(extra_info__model=3))),
    ("mean zero", document(entry(stats__mean=0))),
    ("no mean", document(entry(stats={"data": ROUNDS, "stddev": 0.001}))),
]


def _cases():
    for commands, table in ((("bench-compare", "bench-report"), BROKEN),
                            (("bench-compare",), BROKEN_FOR_COMPARE),
                            (("bench-report",), BROKEN_FOR_REPORT)):
        for label, content in table:
            for command in commands:
                yield pytest.param("cli", command, content, id=f"cli {command}: {label}")
                yield pytest.param("api", command, content, id=f"api {command}: {label}")


@pytest.mark.parametrize(("surface", "command", "content"), list(_cases()))
def test_a_broken_benchmark_file_is_one_line_naming_it(tmp_path, capsys, surface, command,
                                                      content):
    good = tmp_path / "good.json"
    good.write_text(document(entry()))
    broken = tmp_path / "broken.json"
    broken.write_text(content)
    if surface == "api":
        with pytest.raises(BaselineError, match=r"broken\.json"):
            load_rounds(broken) if command == "bench-compare" else collect([str(broken)])
        return
    chart = tmp_path / "new" / "chart.png"
    argv = [command, str(broken), str(good)]
    code = main(argv + (["--chart", str(chart)] if command == "bench-report" else []))
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and f"mnist-models {command}: error: " in err
    assert "broken.json" in err
    assert not (tmp_path / "new").exists()  # the chart's folder, created and removed again
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "good.json"]


@pytest.mark.parametrize("problem", ["missing", "a folder", "not UTF-8"])
def test_an_unreadable_benchmark_file_is_one_line(tmp_path, capsys, problem):
    path = tmp_path / "run.json"
    if problem == "a folder":
        path.mkdir()
    elif problem == "not UTF-8":
        path.write_bytes(b"\xff\xfe{")
    for command in ("bench-compare", "bench-report"):
        assert main([command, str(path), str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and "run.json" in err


def test_bench_report_draws_a_chart_only_when_asked(tmp_path, capsys, monkeypatch):
    run = tmp_path / "run.json"
    run.write_text(document(entry()))
    monkeypatch.chdir(tmp_path)
    assert main(["bench-report", str(run)]) == 0
    assert "| mlp_100 | train | 64 |" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]
    chart = tmp_path / "charts" / "bench.png"
    assert main(["bench-report", str(run), "--chart", str(chart)]) == 0
    assert chart.read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in chart.parent.iterdir()) == ["bench.png"]  # no temporary
