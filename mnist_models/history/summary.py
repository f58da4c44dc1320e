"""Per series: its newest value, its trend and its last change point; the open regressions.

What ``history show`` prints and ``history detect`` judges, and what the dashboard draws:
computed once here from the store's runs, so every reading agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mnist_models.history import detect
from mnist_models.history.store import Point, Run, iter_series


@dataclass(frozen=True)
class Series:
    name: str  # "speed mlp_100 train 64"
    environment: str
    unit: str
    runs: tuple[Run, ...]
    values: tuple[float, ...]
    changes: tuple[detect.Change, ...]

    @property
    def model(self) -> str:
        return self.name.split()[1]

    @property
    def newest(self) -> float:
        return self.values[-1]

    @property
    def trend(self) -> float:
        return detect.trend(self.values)

    @property
    def open_regression(self) -> detect.Change | None:
        return detect.opened(self.changes, len(self.values))

    def version_at(self, index: int) -> str:
        """The backend's version at run ``index`` (e.g. "tensorflow 2.21.0")."""
        versions = self.runs[index].versions
        backend = versions.get("backend", "")
        return f"{backend} {versions.get(backend, '')}".strip()

    def commit_at(self, index: int) -> str:
        run = self.runs[index]
        return (run.commit or "")[:10] or run.recorded_at[:16]


def series(runs: Sequence[Run], **options: float) -> list[Series]:
    """Every series of the history, with its change points."""
    found = []
    for name, environment, points in iter_series(runs):
        unit = points[0][1].unit
        values = tuple(point.value for _, point in points)
        found.append(Series(name, environment, unit, tuple(run for run, _ in points), values,
                            tuple(detect.changes(values, unit, **options))))
    return found


def describe_change(item: Series, change: detect.Change) -> str:
    return (f"{change.relative:+.1%} at {item.commit_at(change.index)} "
            f"(p = {change.pvalue:.1g})")


def rows(items: Sequence[Series]) -> list[list[str]]:
    """``history show``'s table rows."""
    table = []
    for item in items:
        last = item.changes[-1] if item.changes else None
        table.append([item.name, item.environment, str(len(item.values)),
                      _value(item.newest, item.unit),
                      f"{item.trend:+.1%}/run" if len(item.values) >= 3 else "-",
                      describe_change(item, last) if last else "-",
                      "REGRESSION" if item.open_regression else ""])
    return table


def _value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1e3:.3f} ms"
    if unit == "accuracy":
        return f"{value:.4f}"
    return f"{value:.3g}"


def newest_two(runs: Sequence[Run]) -> tuple[Run | None, Run | None]:
    return (runs[-2] if len(runs) > 1 else None), (runs[-1] if runs else None)


def by_series(run: Run | None) -> dict[str, Point]:
    return {} if run is None else {point.series: point for point in run.points}
