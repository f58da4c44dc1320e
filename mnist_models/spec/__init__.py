"""A model's registry entry as plain data: its layer table and settings, recipe, gate and
document. Reads no files and imports nothing above it (no Keras, no numpy)."""

from mnist_models.spec.model import Citation, Gate, LayerRow, ModelSpec, Recipe, seed_document

__all__ = ["Citation", "Gate", "LayerRow", "ModelSpec", "Recipe", "seed_document"]
