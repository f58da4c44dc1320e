"""Samples per second for each model and phase across benchmark runs, as Markdown and a PNG."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

from mnist_models import outputs
from mnist_models.bench.files import (
    BaselineError,
    Benchmark,
    Run,
    positive_number,
    read_run,
    workload_key,
)

#: Median coefficient of variation of round times, per run label, from the last collect().
CV: dict[str, float] = {}


def _run_label(run: Run) -> str:
    info = run.machine
    env = info.get("environment") or run.path.stem
    backend = info.get("backend", "?")
    version = info.get("tensorflow") or info.get(backend, "")
    return f"{env} ({backend} {version}, keras {info.get('keras', '?')})"


def collect(paths: list[str]) -> tuple[list[str], dict[tuple[str, str, int], dict[str, float]]]:
    """Run labels, and samples/s keyed by (model, phase, batch) then by run label.

    Each label's median coefficient of variation of round times is kept in ``CV``. Every file
    is read and checked before any is reported on.
    """
    labels, rows = [], {}
    CV.clear()
    for name in paths:
        run = read_run(name)
        if not run.benchmarks:
            # An empty chart at exit 0 would read as "nothing to report": say it was empty.
            raise BaselineError(f"{run.path}: its 'benchmarks' list is empty; expected a "
                                "pytest-benchmark run that timed something")
        label = _run_label(run)
        labels.append(label)
        cvs = []
        for benchmark in run.benchmarks:
            key, samples_per_s = _row(run.path, benchmark)
            rows.setdefault(key, {})[label] = samples_per_s
            if benchmark.mean is None or benchmark.stddev is None:
                raise BaselineError(f"{run.path}: {benchmark.name}: stats lacks mean/stddev")
            mean = positive_number(run.path, f"{benchmark.name}: stats.mean", benchmark.mean)
            cvs.append(benchmark.stddev / mean)
        CV[label] = statistics.median(cvs) if cvs else 0.0
    return labels, rows


def _row(path: Path, benchmark: Benchmark) -> tuple[tuple[str, str, int], float]:
    info = benchmark.extra_info
    model, phase, batch_size = workload_key(path, benchmark)
    if "samples_per_s" not in info:
        raise BaselineError(f"{path}: {benchmark.name}: extra_info lacks samples_per_s")
    samples_per_s = positive_number(path, f"{benchmark.name}: extra_info.samples_per_s",
                                    info["samples_per_s"])
    if info.get("backend") == "torch-peer":  # the PyTorch loop timed in the same run
        phase += " (PyTorch peer)"
    return (model, phase, batch_size), samples_per_s


def markdown(labels: list[str], rows: dict) -> str:
    header = "| model | phase | batch | " + " | ".join(labels) + " |"
    lines = [header, "|" + "---|" * (3 + len(labels))]
    for (model, phase, batch), values in sorted(rows.items()):
        cells = [f"{values[label]:,.0f}" if label in values else "-" for label in labels]
        lines.append(f"| {model} | {phase} | {batch} | " + " | ".join(cells) + " |")
    lines.append("")
    lines += [f"Median CV of round times, {label}: {CV.get(label, 0):.1%}" for label in labels]
    return "\n".join(lines) + "\n"


def chart(labels: list[str], rows: dict, path: str | os.PathLike[str]) -> Path:
    """Draw samples/s per run as a bar chart and write it to ``path`` (a PNG) all at once."""
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
    try:
        return outputs.write_atomically(path, lambda temporary: figure.savefig(
            temporary, format="png", dpi=100, bbox_inches="tight"))
    finally:
        plt.close(figure)
