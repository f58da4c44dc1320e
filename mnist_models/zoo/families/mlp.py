"""Fully connected nets: the 25-25-10 net of document 001 and the 100-10 net of document 002."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mnist_models.spec import Gate, LayerRow, ModelSpec
from mnist_models.zoo.families.recipes import DOCUMENT_001, DOCUMENT_002

# Keras is imported inside each builder, not here: the specs below are plain data that the
# registry, `mnist-models list` and every argument check read without importing Keras (and,
# through it, TensorFlow's seconds of start-up).
if TYPE_CHECKING:
    import keras


def mlp_25_25() -> keras.Model:
    """Dense 25-25-10 on flattened 784-pixel input, document 001 (L. Espin's notebook, 2019).

    The notebook passes ``input_shape=(784,)`` to the first Dense; here ``keras.Input`` comes
    first, which builds the same layers in Keras 2 and 3.
    """
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(25, activation="relu", name="dense"),
            layers.Dense(25, activation="relu", name="dense_1"),
            layers.Dense(10, activation="softmax", name="dense_2"),
        ],
        name="mlp_25_25",
    )


def mlp_100() -> keras.Model:
    """Flatten, Dense 100 relu, Dense 10 softmax on 28x28 input, document 002 (its 'ANN').

    The notebook feeds this net the (N, 28, 28, 1) arrays it made for the CNN although its
    ``Flatten(input_shape=(28, 28))`` declares (28, 28); the zoo feeds (N, 28, 28) as declared,
    which gives the same 784 features in the same order.
    """
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Flatten(name="flatten"),
            layers.Dense(100, activation="relu", name="dense"),
            layers.Dense(10, activation="softmax", name="dense_1"),
        ],
        name="mlp_100",
    )


MLP_25_25 = ModelSpec(
    name="mlp_25_25",
    builder=mlp_25_25,
    document="001",
    description="dense 25-25-10 on 784 flattened pixels",
    input_shape=(784,),
    layers=(
        LayerRow("dense", "Dense", (25,), 19625, {"units": 25, "activation": "relu"}),
        LayerRow("dense_1", "Dense", (25,), 650, {"units": 25, "activation": "relu"}),
        LayerRow("dense_2", "Dense", (10,), 260, {"units": 10, "activation": "softmax"}),
    ),
    total_params=20535,
    trainable_params=20535,
    non_trainable_params=0,
    recipe=DOCUMENT_001(
        epochs=20,
        image_steps=("scale", "flatten"),
        notes="The notebook divides by 255 in float64; the zoo scales in float32.",
    ),
    reported_accuracy=0.9637,
    gate=Gate(epochs=2),
)

MLP_100 = ModelSpec(
    name="mlp_100",
    builder=mlp_100,
    document="002",
    description="flatten, dense 100-10",
    input_shape=(28, 28),
    layers=(
        LayerRow("flatten", "Flatten", (784,), 0),
        LayerRow("dense", "Dense", (100,), 78500, {"units": 100, "activation": "relu"}),
        LayerRow("dense_1", "Dense", (10,), 1010, {"units": 10, "activation": "softmax"}),
    ),
    total_params=79510,
    trainable_params=79510,
    non_trainable_params=0,
    recipe=DOCUMENT_002(image_steps=("scale",)),
    reported_accuracy=0.9758,
    gate=Gate(epochs=2),
)

SPECS = (MLP_25_25, MLP_100)
