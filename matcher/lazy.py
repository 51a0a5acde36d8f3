"""Packages whose public names load on first use (PEP 562), not with the package.

Why: a package's ``__init__`` gathers its public names, and importing every module
behind them made ``import matcher`` (so every one-shot command) pay for the store's
rows, the record's warning rules, the streamed engine and scipy before doing anything.
A package keeps its imports under ``if TYPE_CHECKING:`` for the type checkers, names
each module's public names in a table, and serves them through :func:`attributes`
(``tests/test_public_api.py`` checks the table and the imports agree).

Example:
    >>> get = attributes("matcher", {"matcher.paths": ("SAMPLE_DISTRICT",)})
    >>> get("SAMPLE_DISTRICT").name
    'sample-district'
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence

__all__ = ["attributes"]


def attributes(package: str, home: Mapping[str, Sequence[str]]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: a public name is imported from its
    module (``home``: module → names) on first use and kept on the package after."""
    where = {name: module for module, names in home.items() for name in names}

    def get(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        vars(sys.modules[package])[name] = value
        return value

    return get
