"""keras-io's "Simple MNIST convnet" (F. Chollet, 2015/2020) as an mnist_models plugin.

One module: the builder, the table keras-io prints, its recipe and a gate. The gate's
threshold is not typed here: ``mnist-models calibrate simple_convnet`` writes the calibration
into ``measurements/`` beside this file (``data_dir``), where the spec reads it.
"""

from __future__ import annotations

from pathlib import Path

from mnist_models.spec import Citation, Gate, LayerRow, ModelSpec, Recipe


def simple_convnet():
    """The keras-io example's model, layer for layer (Keras is imported when it is built)."""
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu", name="conv2d"),
            layers.MaxPooling2D(pool_size=(2, 2), name="max_pooling2d"),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu", name="conv2d_1"),
            layers.MaxPooling2D(pool_size=(2, 2), name="max_pooling2d_1"),
            layers.Flatten(name="flatten"),
            layers.Dropout(0.5, name="dropout"),
            layers.Dense(10, activation="softmax", name="dense"),
        ],
        name="simple_convnet",
    )


SIMPLE_CONVNET = ModelSpec(
    name="simple_convnet",
    builder=simple_convnet,
    document=Citation("keras-io", "F. Chollet, 'Simple MNIST convnet' (keras.io code example, "
                      "2015, last modified 2020-04-21)",
                      "https://keras.io/examples/vision/mnist_convnet/"),
    description="conv 32-64 (3x3) with max-pool, dropout 0.5, dense 10",
    input_shape=(28, 28, 1),
    layers=(
        LayerRow("conv2d", "Conv2D", (26, 26, 32), 320,
                 {"filters": 32, "kernel_size": (3, 3), "activation": "relu"}),
        LayerRow("max_pooling2d", "MaxPooling2D", (13, 13, 32), 0, {"pool_size": (2, 2)}),
        LayerRow("conv2d_1", "Conv2D", (11, 11, 64), 18496,
                 {"filters": 64, "kernel_size": (3, 3), "activation": "relu"}),
        LayerRow("max_pooling2d_1", "MaxPooling2D", (5, 5, 64), 0, {"pool_size": (2, 2)}),
        LayerRow("flatten", "Flatten", (1600,), 0),
        LayerRow("dropout", "Dropout", (1600,), 0, {"rate": 0.5}),
        LayerRow("dense", "Dense", (10,), 16010, {"units": 10, "activation": "softmax"}),
    ),
    total_params=34826,
    trainable_params=34826,
    non_trainable_params=0,
    recipe=Recipe(
        optimizer="adam",
        learning_rate=1e-3,
        loss="categorical_crossentropy",
        batch_size=128,
        epochs=15,
        validation="split",
        validation_split=0.1,
        image_steps=("scale", "add_channel"),
        label_encoding="one_hot",
        notes="keras-io divides by 255 and adds the channel axis; Adam at Keras' default rate.",
    ),
    reported_accuracy=0.9907,
    gate=Gate(steps=300),
    data_dir=Path(__file__).resolve().parent / "measurements",
)

SPECS = (SIMPLE_CONVNET,)
