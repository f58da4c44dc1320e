"""Model families, one module each; every module exports its builders and a ``SPECS`` tuple.

Importing a family imports no Keras: each builder imports it when called.
"""

from mnist_models.models import cnn, lenet, mlp

FAMILIES = (lenet, mlp, cnn)

__all__ = ["FAMILIES", "cnn", "lenet", "mlp"]
