"""``history publish OUT/``: a static dashboard of the history, no server and no script.

- ``index.html``: the newest value of every series against the one before, and the links;
- ``regressions.html``: the open regressions (a change point among a series' newest runs that
  moved it the worse way);
- ``models/MODEL.html``: every series of one model (speed, accuracy, numerics, verdicts) over
  its runs, each plotted with its change points marked at their commit.

Plots are matplotlib's, inline SVG, as compare's page draws them: a page that opens from a CI
artifact or GitHub Pages as it is, whose labels are text a person can find. Every page is
rendered before any is written, and all are written at once (:mod:`mnist_models.outputs`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from mnist_models import outputs
from mnist_models.compare.page import inline_svg
from mnist_models.history.store import Run
from mnist_models.history.summary import Series, by_series, describe_change, newest_two

_STYLE = ("body{font-family:sans-serif;margin:2em;max-width:72em}table{border-collapse:"
          "collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.2em .6em;text-align:left}"
          ".regression{background:#f9d6d5;font-weight:bold}figcaption{color:#555}")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def _page(title: str, body: str, up: str = "") -> str:
    links = (f'<nav><a href="{up}index.html">overview</a> · '
             f'<a href="{up}regressions.html">regressions</a></nav>')
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
            f"{html.escape(title)}</title><style>{_STYLE}</style></head><body>{links}"
            f"<h1>{html.escape(title)}</h1>{body}</body></html>")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], raw: int = -1) -> str:
    def cell(index: int, value: str) -> str:
        return f"<td>{value if index == raw else html.escape(value)}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _plot(item: Series) -> str:
    def draw(axes: Any) -> None:
        scale = 1e3 if item.unit == "s" else 1.0
        axes.plot(range(len(item.values)), [v * scale for v in item.values], "o-",
                  markersize=3)
        for change in item.changes:
            commit = item.commit_at(change.index)
            axes.axvline(change.index - 0.5, color="C3", linestyle="--",
                         gid=f"change-{slug(item.name)}-{slug(commit)}")
            axes.annotate(commit, (change.index - 0.5, 1.0), xycoords=("data", "axes fraction"),
                          color="C3", fontsize=8, ha="left", va="top")
        # The first and newest runs, every change point, and every run where the version moved.
        versions = [item.version_at(i) for i in range(len(item.values))]
        moved = {i for i in range(1, len(versions)) if versions[i] != versions[i - 1]}
        ticks = sorted({0, len(item.values) - 1, *moved, *(c.index for c in item.changes)})
        axes.set_xticks(ticks, [f"{item.commit_at(i)}\n{versions[i]}" for i in ticks],
                        fontsize=7)
        axes.set_ylabel({"s": "ms per call", "accuracy": "test accuracy",
                         "ratio": "deviation / tolerance", "failing": "failing (1)"}
                        .get(item.unit, item.unit))

    return inline_svg(draw, (8, 2.6))[0]


def _model_page(model: str, items: Sequence[Series]) -> str:
    sections = []
    for item in items:
        changes = [[item.commit_at(c.index), f"{c.relative:+.1%}", f"{c.pvalue:.1g}",
                    "regression" if c.regression else "improvement"] for c in item.changes]
        sections.append(
            f'<section class="series" id="{slug(item.name)}-{slug(item.environment)}">'
            f"<h2>{html.escape(item.name)}</h2><p>{html.escape(item.environment)}, "
            f"{len(item.values)} runs</p><figure>{_plot(item)}<figcaption>change points "
            f"marked at the first run after them</figcaption></figure>"
            + (_table(["change point at", "size", "p", "direction"], changes) if changes
               else "<p>no change point</p>") + "</section>")
    return _page(f"{model}", "".join(sections), up="../")


def site(runs: Sequence[Run], items: Sequence[Series]) -> dict[str, str]:
    """Every page of the dashboard, by its path inside the site."""
    models = sorted({item.model for item in items})
    pages = {f"models/{slug(model)}.html": _model_page(
        model, [i for i in items if i.model == model]) for model in models}
    before, newest = newest_two(runs)
    old, new = by_series(before), by_series(newest)
    overview = [[f'<a href="models/{slug(i.model)}.html">{html.escape(i.name)}</a>',
                 i.environment, f"{i.values[-2]:.6g}" if len(i.values) > 1 else "-",
                 f"{i.newest:.6g}",
                 f"{i.values[-1] / i.values[-2] - 1:+.1%}" if len(i.values) > 1
                 and i.values[-2] else "-"] for i in items]
    newest_line = ("no run yet" if newest is None else
                   f"newest run: {newest.kind} at {newest.recorded_at}, commit "
                   f"{newest.commit or '-'}; {len(set(new) & set(old))} series also in the "
                   "run before")
    pages["index.html"] = _page("mnist-models history", f"<p>{html.escape(newest_line)}</p>"
                                + _table(["series", "environment", "before", "newest",
                                          "change"], overview, raw=0))
    regressions = [[f'<a href="models/{slug(i.model)}.html">{html.escape(i.name)}</a>',
                    i.environment, describe_change(i, i.open_regression)]
                   for i in items if i.open_regression]
    pages["regressions.html"] = _page(
        "open regressions", _table(["series", "environment", "change point"], regressions,
                                   raw=0) if regressions else "<p>none</p>")
    return pages


def write(folder: str | Path, pages: dict[str, str]) -> list[Path]:
    """Write the pages under ``folder``, all or none."""
    root = Path(folder)
    (root / "models").mkdir(parents=True, exist_ok=True)
    return outputs.write_all_atomically({root / name: partial(_write_text, text)
                                         for name, text in pages.items()})


def _write_text(text: str, path: Path) -> None:
    path.write_text(text)
