"""Location trees: where every value of a compose mapping was written, across files.

A `LocTree` is `(Location, children)` with children a dict (mapping keys), a list (sequence
items) or None (scalars). It mirrors the data it describes, so merging, `extends` and
normalisation can carry positions along with values even when they come from several files.
"""

from __future__ import annotations

from typing import Any

from kconv.model.location import Location, PositionIndex, PosNode, node_parts
from kconv.yamlio import Tagged

LocTree = tuple[Location, Any]


def from_index(index: PositionIndex) -> LocTree:
    """The location tree of a whole YAML document."""
    return _convert(index.file, index.root, index.data)


def _convert(file: str, node: PosNode, data: Any) -> LocTree:
    line, column, children = node_parts(node)
    where = Location(file, line, column)
    if isinstance(data, Tagged):
        data = data.value
    if children is None:
        return where, None
    if isinstance(data, dict):
        return where, {
            key: _convert(file, child, value)
            for (key, value), child in zip(data.items(), children, strict=True)
        }
    if isinstance(data, list):
        return where, [
            _convert(file, child, value) for value, child in zip(data, children, strict=True)
        ]
    return where, None


def uniform(value: Any, where: Location) -> LocTree:
    """A tree shaped like `value` whose every node is at `where` (for synthesised values)."""
    if isinstance(value, dict):
        return where, {key: uniform(item, where) for key, item in value.items()}
    if isinstance(value, list):
        return where, [uniform(item, where) for item in value]
    return where, None


def child(tree: LocTree, key: str | int) -> LocTree:
    """The subtree at `key`, or a scalar node at this tree's location when absent."""
    children = tree[1]
    if isinstance(children, dict) and isinstance(key, str) and key in children:
        return children[key]
    if isinstance(children, list) and isinstance(key, int) and 0 <= key < len(children):
        return children[key]
    return tree[0], None


def at(tree: LocTree, *path: str | int) -> Location:
    """The location of the value at `path`, or of its nearest ancestor."""
    for key in path:
        tree = child(tree, key)
    return tree[0]


def fit(value: Any, tree: LocTree) -> LocTree:
    """Reshape `tree` to `value`: keep matching children, place new ones at the parent."""
    where, children = tree
    if isinstance(value, dict):
        old = children if isinstance(children, dict) else {}
        return where, {
            key: fit(item, old[key]) if key in old else uniform(item, where)
            for key, item in value.items()
        }
    if isinstance(value, list):
        old_list = children if isinstance(children, list) else []
        return where, [
            fit(item, old_list[i]) if i < len(old_list) else uniform(item, where)
            for i, item in enumerate(value)
        ]
    return where, None
