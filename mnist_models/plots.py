"""PNG plots of a training run, as the documents draw them: curves and a confusion matrix."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mnist_models.training import TrainResult


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """Counts of (true, predicted) pairs, rows are true labels."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predicted)), 1)
    return matrix


def check_writable(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` if needed and prove it is writable, before any training starts."""
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".mnist_models_write_test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise PermissionError(f"plot folder {str(path)!r} is not writable: "
                              f"{error.strerror or error}") from None
    return path


def _save(figure, path: Path) -> None:
    # Write beside the target, then rename: a failed write never leaves half a PNG behind.
    partial = path.with_suffix(".png.partial")
    figure.savefig(partial, format="png", dpi=100, bbox_inches="tight")
    partial.replace(path)


def write_plots(result: TrainResult, labels: np.ndarray, predicted: np.ndarray,
                folder: str | os.PathLike[str]) -> list[Path]:
    """Write ``{model}_loss.png``, ``{model}_accuracy.png`` and ``{model}_confusion.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = check_writable(folder)
    written = []
    for metric in ("loss", "accuracy"):
        figure, axes = plt.subplots(figsize=(8, 4.5))
        for key, label in ((metric, "train"), (f"val_{metric}", "validation")):
            if result.history.get(key):
                values = result.history[key]
                axes.plot(range(1, len(values) + 1), values, marker="o", label=label)
        axes.set(title=f"{result.model}: training vs validation {metric}", xlabel="epoch",
                 ylabel=metric)
        axes.legend()
        path = out / f"{result.model}_{metric}.png"
        _save(figure, path)
        plt.close(figure)
        written.append(path)
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
    path = out / f"{result.model}_confusion.png"
    _save(figure, path)
    plt.close(figure)
    written.append(path)
    return written
