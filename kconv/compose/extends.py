"""`extends`: a service built on another one, from the same file or another, recursively.

The base service is merged under the local one with the merge rules (local values win,
sequences append). A base from another file is loaded like any compose file, its relative paths
resolved against its own directory. Cycles are errors that show the chain.
"""

from __future__ import annotations

import os
from typing import Any

from kconv.compose.loctree import LocTree, at, child
from kconv.compose.merge import merge, strip_tags
from kconv.errors import InputError


def resolve_extends(
    data: dict, tree: LocTree, path: str, base_dir: str, context: Any, load_file: Any
) -> tuple[dict, LocTree]:
    """Resolve every `extends` of the services of one loaded file."""
    services = data.get("services")
    if not isinstance(services, dict) or not any(
        isinstance(s, dict) and "extends" in s for s in services.values()
    ):
        return data, tree
    stree = child(tree, "services")
    done: dict[str, tuple[Any, LocTree]] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> tuple[Any, LocTree]:
        if name in done:
            return done[name]
        service = services[name]
        sub = child(stree, name)
        if not isinstance(service, dict) or "extends" not in service:
            done[name] = (service, sub)
            return done[name]
        if name in chain:
            cycle = " -> ".join((*chain[chain.index(name) :], name))
            raise InputError(f"extends cycle: {cycle}", at(sub, "extends"))
        spec = service["extends"]
        spec_tree = child(sub, "extends")
        if isinstance(spec, str):
            spec = {"service": spec}
        target = spec.get("service")
        other = spec.get("file")
        local = {k: v for k, v in service.items() if k != "extends"}
        local_tree = (sub[0], {k: v for k, v in (sub[1] or {}).items() if k != "extends"})
        if other and _same_file(str(other), path):
            other = None  # `file:` naming this very file: a same-file extends
        if other:
            base, base_tree = _from_file(
                str(other), str(target), path, context, load_file, spec_tree, name
            )
        else:
            if target not in services:
                raise InputError(
                    f'services.{name}.extends: there is no service "{target}" in this file',
                    at(spec_tree, "service") if isinstance(spec_tree[1], dict) else spec_tree[0],
                )
            base, base_tree = resolve(str(target), (*chain, name))
        base = {k: v for k, v in (base or {}).items() if k not in ("extends",)}
        _check_healthcheck_disable(name, base, local, local_tree)
        merged, merged_tree = merge(
            base, base_tree, local, local_tree, ("services", name), extends=True
        )
        merged, merged_tree = strip_tags(merged, merged_tree)
        done[name] = (merged, (sub[0], merged_tree[1]))
        return done[name]

    def local_target(name: str) -> str | None:
        """The service `name` extends in this same file, if any."""
        service = services.get(name)
        if not isinstance(service, dict) or not isinstance(service.get("extends"), (str, dict)):
            return None
        spec = service["extends"]
        spec = {"service": spec} if isinstance(spec, str) else spec
        if spec.get("file") and not _same_file(str(spec["file"]), path):
            return None
        target = spec.get("service")
        return str(target) if target in services else None

    resolved = {}
    trees = {}
    for name in services:
        # Resolve long chains from their far end, so `resolve` never recurses deeply.
        chain = [name]
        target = local_target(name)
        while target is not None and target not in done and target not in chain:
            chain.append(target)
            target = local_target(target)
        for index in range(len(chain) - 1, -1, -1):
            resolve(chain[index], tuple(chain[:index]))
        resolved[name], trees[name] = resolve(name, ())
    return {**data, "services": resolved}, (tree[0], {**tree[1], "services": (stree[0], trees)})


def _same_file(other: str, path: str) -> bool:
    if path == "-":
        return False
    here = os.path.dirname(os.path.abspath(path))
    return os.path.abspath(os.path.join(here, other)) == os.path.abspath(path)


def _from_file(
    other: str,
    target: str,
    path: str,
    context: Any,
    load_file: Any,
    spec_tree: LocTree,
    name: str,
) -> tuple[Any, LocTree]:
    here = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
    other_path = other if os.path.isabs(other) else os.path.join(here, other)
    key = os.path.abspath(other_path)
    where = at(spec_tree, "file")
    if key in context.extending:
        chain = " -> ".join((*context.extending, key))
        raise InputError(f"extends cycle between files: {chain}", where)
    if not os.path.isfile(other_path):
        raise InputError(f'services.{name}.extends: no such file "{other}"', where)
    context.extending = (*context.extending, key)
    try:
        data, tree = load_file(other_path, os.path.dirname(key), context, keep_tags=False)
    finally:
        context.extending = context.extending[:-1]
    services = data.get("services") or {}
    if target not in services:
        raise InputError(
            f'services.{name}.extends: there is no service "{target}" in {other}', where
        )
    return services[target], child(child(tree, "services"), target)


def _check_healthcheck_disable(name: str, base: dict, local: dict, local_tree: LocTree) -> None:
    """The spec: a service may not disable a healthcheck its base defines (unless it is off)."""
    local_check = local.get("healthcheck")
    base_check = base.get("healthcheck")
    if not (isinstance(local_check, dict) and local_check.get("disable") is True):
        return
    if isinstance(base_check, dict) and base_check.get("disable") is not True:
        raise InputError(
            f"services.{name}.healthcheck.disable: cannot disable the healthcheck of the "
            "service it extends (compose forbids it); remove `extends` or the base healthcheck",
            at(child(local_tree, "healthcheck"), "disable"),
        )
