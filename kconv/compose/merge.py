"""The Compose merge rules (`13-merge.md`), used for several files and for `extends`.

Mappings merge key by key (the override wins for scalars); sequences append, dropping exact
duplicates of scalars; `command`, `entrypoint` and `healthcheck.test` are replaced; `ports`,
`expose`, `volumes`, `secrets` and `configs` merge entries that share their unique key
(`kconv.compose.unicity`); a `logging` with another driver replaces the whole `logging`.
A service's `networks` entry without settings (`networks: [front]`) keeps the earlier one's.
`!reset` removes a value, `!override` replaces it without merging. Values arrive normalised
to long syntax, and every merge carries the location trees along.
"""

from __future__ import annotations

from typing import Any

from kconv.compose.loctree import LocTree, child
from kconv.compose.unicity import unique_key
from kconv.yamlio import Tagged

_REPLACED = {("command",), ("entrypoint",), ("healthcheck", "test")}
_KEYED = {"ports", "expose", "volumes", "secrets", "configs"}
# Sequences whose duplicates are kept when a service extends another (05-services.md).
_KEEP_DUPLICATES = {"dns", "dns_search", "env_file", "tmpfs"}
_RESET = object()


def strip_tags(value: Any, tree: LocTree) -> tuple[Any, LocTree]:
    """Resolve tags in a value with nothing to merge into: `!override` kept, `!reset` dropped."""
    if isinstance(value, Tagged):
        if value.tag == "!reset":
            return _RESET, tree
        value = value.value
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        trees: dict[str, LocTree] = {}
        for key, item in value.items():
            item, sub = strip_tags(item, child(tree, key))
            if item is not _RESET:
                out[key] = item
                trees[key] = sub
        return out, (tree[0], trees)
    if isinstance(value, list):
        return _stripped_items(value, tree)
    return value, tree


def _stripped_items(value: list[Any], tree: LocTree) -> tuple[list[Any], LocTree]:
    """The items of a list with their tags resolved (`strip_tags`), `!reset` ones dropped."""
    items: list[Any] = []
    subs: list[LocTree] = []
    for index, item in enumerate(value):
        item, sub = strip_tags(item, child(tree, index))
        if item is not _RESET:
            items.append(item)
            subs.append(sub)
    return items, (tree[0], subs)


def untag_items(value: Any, tree: LocTree) -> tuple[Any, LocTree]:
    """`value` with the tags on list items resolved (`strip_tags`): only the values of
    mapping keys are merged with another file's, so only they keep their tags."""
    if isinstance(value, Tagged):
        inner, sub = untag_items(value.value, tree)
        return Tagged(value.tag, inner), sub
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        trees: dict[str, LocTree] = {}
        for key, item in value.items():
            out[key], trees[key] = untag_items(item, child(tree, key))
        return out, (tree[0], trees)
    if isinstance(value, list):
        return _stripped_items(value, tree)
    return value, tree


def without_tags(value: Any, tree: LocTree) -> tuple[Any, LocTree] | None:
    """`strip_tags`, or None when the whole value is `!reset`."""
    value, tree = strip_tags(value, tree)
    return None if value is _RESET else (value, tree)


def clean(value: Any, tree: LocTree) -> tuple[Any, LocTree]:
    """`strip_tags` for a whole document (a top-level `!reset` gives an empty mapping)."""
    value, tree = strip_tags(value, tree)
    return ({} if value is _RESET else value), tree


