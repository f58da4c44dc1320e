"""Samples per second for each model and phase across benchmark runs, as Markdown and a PNG."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from mnist_models.bench_compare import BaselineError

#: Median coefficient of variation of round times, per run label, from the last collect().
CV: dict[str, float] = {}


def _run_label(path: Path, document: dict) -> str:
    info = document.get("machine_info", {}).get("mnist_models", {})
    env = info.get("environment") or path.stem
    backend = info.get("backend", "?")
    version = info.get("tensorflow") or info.get(backend, "")
    return f"{env} ({backend} {version}, keras {info.get('keras', '?')})"


def collect(paths: list[str]) -> tuple[list[str], dict[tuple[str, str, int], dict[str, float]]]:
    """Run labels, and samples/s keyed by (model, phase, batch) then by run label.

    Each label's median coefficient of variation of round times is kept in ``CV``.
    """
    labels, rows = [], {}
    CV.clear()
    for name in paths:
        path = Path(name)
        try:
            document = json.loads(path.read_text())
            benchmarks = document["benchmarks"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise BaselineError(f"{path}: not a pytest-benchmark JSON file ({error})") from None
        label = _run_label(path, document)
        labels.append(label)
        CV[label] = statistics.median(
            e["stats"]["stddev"] / e["stats"]["mean"] for e in benchmarks) if benchmarks else 0.0
        for entry in benchmarks:
            info = entry.get("extra_info", {})
            if not {"model", "phase", "batch_size", "samples_per_s"} <= set(info):
                raise BaselineError(f"{path}: {entry.get('fullname')}: extra_info lacks "
                                    "model/phase/batch_size/samples_per_s")
            phase = info["phase"]
            if info.get("backend") == "torch-peer":  # the PyTorch loop timed in the same run
                phase += " (PyTorch peer)"
            key = (info["model"], phase, int(info["batch_size"]))
            rows.setdefault(key, {})[label] = float(info["samples_per_s"])
    return labels, rows


def markdown(labels: list[str], rows: dict) -> str:
    header = "| model | phase | batch | " + " | ".join(labels) + " |"
    lines = [header, "|" + "---|" * (3 + len(labels))]
    for (model, phase, batch), values in sorted(rows.items()):
        cells = [f"{values[label]:,.0f}" if label in values else "-" for label in labels]
        lines.append(f"| {model} | {phase} | {batch} | " + " | ".join(cells) + " |")
    lines.append("")
    lines += [f"Median CV of round times, {label}: {CV.get(label, 0):.1%}" for label in labels]
    return "\n".join(lines) + "\n"


def chart(labels: list[str], rows: dict, path: str | Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    keys = sorted(rows)
    figure, axes = plt.subplots(figsize=(max(8, len(keys) * 0.6), 5))
    width = 0.8 / max(len(labels), 1)
    for index, label in enumerate(labels):
        values = [rows[key].get(label, 0) for key in keys]
        axes.bar(np.arange(len(keys)) + index * width, values, width, label=label)
    axes.set_xticks(np.arange(len(keys)) + width * (len(labels) - 1) / 2)
    axes.set_xticklabels([f"{m}\n{p} {b}" for m, p, b in keys], rotation=90, fontsize=7)
    axes.set_yscale("log")
    axes.set_ylabel("samples / s (log)")
    axes.legend(fontsize=7)
    path = Path(path)
    partial = path.with_suffix(".png.partial")
    figure.savefig(partial, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    partial.replace(path)
    return path
