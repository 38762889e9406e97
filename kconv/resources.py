"""Locate the data kconv ships: rule specs (`rules/`) and JSON schemas (`schemas/`).

In an installed wheel they live in `kconv/_data/`; in a source checkout, at the repository root.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the directory of shipped data `name` ("rules" or "schemas")."""
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"kconv data directory {name!r} is missing from this installation")


@cache
def load_schema(filename: str) -> dict[str, Any]:
    """Load one JSON schema shipped in `schemas/` (cached)."""
    with open(data_dir("schemas") / filename, encoding="utf-8") as handle:
        return json.load(handle)
