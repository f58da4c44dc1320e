"""What ``history record`` stores: the records the suite already writes, read by their owners.

- pytest-benchmark JSON (``pytest benchmarks --benchmark-json``, :mod:`mnist_models.bench.files`):
  one point per benchmark, its median seconds per call, series ``speed MODEL PHASE BATCH``;
- a convergence record (``mnist-models converge --json``,
  :mod:`mnist_models.convergence.record`): per model the mean final accuracy over its seeds,
  series ``accuracy MODEL BUDGET``, the seeds' accuracies in the point's detail;
- a compare record (``mnist-models compare --json``, :mod:`mnist_models.compare.report`): per
  model the candidate's numerics as its largest deviation over tolerance (``numerics MODEL``),
  and every aspect's verdict (``verdict MODEL ASPECT``, 1 when it fails, 0 when not).

The environment kind a series is kept under is the backend, the CPU and its code path; the
versions are recorded per run, so a series runs across TensorFlow releases and a change point
at an upgrade shows as one.
"""

from __future__ import annotations

import datetime
import statistics
from pathlib import Path
from typing import Any

from mnist_models import records
from mnist_models.history.store import HistoryError, Point, Run

#: Formats this module reads, by their ``format`` field (the benchmark JSON has none).
CONVERGENCE = "mnist-models convergence 1"
COMPARE = "mnist-models compare 1"


def environment_kind(versions: dict[str, Any], machine: str, code_path: dict[str, Any]) -> str:
    cpu = code_path.get("cpu") or machine.split(",")[0]
    return f"{versions.get('backend', '?')} on {cpu}, {code_path.get('path', '?')} path"


def read(path: str | Path) -> Run:
    """The run in ``path``, or :class:`HistoryError` naming the file and what was expected."""
    path = Path(path)
    try:
        data = records.read_json(path)
    except records.RecordError as error:
        raise HistoryError(str(error)) from None
    if isinstance(data, dict) and isinstance(data.get("benchmarks"), list):
        return _benchmarks(path, data)
    if isinstance(data, dict) and data.get("format") == CONVERGENCE:
        return _convergence(path)
    if isinstance(data, dict) and data.get("format") == COMPARE:
        return _compare(path)
    raise HistoryError(f"{path}: not a record the history stores; expected pytest-benchmark "
                       "JSON, a converge record or a compare record")


def _benchmarks(path: Path, data: dict[str, Any]) -> Run:
    from mnist_models.bench import files

    try:
        run = files.read_run(path)
        points = []
        for benchmark in run.benchmarks:
            model, phase, batch_size = files.workload_key(path, benchmark)
            rounds = benchmark.rounds
            median = float(statistics.median(rounds)) if rounds is not None and len(rounds) \
                else benchmark.mean
            if median is None:
                raise files.BaselineError(f"{path}: {benchmark.name}: no rounds and no mean")
            points.append(Point(f"speed {model} {phase} {batch_size}", median, "s",
                                {"rounds": len(rounds) if rounds is not None else None}))
    except records.RecordError as error:
        raise HistoryError(str(error)) from None
    recorded = run.recorded
    commit = data.get("commit_info") if isinstance(data.get("commit_info"), dict) else {}
    return Run("benchmark", _when(data.get("datetime")),
               environment_kind(recorded, str(recorded.get("machine", "")),
                                recorded.get("code_path") or {}),
               {k: v for k, v in recorded.items() if isinstance(v, str)},
               commit.get("id"), commit.get("branch"), str(path), tuple(points))


def _convergence(path: Path) -> Run:
    from mnist_models.convergence import record

    try:
        found = record.read(path)
    except records.RecordError as error:
        raise HistoryError(str(error)) from None
    about = found.provenance
    points = tuple(Point(f"accuracy {name} {runs.budget}", statistics.fmean(runs.accuracies()),
                         "accuracy", {"seeds": runs.accuracies()})
                   for name, runs in sorted(found.models.items()))
    return Run("convergence", _when(about.get("written")), _kind(about),
               about.get("versions") or {}, about.get("commit"), None, str(path), points)


def _compare(path: Path) -> Run:
    from mnist_models.compare import report

    try:
        found = report.read(path)
    except records.RecordError as error:
        raise HistoryError(str(error)) from None
    candidate = found["sides"]["candidate"]
    points = []
    for name, model in sorted(found["models"].items()):
        for aspect, result in model["aspects"].items():
            points.append(Point(f"verdict {name} {aspect}", float(result["verdict"] in (
                "worse", "slower", "moved")), "failing", {"verdict": result["verdict"]}))
        rows = model["aspects"].get("numerics", {}).get("details", {}).get("rows", [])
        ratios = [r["deviation"] / r["tolerance"] for r in rows if r.get("tolerance")]
        if ratios:
            points.append(Point(f"numerics {name}", max(ratios), "ratio", {}))
    return Run("compare", _when(found.get("written")), _kind(candidate),
               candidate.get("environment", {}).get("versions") or {}, candidate.get("commit")
               or candidate.get("revision"), None, str(path), tuple(points))


def _kind(about: dict[str, Any]) -> str:
    about = about.get("environment", about)
    return environment_kind(about.get("versions") or {}, str(about.get("machine", "")),
                            about.get("code_path") or {})


def _when(text: Any) -> str:
    """An ISO time in UTC from the formats the records write; now when there is none."""
    if isinstance(text, str):
        for pattern in ("%Y-%m-%d %H:%M UTC", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z",
                        "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
            try:
                moment = datetime.datetime.strptime(text, pattern)
            except ValueError:
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.timezone.utc)
            return moment.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
