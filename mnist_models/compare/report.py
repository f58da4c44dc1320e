"""compare's record and its readings: the JSON (this module is its one owner), the terminal
table and the Markdown for a pull request (the HTML page is :mod:`mnist_models.compare.page`).

Every report is drawn from the record alone, so a record read back renders as it was written.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mnist_models import records
from mnist_models.compare.aspects import ASPECTS, FAILING, VERDICTS, Aspect, most_severe
from mnist_models.text_table import aligned

#: Written into every record; a file with another format is refused, not guessed at.
FORMAT = "mnist-models compare 1"


class CompareFileError(records.RecordError):
    """A compare record that is unreadable or not one."""


def record(specs: Sequence[Any], about: Sequence[Mapping[str, Any]],
           results: Mapping[str, Mapping[str, Aspect]], options: Any,
           seconds: float) -> dict[str, Any]:
    """The record of one run: both sides, every model's aspects and the verdicts."""
    models = {}
    for name, found in results.items():
        chosen = {aspect: found[aspect].as_json() for aspect in ASPECTS if aspect in found}
        models[name] = {"aspects": chosen,
                        "verdict": most_severe([a["verdict"] for a in chosen.values()])}
    failing = any(a["verdict"] in FAILING for m in models.values()
                  for a in m["aspects"].values())
    return {
        "format": FORMAT, "written": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seconds": round(seconds, 1), "aspects": list(options.aspects),
        "options": {"learning": options.learning, "seeds": options.seeds,
                    "margin": options.margin, "phases": list(options.phases),
                    "threshold": options.threshold, "time_budget": options.time_budget},
        "sides": {spec.name: {"given": spec.given, "description": spec.description,
                              "revision": spec.revision, **info}
                  for spec, info in zip(specs, about, strict=True)},
        "models": models,
        "verdict": most_severe([m["verdict"] for m in models.values()]),
        "exit_code": int(failing),
    }


def write(data: Mapping[str, Any], path: str | Path) -> Path:
    return records.write(path, data)


def read(path: str | Path) -> dict[str, Any]:
    """The record at ``path``, checked; :class:`CompareFileError` naming what is wrong."""
    data = records.read(path, "compare record", CompareFileError)
    if data.get("format") != FORMAT:
        raise CompareFileError(f"{path}: expected a compare record ('format': {FORMAT!r}), as "
                               "mnist-models compare --json writes")
    for key, kind in (("models", dict), ("sides", dict), ("aspects", list)):
        if not isinstance(data.get(key), kind):
            raise CompareFileError(f"{path}: {key}: expected a JSON {kind.__name__}")
    for name, model in data["models"].items():
        verdicts = [a.get("verdict") for a in model.get("aspects", {}).values()]
        if not all(v in VERDICTS for v in [model.get("verdict"), *verdicts]):
            raise CompareFileError(f"{path}: models.{name}: expected verdicts among "
                                   f"{', '.join(VERDICTS)}")
    return data


def side_line(data: Mapping[str, Any], side: str) -> str:
    about = data["sides"][side]
    environment = about.get("environment", {})
    versions = environment.get("versions", {})
    backend = versions.get("backend", "?")
    keras = f"Keras {versions.get('keras', '?')} on {backend} {versions.get(backend, '')}"
    path = environment.get("code_path", {}).get("path", "?")
    commit = f", commit {about['commit']}" if about.get("commit") else ""
    return f"{side}: {about['description']}: {keras}, code path {path}{commit}"


def summary(data: Mapping[str, Any]) -> str:
    """One line: the overall verdict and the models that made it."""
    changed = []
    for name, model in data["models"].items():
        moved = [f"{aspect} {a['verdict']}" for aspect, a in model["aspects"].items()
                 if a["verdict"] not in ("same", "not run")]
        if moved:
            changed.append(f"{name} ({', '.join(moved)})")
    what = "; ".join(changed) if changed else "every aspect of every model the same"
    return (f"compare: {data['verdict'].upper()}: {what} ({len(data['models'])} models, "
            f"{', '.join(data['aspects'])}; {data['seconds']:.0f} s)")


def table(data: Mapping[str, Any]) -> str:
    """The aligned verdicts, then what each aspect found, a line each."""
    rows = [[name, *(m["aspects"].get(a, {}).get("verdict", "-") for a in data["aspects"]),
             m["verdict"]] for name, m in data["models"].items()]
    lines = [aligned(["model", *data["aspects"], "verdict"], rows), ""]
    lines += [f"{name} {aspect}: {a['verdict']}: {a['summary']}"
              for name, m in data["models"].items() for aspect, a in m["aspects"].items()]
    lines += ["", side_line(data, "baseline"), side_line(data, "candidate"), summary(data)]
    return "\n".join(lines)


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(cell(v) for v in row) + " |" for row in rows)]


def markdown(data: Mapping[str, Any]) -> str:
    """For a pull-request comment or ``$GITHUB_STEP_SUMMARY``: the summary line first, the
    verdicts, then every aspect's details folded."""
    lines = [f"**{summary(data)}**", ""]
    lines += _markdown_table(["model", *data["aspects"], "verdict"],
                             [[name, *(m["aspects"].get(a, {}).get("verdict", "-")
                                       for a in data["aspects"]), f"**{m['verdict']}**"]
                              for name, m in data["models"].items()])
    for aspect in data["aspects"]:
        rows = [[name, m["aspects"][aspect]["verdict"], m["aspects"][aspect]["summary"]]
                for name, m in data["models"].items() if aspect in m["aspects"]]
        lines += ["", f"<details><summary>{aspect}</summary>", "",
                  *_markdown_table(["model", "verdict", "what"], rows), "", "</details>"]
    lines += ["", f"- {side_line(data, 'baseline')}", f"- {side_line(data, 'candidate')}", ""]
    return "\n".join(lines)
