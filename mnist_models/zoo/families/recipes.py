"""Training recipes of the documents that publish more than one model, each written once.

A document trains its models the same way but for the data's shape (``image_steps``) and, in
001, the number of epochs; each model's spec fills in those. Documents with one model keep
their recipe in that model's spec. Plain data: no Keras.
"""

from __future__ import annotations

from functools import partial

from mnist_models.spec import Recipe

#: Document 001 (L. Espin's notebook): Adam at Keras' default rate, batch 100, the last 20% of
#: the training set held out, one-hot labels. Its dense net trains 20 epochs, its conv net 4.
DOCUMENT_001 = partial(
    Recipe,
    optimizer="adam",
    learning_rate=1e-3,
    loss="categorical_crossentropy",
    batch_size=100,
    validation="split",
    validation_split=0.2,
    label_encoding="one_hot",
)

#: Document 002 (its 'ANN' and 'CNN'): SGD 0.01 with momentum 0.9, batch 64, 15 epochs, the
#: last 10% held out, one-hot labels, the notebook's seed 42.
DOCUMENT_002 = partial(
    Recipe,
    optimizer="sgd",
    learning_rate=0.01,
    momentum=0.9,
    loss="categorical_crossentropy",
    batch_size=64,
    epochs=15,
    validation="split",
    validation_split=0.1,
    label_encoding="one_hot",
    document_seed=42,
)
