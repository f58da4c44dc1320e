"""The zoo's registry: model name -> :class:`~mnist_models.spec.ModelSpec`.

Every test, benchmark and CLI command is generated from here, so adding a model to a family's
``SPECS`` puts it under every check. Listing and looking up specs imports no Keras; only
:func:`build` does. A name is looked up once, at the edge (the command line's argument type, a
test's parameter); everything below takes the :class:`~mnist_models.spec.ModelSpec`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mnist_models import arguments
from mnist_models.models import FAMILIES
from mnist_models.spec import ModelSpec

if TYPE_CHECKING:
    import keras


class UnknownModelError(KeyError):
    """A model name that is not in the registry; the message lists the valid names."""

    def __str__(self) -> str:
        # KeyError's own __str__ quotes its argument, which would garble the message.
        return str(self.args[0])


def _collect() -> dict[str, ModelSpec]:
    specs: dict[str, ModelSpec] = {}
    for family in FAMILIES:
        for spec in family.SPECS:
            if spec.name in specs:
                raise RuntimeError(f"model {spec.name!r} is registered twice")
            specs[spec.name] = spec
    return specs


_REGISTRY: dict[str, ModelSpec] = _collect()


def list_models() -> list[str]:
    """Names of every zoo model, sorted."""
    return sorted(_REGISTRY)


def all_specs() -> list[ModelSpec]:
    """Every zoo model's spec, sorted by name."""
    return [_REGISTRY[name] for name in list_models()]


def get_spec(name: str) -> ModelSpec:
    """The spec of model ``name``; raises :class:`UnknownModelError` listing the valid names."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        valid = ", ".join(list_models())
        raise UnknownModelError(f"unknown model {name!r}; valid names: {valid}") from None


def build(spec: ModelSpec, seed: int | None = None) -> keras.Model:
    """Build ``spec``'s model with fresh weights; a given ``seed`` makes them reproducible.

    The one place a model is seeded and built: training, the benchmarks and the commands all
    come here, so a variant (``dataclasses.replace(spec, ...)``) is built the same way.
    """
    spec = arguments.model_spec(spec)
    if seed is not None:
        seed = arguments.seed(seed)
        from mnist_models import compat  # imports Keras, which building needs anyway

        compat.set_seed(seed)
    return spec.builder()
