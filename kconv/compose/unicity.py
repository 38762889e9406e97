"""Unique entries in a service's sequences, as compose-go's `EnforceUnicity` keeps them.

`ports`, `expose`, `volumes`, `secrets` and `configs` hold at most one entry per key: a later
entry replaces an earlier one with the same key, in the earlier one's place. The keys work on
short and long syntax alike: a volume, secret or config by its target (a secret's default
target is `/run/secrets/<source>`, a config's `/<source>`), an exposed port by its text, a port
by its host IP, published port, target and protocol (a short-syntax string by its text before
it is normalised, as compose-go). `environment` is a mapping once normalised, so unique already.
"""

from __future__ import annotations

from typing import Any

from kconv.compose.loctree import LocTree, child
from kconv.yamlio import Tagged

UNIQUE_FIELDS = ("ports", "expose", "volumes", "secrets", "configs")
_MOUNT_PREFIX = {"secrets": "/run/secrets", "configs": ""}


def unique_key(field: str, item: Any) -> Any:
    """The key that makes two entries of a `UNIQUE_FIELDS` sequence the same entry."""
    if isinstance(item, Tagged):
        item = item.value
    if field == "ports":
        return _port_key(item)
    if field == "expose":
        return _text(item)
    if field == "volumes":
        return _volume_key(item)
    return _mount_key(_MOUNT_PREFIX[field], item)


def _text(value: Any) -> str:
    from kconv.compose.normalize import scalar_text

    return scalar_text(value)


def _raw(item: Any) -> tuple[str, str]:
    """A key no other entry shares unless it is the same value (left for the schema)."""
    return ("raw", repr(item))


def _port_key(item: Any) -> Any:
    if isinstance(item, dict):
        published = item.get("published")
        return (
            item.get("host_ip") or "0.0.0.0",
            None if published is None else _text(published),
            _text(item.get("target")),
            str(item.get("protocol") or "tcp").lower(),
        )
    if isinstance(item, (str, int)) and not isinstance(item, bool):
        return ("short", _text(item))
    return _raw(item)


def _volume_key(item: Any) -> Any:
    if isinstance(item, dict):
        target = item.get("target")
        return target if isinstance(target, str) else _raw(item)
    if isinstance(item, str):
        from kconv.compose.normalize import split_volume

        parts = split_volume(item)
        return parts[0] if len(parts) == 1 else parts[1]
    return _raw(item)


def _mount_key(prefix: str, item: Any) -> Any:
    if isinstance(item, str):
        return f"{prefix}/{item}"
    if isinstance(item, dict):
        target = item.get("target")
        if isinstance(target, str) and target:
            return target
        if isinstance(item.get("source"), str):
            return f"{prefix}/{item['source']}"
    return _raw(item)


def unique_items(field: str, items: list, tree: LocTree) -> tuple[list, LocTree]:
    """`items` with each later entry replacing the earlier one of the same key, in place."""
    kept: list[Any] = []
    subs: list[LocTree] = []
    positions: dict[Any, int] = {}
    for index, item in enumerate(items):
        key = unique_key(field, item)
        if key in positions:
            kept[positions[key]] = item
            subs[positions[key]] = child(tree, index)
            continue
        positions[key] = len(kept)
        kept.append(item)
        subs.append(child(tree, index))
    return kept, (tree[0], subs)


def enforce_unicity(data: dict, tree: LocTree) -> tuple[dict, LocTree]:
    """The document with the `UNIQUE_FIELDS` of every service made unique (tags kept)."""
    services, tag = _untagged(data.get("services"))
    if not isinstance(services, dict):
        return data, tree
    stree = child(tree, "services")
    out: dict[str, Any] = {}
    trees: dict[str, LocTree] = dict(stree[1]) if isinstance(stree[1], dict) else {}
    for name, service in services.items():
        out[name], trees[name] = _unique_service(service, child(stree, name))
    section = out if tag is None else Tagged(tag, out)
    children = dict(tree[1]) if isinstance(tree[1], dict) else {}
    children["services"] = (stree[0], trees)
    return {**data, "services": section}, (tree[0], children)


def _unique_service(service: Any, tree: LocTree) -> tuple[Any, LocTree]:
    body, tag = _untagged(service)
    if not isinstance(body, dict):
        return service, tree
    out = dict(body)
    children = dict(tree[1]) if isinstance(tree[1], dict) else {}
    for field in UNIQUE_FIELDS:
        items, item_tag = _untagged(body.get(field))
        if isinstance(items, list):
            items, children[field] = unique_items(field, items, child(tree, field))
            out[field] = items if item_tag is None else Tagged(item_tag, items)
    return (out if tag is None else Tagged(tag, out)), (tree[0], children)


def _untagged(value: Any) -> tuple[Any, str | None]:
    """A value and its `!reset`/`!override` tag (None when untagged)."""
    if isinstance(value, Tagged):
        return value.value, value.tag
    return value, None
