"""The records a model's registry entry is made of.

A :class:`ModelSpec` is the single source of truth for one zoo model: the builder, the document
it comes from, the layer table that document publishes, the parameter totals, the training
recipe and the accuracy the document reports. Tests, the CLI and the benchmarks read every
expected value from here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mnist_models.spec import layer_settings

Shape = tuple[int, ...]

#: The five source documents, by the file name they have in ``shared/seeds``.
DOCUMENTS: dict[str, str] = {
    "000": "LeNet-5 with BatchNormalization in tf.keras (blog post; Keras 2 summary table)",
    "001": "L. Espin, 'A Keras neural network and the MNIST dataset' (notebook, 2019)",
    "002": "'MNIST Handwritten Digit Classification using a CNN' (notebook; Keras 3 tables)",
    "003": "'Building a CNN model in Keras using MNIST dataset' (blog post, 6 July 2019)",
    "004": "Audevart, Banachewicz, Massaron, 'Machine Learning Using TensorFlow Cookbook', "
    "'Implementing a simple CNN' (book excerpt)",
}


@dataclass(frozen=True)
class Citation:
    """Where a model's table, recipe and reported accuracy come from: a document, a web page
    or a paper. ``label`` is its short name in tables (a seed document's number, ``keras-io``);
    ``where`` a URL, a DOI or a file."""

    label: str
    title: str
    where: str = ""

    def __post_init__(self) -> None:
        if not self.label.strip() or not self.title.strip():
            raise ValueError(f"a citation needs a label and a title, got {self!r}")

    def __str__(self) -> str:
        return self.label


def seed_document(key: str) -> Citation:
    """One of the five seed documents (``shared/seeds/KEY_*.txt``) as a citation."""
    if key not in DOCUMENTS:
        raise ValueError(f"unknown seed document {key!r}; expected one of "
                         f"{', '.join(DOCUMENTS)} or a Citation")
    return Citation(key, DOCUMENTS[key], f"shared/seeds/{key}_*.txt")


@dataclass(frozen=True)
class LayerRow:
    """One row of a published layer table, with the layer's settings.

    ``output_shape`` excludes the batch axis. ``kind`` is the Keras class name. ``settings``
    holds what the document states (units, activation, kernel size, padding, rate ...); the
    row keeps them completed with Keras' defaults (:mod:`mnist_models.spec.layer_settings`), so a
    built layer is compared on every checked setting, stated or not.
    """

    name: str
    kind: str
    output_shape: Shape
    params: int
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", layer_settings.complete(self.kind, self.settings))


@dataclass(frozen=True)
class Recipe:
    """How a document trains its model, as data.

    ``epochs`` and ``steps`` are exclusive: document 004 trains ``steps`` random batches
    (sampled with replacement) rather than epochs. ``validation`` is ``"split"`` for a Keras
    ``validation_split``, ``"test"`` where the document validates on the test set (003), or
    ``"none"``. ``momentum`` is SGD's momentum or Adam's ``beta_1``; ``None`` is Keras'
    default for the optimizer.
    """

    optimizer: Literal["adam", "sgd"]
    learning_rate: float
    loss: Literal["categorical_crossentropy", "sparse_categorical_crossentropy"]
    batch_size: int
    image_steps: tuple[str, ...]
    label_encoding: Literal["one_hot", "sparse"]
    epochs: int | None = None
    steps: int | None = None
    validation: Literal["split", "test", "none"] = "split"
    validation_split: float = 0.0
    momentum: float | None = None
    shuffle: bool = True
    document_seed: int | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        if (self.epochs is None) == (self.steps is None):
            raise ValueError("a recipe sets exactly one of epochs and steps")
        if self.steps is not None and (self.validation != "none" or self.validation_split):
            raise ValueError("a random-batch recipe (steps) never validates; expected "
                             f"validation='none', got {self.validation!r} "
                             f"(split {self.validation_split})")
        if (self.validation == "split") != (self.validation_split > 0):
            raise ValueError("a validation split needs validation='split' and a fraction > 0, "
                             f"got {self.validation!r} with {self.validation_split}")
        expected_loss = {
            "one_hot": "categorical_crossentropy",
            "sparse": "sparse_categorical_crossentropy",
        }[self.label_encoding]
        if self.loss != expected_loss:
            raise ValueError(f"loss {self.loss!r} does not fit {self.label_encoding} labels")

    def budget(self) -> str:
        """The training budget in words: ``"20 epochs"`` or ``"300 steps"``."""
        return f"{self.epochs} epochs" if self.epochs else f"{self.steps} steps"


@dataclass(frozen=True)
class Gate:
    """A short training budget and the test accuracy it must reach.

    The threshold is not typed here: it is read from the model's committed calibration
    (``mnist_models.gates.calibration``, written by ``mnist-models calibrate NAME``) and
    computed by the one threshold rule (``mnist_models.gates.threshold``). ``model`` and
    ``calibration`` (the folder of a plugin's calibration files; None for the zoo's shipped
    ones) are filled in by the model's :class:`ModelSpec`.
    """

    epochs: int | None = None
    steps: int | None = None
    model: str = ""
    calibration: Path | None = None

    def __post_init__(self) -> None:
        if (self.epochs is None) == (self.steps is None):
            raise ValueError("a gate sets exactly one of epochs and steps")


@dataclass(frozen=True)
class ModelSpec:
    """A zoo model and everything its source document says about it.

    ``document`` cites the source: a :class:`Citation`, or a seed document's key (``"001"``),
    which becomes that document's citation. ``data_dir`` is the folder of the model's committed
    measurements (gate calibration, fingerprint golden) where they are not the suite's shipped
    ones (``mnist_models/measurements``): a plugin's package keeps them beside its specs.
    """

    name: str
    builder: Callable[[], object]
    document: Citation | str
    input_shape: Shape
    layers: tuple[LayerRow, ...]
    total_params: int
    trainable_params: int
    non_trainable_params: int
    recipe: Recipe
    reported_accuracy: float
    table_source: Literal["printed", "derived"] = "printed"
    description: str = ""
    gate: Gate | None = None
    errata: tuple[str, ...] = field(default_factory=tuple)
    #: Test images the document's figure was evaluated on: the full 10,000, or (document 004)
    #: 500 drawn at random, whose sampling noise the reproduction verdict counts.
    evaluated_on: int = 10_000
    #: Why the full recipe cannot match ``reported_accuracy`` here, if it cannot. The
    #: reproduction test is then a strict xfail with this reason, and REPRODUCTION.md says it.
    reproduction_shortfall: str = ""
    #: Compile training with XLA on TensorFlow: a speed setting, not part of the recipe's math.
    #: Set only where it was measured to help (XLA's compile time is paid once per run).
    jit_compile: bool = False
    #: Known numeric differences (``compat.NUMERIC_DIFFERENCES``) that move this model's
    #: fingerprint; where one holds, the model is compared with a golden of its own.
    numeric_differences: tuple[str, ...] = ()
    data_dir: Path | None = None

    def __post_init__(self) -> None:
        # A variant is made with dataclasses.replace, which checks no types: a recipe that is
        # not a Recipe would otherwise fail deep inside training.
        if not isinstance(self.recipe, Recipe):
            raise TypeError(f"{self.name}: recipe: expected a Recipe, got "
                            f"{type(self.recipe).__name__} {self.recipe!r}")
        if isinstance(self.document, str):
            try:
                object.__setattr__(self, "document", seed_document(self.document))
            except ValueError as error:
                raise ValueError(f"{self.name}: {error}") from None
        if self.gate is not None:
            object.__setattr__(self, "gate", dataclasses.replace(
                self.gate, model=self.name, calibration=self.data_dir or self.gate.calibration))
        if sum(row.params for row in self.layers) != self.total_params:
            raise ValueError(f"{self.name}: layer table params do not add up to the total")
        if self.trainable_params + self.non_trainable_params != self.total_params:
            raise ValueError(f"{self.name}: trainable + non-trainable != total")
