"""PNG plots of a training run, as the documents draw them: curves and a confusion matrix.

The curves are drawn against optimizer steps from the points the run recorded along the way
(``TrainResult.curve``), so a run of a few dozen steps draws a line, not one dot per epoch.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mnist_models import outputs

if TYPE_CHECKING:  # not at run time: checking a plot folder must not import Keras
    from matplotlib.figure import Figure

    from mnist_models.training.train import TrainResult


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """Counts of (true, predicted) pairs, rows are true labels."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predicted)), 1)
    return matrix


def check_writable(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` if needed and prove it is writable, before any training starts."""
    return outputs.check_folder(folder, "plot folder")


def _png(figure: Figure) -> Callable[[Path], None]:
    return lambda temporary: figure.savefig(temporary, format="png", dpi=100,
                                            bbox_inches="tight")


def _curve(result: TrainResult, key: str) -> tuple[list[float], list[float]]:
    """(optimizer steps, values) of one quantity measured along the run."""
    if key == "test_accuracy":
        points = result.evaluations
    else:
        points = [point for point in result.curve if key in point]
    return [point["steps"] for point in points], [point[key] for point in points]


def write_plots(result: TrainResult, labels: np.ndarray, predicted: np.ndarray,
                folder: str | os.PathLike[str]) -> list[Path]:
    """Write ``{model}_loss.png``, ``{model}_accuracy.png`` and ``{model}_confusion.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = check_writable(folder)
    figures: dict[Path, Figure] = {}
    for metric in ("loss", "accuracy"):
        figure, axes = plt.subplots(figsize=(8, 4.5))
        series = [("train (mean over the epoch so far)", metric), ("validation", f"val_{metric}")]
        if metric == "accuracy" and result.evaluations:
            series.append(("test (evaluations towards the target)", "test_accuracy"))
        for label, key in series:
            steps, values = _curve(result, key)
            if values:
                # Markers where the points are few enough to tell apart.
                axes.plot(steps, values, marker="o" if len(values) <= 30 else None,
                          label=label)
        axes.set(title=f"{result.model}: {metric} over {result.steps} optimizer steps",
                 xlabel="optimizer step", ylabel=metric)
        axes.legend()
        figures[out / f"{result.model}_{metric}.png"] = figure
    matrix = confusion_matrix(labels, predicted)
    figure, axes = plt.subplots(figsize=(7, 6))
    image = axes.imshow(matrix, cmap="Blues")
    for (row, col), count in np.ndenumerate(matrix):
        axes.text(col, row, str(count), ha="center", va="center", fontsize=7,
                  color="white" if count > matrix.max() / 2 else "black")
    axes.set(title=f"{result.model}: test confusion matrix "
             f"(accuracy {result.test_accuracy:.4f})", xlabel="predicted", ylabel="true",
             xticks=range(10), yticks=range(10))
    figure.colorbar(image, ax=axes)
    figures[out / f"{result.model}_confusion.png"] = figure
    try:
        # All three or none: an interrupted run leaves no plot of another run beside new ones.
        return outputs.write_all_atomically({path: _png(f) for path, f in figures.items()})
    finally:
        for figure in figures.values():
            plt.close(figure)