def merge(
    base: Any,
    base_tree: LocTree,
    over: Any,
    over_tree: LocTree,
    path: tuple[str, ...] = (),
    *,
    extends: bool = False,
) -> tuple[Any, LocTree]:
    """Merge `over` into `base` (neither is modified). Returns `_RESET` for a `!reset`.

    `extends=True` applies the `extends` variant: `dns`, `dns_search`, `env_file` and `tmpfs`
    keep duplicates.
    """
    if isinstance(over, Tagged):
        if over.tag == "!reset":
            return _RESET, over_tree
        return strip_tags(over.value, over_tree)
    key = _service_key(path)
    if over is None and len(key) == 2 and key[0] == "networks" and isinstance(base, dict):
        # `networks: [front]` (or `front: null`) names the network and sets nothing: as
        # compose-go's mergeNetworks, the earlier entry's `aliases`, `ipv4_address`... stay
        return base, base_tree
    if key in _REPLACED:
        return strip_tags(over, over_tree)
    if key == ("logging",) and _other_driver(base, over):
        return strip_tags(over, over_tree)
    if isinstance(base, dict) and isinstance(over, dict):
        return _merge_mapping(base, base_tree, over, over_tree, path, extends)
    if isinstance(base, list) and isinstance(over, list):
        if len(key) == 1 and key[0] in _KEYED:
            return _merge_keyed(key[0], base, base_tree, over, over_tree, path)
        keep = extends and len(key) == 1 and key[0] in _KEEP_DUPLICATES
        return _merge_sequence(base, base_tree, over, over_tree, keep_duplicates=keep)
    return strip_tags(over, over_tree)


def merge_documents(
    base: dict, base_tree: LocTree, over: dict, over_tree: LocTree
) -> tuple[dict, LocTree]:
    """Merge two whole compose documents."""
    value, tree = merge(base, base_tree, over, over_tree)
    return ({} if value is _RESET else value), tree


def _other_driver(base: Any, over: Any) -> bool:
    """Does `over` set a logging driver other than `base`'s? (then it replaces all of
    `logging`, options included, as compose-go's mergeLogging)"""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return False
    old, new = base.get("driver"), over.get("driver")
    if isinstance(new, Tagged):
        new = new.value
    return old is not None and new is not None and old != new


def _service_key(path: tuple[str, ...]) -> tuple[str, ...]:
    if len(path) >= 3 and path[0] == "services":
        return path[2:]
    return ()


def _merge_mapping(
    base: dict,
    base_tree: LocTree,
    over: dict,
    over_tree: LocTree,
    path: tuple[str, ...],
    extends: bool,
) -> tuple[dict, LocTree]:
    out = dict(base)
    base_children = base_tree[1] if isinstance(base_tree[1], dict) else {}
    trees = {key: base_children.get(key, base_tree) for key in base}
    for key, value in over.items():
        sub = child(over_tree, key)
        if key in base:
            merged, merged_tree = merge(
                base[key], trees[key], value, sub, (*path, key), extends=extends
            )
        else:
            merged, merged_tree = strip_tags(value, sub)
        if merged is _RESET:
            out.pop(key, None)
            trees.pop(key, None)
        else:
            out[key] = merged
            trees[key] = merged_tree
    return out, (over_tree[0] if not base else base_tree[0], trees)


def _merge_sequence(
    base: list,
    base_tree: LocTree,
    over: list,
    over_tree: LocTree,
    *,
    keep_duplicates: bool = False,
) -> tuple[list, LocTree]:
    items = list(base)
    subs = [child(base_tree, i) for i in range(len(base))]
    for index, item in enumerate(over):
        item, sub = strip_tags(item, child(over_tree, index))
        if item is _RESET:
            continue
        if not keep_duplicates and not isinstance(item, (dict, list)) and item in items:
            continue
        items.append(item)
        subs.append(sub)
    return items, (base_tree[0], subs)


def _merge_keyed(
    field: str, base: list, base_tree: LocTree, over: list, over_tree: LocTree, path: tuple
) -> tuple[list, LocTree]:
    items = list(base)
    subs = [child(base_tree, i) for i in range(len(base))]
    positions = {unique_key(field, item): i for i, item in enumerate(items)}
    for index, item in enumerate(over):
        sub = child(over_tree, index)
        key = unique_key(field, item)
        if key in positions:
            at = positions[key]
            merged, merged_tree = merge(items[at], subs[at], item, sub, (*path, str(index)))
            if merged is _RESET:
                continue
            items[at], subs[at] = merged, (sub[0], merged_tree[1])  # located at the override
        else:
            item, sub = strip_tags(item, sub)
            if item is _RESET:
                continue
            positions[key] = len(items)
            items.append(item)
            subs.append(sub)
    return items, (base_tree[0], subs)
