"""compare's HTML report: one self-contained page, the verdicts and a small plot per aspect.

The plots are matplotlib's, drawn as inline SVG: no script, no file beside the page, and the
same library the suite already draws its training curves with; a page that must open from a
CI artifact or an e-mail attachment gains nothing from an interactive library's JavaScript.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Mapping
from typing import Any

from mnist_models.compare.report import side_line, summary

_STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 70em; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; }
.same { background: #e6f4e6; } .faster { background: #dcefff; }
.moved, .worse, .slower { background: #f9d6d5; font-weight: bold; }
.inconclusive { background: #fff3cd; } .not-run { color: #777; }
figure { margin: 0.5em 0; } figcaption { color: #555; font-size: 90%; }
"""


def inline_svg(draw: Callable[[Any], str | None],
               size: tuple[float, float]) -> tuple[str, str | None]:
    """A matplotlib figure of ``size`` inches, drawn by ``draw(axes)``, as SVG to put inside
    HTML, and what ``draw`` returned (a caption). The dashboard's plots are drawn by it too."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    # Labels stay text in the SVG: a person can find and copy them, a test can read them.
    plt.rcParams["svg.fonttype"] = "none"

    figure, axes = plt.subplots(figsize=size)
    try:
        caption = draw(axes)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg")
    finally:
        plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):], caption  # the XML prolog is not allowed inside HTML


def _svg(draw: Callable[[Any], str | None], height: float) -> str:
    svg, caption = inline_svg(draw, (7, height))
    return f"<figure>{svg}<figcaption>{html.escape(caption or '')}</figcaption></figure>"


def _architecture(models: Mapping[str, Any]) -> Callable[[Any], str]:
    def draw(axes: Any) -> str:
        names, counted = list(models), 0
        for offset, side in ((-0.2, "baseline"), (0.2, "candidate")):
            counts = [m["details"].get("params", {}).get(side, {}).get("total", 0)
                      for m in models.values()]
            counted += sum(counts)
            axes.barh([i + offset for i in range(len(names))], counts, 0.4, label=side)
        axes.set_yticks(range(len(names)), names)
        if counted:  # a model one side lacks has no counts
            axes.set_xscale("log")
        axes.set_xlabel("parameters")
        axes.legend()
        return "Parameters per model on each side."
    return draw


def _numerics(models: Mapping[str, Any]) -> Callable[[Any], str]:
    def draw(axes: Any) -> str:
        names = list(models)
        worst = [max((r["deviation"] / r["tolerance"] if r["tolerance"] else
                      (1e3 if r["deviation"] else 1e-9)) for r in m["details"]["rows"])
                 for m in models.values()]
        axes.barh(range(len(names)), [max(w, 1e-9) for w in worst],
                  color=["C3" if w > 1 else "C2" for w in worst])
        axes.axvline(1.0, color="k", linestyle="--")
        axes.set_yticks(range(len(names)), names)
        axes.set_xscale("log")
        axes.set_xlabel("largest deviation / its tolerance (moved beyond 1)")
        return "Candidate against baseline, the quantity closest to its tolerance."
    return draw


def _learning(models: Mapping[str, Any]) -> Callable[[Any], str]:
    trained = {n: m for n, m in models.items() if "baseline" in m["details"]}

    def draw(axes: Any) -> str:
        if not trained:
            axes.text(0.5, 0.5, "no model trained", ha="center", va="center")
            axes.set_axis_off()
            return "No model was trained: the numerics did not move."
        for index, m in enumerate(trained.values()):
            for offset, side, color in ((-0.15, "baseline", "C0"), (0.15, "candidate", "C1")):
                values = m["details"][side]
                axes.plot([index + offset] * len(values), values, "o", color=color,
                          label=side if index == 0 else None)
        axes.set_xticks(range(len(trained)), list(trained))
        axes.set_ylabel("test accuracy")
        axes.legend()
        return "Test accuracy of each seed at the gate budget."
    return draw


def _speed(models: Mapping[str, Any]) -> Callable[[Any], str]:
    rows = [row for m in models.values() for row in m["details"].get("rows", [])]

    def draw(axes: Any) -> str:
        if not rows:
            axes.set_axis_off()
            return "Nothing timed."
        for index, row in enumerate(rows):
            axes.errorbar(row["ratio"], index, xerr=[[row["ratio"] - row["low"]],
                                                     [row["high"] - row["ratio"]]],
                          fmt="o", color="C3" if row["verdict"] == "slower" else "C0")
        axes.axvline(1.0, color="k", linestyle="--")
        axes.set_yticks(range(len(rows)), [row["benchmark"] for row in rows])
        axes.set_xlabel("time ratio candidate / baseline, 99% interval")
        return "Each benchmark's ratio; beyond 1 the candidate is slower."
    return draw


_PLOTS = {"architecture": _architecture, "numerics": _numerics, "learning": _learning,
          "speed": _speed}


def _table(header: list[str], rows: list[list[Any]], verdict_column: int | None) -> str:
    def cell(index: int, value: Any) -> str:
        kind = f' class="{str(value).replace(" ", "-")}"' if index == verdict_column else ""
        return f"<td{kind}>{html.escape(str(value))}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(data: Mapping[str, Any]) -> str:
    """The whole page of the record ``data``."""
    aspects, models = data["aspects"], data["models"]
    verdicts = _table(["model", *aspects, "verdict"],
                      [[name, *(m["aspects"].get(a, {}).get("verdict", "-") for a in aspects),
                        m["verdict"]] for name, m in models.items()], None)
    # Every verdict cell, not only the last column, gets its colour.
    for verdict in ("not run", "inconclusive", "moved", "worse", "slower", "faster", "same"):
        verdicts = verdicts.replace(f"<td>{verdict}</td>",
                                    f'<td class="{verdict.replace(" ", "-")}">{verdict}</td>')
    sections = []
    for aspect in aspects:
        chosen = {n: m["aspects"][aspect] for n, m in models.items() if aspect in m["aspects"]}
        sections.append(
            f'<section id="{aspect}"><h2>{aspect}</h2>'
            + _svg(_PLOTS[aspect](chosen), 0.5 + 0.3 * max(len(chosen), 4))
            + _table(["model", "verdict", "what"],
                     [[n, a["verdict"], a["summary"]] for n, a in chosen.items()], 1)
            + "</section>")
    sides = "".join(f"<li>{html.escape(side_line(data, side))}</li>"
                    for side in ("baseline", "candidate"))
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>mnist-models compare: {html.escape(data['verdict'])}</title>"
            f"<style>{_STYLE}</style></head><body><h1>mnist-models compare</h1>"
            f'<p id="summary">{html.escape(summary(data))}</p><ul>{sides}</ul>'
            f'<section id="verdicts"><h2>verdicts</h2>{verdicts}</section>'
            + "".join(sections) + f"<p>written {html.escape(data['written'])}</p></body></html>")
