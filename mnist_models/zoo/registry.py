"""The zoo's registry: model name -> :class:`~mnist_models.spec.model.ModelSpec`.

Every test, benchmark and CLI command is generated from here, so adding a model to a family's
``SPECS`` puts it under every check. Other installed packages add theirs through the entry-point
group :data:`ENTRY_POINT_GROUP`: each entry point names a sequence of specs (or a module with a
``SPECS`` sequence), and its models are listed, tested, gated and benchmarked as the zoo's are.
Specs are collected on first use; a plugin that fails to import, gives something other than
specs, or reuses a name is a :class:`PluginError` naming it, never a model silently left out.
Listing and looking up specs imports no Keras; only :func:`build` does. A name is looked up
once, at the edge (the command line's argument type, a test's parameter); everything below takes
the :class:`~mnist_models.spec.model.ModelSpec`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import metadata
from typing import TYPE_CHECKING

from mnist_models import arguments
from mnist_models.spec import ModelSpec
from mnist_models.zoo.families import FAMILIES

if TYPE_CHECKING:
    import keras

#: ``[project.entry-points."mnist_models.zoo"]`` in a plugin's pyproject.toml.
ENTRY_POINT_GROUP = "mnist_models.zoo"


class UnknownModelError(KeyError):
    """A model name that is not in the registry; the message lists the valid names."""

    def __str__(self) -> str:
        # KeyError's own __str__ quotes its argument, which would garble the message.
        return str(self.args[0])


class PluginError(ValueError):
    """An installed model plugin that cannot be registered; the message names it."""


def _plugin_specs(entry_point: metadata.EntryPoint) -> tuple[str, tuple[ModelSpec, ...]]:
    dist = getattr(entry_point, "dist", None)
    origin = f"model plugin {entry_point.name!r} ({entry_point.value}" + (
        f", from {dist.name} {dist.version})" if dist else ")")
    try:
        loaded = entry_point.load()
    except Exception as error:  # whatever its import raised: the plugin is broken, say which
        raise PluginError(f"{origin} failed to load: {type(error).__name__}: {error}") from error
    specs = getattr(loaded, "SPECS", loaded)
    try:
        specs = tuple(specs)
    except TypeError:
        specs = (specs,)
    bad = [repr(spec)[:60] for spec in specs if not isinstance(spec, ModelSpec)]
    if bad or not specs:
        raise PluginError(f"{origin}: expected a sequence of ModelSpec (or a module with "
                          f"SPECS), got {', '.join(bad) or 'none'}")
    return origin, specs


@functools.cache
def _registry() -> dict[str, ModelSpec]:
    specs: dict[str, ModelSpec] = {}
    origins: dict[str, str] = {}
    sources = [(family.__name__, family.SPECS) for family in FAMILIES]
    eps = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)
    sources += [_plugin_specs(entry_point) for entry_point in eps]
    for origin, family_specs in sources:
        for spec in family_specs:
            if spec.name in specs:
                raise PluginError(f"model {spec.name!r} from {origin} is already registered "
                                  f"by {origins[spec.name]}; expected a name of its own")
            specs[spec.name], origins[spec.name] = spec, origin
    return specs


def list_models() -> list[str]:
    """Names of every registered model, the zoo's and installed plugins', sorted."""
    return sorted(_registry())


def builtin_models() -> list[str]:
    """Names of the zoo's own models (this package's families), sorted."""
    return sorted(spec.name for family in FAMILIES for spec in family.SPECS)


def all_specs() -> list[ModelSpec]:
    """Every registered model's spec, the zoo's and installed plugins', sorted by name."""
    registry = _registry()
    return [registry[name] for name in sorted(registry)]


def get_spec(name: str) -> ModelSpec:
    """The spec of model ``name``; raises :class:`UnknownModelError` listing the valid names."""
    try:
        return _registry()[name]
    except (KeyError, TypeError):
        valid = ", ".join(list_models())
        raise UnknownModelError(f"unknown model {name!r}; valid names: {valid}") from None


def resolve(value: ModelSpec | str, name: str = "spec") -> ModelSpec:
    """The public functions' edge: a model's name resolved to its spec (an
    :class:`UnknownModelError` listing the valid names if there is none), or a spec as it
    is. Everything below takes the spec."""
    if isinstance(value, str):
        return get_spec(value)
    return arguments.model_spec(value, name)


def resolve_all(values: Sequence[ModelSpec | str] | None,
                name: str = "specs") -> list[ModelSpec] | None:
    """``None``, or each of a list of names or specs resolved by :func:`resolve`."""
    if values is None:
        return None
    # A bare string is a sequence too: reproduce("lenet5") would run models 'l', 'e', ...
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        arguments.model_specs(values, name)  # raises the type error, naming ``name``
    return [resolve(value, name) for value in values]


def build(spec: ModelSpec | str, seed: int | None = None) -> keras.Model:
    """Build ``spec``'s model with fresh weights; a given ``seed`` makes them reproducible.

    The one place a model is seeded and built: training, the benchmarks and the commands all
    come here, so a variant (``dataclasses.replace(spec, ...)``) is built the same way.
    """
    spec = resolve(spec)
    if seed is not None:
        seed = arguments.seed(seed)
        from mnist_models.backend import compat  # imports Keras, which building needs anyway

        compat.set_seed(seed)
    return spec.builder()
