"""Locate the data kconv ships: rule specs (`rules/`), JSON schemas (`schemas/`) and the rule
fixtures `kconv rules explain` and `--format markdown` show as examples (`fixtures/rules/`).

In an installed wheel they live in `kconv/_data/`; in a source checkout, at the repository root.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

# os.path rather than pathlib: pathlib (with urllib.parse and ipaddress) costs every run 5 ms
_PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))


def data_dir(name: str) -> str:
    """Return the directory of shipped data `name` ("rules", "schemas" or "fixtures/rules")."""
    parts = name.split("/")
    installed = os.path.join(_PACKAGE_DIR, "_data", *parts)
    if os.path.isdir(installed):
        return installed
    checkout = os.path.join(os.path.dirname(_PACKAGE_DIR), *parts)
    if os.path.isdir(checkout):
        return checkout
    raise FileNotFoundError(f"kconv data directory {name!r} is missing from this installation")


@cache
def load_schema(filename: str) -> dict[str, Any]:
    """Load one JSON schema shipped in `schemas/` (cached)."""
    with open(os.path.join(data_dir("schemas"), filename), encoding="utf-8") as handle:
        return json.load(handle)
