"""Hypothesis strategies for hostile YAML text: random JSON-like data rendered, then mutated.

Shared by the fuzz target (`fuzz/run.py`) and the property tests (`tests/test_properties_*.py`,
which load this file by path, so `fuzz/` need not be a package).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

# Fragments that stress the YAML reader, scanner, composer and kconv's own builder.
FRAGMENTS = (
    "\t",
    ":",
    ": ",
    "'",
    '"',
    "&a ",
    "&b ",
    "*a",
    "*b",
    "*undefined",
    "<<: *a\n",
    "- ",
    "\n",
    "\n  ",
    "\n- ",
    "---\n",
    "...\n",
    "? ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "#",
    "|",
    ">-",
    "!!python/object/apply:os.system ['true'] ",
    "!!python/name:os.system ",
    "!reset ",
    "!override ",
    "!custom ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!timestamp ",
    "%YAML 1.1\n",
    "%TAG ! tag:example.com,2000:\n",
    "\x00",
    "\ufeff",
    "\x85",
    "\u2028",
    "\ud7ff",
    "${X}",
    "${X:?required}",
    "$$",
    "0x1F",
    "0o17",
    "1_000",
    ".inf",
    "~",
    "yes",
    "on",
    "=",
    "\\",
    "\r\n",
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn")), max_size=12),
    st.text(max_size=6),  # any character, control characters included
    st.sampled_from(["80:80", "a=b", "yes", "no", "1e3", "0777", "2026-01-01", "a: b", "- x"]),
)
KEYS = st.one_of(
    st.text(st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn")), max_size=8),
    st.text(max_size=4),
    st.sampled_from(
        ["apiVersion", "kind", "metadata", "name", "spec", "services", "image", "ports", "<<"]
    ),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


def render(data: Any, style: str) -> str:
    """`data` as YAML (block or flow) or JSON text."""
    from kconv.yamlio import dump_yaml

    if style == "json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    if style == "flow":
        return json.dumps(data, ensure_ascii=False)
    if style == "ascii":  # \u escapes, surrogate pairs included
        return json.dumps(data, ensure_ascii=True)
    return dump_yaml(data)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """`text` with a few random edits: inserts, deletions, duplicated slices, truncation."""
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3, 6]))):  # often intact
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "insert", "delete", "duplicate", "truncate"]))
        if action == "insert":
            piece = draw(st.sampled_from(FRAGMENTS) | st.text(max_size=3))
            text = text[:where] + piece + text[where:]
        elif action == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 8)) :]
        elif action == "duplicate":
            end = min(len(text), where + draw(st.integers(1, 40)))
            text = text[:end] + text[where:end] + text[end:]
        else:
            text = text[:where]
    return text


@st.composite
def yaml_texts(draw: st.DrawFn, data: st.SearchStrategy[Any] = DATA) -> str:
    """One or more documents of random data, rendered and mutated."""
    count = draw(st.integers(1, 3))
    parts = [
        render(draw(data), draw(st.sampled_from(["yaml", "yaml", "flow", "json", "ascii"])))
        for _ in range(count)
    ]
    text = "---\n".join(part if part.endswith("\n") else part + "\n" for part in parts)
    return draw(mutated(text))


SERVICE_KEYS = st.sampled_from(
    ["image", "command", "environment", "ports", "volumes", "healthcheck", "deploy", "restart",
     "labels", "user", "read_only", "cap_add", "tmpfs", "secrets", "configs", "depends_on",
     "env_file", "extends", "include", "build", "x-kconv", "networks", "profiles"]
)  # fmt: skip
COMPOSE_DATA = st.fixed_dictionaries(
    {"services": st.dictionaries(st.sampled_from(["web", "db", "a-b", "Bad_Name", "x1"]),
                                 st.dictionaries(SERVICE_KEYS, DATA, max_size=4), max_size=3)},
    optional={"volumes": DATA, "secrets": DATA, "configs": DATA, "name": SCALARS,
              "include": DATA, "x-kconv": DATA},
)  # fmt: skip


def compose_texts() -> st.SearchStrategy[str]:
    """Compose-shaped random documents, mutated (so the loader gets past the top level)."""
    return yaml_texts(COMPOSE_DATA)
