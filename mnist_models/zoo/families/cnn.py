"""Plain convolutional nets of documents 001, 002 and 003 (no BatchNorm)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mnist_models.spec import Gate, LayerRow, ModelSpec, Recipe
from mnist_models.zoo.families.recipes import DOCUMENT_001, DOCUMENT_002

# Keras is imported inside each builder, not here: the specs below are plain data that the
# registry, `mnist-models list` and every argument check read without importing Keras (and,
# through it, TensorFlow's seconds of start-up).
if TYPE_CHECKING:
    import keras


def cnn_12_20() -> keras.Model:
    """Conv 12@3x3, conv 20@3x3, dense 25, dense 10: document 001's convolutional net."""
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(12, kernel_size=(3, 3), activation="relu", name="conv2d"),
            layers.Conv2D(20, kernel_size=(3, 3), activation="relu", name="conv2d_1"),
            layers.Flatten(name="flatten"),
            layers.Dense(25, activation="relu", name="dense_3"),
            layers.Dense(10, activation="softmax", name="dense_4"),
        ],
        name="cnn_12_20",
    )


def cnn_64_32_32() -> keras.Model:
    """Three 'same' conv 3x3 (64, 32, 32) each with max-pool 2 'same'; document 002's CNN."""
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, (3, 3), activation="relu", padding="same", name="conv2d"),
            layers.MaxPooling2D((2, 2), padding="same", name="max_pooling2d"),
            layers.Conv2D(32, (3, 3), activation="relu", padding="same", name="conv2d_1"),
            layers.MaxPooling2D((2, 2), padding="same", name="max_pooling2d_1"),
            layers.Conv2D(32, (3, 3), activation="relu", padding="same", name="conv2d_2"),
            layers.MaxPooling2D((2, 2), padding="same", name="max_pooling2d_2"),
            layers.Flatten(name="flatten"),
            layers.Dense(100, activation="relu", name="dense"),
            layers.Dense(10, activation="softmax", name="dense_1"),
        ],
        name="cnn_64_32_32",
    )


def cnn_32_64() -> keras.Model:
    """Conv 32@5x5, pool, conv 64@5x5, pool, flatten, dense 1024, dropout 0.2, dense 10.

    Document 003 as its text describes it ("2 convolutional layers, 2 pooling layers,
    1 flatten layer, 2 dense layers and 1 dropout layer ... Dropout ... 20%"). Its printed code
    omits the Flatten and the Dropout: ``tests/test_errata.py`` builds it as printed.
    """
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=(5, 5), activation="relu", name="conv2d"),
            layers.MaxPooling2D(pool_size=(2, 2), name="max_pooling2d"),
            layers.Conv2D(64, kernel_size=(5, 5), activation="relu", name="conv2d_1"),
            layers.MaxPooling2D(pool_size=(2, 2), name="max_pooling2d_1"),
            layers.Flatten(name="flatten"),
            layers.Dense(1024, activation="relu", name="dense"),
            layers.Dropout(0.2, name="dropout"),
            layers.Dense(10, activation="softmax", name="dense_1"),
        ],
        name="cnn_32_64",
    )


#: Document 002 writes each conv ``Conv2D(n, (3, 3), activation='relu', padding="same")`` and
#: each pool ``MaxPooling2D((2, 2), padding = 'same')``.
SAME_3X3_RELU = {"kernel_size": (3, 3), "padding": "same", "activation": "relu"}
POOL_2_SAME = {"pool_size": (2, 2), "padding": "same"}

CNN_12_20 = ModelSpec(
    name="cnn_12_20",
    builder=cnn_12_20,
    document="001",
    description="conv 12-20 (3x3, valid), dense 25-10",
    input_shape=(28, 28, 1),
    layers=(
        LayerRow("conv2d", "Conv2D", (26, 26, 12), 120,
                 {"filters": 12, "kernel_size": (3, 3), "activation": "relu"}),
        LayerRow("conv2d_1", "Conv2D", (24, 24, 20), 2180,
                 {"filters": 20, "kernel_size": (3, 3), "activation": "relu"}),
        LayerRow("flatten", "Flatten", (11520,), 0),
        LayerRow("dense_3", "Dense", (25,), 288025, {"units": 25, "activation": "relu"}),
        LayerRow("dense_4", "Dense", (10,), 260, {"units": 10, "activation": "softmax"}),
    ),
    total_params=290585,
    trainable_params=290585,
    non_trainable_params=0,
    recipe=DOCUMENT_001(epochs=4, image_steps=("scale", "add_channel")),
    reported_accuracy=0.9843,
    gate=Gate(steps=300),
)

