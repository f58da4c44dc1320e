"""Model families, one module each; every module exports its builders and a ``SPECS`` tuple.

Every module of this package with a ``SPECS`` tuple is a family: adding a model to the zoo is
adding one module here (then ``mnist-models calibrate NAME``). Importing a family imports no
Keras: each builder imports it when called.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from types import ModuleType


def discover(package: ModuleType) -> tuple[ModuleType, ...]:
    """The modules of ``package`` that define ``SPECS``, by module name."""
    modules = [importlib.import_module(f"{package.__name__}.{info.name}")
               for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name)]
    return tuple(module for module in modules if hasattr(module, "SPECS"))


FAMILIES = discover(sys.modules[__name__])

__all__ = ["FAMILIES", "discover"]
