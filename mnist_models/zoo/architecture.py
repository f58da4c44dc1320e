"""A built model's layer table, and its comparison with the table its document publishes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mnist_models.backend import compat
from mnist_models.spec import LayerRow, ModelSpec, layer_settings

if TYPE_CHECKING:
    import keras


def layer_table(model: keras.Model) -> tuple[LayerRow, ...]:
    """One row per layer: name, class, output shape without the batch axis, params, and the
    settings :data:`~mnist_models.spec.layer_settings.CHECKED` lists for its class."""
    return tuple(
        LayerRow(
            name=layer.name,
            kind=type(layer).__name__,
            output_shape=compat.output_shape(layer)[1:],
            params=layer.count_params(),
            settings=layer_settings.from_config(type(layer).__name__,
                                                compat.layer_config(layer)),
        )
        for layer in compat.model_layers(model)
    )


def param_counts(model: keras.Model) -> dict[str, int]:
    """Total, trainable and non-trainable parameter counts."""
    trainable = compat.count_weights(model.trainable_weights)
    non_trainable = compat.count_weights(model.non_trainable_weights)
    return {"total": trainable + non_trainable, "trainable": trainable,
            "non_trainable": non_trainable}


def table_mismatches(model: keras.Model, spec: ModelSpec) -> list[str]:
    """Every way ``model`` differs from ``spec``'s published architecture; empty if none."""
    problems: list[str] = []
    input_shape = tuple(model.inputs[0].shape)[1:]
    if input_shape != spec.input_shape:
        problems.append(f"input shape {input_shape}, document has {spec.input_shape}")
    actual = layer_table(model)
    if len(actual) != len(spec.layers):
        problems.append(f"{len(actual)} layers, document has {len(spec.layers)}")
    for index, (got, want) in enumerate(zip(actual, spec.layers, strict=False)):
        row = (got.name, got.kind, got.output_shape, got.params)
        published = (want.name, want.kind, want.output_shape, want.params)
        if row != published:
            problems.append(f"layer {index}: built {row}, document has {published}")
        elif got.settings != want.settings:
            problems.extend(f"layer {index} {got.name} ({got.kind}): {difference}" for difference
                            in layer_settings.differences(got.settings, want.settings))
    counts = param_counts(model)
    published = {"total": spec.total_params, "trainable": spec.trainable_params,
                 "non_trainable": spec.non_trainable_params}
    for key, want_count in published.items():
        if counts[key] != want_count:
            problems.append(f"{key} params {counts[key]:,}, document has {want_count:,}")
    return problems