CNN_64_32_32 = ModelSpec(
    name="cnn_64_32_32",
    builder=cnn_64_32_32,
    document="002",
    description="conv 64-32-32 (3x3, same) with max-pool, dense 100-10",
    input_shape=(28, 28, 1),
    layers=(
        LayerRow("conv2d", "Conv2D", (28, 28, 64), 640, SAME_3X3_RELU | {"filters": 64}),
        LayerRow("max_pooling2d", "MaxPooling2D", (14, 14, 64), 0, POOL_2_SAME),
        LayerRow("conv2d_1", "Conv2D", (14, 14, 32), 18464, SAME_3X3_RELU | {"filters": 32}),
        LayerRow("max_pooling2d_1", "MaxPooling2D", (7, 7, 32), 0, POOL_2_SAME),
        LayerRow("conv2d_2", "Conv2D", (7, 7, 32), 9248, SAME_3X3_RELU | {"filters": 32}),
        LayerRow("max_pooling2d_2", "MaxPooling2D", (4, 4, 32), 0, POOL_2_SAME),
        LayerRow("flatten", "Flatten", (512,), 0),
        LayerRow("dense", "Dense", (100,), 51300, {"units": 100, "activation": "relu"}),
        LayerRow("dense_1", "Dense", (10,), 1010, {"units": 10, "activation": "softmax"}),
    ),
    total_params=80662,
    trainable_params=80662,
    non_trainable_params=0,
    recipe=DOCUMENT_002(image_steps=("add_channel", "scale")),
    reported_accuracy=0.9896,
    gate=Gate(steps=600),
)

CNN_32_64 = ModelSpec(
    name="cnn_32_64",
    builder=cnn_32_64,
    document="003",
    description="conv 32-64 (5x5) with max-pool, dense 1024, dropout 0.2, dense 10",
    input_shape=(28, 28, 1),
    # 003 prints no summary ("Step 5: Model Summary" is empty); derived from its layer list.
    table_source="derived",
    layers=(
        LayerRow("conv2d", "Conv2D", (24, 24, 32), 832,
                 {"filters": 32, "kernel_size": (5, 5), "activation": "relu"}),
        LayerRow("max_pooling2d", "MaxPooling2D", (12, 12, 32), 0, {"pool_size": (2, 2)}),
        LayerRow("conv2d_1", "Conv2D", (8, 8, 64), 51264,
                 {"filters": 64, "kernel_size": (5, 5), "activation": "relu"}),
        LayerRow("max_pooling2d_1", "MaxPooling2D", (4, 4, 64), 0, {"pool_size": (2, 2)}),
        LayerRow("flatten", "Flatten", (1024,), 0),
        LayerRow("dense", "Dense", (1024,), 1049600, {"units": 1024, "activation": "relu"}),
        LayerRow("dropout", "Dropout", (1024,), 0, {"rate": 0.2}),
        LayerRow("dense_1", "Dense", (10,), 10250, {"units": 10, "activation": "softmax"}),
    ),
    total_params=1111946,
    trainable_params=1111946,
    non_trainable_params=0,
    recipe=Recipe(
        optimizer="adam",
        learning_rate=1e-4,
        loss="categorical_crossentropy",
        batch_size=128,
        epochs=5,
        validation="test",
        image_steps=("add_channel", "to_float32"),
        label_encoding="one_hot",
        notes="The document never scales pixels to [0, 1]: it trains on raw 0-255 values. "
        "Its Adam(lr=0.0001) is learning_rate=1e-4; it validates on the test set.",
    ),
    reported_accuracy=0.9856,
    gate=Gate(
        steps=200,
        # On raw 0-255 pixels the first softmax outputs saturate; JAX and torch clip them and
        # pass no gradient back (tests/test_backend_differences.py), so some seeds stall for
        # much of the 200 steps there: 0.573-0.958 on JAX, 0.764-0.952 on torch (10 seeds), hence
        # gates of their own there (calibration/gates-jax.json, gates-torch.json).
    ),
    # The same saturation moves its training-step fingerprint on JAX and torch.
    numeric_differences=("clipped_crossentropy",),
    errata=(
        "Printed code has no Flatten and no Dropout although the text lists both; "
        "built as printed the output is (None, 4, 4, 10) with 128,906 params.",
    ),
)

SPECS = (CNN_12_20, CNN_64_32_32, CNN_32_64)
