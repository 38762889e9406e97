"""The check modules. `load_all()` imports every module of this package (sorted by name).

Each module registers its checks with `@check` (kconv.lint.rule) at import time; rule specs in
`rules/` refer to them by key.
"""

from __future__ import annotations

import importlib
import pkgutil

_loaded = False


def load_all() -> None:
    """Import every check module once, so that all `@check`s are registered."""
    global _loaded
    if _loaded:
        return
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    _loaded = True
