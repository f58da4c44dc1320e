"""Layer settings: which ones each layer kind is checked on, and Keras' defaults for them.

The documents state some settings (a Dense's units and activation, a pool's size and padding)
and rely on Keras' defaults for the rest (a Conv2D's strides, every BatchNormalization's
momentum and epsilon). A spec's :class:`~mnist_models.spec.model.LayerRow` lists only what its
document states; :func:`complete` fills in :data:`KERAS_DEFAULTS`, so the comparison with a
built layer covers every setting in :data:`CHECKED` either way. A Keras release that changed one
of these defaults would move every model that relies on it; ``tests/test_layer_settings.py``
checks the installed Keras still has them.

Plain data and dict handling only: no Keras import, so specs stay importable without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The settings compared, per Keras layer class. A class not listed (Flatten, a plugin's own
#: layer) is compared on its table row alone.
CHECKED: Mapping[str, tuple[str, ...]] = {
    "Dense": ("units", "activation", "use_bias", "kernel_initializer", "bias_initializer"),
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "dilation_rate", "activation",
               "use_bias", "kernel_initializer", "bias_initializer"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "ZeroPadding2D": ("padding",),
    "Dropout": ("rate",),
    "BatchNormalization": ("axis", "momentum", "epsilon", "center", "scale"),
    "Activation": ("activation",),
}

_WEIGHTED = {"use_bias": True, "kernel_initializer": "GlorotUniform",
             "bias_initializer": "Zeros", "activation": "linear"}
_POOL = {"padding": "valid"}  # strides default to the pool size; see complete()

#: Keras' defaults for the settings the documents leave unstated. The same in Keras 2.15
#: (tf.keras) and Keras 3.3-3.15: keras/src/layers/core/dense.py, convolutional/base_conv.py,
#: pooling/base_pooling.py and normalization/batch_normalization.py. BatchNormalization's axis
#: is given relative to the input's last axis, as Keras 3 stores it (Keras 2 stores [rank-1]).
KERAS_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    "Dense": _WEIGHTED,
    "Conv2D": {**_WEIGHTED, "strides": (1, 1), "padding": "valid", "dilation_rate": (1, 1)},
    "MaxPooling2D": _POOL,
    "AveragePooling2D": _POOL,
    "BatchNormalization": {"axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True,
                           "scale": True},
}


def complete(kind: str, stated: Mapping[str, Any]) -> dict[str, Any]:
    """The full checked settings of a ``kind`` layer: what is ``stated``, Keras' defaults
    for the rest. Raises ValueError for a setting that is not checked on ``kind``."""
    stated = {key: _plain(value) for key, value in stated.items()}
    checked = CHECKED.get(kind, ())
    unknown = sorted(set(stated) - set(checked))
    if unknown:
        raise ValueError(f"{kind} settings {unknown} are not checked; "
                         f"expected some of {list(checked)}")
    settings = {**KERAS_DEFAULTS.get(kind, {}), **stated}
    if kind in ("MaxPooling2D", "AveragePooling2D") and "strides" not in stated:
        settings["strides"] = settings.get("pool_size")
    return {key: settings[key] for key in checked if key in settings}


def from_config(kind: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """The checked settings of a built layer, from its (compat-normalised) Keras config."""
    settings = {}
    for key in CHECKED.get(kind, ()):
        value = config.get(key)
        if key.endswith("_initializer") and isinstance(value, Mapping):
            value = value.get("class_name")
        if key == "strides" and value is None:
            value = config.get("pool_size")
        settings[key] = _plain(value)
    return settings


def differences(built: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    """``"key built, document has expected"`` for every setting that differs."""
    return [f"{key} {built.get(key)!r}, document has {value!r}"
            for key, value in expected.items() if built.get(key) != value] + \
           [f"{key} {value!r} is set but not in the document's row"
            for key, value in built.items() if key not in expected]


def _plain(value: Any) -> Any:
    """Lists (from a JSON round trip) as tuples, so configs compare with spec data."""
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    return value
